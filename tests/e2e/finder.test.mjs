// End-to-end tests of the finder page in Chromium, against the built app in dist/.
// The expected answers come from the `linli` CLI on the same bundle: a result on
// the command line must be the result on the page.
//
//   npm run test:e2e      (needs dist/ from scripts/build-web.sh and target/*/linli)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import {
  PHONE,
  WAIT_MS,
  acceptedRouteM,
  atBeijing,
  cliNearest,
  cliTop,
  eventually,
  eventuallyEqual,
  launchBrowser,
  newPage,
  readResults,
  samplePlaces,
  screenshot,
  shownAsCli,
  startDistServer,
  tapEmptyMap,
  waitForResults,
  wasmCompiledDuring,
} from './lib.mjs';

const require = createRequire(import.meta.url);

/** Chegongmiao (车公庙), inside the sample area. */
const CGM = { lat: 22.535, lng: 114.02 };
const CGM_QUERY = `?lat=${CGM.lat}&lng=${CGM.lng}`;
const MODES = ['walk', 'ebike', 'stepfree'];
const CJK = /[\u4e00-\u9fff]/;
/** A mid-size phone (390×844), as in the benchmarks. */
const PHONE_390 = { viewport: { width: 390, height: 844 }, ...PHONE };

let server;
let browser;

