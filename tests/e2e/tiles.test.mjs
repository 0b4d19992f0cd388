// A tiled dataset in the page (issue 13): the sample built as tiles of 0.5 km by the real
// builder, served beside the app, and loaded around the starting point. The answers must be
// the single bundle's (`linli nearest --json` on dist/data/futian.linli), found without
// fetching every tile, and a move of the starting point fetches only tiles not fetched yet.
//
//   node --test --test-concurrency=1 tests/e2e/tiles.test.mjs   (after scripts/build-web.sh)

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import {
  WAIT_MS,
  acceptedRouteM,
  atBeijing,
  axeViolations,
  cliNearest,
  cliTop,
  distDir,
  eventually,
  eventuallyEqual,
  launchBrowser,
  newPage,
  readResults,
  repoRoot,
  samplePlaces,
  shownAsCli,
  startDistServer,
} from './lib.mjs';

/** Where the tiles are written: under dist/, so the test server serves them beside the app. */
const TILES = 'data/test-tiles-0.5';
const tilesDir = path.join(distDir, TILES);
/** The places the page makes exact first (`TILED_SCREENFUL` in src/state.rs). */
const SCREENFUL = 10;
/** Daytime in Beijing: the list keeps the route order (no open-first). */
const DAYTIME = '2026-11-24T10:00';

/**
 * Starting points along a line east from Chegongmiao, 0.0012° (about 120 m) apart: four
 * steps span more than one tile's width (0.5 km), so some step crosses a tile border.
 */
const LINE = [0, 1, 2, 3, 4].map((i) => ({ lat: 22.5362, lng: Number((114.0176 + i * 0.0012).toFixed(6)) }));

let server;
let browser;
let tileCount;

before(async () => {
  server = await startDistServer();
  browser = await launchBrowser();
  rmSync(tilesDir, { recursive: true, force: true });
  await promisify(execFile)(
    path.join(repoRoot, 'target', 'release', 'linli'),
    [
      'build',
      '--osm', 'data/osm/shenzhen-futian.osm.pbf',
      '--services', 'data/sample/futian-services.csv',
      '--name', '深圳福田 香蜜湖–车公庙',
      '--tiles-km', '0.5',
      '--out', tilesDir,
    ],
    { cwd: repoRoot },
  );
  tileCount = readdirSync(path.join(tilesDir, 't')).length;
  assert.ok(tileCount > 20, `the sample cut into ${tileCount} tiles`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tilesDir, { recursive: true, force: true });
});

/** A page on the tiled dataset that records every request for a tile. */
async function tiledPage(query) {
  const page = await newPage(browser);
  await atBeijing(page, DAYTIME);
  page.tileRequests = [];
  page.on('request', (r) => {
    if (r.url().includes(`/${TILES}/t/`)) page.tileRequests.push(new URL(r.url()).pathname);
  });
  await page.goto(new URL(`?data=${TILES}/&open=all&${query}`, server.url).href);
  return page;
}

/** Waits until the page's first screenful equals the CLI's (single bundle) and no tile is on its way. */
async function expectFirstResults(page, point, mode) {
  const cli = await cliNearest({ ...point, mode });
  await eventuallyEqual(
    () => shownAsCli(page, cli, SCREENFUL),
    cliTop(cli, SCREENFUL),
    `${mode} from ${point.lat},${point.lng}: the first ${SCREENFUL} results differ from linli nearest on the single bundle`,
  );
  await eventually(
    () => page.evaluate(() => window.__linliTimings?.tilesSearchDone === 1),
    () => 'the search never said it was done',
  );
  return cli;
}

/**
 * Tiles the page asked for itself (the list, the detail, the circle, the whole-area coverage),
 * not counting the background fetch around the starting point (`tilesPrefetched`).
 */
const foreground = (page) => page.evaluate(() => window.__linliCounters?.tilesForeground ?? 0);
const prefetched = (page) => page.evaluate(() => window.__linliCounters?.tilesPrefetched ?? 0);

/**
 * Moves the starting point to about `point` (the map centred there, then "use the map centre";
 * the centre is a pixel's position, so within about 10 m): returns the point the page uses,
 * as its URL says.
 */