before(async () => {
  server = await startDistServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The app's URL with a query string such as '?lang=en'. */
const appUrl = (query = '') => new URL(query, server.url).href;

/**
 * In the evening and at night the list puts open places first (issue 9); these tests compare
 * the list with the CLI's route order, so their clock shows a Tuesday morning in Beijing.
 */
const DAYTIME = '2026-11-24T10:00';

/** A page showing results from Chegongmiao, given by the URL. */
async function pageAtChegongmiao(options) {
  const page = await newPage(browser, options);
  await atBeijing(page, DAYTIME);
  await page.goto(appUrl(CGM_QUERY));
  await waitForResults(page);
  return page;
}

/** data-route-m of the result for place `id`: null when empty, '(not shown)' when there is no such result. */
const routeOf = (page, id) =>
  page.evaluate((id) => {
    const el = document.querySelector(`[data-testid=result][data-service-id="${CSS.escape(id)}"]`);
    return el ? el.getAttribute('data-route-m') || null : '(not shown)';
  }, id);

test('a. located by GPS at Chegongmiao, the first results equal the CLI (walk)', async () => {
  const page = await newPage(browser, {
    permissions: ['geolocation'],
    geolocation: { latitude: CGM.lat, longitude: CGM.lng },
  });
  try {
    await atBeijing(page, DAYTIME);
    await page.goto(appUrl());
    await page.click('[data-testid=locate]');
    await page.locator('[data-testid=origin-status][data-origin=gps]').waitFor({ state: 'attached' });
    await waitForResults(page);

    const cli = await cliNearest({ ...CGM, mode: 'walk' });
    await eventuallyEqual(() => shownAsCli(page, cli, 5), cliTop(cli, 5), 'first 5 results (id, route m) differ from the CLI');

    const first = page.locator('[data-testid=result]').first();
    assert.equal(await first.getAttribute('data-service-id'), cli[0].id);
    assert.ok(
      acceptedRouteM(cli[0].route_m).includes(await first.getAttribute('data-route-m')),
      `first result's data-route-m should be ${String(Math.round(cli[0].route_m))} (CLI ${cli[0].route_m} m)`,
    );
  } finally {
    await page.context().close();
  }
});

test('b. each travel mode ranks as the CLI does, and walk and e-bike differ somewhere', async () => {
  const page = await pageAtChegongmiao();
  try {
    const byMode = {};
    for (const mode of MODES) {
      byMode[mode] = await cliNearest({ ...CGM, mode });
      await page.click(`[data-testid=mode-${mode}]`);
      await eventuallyEqual(
        () => shownAsCli(page, byMode[mode], 5),
        cliTop(byMode[mode], 5),
        `mode ${mode}: first 5 results differ from the CLI`,
      );
    }

    // A place whose route differs between walking and e-biking (the sample has
    // one-way streets and walking-only paths). Prefer one reachable in both modes.
    const walkById = new Map(byMode.walk.map((it) => [it.id, it]));
    const differing = byMode.ebike
      .map((ebike) => ({ ebike, walk: walkById.get(ebike.id) }))
      .filter(({ ebike, walk }) => acceptedRouteM(ebike.route_m)[0] !== acceptedRouteM(walk.route_m)[0])
      .sort((a, b) => (a.ebike.route_m == null) - (b.ebike.route_m == null));
    assert.ok(differing.length > 0, 'the CLI gives the same route length in walk and ebike modes for every place');
    const { walk, ebike } = differing[0];

    for (const [mode, item] of [['walk', walk], ['ebike', ebike]]) {
      await page.click(`[data-testid=mode-${mode}]`);
      await eventually(
        async () => acceptedRouteM(item.route_m).includes(await routeOf(page, item.id)),
        async () =>
          `mode ${mode}: ${item.id} shows data-route-m=${JSON.stringify(await routeOf(page, item.id))}, ` +
          `CLI route_m=${item.route_m}`,
      );
    }
  } finally {
    await page.context().close();
  }
});

test('c. selecting a result opens its detail and draws the route on the map', async () => {
  const page = await pageAtChegongmiao();
  try {
    const cli = await cliNearest({ ...CGM, mode: 'walk' });
    const place = samplePlaces().get(cli[0].id);

    await page.locator('[data-testid=result]').first().click();
    const detail = page.locator('[data-testid=service-detail]');
    await detail.waitFor({ state: 'visible' });
    assert.ok((await detail.innerText()).includes(cli[0].name), `the detail should name ${cli[0].name}`);

    const route = page.locator('[data-testid=map] path.linli-route');
    await eventually(
      async () => ((await route.count()) > 0 ? Boolean(await route.first().getAttribute('d')) : false),
      async () => `no path.linli-route with a non-empty d in the map (found ${await route.count()} such paths)`,
    );

    // Directions (issue 11), not just a marker: from the link's starting point, walking.
    const amap = await detail.locator('[data-testid=amap-link]').getAttribute('href');
    assert.ok(amap?.startsWith('https://uri.amap.com/navigation?from='), `amap-link href: ${amap}`);
    assert.ok(amap.includes('&mode=walk&') && amap.includes('coordinate=gaode'), `amap-link href: ${amap}`);
    const geo = await detail.locator('[data-testid=geo-link]').getAttribute('href');
    assert.ok(geo?.startsWith('geo:'), `geo-link href: ${geo}`);
    if (place.phone) {
      const tel = await detail.locator('[data-testid=detail-phone]').getAttribute('href');
      assert.ok(tel?.startsWith('tel:'), `detail-phone href: ${tel}`);
    }

    await page.click('[data-testid=detail-close]');
    await detail.waitFor({ state: 'hidden' });
  } finally {
    await page.context().close();
  }
});

test('d. the kind filter shows only canteens, ranked as the CLI does, and "all" restores every place', async () => {
  const page = await pageAtChegongmiao();
  try {
    const canteens = await cliNearest({ ...CGM, mode: 'walk', kind: 'canteen' });
    const all = await cliNearest({ ...CGM, mode: 'walk' });

    await page.click('[data-testid=kind-canteen]');
    await eventuallyEqual(() => shownAsCli(page, canteens), cliTop(canteens), 'canteen results differ from CLI --kind canteen');
    const kinds = (await readResults(page)).map((r) => r.kind);
    assert.ok(kinds.every((k) => k === 'canteen'), `data-kind of the results: ${kinds.join(', ')}`);

    await page.click('[data-testid=kind-all]');
    await eventuallyEqual(async () => (await readResults(page)).length, all.length, 'number of results with kind-all');
  } finally {
    await page.context().close();
  }
});

test('e. the microwave filter keeps exactly the places that have one', async () => {
  const page = await pageAtChegongmiao();
  try {
    const places = samplePlaces();
    const all = await cliNearest({ ...CGM, mode: 'walk' });
    const expected = all.filter((it) => places.get(it.id).services.includes('microwave')).map((it) => it.id);
    assert.ok(expected.length > 0 && expected.length < all.length, 'the sample should have some places with a microwave');

    const toggle = page.locator('[data-testid=filter-microwave]');
    await toggle.click();
    await eventuallyEqual(() => toggle.getAttribute('aria-pressed'), 'true', 'aria-pressed of filter-microwave');

    await eventuallyEqual(
      async () => (await readResults(page)).length,
      expected.length,
      'number of results with the microwave filter (CLI results whose place has microwave)',
    );
    const shown = await readResults(page);
    const without = shown.filter((r) => !r.services.includes('microwave')).map((r) => r.id);
    assert.deepEqual(without, [], 'results without microwave in data-services');
    assert.deepEqual(
      shown.map((r) => r.id),
      expected,
      'the places with a microwave, nearest first as the CLI ranks them',
    );
  } finally {
    await page.context().close();
  }
});

test('f. "open now" at 11:30 on a Tuesday keeps only open places', async () => {
  const page = await newPage(browser);
  try {
    // Tuesday 24 November 2026, 11:30 in Beijing; set before the app reads the clock.
    await page.clock.setFixedTime(new Date('2026-11-24T03:30:00Z'));
    await page.goto(appUrl(CGM_QUERY));
    await waitForResults(page);
    const before = (await readResults(page)).length;

    await page.click('[data-testid=open-now]');
    await eventually(
      async () => {
        const shown = await readResults(page);
        return shown.length < before && shown.every((r) => r.openState === 'open' || r.openState === 'closing');
      },
      async () => {
        const shown = await readResults(page);
        return (
          `with open-now on: ${shown.length} results (before: ${before}); ` +
          `states: ${shown.map((r) => `${r.id}=${r.openState}`).join(', ')}`
        );
      },
    );
    assert.ok((await readResults(page)).length > 0, 'some sample places are open on Tuesday at 11:30');
  } finally {
    await page.context().close();
  }
});

test('g. when geolocation is denied, the user is told to choose on the map, and a map click sets the origin', async () => {
  const page = await newPage(browser); // no geolocation permission: Chromium denies it
  try {
    await page.goto(appUrl());
    await page.click('[data-testid=locate]');
    const error = page.locator('[data-testid=location-error]');
    await error.waitFor({ state: 'visible' });
    const text = await error.innerText();
    assert.ok(text.includes('地图'), `location-error should mention choosing on the map (地图): "${text}"`);

    await tapEmptyMap(page); // where no marker is
    await page.locator('[data-testid=origin-status][data-origin=map]').waitFor({ state: 'attached' });
    await waitForResults(page);
    const first = (await readResults(page))[0];
    assert.match(first.routeM ?? '', /^\d+$/, `first result's data-route-m after a map click: ${first.routeM}`);
  } finally {
    await page.context().close();
  }
});

test('h. without a starting point, places are ranked from the map centre', async () => {
  const page = await newPage(browser);
  try {
    await page.goto(appUrl());
    await waitForResults(page);
    const origin = await page.locator('[data-testid=origin-status]').getAttribute('data-origin');
    assert.equal(origin, 'centre', 'data-origin of origin-status');
  } finally {
    await page.context().close();
  }
});

test('i. a missing data bundle shows a load error with a retry button', async () => {
  const page = await newPage(browser);
  try {
    await page.goto(appUrl('?data=data/missing.linli'));
    const error = page.locator('[data-testid=load-error]');
    await error.waitFor({ state: 'visible' });
    await error.locator('[data-testid=retry]').waitFor({ state: 'visible' });
    // The map area does not keep saying that the map is loading (Leaflet runs once the data
    // has failed, as it does once the first results are shown).
    await page.locator('[data-testid=map-loading]').waitFor({ state: 'detached' });
  } finally {
    await page.context().close();
  }
});

test('i. a corrupt data bundle is explained in plain words, and retry loads the real one', async () => {
  const page = await newPage(browser);
  try {
    const corrupt = '**/data/futian.linli';
    await page.route(corrupt, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/octet-stream',
        // A real signature and format version 1, then damage: the checksum cannot match.
        body: Buffer.concat([Buffer.from('LINLI\0BN\x01\x00', 'latin1'), Buffer.from('garbage, not a bundle'.repeat(8))]),
      }),
    );
    await page.goto(appUrl(CGM_QUERY));
    const error = page.locator('[data-testid=load-error]');
    await error.waitFor({ state: 'visible' });
    const text = await error.innerText();
    assert.ok(/损坏/.test(text), `load-error should say the data is damaged (损坏): "${text}"`);

    await page.unroute(corrupt);
    await error.locator('[data-testid=retry]').click();
    await waitForResults(page);
  } finally {
    await page.context().close();
  }
});