async function moveTo(page, point) {
  const before = new URL(page.url()).searchParams.get('lng');
  await page.evaluate(({ lat, lng }) => window.__linliMap.setView([lat, lng], window.__linliMap.getZoom(), { animate: false }), point);
  await page.click('[data-testid=use-map-centre]');
  let now = null;
  await eventually(
    async () => {
      const u = new URL(page.url());
      now = { lat: Number(u.searchParams.get('lat')), lng: Number(u.searchParams.get('lng')) };
      return u.searchParams.get('lng') !== before && Math.abs(now.lat - point.lat) < 1e-4 && Math.abs(now.lng - point.lng) < 1e-4;
    },
    async () => `the starting point did not move to ${point.lat},${point.lng}: ${page.url()}`,
  );
  return now;
}

for (const mode of ['walk', 'ebike']) {
  test(`${mode}: the first results from points across tile borders equal the single bundle's, fetching only missing tiles`, async (t) => {
    const [first, ...rest] = LINE;
    const page = await tiledPage(`lat=${first.lat}&lng=${first.lng}&mode=${mode}`);
    try {
      await expectFirstResults(page, first, mode);
      // The background fetch around the starting point may have begun: count the page's own.
      const firstAnswer = await foreground(page);
      t.diagnostic(`first answer: ${firstAnswer} of ${tileCount} tiles fetched`);
      assert.ok(firstAnswer > 0, 'tiles were fetched');
      assert.ok(
        firstAnswer < tileCount,
        `the first answer fetched ${firstAnswer} of ${tileCount} tiles: not all of them`,
      );
      for (const point of rest) {
        const before = page.tileRequests.length;
        const moved = await moveTo(page, point);
        await expectFirstResults(page, moved, mode);
        const fetched = page.tileRequests.slice(before);
        const again = fetched.filter((t) => page.tileRequests.slice(0, before).includes(t));
        assert.deepEqual(again, [], `moving to ${point.lng} fetched tiles already fetched`);
      }
      const unique = new Set(page.tileRequests);
      assert.equal(unique.size, page.tileRequests.length, 'every tile is fetched once');
      const asked = await foreground(page);
      t.diagnostic(`along the line: ${asked} of ${tileCount} tiles asked for, ${unique.size} fetched with the background fetch`);
      assert.ok(asked < tileCount, `${asked} of ${tileCount} tiles asked for along the line`);
    } finally {
      await page.context().close();
    }
  });
}

test('the map draws the streets of the tiles loaded, and those of tiles that arrive later', async () => {
  const [first] = LINE;
  const page = await tiledPage(`lat=${first.lat}&lng=${first.lng}&mode=walk`);
  try {
    await expectFirstResults(page, first, 'walk');
    // Street lines on the streets' own canvas (every line layer there, counted by line).
    const streetLines = () =>
      page.evaluate(() => {
        let n = 0;
        window.__linliMap?.eachLayer((l) => {
          if (l.options?.renderer?.options?.pane === 'linli-streets' && l.lineCount) n += l.lineCount();
        });
        return n;
      });
    await eventually(async () => (await streetLines()) > 0, async () => 'no street is drawn for the tiles loaded');
    const drawn = await streetLines();
    const fetched = page.tileRequests.length;
    // About 2.5 km north-east, well beyond the tiles fetched so far.
    const moved = await moveTo(page, { lat: 22.5475, lng: 114.0395 });
    await expectFirstResults(page, moved, 'walk');
    assert.ok(page.tileRequests.length > fetched, 'moving 2.5 km away fetched more tiles');
    await eventually(
      async () => (await streetLines()) > drawn,
      async () => `the new tiles' streets are not drawn: still ${await streetLines()} lines`,
    );
  } finally {
    await page.context().close();
  }
});