test('j. ?lang=en shows the controls in English', async () => {
  const page = await newPage(browser);
  try {
    await page.goto(appUrl('?lang=en'));
    await waitForResults(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    const walk = await page.locator('[data-testid=mode-walk]').innerText();
    assert.ok(walk.includes('Walk'), `mode-walk text: "${walk}"`);
    const controls = await page.locator('[data-testid=controls]').innerText();
    const chinese = controls.split('\n').filter((line) => CJK.test(line));
    assert.deepEqual(chinese, [], 'lines of the controls with Chinese characters');
  } finally {
    await page.context().close();
  }
});

const LAYOUTS = [
  { name: 'phone', options: PHONE_390, noSideScroll: true },
  { name: 'desktop', options: { viewport: { width: 1366, height: 900 } }, noSideScroll: false },
  { name: 'embed-320', options: { viewport: { width: 320, height: 640 } }, noSideScroll: true },
];

/**
 * Buttons, links and inputs in the controls and the results smaller than 44×44 CSS
 * px. An input counts with its labels, since a click on the label works it too.
 * Elements that are not rendered (display: none, detached) are left out.
 */
async function smallTargets(page) {
  return page.evaluate(() => {
    const selector = 'button, a[href], input, select, textarea, [role=button]';
    const scopes = document.querySelectorAll('[data-testid=controls], [data-testid=result]');
    const targets = new Set(
      [...scopes].flatMap((scope) => [scope, ...scope.querySelectorAll(selector)].filter((el) => el.matches(selector))),
    );
    const describe = (el) =>
      el.getAttribute('data-testid') ??
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
    const small = [];
    for (const el of targets) {
      if (el.getClientRects().length === 0) continue;
      const rects = [el, ...(el.labels ?? [])].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
      const left = Math.min(...rects.map((r) => r.left));
      const right = Math.max(...rects.map((r) => r.right));
      const top = Math.min(...rects.map((r) => r.top));
      const bottom = Math.max(...rects.map((r) => r.bottom));
      const [w, h] = [right - left, bottom - top];
      // Half a pixel of slack for sub-pixel layout.
      if (w < 43.5 || h < 43.5) small.push(`${describe(el)} ${w.toFixed(1)}×${h.toFixed(1)}`);
    }
    return small;
  });
}

for (const layout of LAYOUTS) {
  test(`k. ${layout.name} layout (${layout.options.viewport.width}×${layout.options.viewport.height}): screenshot, no side scroll, 44 px targets`, async (t) => {
    const page = await pageAtChegongmiao(layout.options);
    try {
      t.diagnostic(`screenshot: ${await screenshot(page, layout.name)}`);
      if (layout.noSideScroll) {
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        assert.ok(scrollWidth <= innerWidth, `horizontal scroll: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`);
      }
      const small = await smallTargets(page);
      assert.deepEqual(small, [], `controls smaller than 44×44 CSS px:\n  ${small.join('\n  ')}`);
    } finally {
      await page.context().close();
    }
  });
}

/** axe-core on the page as it is: the violations as readable lines. */
async function axeViolations(page) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const { violations } = await page.evaluate(() => window.axe.run());
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
}

test('l. axe-core finds no accessibility violations on the phone, with results and with the detail open', async () => {
  // bypassCSP: axe is injected as an inline script, which the app's CSP may forbid.
  const page = await pageAtChegongmiao({ ...LAYOUTS[0].options, bypassCSP: true });
  try {
    const withResults = await axeViolations(page);
    await page.locator('[data-testid=result]').first().click();
    await page.locator('[data-testid=service-detail]').waitFor({ state: 'visible' });
    const withDetail = await axeViolations(page);
    assert.deepEqual(
      { withResults, withDetail },
      { withResults: [], withDetail: [] },
      `axe violations:\nwith results:\n  ${withResults.join('\n  ') || 'none'}\nwith the detail open:\n  ${withDetail.join('\n  ') || 'none'}`,
    );
  } finally {
    await page.context().close();
  }
});

test('m. a normal load logs no console errors or warnings and throws no page errors', async (t) => {
  const page = await newPage(browser);
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') errors.push(`console.${msg.type()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  try {
    await page.goto(appUrl(CGM_QUERY));
    await waitForResults(page);
    await page.waitForLoadState('networkidle', { timeout: WAIT_MS });
    if (page.externalRequests.length > 0) {
      t.diagnostic(`requests to other hosts (answered offline): ${[...new Set(page.externalRequests.map((u) => new URL(u).host))].join(', ')}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.context().close();
  }
});

// Text enlarged by the page's root font-size after loading (another way text grows, besides
// the browser's default size used in phone.test.mjs): the app re-measures and re-lays out.
test('n. at 200 % text size the phone layout still fits: no side scroll, nothing clipped', async () => {
  const page = await newPage(browser, PHONE_390);
  try {
    await page.goto(appUrl(CGM_QUERY));
    await waitForResults(page);
    // What a browser's "text size 200 %" does to a page sized in rem: the root font doubles.
    await page.evaluate(() => {
      document.documentElement.style.fontSize = '225%'; // the app's own 112.5 %, doubled
    });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 200 % text`);
    // Every result's name and distance are still inside the panel.
    const clipped = await page.$$eval('[data-testid=result]', (items) => {
      const panel = document.querySelector('.panel').getBoundingClientRect();
      return items
        .slice(0, 5)
        .filter((li) => {
          const r = li.getBoundingClientRect();
          return r.left < panel.left - 1 || r.right > panel.right + 1;
        })
        .map((li) => li.dataset.serviceId);
    });
    assert.deepEqual(clipped, [], 'results wider than the panel');
    await screenshot(page, 'phone-text-200');
  } finally {
    await page.context().close();
  }
});