test('a small move within the loaded area fetches nothing new', async () => {
  const start = LINE[1];
  const page = await tiledPage(`lat=${start.lat}&lng=${start.lng}&mode=walk`);
  try {
    await expectFirstResults(page, start, 'walk');
    const before = await foreground(page);
    const near = { lat: start.lat, lng: Number((start.lng + 0.0002).toFixed(6)) };
    const moved = await moveTo(page, near);
    await expectFirstResults(page, moved, 'walk');
    // Only the background fetch (tiles within 1 km, each once) may fetch more.
    assert.equal(await foreground(page), before, 'a 20 m move asked for tiles');
    assert.equal(new Set(page.tileRequests).size, page.tileRequests.length, 'a tile was fetched twice');
  } finally {
    await page.context().close();
  }
});

test('kind filter, more places, and a detail with the single bundle distance', async () => {
  const point = LINE[2];
  const page = await tiledPage(`lat=${point.lat}&lng=${point.lng}&mode=walk&kind=canteen`);
  try {
    const canteens = await cliNearest({ ...point, mode: 'walk', kind: 'canteen' });
    await eventuallyEqual(
      () => shownAsCli(page, canteens, SCREENFUL),
      cliTop(canteens, SCREENFUL),
      'the first canteens differ from linli nearest --kind canteen',
    );
    // More places: the next screenful, still in the single bundle's order.
    await page.click('[data-testid=tiles-more]');
    const n = Math.min(canteens.length, 2 * SCREENFUL);
    await eventuallyEqual(() => shownAsCli(page, canteens, n), cliTop(canteens, n), 'after "more places"');
    // The detail of the third place: its distance is the CLI's.
    const third = (await readResults(page))[2];
    await page.locator(`[data-testid=result][data-service-id="${third.id}"] .result-main`).click();
    const distance = page.locator('[data-testid=detail-distance]');
    await distance.waitFor({ timeout: WAIT_MS });
    assert.ok(
      acceptedRouteM(canteens[2].route_m).includes(await distance.getAttribute('data-route-m')),
      `detail distance ${await distance.getAttribute('data-route-m')}, CLI ${canteens[2].route_m}`,
    );
    // Its full record (address) came with its tile.
    const address = samplePlaces().get(canteens[2].id)?.address;
    if (address) {
      await eventually(
        async () => (await page.locator('[data-testid=service-detail]').innerText()).includes(address),
        () => `the detail never showed the address ${address}`,
      );
    }
  } finally {
    await page.context().close();
  }
});

test('coverage on a partly loaded area says so', async () => {
  const point = LINE[0];
  const page = await tiledPage(`lat=${point.lat}&lng=${point.lng}&mode=walk&lang=en`);
  try {
    await expectFirstResults(page, point, 'walk');
    await page.click('[data-testid=coverage-toggle]');
    const note = page.locator('[data-testid=coverage-partial]');
    await note.waitFor({ timeout: WAIT_MS });
    assert.match(await note.innerText(), /Part of the area is not loaded yet/);
  } finally {
    await page.context().close();
  }
});

/** `linli coverage --json` on a bundle file or a tiled folder. */
async function cliCoverageOf(bundle, { kind, mode }) {
  const { stdout } = await promisify(execFile)(
    path.join(repoRoot, 'target', 'release', 'linli'),
    ['coverage', '--bundle', bundle, '--kind', kind, '--mode', mode, '--json'],
    { cwd: repoRoot },
  );
  return JSON.parse(stdout);
}

test('after the first answer, the tiles around the starting point are fetched in the background, each once', async () => {
  const point = LINE[2];
  const page = await tiledPage(`lat=${point.lat}&lng=${point.lng}&mode=walk`);
  try {
    await expectFirstResults(page, point, 'walk');
    const asked = await foreground(page);
    // Wait until the background fetch is over: nothing new for 1.5 s and nothing on its way.
    let last = -1;
    await eventually(
      async () => {
        const now = page.tileRequests.length;
        const idle = await page.evaluate(() => window.__linliTimings?.tilesFetched);
        const settled = now === last && idle === now;
        last = now;
        if (!settled) await new Promise((r) => setTimeout(r, 1500));
        return settled;
      },
      () => 'the background fetch never ended',
    );
    const background = await prefetched(page);
    assert.ok(background > 0, 'the tiles around the starting point were fetched in the background');
    assert.equal(await foreground(page), asked, 'the background fetch is counted apart from the page\'s own requests');
    assert.equal(page.tileRequests.length, asked + background, 'every request is one of the two');
    assert.equal(new Set(page.tileRequests).size, page.tileRequests.length, 'a tile was fetched twice');
    assert.ok(page.tileRequests.length < tileCount, `${page.tileRequests.length} of ${tileCount} tiles: not the whole area`);
    // A move within the area fetched in the background asks for nothing.
    const moved = await moveTo(page, { lat: point.lat + 0.003, lng: point.lng });
    await expectFirstResults(page, moved, 'walk');
    assert.equal(await foreground(page), asked, 'a 300 m move within the prefetched area asked for tiles');
  } finally {
    await page.context().close();
  }
});