// Leaflet ends a zoom animation by setting the view it animated to, so a pan made during one is
// undone. The map's first placement (from a link's starting point) is not something anybody
// follows: it is made without animation, and a pan made as soon as the map is there is kept.
test('o. a link with a starting point places the map without a zoom animation, and a pan made at once is kept', async () => {
  const page = await newPage(browser);
  try {
    // Counts the zoom animations: Leaflet marks its map pane `leaflet-zoom-anim` during one.
    await page.addInitScript(() => {
      window.__zoomAnims = 0;
      new MutationObserver((records) => {
        for (const r of records) if (r.target.classList?.contains('leaflet-zoom-anim')) window.__zoomAnims += 1;
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });
    });
    await atBeijing(page, DAYTIME);
    await page.goto(appUrl(CGM_QUERY));
    await waitForResults(page);
    const [first] = await cliNearest({ ...CGM, mode: 'walk' });
    // The map shows the starting point and the first result together.
    await eventually(
      () =>
        page.evaluate(
          ([a, b]) => {
            const bounds = window.__linliMap?.getBounds();
            return Boolean(bounds?.contains([a.lat, a.lng]) && bounds.contains([b.lat, b.lng]));
          },
          [CGM, first],
        ),
      () => 'the map never showed the starting point and the first result',
    );
    // A pan at once (as a finger would), then longer than Leaflet's 250 ms zoom animation.
    const away = { lat: 22.5405, lng: 114.0235 };
    await page.evaluate((p) => window.__linliMap.setView([p.lat, p.lng], window.__linliMap.getZoom(), { animate: false }), away);
    await page.waitForTimeout(500);
    const centre = await page.evaluate(() => window.__linliMap.getCenter());
    // Within a pixel's rounding (a few metres); the undone pan was 500 m off.
    assert.ok(
      Math.abs(centre.lat - away.lat) < 5e-5 && Math.abs(centre.lng - away.lng) < 5e-5,
      `the pan was undone: the map centre is ${centre.lat},${centre.lng}, not ${away.lat},${away.lng}`,
    );
    assert.equal(await page.evaluate(() => window.__zoomAnims), 0, 'zoom animations while the map was placed');
    // The counter does see an animated zoom (the check above is not blind).
    await page.evaluate(() => window.__linliMap.zoomOut());
    await eventually(
      () => page.evaluate(() => window.__zoomAnims > 0),
      () => 'an animated zoomOut() was not seen',
    );
  } finally {
    await page.context().close();
  }
});

/**
 * The markers on the map, each as "id-or-group|state|count|x,y" (its place, open state, how
 * many places it stands for, its pixel position in the map's container), sorted; `tagged`
 * counts those whose element carries the mark `tagMarkers` put on.
 */
const markerSnapshot = (page) =>
  page.evaluate(() => {
    const els = [...document.querySelectorAll('[data-testid=map] .linli-marker, [data-testid=map] .linli-cluster')];
    const origin = document.querySelector('[data-testid=map]').getBoundingClientRect();
    const looks = els
      .map((el) => {
        const pin = el.querySelector('.pin');
        const box = el.getBoundingClientRect();
        const count = Number(el.querySelector('.cluster')?.dataset.count ?? 1);
        return `${pin?.dataset.serviceId ?? 'group'}|${pin?.dataset.state ?? ''}|${count}|${Math.round(box.x - origin.x)},${Math.round(box.y - origin.y)}`;
      })
      .sort();
    return {
      looks,
      places: els.reduce((n, el) => n + Number(el.querySelector('.cluster')?.dataset.count ?? 1), 0),
      ringed: els.filter((el) => el.querySelector('.pin-svg circle[r="21"]')).map((el) => el.querySelector('.pin')?.dataset.serviceId),
      tagged: els.filter((el) => el.__linliTag).length,
      total: els.length,
    };
  });
const tagMarkers = (page) =>
  page.evaluate(() => {
    for (const el of document.querySelectorAll('[data-testid=map] .linli-marker, [data-testid=map] .linli-cluster')) el.__linliTag = true;
  });

// The markers are redrawn in place: a redraw keeps every marker whose look did not change and
// makes only the others, and what it leaves on the map equals a redraw from nothing.
test('p. back from a place changes only the markers that differ, and the map equals a full redraw', async () => {
  const page = await pageAtChegongmiao();
  try {
    const results = await readResults(page);
    const first = results[0].id;
    await page.locator('[data-testid=result] .result-main').first().click();
    await page.locator('[data-testid=service-detail]').waitFor();
    // The chosen place's marker has the ring; the zoom to its route has ended.
    await eventually(
      async () => {
        const s = await markerSnapshot(page);
        return s.ringed.length === 1 && s.ringed[0] === first;
      },
      async () => `the chosen marker is not ringed: ${JSON.stringify((await markerSnapshot(page)).ringed)}`,
    );
    await page.waitForTimeout(600);
    const zoom = await page.evaluate(() => window.__linliMap.getZoom());
    await tagMarkers(page);
    const open = await markerSnapshot(page);
    assert.equal(open.tagged, open.total);

    await page.click('[data-testid=detail-close]');
    await waitForResults(page);
    await eventually(
      async () => (await markerSnapshot(page)).ringed.length === 0,
      () => 'a marker still has the ring after back',
    );
    const back = await markerSnapshot(page);
    assert.equal(await page.evaluate(() => window.__linliMap.getZoom()), zoom, 'back changed the zoom');
    assert.equal(back.places, results.length, 'places on the map after back');
    // The place that was chosen lost its ring (a new marker); nearly all others stayed.
    assert.ok(
      back.tagged >= back.total - 3 && back.tagged < back.total,
      `after back, ${back.tagged} of ${back.total} markers are the ones drawn before`,
    );

    // A redraw from nothing (a new language changes every marker's title): the same markers.
    await page.click('[data-testid=lang-switch]');
    await eventually(
      async () => (await markerSnapshot(page)).tagged === 0,
      async () => `the language switch kept ${(await markerSnapshot(page)).tagged} markers`,
    );
    const fresh = await markerSnapshot(page);
    assert.deepEqual(back.looks, fresh.looks, 'the markers after back differ from a full redraw');
  } finally {
    await page.context().close();
  }
});

/** The length of a longest strictly increasing subsequence of `seq` (the O(n²) recurrence). */
function longestIncreasing(seq) {
  const best = seq.map(() => 1);
  for (let j = 0; j < seq.length; j += 1) {
    for (let i = 0; i < j; i += 1) if (seq[i] < seq[j]) best[j] = Math.max(best[j], best[i] + 1);
  }
  return Math.max(0, ...best);
}

test('q. a new travel mode reorders the cards it has (same elements, new distances, fewest moves) and a focused card keeps the focus', async () => {
  const page = await pageAtChegongmiao();
  try {
    const before = await readResults(page);
    // Mark every card element, put the keyboard focus on the third card, and count the cards
    // put into the list from now on (a move is taken out and put back).
    const focusedId = await page.evaluate(() => {
      const cards = [...document.querySelectorAll('[data-testid=result]')];
      for (const el of cards) el.__linliCard = el.getAttribute('data-service-id');
      window.__linliPutIn = 0;
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) if (n.matches?.('[data-testid=result]')) window.__linliPutIn += 1;
        }
      }).observe(document.querySelector('[data-testid=result-list]'), { childList: true });
      cards[2].querySelector('.result-main').focus();
      return cards[2].getAttribute('data-service-id');
    });
    // The rows change while the focus stays in the list (`click()` from script does not move
    // the focus, as the clock's reorder or a host page's message would not).
    const ebike = await cliNearest({ ...CGM, mode: 'ebike' });
    await page.evaluate(() => document.querySelector('[data-testid=mode-ebike]').click());
    await eventuallyEqual(
      () => shownAsCli(page, ebike, 5),
      cliTop(ebike, 5),
      'e-bike mode: first 5 results differ from the CLI',
    );
    await waitForResults(page);
    const after = await readResults(page);
    assert.deepEqual(
      after.map((r) => r.id).sort(),
      before.map((r) => r.id).sort(),
      'a travel mode changed which places are listed',
    );
    assert.notDeepEqual(after.map((r) => r.id), before.map((r) => r.id), 'the e-bike order equals the walking order');
    const kept = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=result]')].map((el, i) => ({
        same: el.__linliCard === el.getAttribute('data-service-id'),
        posinset: Number(el.getAttribute('aria-posinset')),
        i,
      })),
    );
    assert.ok(kept.every((k) => k.same), `cards built anew: ${kept.filter((k) => !k.same).map((k) => k.i).join(', ')}`);
    assert.ok(kept.every((k) => k.posinset === k.i + 1), 'aria-posinset does not follow the new order');
    // Only the cards outside a longest run that kept its order were moved (Leptos's `For`
    // moved every card whose index changed).
    const wasAt = new Map(before.map((r, i) => [r.id, i]));
    const fewest = after.length - longestIncreasing(after.map((r) => wasAt.get(r.id)));
    const putIn = await page.evaluate(() => window.__linliPutIn);
    assert.ok(fewest > 0 && fewest < after.length, `the e-bike order should move some cards, not all (${fewest} of ${after.length})`);
    assert.equal(putIn, fewest, `${putIn} cards were moved; ${fewest} of ${after.length} need to be`);
    // Every card shows the e-bike distance the CLI gives.
    const cliById = new Map(ebike.map((it) => [it.id, it]));
    for (const r of after) {
      assert.ok(
        acceptedRouteM(cliById.get(r.id).route_m).includes(r.routeM),
        `${r.id}: data-route-m=${r.routeM}, CLI e-bike route_m=${cliById.get(r.id).route_m}`,
      );
    }
    await eventually(
      () =>
        page.evaluate(
          (id) => document.activeElement?.closest('[data-testid=result]')?.getAttribute('data-service-id') === id,
          focusedId,
        ),
      async () =>
        `the focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}, not on ${focusedId}`,
    );
  } finally {
    await page.context().close();
  }
});

test('r. the list is busy (aria-busy) until the cards a kind tile adds are all drawn', async () => {
  const page = await pageAtChegongmiao();
  try {
    const all = (await readResults(page)).length;
    await page.click('[data-testid=kind-canteen]');
    await waitForResults(page);
    const canteens = (await readResults(page)).length;
    assert.ok(canteens > 0 && all - canteens > 10, `too few cards added to test the drawing in chunks (${canteens} → ${all})`);
    // Record the list's busy state and its number of cards at each change of aria-busy.
    await page.evaluate(() => {
      const list = document.querySelector('[data-testid=result-list]');
      window.__linliBusy = [];
      new MutationObserver(() => {
        window.__linliBusy.push({ busy: list.getAttribute('aria-busy') === 'true', cards: list.querySelectorAll('[data-testid=result]').length });
      }).observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
    });
    await page.click('[data-testid=kind-all]');
    await eventuallyEqual(async () => (await readResults(page)).length, all, 'number of results after kind-all');
    await waitForResults(page);
    const changes = await page.evaluate(() => window.__linliBusy);
    assert.ok(changes.length >= 2 && changes[0].busy, `the list was not busy after the tap: ${JSON.stringify(changes)}`);
    for (const c of changes.filter((c) => !c.busy)) {
      assert.equal(c.cards, all, `aria-busy went away with ${c.cards} of ${all} cards drawn: ${JSON.stringify(changes)}`);
    }
    assert.equal(changes.at(-1).busy, false, 'the list stayed busy');
  } finally {
    await page.context().close();
  }
});