test('coverage of the whole area: every tile once, with progress, a tap handled meanwhile, and linli coverage\'s shares', async () => {
  const point = LINE[0];
  const page = await tiledPage(`lat=${point.lat}&lng=${point.lng}&mode=walk&lang=en`);
  try {
    await expectFirstResults(page, point, 'walk');
    await page.click('[data-testid=coverage-toggle]');
    await page.locator('[data-testid=coverage-partial]').waitFor({ timeout: WAIT_MS });
    // Every phase and count the progress shows, as it shows them.
    await page.evaluate(() => {
      window.__progressSeen = [];
      new MutationObserver(() => {
        const p = document.querySelector('[data-testid=coverage-progress]');
        if (p) {
          const seen = `${p.dataset.phase} ${p.dataset.value}/${p.dataset.max}`;
          if (window.__progressSeen.at(-1) !== seen) window.__progressSeen.push(seen);
        }
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    // Tiles take 150 ms each from now on: the run lasts long enough to tap during it.
    await page.route(`**/${TILES}/t/**`, async (route) => {
      await new Promise((r) => setTimeout(r, 150));
      await route.continue();
    });
    await page.click('[data-testid=coverage-whole]');
    const bar = page.getByRole('progressbar', { name: /Downloading the whole area: \d+ of \d+ parts/ });
    await bar.waitFor({ timeout: WAIT_MS });
    assert.equal(await bar.getAttribute('max'), String(tileCount), 'the progress counts every tile');
    // A tap during the run is handled: the mode changes, and the run starts again for it.
    await page.click('[data-testid=mode-ebike]');
    assert.equal(await page.getAttribute('[data-testid=mode-ebike]', 'aria-pressed'), 'true', 'the tap on "e-bike" was handled');
    assert.equal(await page.locator('[data-testid=coverage-progress]').count(), 1, 'the run was still going when the tap was handled');
    const summary = page.locator('[data-testid=coverage-summary][data-whole=true]');
    await summary.waitFor({ timeout: 6 * WAIT_MS });
    const shown = await summary.evaluate((e) => ({ ...e.dataset }));
    assert.equal(await page.locator('[data-testid=coverage-partial]').count(), 0, 'the partial note is gone');
    assert.equal(await page.locator('[data-testid=coverage-progress]').count(), 0, 'the progress is gone');
    const seen = await page.evaluate(() => window.__progressSeen);
    assert.ok(seen.some((s) => s.startsWith('fetch ')), `the download was shown: ${seen.join(', ')}`);
    const fetchCounts = seen.filter((s) => s.startsWith('fetch ')).map((s) => Number(s.split(' ')[1].split('/')[0]));
    assert.ok(fetchCounts.length >= 3, `the download count moved: ${seen.join(', ')}`);
    // Every tile, each once.
    assert.equal(new Set(page.tileRequests).size, tileCount, 'every tile was fetched');
    assert.equal(page.tileRequests.length, tileCount, 'no tile was fetched twice');
    // The shares are those of linli coverage on the tiled folder, and on the single bundle.
    for (const bundle of [tilesDir, 'dist/data/futian.linli']) {
      const cli = await cliCoverageOf(bundle, { kind: 'centre', mode: 'ebike' });
      for (const k of ['5', '10', '15']) {
        const a = Number(shown[`share-${k}`]);
        assert.ok(Math.abs(a - cli[`share_${k}`]) < 1.5e-4, `${bundle}: share within ${k} min, page ${a} vs CLI ${cli[`share_${k}`]}`);
      }
      assert.ok(Math.abs(Number(shown.streetM) - cli.street_m) < 0.2, `${bundle}: street length ${shown.streetM} vs ${cli.street_m}`);
      assert.ok(Math.abs(Number(shown.maxMinutes) - cli.max_minutes) < 0.06, `${bundle}: max minutes ${shown.maxMinutes} vs ${cli.max_minutes}`);
    }
    // Another kind: computed again over the loaded area, nothing fetched.
    await page.click('[data-testid=coverage-kind-canteen]');
    const cli = await cliCoverageOf(tilesDir, { kind: 'canteen', mode: 'ebike' });
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=coverage-summary][data-whole=true]')?.dataset['share-10'] === want,
      cli.share_10.toFixed(4),
    );
    assert.equal(page.tileRequests.length, tileCount, 'another kind fetched nothing');
  } finally {
    await page.context().close();
  }
});

test('the whole-area coverage can be cancelled, and a failed tile shows an error with a retry', async () => {
  const point = LINE[0];
  const page = await tiledPage(`lat=${point.lat}&lng=${point.lng}&mode=walk&lang=en`);
  try {
    await expectFirstResults(page, point, 'walk');
    await page.click('[data-testid=coverage-toggle]');
    let fail = true;
    await page.route(`**/${TILES}/t/**`, async (route) => {
      await new Promise((r) => setTimeout(r, 150));
      return fail ? route.fulfill({ status: 503, body: 'down' }) : route.continue();
    });
    await page.click('[data-testid=coverage-whole]');
    const failed = page.locator('[data-testid=coverage-progress][data-phase=failed]');
    await failed.waitFor({ timeout: WAIT_MS });
    assert.match(await failed.innerText(), /could not be loaded/);
    assert.deepEqual(await axeViolations(page, {}, '[data-testid=coverage-progress]'), [], 'axe on the failed run');
    fail = false;
    await page.click('[data-testid=coverage-whole-retry]');
    await page.locator('[data-testid=coverage-progress][data-phase=fetch]').waitFor({ timeout: WAIT_MS });
    assert.deepEqual(await axeViolations(page, {}, '.coverage-info'), [], 'axe on the coverage view with its progress bar');
    await page.click('[data-testid=coverage-cancel]');
    await page.locator('[data-testid=coverage-whole]').waitFor({ timeout: WAIT_MS });
    assert.equal(await page.locator('[data-testid=coverage-progress]').count(), 0, 'cancelled: no progress');
    await page.locator('[data-testid=coverage-partial]').waitFor({ timeout: WAIT_MS });
  } finally {
    await page.context().close();
  }
});

test('the service worker keeps the tiles a visit used: a reload with no network answers the same', async () => {
  const point = LINE[0];
  const page = await tiledPage(`lat=${point.lat}&lng=${point.lng}&mode=walk`);
  try {
    const cli = await expectFirstResults(page, point, 'walk');
    // The first visit is never taken over by the worker (no clients.claim): once it is
    // active, a reload goes through it and fills linli-tiles.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await expectFirstResults(page, point, 'walk');
    let kept = [];
    await eventually(
      async () => {
        kept = await page.evaluate(async () =>
          (await caches.has('linli-tiles')) ? (await (await caches.open('linli-tiles')).keys()).map((r) => new URL(r.url).pathname) : [],
        );
        return kept.some((p) => p.endsWith('/index.txt')) && kept.some((p) => /\/m\.[0-9a-f]{16}\.linli$/.test(p)) && kept.some((p) => /\/t\//.test(p));
      },
      () => `linli-tiles holds ${JSON.stringify(kept)}`,
    );
    await page.context().setOffline(true);
    await page.reload();
    await eventuallyEqual(() => shownAsCli(page, cli, SCREENFUL), cliTop(cli, SCREENFUL), 'offline: the first results differ');
  } finally {
    await page.context().close();
  }
});