test("s. the boot shell's paint counts as the largest paint: the app replaces the shell only after it was reported", async () => {
  // In a fast load (no CPU slowdown) the app used to replace the shell right after its first
  // frame, before the browser had reported that paint; the browser then dropped it and counted
  // the app's title and, later, the map's placeholder text as the largest paint instead (in 5
  // of 8 cold loads measured). Three cold loads on a phone-sized page.
  for (let load = 0; load < 3; load++) {
    const page = await newPage(browser, PHONE_390);
    await page.addInitScript(() => {
      window.__lcpEntries = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__lcpEntries.push({ at: e.startTime, element: e.element?.tagName ?? null });
      }).observe({ type: 'largest-contentful-paint', buffered: true });
    });
    try {
      await page.goto(appUrl(CGM_QUERY));
      await waitForResults(page);
      const { fcp, lcp } = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        lcp: window.__lcpEntries,
      }));
      assert.ok(fcp > 0, 'no first contentful paint was reported');
      assert.ok(lcp.length > 0, 'no largest contentful paint was reported');
      assert.ok(
        Math.abs(lcp[0].at - fcp) < 1,
        `load ${load + 1}: the first paint (${fcp.toFixed(1)} ms) is not the first largest paint: ${JSON.stringify(lcp)}`,
      );
    } finally {
      await page.context().close();
    }
  }
});

test('t. the streets are drawn where Leaflet projects their points, and drawn again after a zoom and a long pan (a short pan keeps the drawing)', async () => {
  // The streets are layers of our own on Leaflet's canvas renderer (linliLines, index.html):
  // points in typed arrays, projected there rather than by Leaflet. The projection is checked
  // against Leaflet's own (map.latLngToLayerPoint, whole pixels as there) on points across the
  // world, at several zooms; the street canvas is checked for paint where a street is.
  const page = await pageAtChegongmiao();
  try {
    // The street layers on the map (on the streets' own canvas), for the checks below.
    await page.evaluate(() => {
      window.__streetLayers = () => {
        const found = [];
        window.__linliMap?.eachLayer((l) => {
          if (l.options?.renderer?.options?.pane === 'linli-streets' && l.lineCount) found.push(l);
        });
        return found;
      };
    });
    const streets = () => page.evaluate(() => window.__streetLayers().map((l) => l.lineCount()));
    await eventually(async () => (await streets()).length > 0, async () => 'no street layer is on the map');
    const lines = (await streets()).reduce((a, b) => a + b, 0);
    assert.ok(lines > 1000, `only ${lines} street lines are drawn on the Futian sample`);

    // Projection: a layer of test lines on the streets' renderer against Leaflet's.
    const worst = (zoom, pan) =>
      page.evaluate(
        async ({ zoom, pan }) => {
          const map = window.__linliMap;
          const [street] = window.__streetLayers();
          const points = [
            [22.535, 114.02], [22.5201, 114.0013], [22.5599, 114.0499], [0, 0], [-33.86, 151.21],
            [51.4779, -0.0015], [60.17, 24.94], [85.2, 179.99], [-85.2, -179.99],
          ];
          const flat = new Float64Array(points.flat());
          const test = linliLines(flat, new Uint32Array([6, 10, 18]), { renderer: street.options.renderer, interactive: false });
          const moved = new Promise((done) => map.once('moveend', done));
          if (pan) map.panBy(pan, { animate: false });
          else map.setZoom(zoom, { animate: false });
          await moved;
          test.addTo(map);
          // The points the layer draws (none is within a pixel of a line here, so all of them).
          const drawn = test.drawnPoints();
          let most = drawn.length === points.length ? 0 : Infinity;
          points.forEach(([lat, lng], i) => {
            const want = map.latLngToLayerPoint([lat, lng]);
            const [x, y] = drawn[i] ?? [NaN, NaN];
            most = Math.max(most, Math.abs(x - want.x), Math.abs(y - want.y));
          });
          test.remove();
          return { most, zoom: map.getZoom() };
        },
        { zoom, pan },
      );
    // Paint on the streets' canvas at a street point in view (of the lines that are not
    // dashed), and how much of the canvas is painted.
    const paint = () =>
      page.evaluate(() => {
        const map = window.__linliMap;
        const solid = window.__streetLayers().filter((l) => !l.options.dashArray);
        const renderer = solid[0].options.renderer;
        const canvas = renderer._container;
        const scale = canvas.width / canvas.clientWidth;
        const size = map.getSize();
        let at = null;
        for (const l of solid) {
          for (const [x, y] of l.drawnPoints()) {
            const c = map.layerPointToContainerPoint([x, y]);
            if (!at && c.x > 4 && c.y > 4 && c.x < size.x - 4 && c.y < size.y - 4) at = { x, y };
          }
        }
        if (!at) return { inView: false };
        const ctx = canvas.getContext('2d');
        const x = Math.round((at.x - renderer._bounds.min.x) * scale);
        const y = Math.round((at.y - renderer._bounds.min.y) * scale);
        const alpha = ctx.getImageData(x - 1, y - 1, 3, 3).data.filter((_, i) => i % 4 === 3);
        const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < all.length; i += 4) if (all[i] > 0) painted++;
        return { inView: true, atStreet: Math.max(...alpha), share: painted / (all.length / 4) };
      });
    const check = async (what) => {
      let seen;
      await eventually(
        async () => {
          seen = await paint();
          return seen.inView && seen.atStreet > 0;
        },
        async () => `${what}: no paint on the streets' canvas at a street point in view: ${JSON.stringify(seen)}`,
      );
      assert.ok(seen.share > 0.002 && seen.share < 0.6, `${what}: ${(seen.share * 100).toFixed(1)} % of the streets' canvas is painted`);
    };
    await check('first drawing');

    // Simplification: linliSimplify against Leaflet's LineUtil.simplify(points, 1) on seeded
    // random lines of whole-pixel points, many of them close together (as a zoomed-out city).
    const simplified = await page.evaluate(() => {
      let seed = 12345;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const differ = [];
      let before = 0;
      let after = 0;
      for (let k = 0; k < 500; k++) {
        const n = 1 + Math.floor(random() * 40);
        const spread = [1, 2, 4, 20][k % 4];
        const points = [];
        let x = 0;
        let y = 0;
        for (let i = 0; i < n; i++) {
          x += Math.round((random() - 0.3) * spread);
          y += Math.round((random() - 0.5) * spread);
          points.push([x, y]);
        }
        const px = new Float64Array(points.flat());
        const end = linliSimplify(px, 0, px.length, new Uint8Array(n), new Int32Array(2 * n + 2));
        const ours = Array.from(px.subarray(0, end));
        const leaflet = L.LineUtil.simplify(points.map(([a, b]) => L.point(a, b)), 1).flatMap((p) => [p.x, p.y]);
        before += n;
        after += end / 2;
        if (ours.join() !== leaflet.join()) differ.push({ points, ours, leaflet });
      }
      return { differ: differ.slice(0, 2), count: differ.length, before, after };
    });
    assert.equal(simplified.count, 0, `linliSimplify differs from Leaflet's: ${JSON.stringify(simplified.differ)}`);
    assert.ok(simplified.after < simplified.before, 'no point was left out');
    for (const zoom of [13, 16, 18]) {
      const { most, zoom: at } = await worst(zoom);
      assert.equal(at, zoom);
      assert.equal(most, 0, `at zoom ${zoom} a point is ${most} px from where Leaflet projects it`);
      await check(`zoom ${zoom}`);
    }
    const { most } = await worst(null, [120, -80]);
    assert.equal(most, 0, `after a pan a point is ${most} px from where Leaflet projects it`);
    await check('after a pan');

    // A short pan keeps the canvas's drawing (linliCanvas, index.html): the canvas
    // holds half a view of padding on each side, and a move at the same zoom that leaves the
    // view a quarter of a view inside it on every side needs nothing drawn again. A pan further
    // than that draws again, around the new view. Each step starts from a fresh drawing (a
    // zoom out and in, which centres the canvas on the view).
    const panned = (fraction) =>
      page.evaluate(async (fraction) => {
        const map = window.__linliMap;
        const renderer = window.__streetLayers()[0].options.renderer;
        const settle = (move) => new Promise((done) => { map.once('moveend', done); move(); });
        const zoom = map.getZoom();
        await settle(() => map.setZoom(zoom - 1, { animate: false }));
        await settle(() => map.setZoom(zoom, { animate: false }));
        const before = { min: renderer._bounds.min, kept: renderer.kept ?? 0, canvas: renderer._container.style.transform };
        let updates = 0;
        const update = renderer._update;
        renderer._update = function () { updates++; return update.call(this); };
        await settle(() => map.panBy([Math.round(map.getSize().x * fraction), 0], { animate: false }));
        renderer._update = update;
        return {
          updates,
          kept: (renderer.kept ?? 0) - before.kept,
          sameCanvas: renderer._bounds.min.equals(before.min) && renderer._container.style.transform === before.canvas,
        };
      }, fraction);
    const short = await panned(0.15);
    assert.deepEqual(short, { updates: 0, kept: 1, sameCanvas: true }, 'a pan of 0.15 of the view draws the streets again');
    await check('after a short pan, on the drawing kept');
    const { most: kept } = await worst(null, [0, 0]);
    assert.equal(kept, 0, `on the drawing kept, a point is ${kept} px from where Leaflet projects it`);
    const long = await panned(0.4);
    assert.deepEqual(long, { updates: 1, kept: 0, sameCanvas: false }, 'a pan of 0.4 of the view keeps an old drawing');
    await check('after a long pan');
  } finally {
    await page.context().close();
  }
});

// Leaflet puts `leaflet-dragging` on <body> while the map is dragged, for a grabbing cursor;
// on a phone that class change restyled every marker (index.html keeps the rule for
// mouse-like pointers only).
test('t2. a drag\'s grabbing cursor is for mouse-like pointers only: on a phone the drag class restyles no marker', async () => {
  const cursors = async (options) => {
    const page = await pageAtChegongmiao(options);
    try {
      await page.locator('.leaflet-marker-icon').first().waitFor();
      return await page.evaluate(() => {
        const rules = [...document.styleSheets].flatMap((s) => [...s.cssRules]);
        const marker = document.querySelector('.leaflet-marker-icon.leaflet-interactive');
        const before = getComputedStyle(marker).cursor;
        document.body.classList.add('leaflet-dragging');
        const during = getComputedStyle(marker).cursor;
        document.body.classList.remove('leaflet-dragging');
        return {
          fine: matchMedia('(pointer: fine)').matches,
          topLevel: rules.filter((r) => r.selectorText?.includes('.leaflet-dragging')).length,
          inFine: rules.filter((r) => r.media?.mediaText === '(pointer: fine)' && r.cssText.includes('.leaflet-dragging')).length,
          before,
          during,
        };
      });
    } finally {
      await page.context().close();
    }
  };
  const phone = await cursors(PHONE_390);
  assert.equal(phone.fine, false, 'the phone page reports a fine pointer');
  assert.equal(phone.topLevel, 0, 'a rule for .leaflet-dragging applies to every pointer');
  assert.equal(phone.inFine, 1, 'the grabbing cursor rule is not kept for mouse-like pointers');
  assert.equal(phone.during, phone.before, 'on a phone the drag class changes a marker\'s style');
  const desktop = await cursors({ viewport: { width: 1280, height: 900 } });
  assert.equal(desktop.fine, true);
  assert.equal(desktop.during, 'grabbing', `with a mouse a dragged map's marker has cursor ${desktop.during}`);
});

// A move of the map redrew the streets' canvas whole (at 4× slowdown it was the longest task of
// opening a result; a short pan now keeps the drawing, finder t). A place's route is fitted
// when the map does not frame it; opened again (its route still framed as the fit left it), the
// map stays still.
test('u. a result\'s route is fitted once; opened again with its route in view, the map stays still', async () => {
  const page = await pageAtChegongmiao(PHONE_390);
  try {
    const quiet = () =>
      page.evaluate(() => {
        const m = window.__linliMap;
        return Boolean(m) && !m._animatingZoom && !m._panAnim?._inProgress;
      });
    await eventually(quiet, () => 'the map was never placed');
    await page.waitForTimeout(400);
    await page.evaluate(() => {
      window.__moves = 0;
      window.__linliMap.on('moveend', () => window.__moves++);
    });
    const moves = () => page.evaluate(() => window.__moves);
    // The route drawn, inside the map's element.
    const routeInView = async () => {
      if ((await page.locator('[data-testid=map] path.linli-route').count()) === 0) return false;
      return page.evaluate(() => {
        const r = document.querySelector('[data-testid=map] path.linli-route').getBoundingClientRect();
        const m = document.querySelector('[data-testid=map]').getBoundingClientRect();
        return r.width > 0 && r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom;
      });
    };
    const openFirst = async () => {
      await page.locator('[data-testid=result] .result-main').first().click();
      await page.locator('[data-testid=service-detail]').waitFor();
      await eventually(routeInView, () => 'the route is not drawn inside the map');
      // Past the fit (after the detail's paint) and its 250 ms zoom animation.
      await page.waitForTimeout(800);
      await eventually(quiet, () => 'the map kept moving');
    };

    await openFirst();
    // From this start the map shows the start and the first place at zoom 16; the fit zooms in.
    assert.ok((await moves()) > 0, 'the route was not fitted');
    const zoom = await page.evaluate(() => window.__linliMap.getZoom());
    await page.click('[data-testid=detail-close]');
    await waitForResults(page);
    await page.evaluate(() => (window.__moves = 0));
    await openFirst();
    assert.equal(await moves(), 0, 'opening the place again moved the map');
    assert.equal(await page.evaluate(() => window.__linliMap.getZoom()), zoom, 'the zoom changed');
    assert.ok(await routeInView(), 'the route is not in view');
  } finally {
    await page.context().close();
  }
});

/**
 * The text styles (family, size, weight, style) of the laid-out text under `root`: each
 * element with text of its own, skipping what is not rendered (display: none, or a card that
 * `content-visibility: auto` leaves unlaid out).
 */
function textStylesIn(root) {
  const styles = new Set();
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
    if (!ownText || !el.checkVisibility({ contentVisibilityAuto: true })) continue;
    const s = getComputedStyle(el);
    styles.add(`${s.fontFamily} | ${s.fontSize} | ${s.fontWeight} | ${s.fontStyle}`);
  }
  return [...styles];
}

test('v. the first detail opened finds its text styles laid out and its code compiled, while the page was idle, by a sample taken away at once', async () => {
  const page = await newPage(browser, PHONE_390);
  try {
    await atBeijing(page, DAYTIME);
    // Every `.type-sample` the page adds: whether it was hidden, where it was, and the text
    // styles it laid out (read as it is added, since it stays for one frame only).
    await page.addInitScript(`((() => {
      window.__samples = [];
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) {
          if (n.nodeType !== 1 || !n.classList.contains('type-sample')) continue;
          const s = getComputedStyle(n);
          const box = n.getBoundingClientRect();
          window.__samples.push({
            afterIndex: typeof window.__linliTimings?.searchIndexMs === 'number',
            visibility: s.visibility, ariaHidden: n.getAttribute('aria-hidden'),
            right: box.right, bottom: box.bottom,
            styles: (${textStylesIn.toString()})(n),
          });
        }
      }).observe(document, { childList: true, subtree: true });
    })())`);
    await page.goto(appUrl(CGM_QUERY));
    await waitForResults(page);
    await page.waitForFunction(() => window.__samples.length > 0, null, { timeout: WAIT_MS });
    await eventually(
      () => page.evaluate(() => document.querySelectorAll('.type-sample').length === 0),
      () => 'the sample was left in the page',
    );
    const samples = await page.evaluate(() => window.__samples);
    assert.equal(samples.length, 1, 'one sample per load');
    const [sample] = samples;
    assert.ok(sample.afterIndex, 'the sample was added before the search index was built');
    assert.equal(sample.visibility, 'hidden');
    assert.equal(sample.ariaHidden, 'true');
    assert.ok(sample.right <= 390 && sample.bottom <= 844, `the sample reached outside the page (${sample.right}, ${sample.bottom})`);
    // Every text style of the detail was laid out before it opened: by the list, or by the sample.
    const stylesIn = (selector) => page.evaluate(`(${textStylesIn})(document.querySelector(${JSON.stringify(selector)}))`);
    const before = new Set([...(await stylesIn('body')), ...sample.styles]);
    // The browser compiles each wasm function on its first call. Opening the first detail
    // compiled 216 functions when the detail's code had not run before, 42 after a detail was
    // built (outside the page) while the page was idle (code only a real tap runs).
    const compiled = await wasmCompiledDuring(page, async () => {
      await page.locator('[data-testid=result] .result-main').first().click();
      await page.locator('[data-testid=service-detail]').waitFor();
    });
    assert.ok(compiled < 100, `opening the first detail compiled ${compiled} wasm functions`);
    const missing = (await stylesIn('[data-testid=service-detail]')).filter((s) => !before.has(s));
    assert.deepEqual(missing, [], 'text styles in the detail that nothing laid out before it opened');
  } finally {
    await page.context().close();
  }
});
