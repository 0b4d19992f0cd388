// Linli on a real phone: small screens at 100 % and 200 % text, light and dark, Back, the
// state in the URL, the language switch, a late leaflet.js, geolocation that fails or never
// answers, open places first at night, the markers, the hours in words, sharing, and the
// elderly path in taps. Headless Chromium with phone emulation (touch, mobile viewport, 2×
// pixels).
//
// 200 % text: `setTextScale` doubles the browser's default font size (Chromium's
// Page.setFontSizes, the setting behind Settings › Appearance › Font size). Linli sizes its
// text in rem from a percentage root, so every text doubles, and the app, which measures its
// rendered text size, picks the layout for it (src/layout.rs).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  atBeijing,
  axeLightAndDark,
  axeViolations,
  cliNearest,
  eventually,
  eventuallyEqual,
  firstResultProblems,
  launchBrowser,
  layoutProblems,
  newPhonePage,
  readResults,
  screenshot,
  smallTargets,
  startDistServer,
  tapEmptyMap,
  waitForResults,
  wasmCompiledDuring,
} from './lib.mjs';
import { recordFirstResult } from '../../scripts/bench-page.mjs';

const CGM = { lat: 22.535, lng: 114.02 };
const CGM_QUERY = `?lat=${CGM.lat}&lng=${CGM.lng}`;
// leaflet.js under its content-hashed name (scripts/build-web.sh).
const LEAFLET_JS = /\/leaflet-[0-9a-f]{16}\.js$/;
/** Tuesday 24 November 2026: lunchtime and late evening, Beijing time. */
const LUNCH = '2026-11-24T11:45';
const NIGHT = '2026-11-24T22:30';
const PHONES = [
  { width: 360, height: 740 },
  { width: 320, height: 640 },
];

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

const appUrl = (query = '') => new URL(query, server.url).href;

/** A phone page at `local` Beijing time showing `query`, with results (or the detail of a
 * linked place) on screen. */
async function open(query, { at = LUNCH, detail = query.includes('place='), ...options } = {}) {
  const page = await newPhonePage(browser, options);
  await atBeijing(page, at);
  await page.goto(appUrl(query));
  if (detail) await page.locator('[data-testid=service-detail]').waitFor();
  else await waitForResults(page);
  return page;
}


/** The page's query string, parsed. */
const params = async (page) => Object.fromEntries(new URL(page.url()).searchParams);

/** Wait for the map to exist and return the Leaflet markers' boxes. */
async function markerBoxes(page) {
  await page.locator('.leaflet-container .linli-marker').first().waitFor({ state: 'attached' });
  return page.$$eval('.linli-marker, .linli-cluster', (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const pin = el.querySelector('.pin');
      return {
        id: pin?.dataset.serviceId ?? null,
        state: pin?.dataset.state ?? null,
        count: Number(el.querySelector('.cluster')?.dataset.count ?? 1),
        box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height },
      };
    }),
  );
}

describe('phones at 100 % and 200 % text, light and dark', () => {
  for (const phone of PHONES) {
    for (const scale of [1, 2]) {
      for (const colorScheme of ['light', 'dark']) {
        const label = `${phone.width}×${phone.height}, ${scale * 100} % text, ${colorScheme}`;
        test(`${label}: first result readable without scrolling, nothing overflows or is cut off, 44 px targets, axe clean`, async (t) => {
          const page = await open(CGM_QUERY, { ...phone, scale, colorScheme });
          try {
            await page.waitForTimeout(300); // the map strip settles
            const layout = await page.getAttribute('[data-testid=app]', 'class');
            t.diagnostic(`layout: ${layout}`);
            t.diagnostic(`screenshot: ${await screenshot(page, `phone-${phone.width}x${phone.height}-${scale * 100}-${colorScheme}`)}`);
            assert.deepEqual(await firstResultProblems(page), [], 'the first result’s name, distance and open state');
            assert.deepEqual(await layoutProblems(page, { minFontPx: 16 * scale }), [], 'layout problems');
            assert.deepEqual(await smallTargets(page), [], 'targets smaller than 44×44 CSS px');
            assert.deepEqual(await axeViolations(page), [], 'axe with the results');
            // The detail of the first result, as its own screen.
            await page.locator('[data-testid=result] button').first().click();
            await page.locator('[data-testid=service-detail]').waitFor();
            assert.deepEqual(await layoutProblems(page, { minFontPx: 16 * scale }), [], 'layout problems in the detail');
            assert.deepEqual(await smallTargets(page), [], 'small targets in the detail');
            assert.deepEqual(await axeViolations(page), [], 'axe with the detail');
            await screenshot(page, `phone-${phone.width}x${phone.height}-${scale * 100}-${colorScheme}-detail`);
          } finally {
            await page.context().close();
          }
        });
      }
    }
  }

  test('in English: 320×640 at 100 % shows the first result; at 200 % nothing overflows or is cut off', async () => {
    for (const scale of [1, 2]) {
      const page = await open(`${CGM_QUERY}&lang=en`, { width: 320, height: 640, scale });
      try {
        if (scale === 1) assert.deepEqual(await firstResultProblems(page), [], 'the first result at 100 %');
        assert.deepEqual(await layoutProblems(page, { minFontPx: 16 * scale }), [], `layout at ${scale * 100} %`);
        assert.deepEqual(await smallTargets(page), []);
        assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] });
        await screenshot(page, `phone-320x640-${scale * 100}-en`);
      } finally {
        await page.context().close();
      }
    }
  });

  test('the main buttons and the open state meet AAA contrast (7:1), light and dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await open(CGM_QUERY, { colorScheme });
      try {
        await page.locator('[data-testid=kind-canteen]').click();
        await page.locator('[data-testid=open-status][data-state=open]').first().waitFor();
        // Only the main buttons and the open state are held to AAA (everything to AA, above).
        const main = await axeViolations(
          page,
          { runOnly: ['color-contrast-enhanced'] },
          { include: [['[data-testid=locate]'], ['[aria-pressed=true]'], ['.state-open'], ['.topbar h1'], ['[data-testid=lang-switch]']] },
        );
        assert.deepEqual(main, [], `${colorScheme}: AAA contrast of main buttons and open state`);
      } finally {
        await page.context().close();
      }
    }
  });
});

describe('history, links and language', () => {
  test('Back closes the detail and keeps the app; the detail has its own history entry', async () => {
    const page = await open(CGM_QUERY);
    try {
      await page.evaluate(() => {
        window.__sameDocument = true;
      });
      const first = await page.locator('[data-testid=result]').first().getAttribute('data-service-id');
      await page.locator('[data-testid=result] button').first().click();
      await page.locator('[data-testid=service-detail]').waitFor();
      assert.equal((await params(page)).place, first, 'place= in the URL while the detail is open');
      await page.goBack();
      await page.locator('[data-testid=service-detail]').waitFor({ state: 'detached' });
      await waitForResults(page);
      assert.equal((await params(page)).place, undefined, 'no place= after Back');
      assert.equal(new URL(page.url()).origin, new URL(server.url).origin, 'still on the app');
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] }, 'axe after Back');
      // Forward opens it again; the close button goes back the same way.
      await page.goForward();
      await page.locator('[data-testid=service-detail]').waitFor();
      await page.click('[data-testid=detail-close]');
      await page.locator('[data-testid=service-detail]').waitFor({ state: 'detached' });
      assert.equal((await params(page)).place, undefined);
    } finally {
      await page.context().close();
    }
  });

  test('a shared link to a place opens its detail, and Back shows the list (not another site)', async () => {
    const page = await open(`${CGM_QUERY}&place=donghai-canteen`);
    try {
      await page.locator('[data-testid=service-detail]').waitFor();
      await page.goBack();
      await page.locator('[data-testid=service-detail]').waitFor({ state: 'detached' });
      await waitForResults(page);
      assert.equal(new URL(page.url()).origin, new URL(server.url).origin);
    } finally {
      await page.context().close();
    }
  });

  test('full-screen map on a phone at 200 % text: Back returns to the detail, then to the list', async () => {
    const page = await open(CGM_QUERY, { width: 320, height: 640, scale: 2 });
    try {
      assert.match(await page.getAttribute('[data-testid=app]', 'class'), /layout-compact/);
      assert.equal(await page.locator('[data-testid=map]').isVisible(), false, 'the list first, the map on demand');
      await page.locator('[data-testid=result] button').first().click();
      await page.click('[data-testid=show-route]');
      await page.locator('[data-testid=map] path.linli-route').waitFor();
      assert.equal((await params(page)).view, 'map');
      assert.equal(await page.locator('[data-testid=map]').isVisible(), true);
      await page.goBack();
      await page.locator('[data-testid=service-detail]').waitFor();
      await page.goBack();
      await page.locator('[data-testid=service-detail]').waitFor({ state: 'detached' });
      await waitForResults(page);
    } finally {
      await page.context().close();
    }
  });

  test('the URL round-trips every piece of state: a new page with the same URL shows the same view', async () => {
    const page = await open('');
    let url;
    let before;
    let detail;
    try {
      // Choose everything: a point on the map, e-bike, rest stops, a service, open first,
      // a place, English.
      await tapEmptyMap(page);
      await page.locator('[data-testid=origin-status][data-origin=map]').waitFor();
      await page.click('[data-testid=kind-rest_stop]');
      await page.click('[data-testid=more-options]');
      await page.click('[data-testid=mode-ebike]');
      await page.click('[data-testid=filter-drinking_water]');
      await page.click('[data-testid=open-first]');
      await page.click('[data-testid=lang-switch]');
      await eventuallyEqual(() => page.getAttribute('html', 'lang'), 'en', 'html lang');
      before = await readResults(page);
      assert.ok(before.length > 0);
      await page.locator('[data-testid=result] button').first().click();
      await page.locator('[data-testid=service-detail]').waitFor();
      detail = {
        title: await page.locator('#detail-title').innerText(),
        routeM: await page.locator('[data-testid=detail-distance]').getAttribute('data-route-m'),
      };
      url = page.url();
      const p = await params(page);
      assert.deepEqual(
        Object.keys(p),
        ['lat', 'lng', 'mode', 'kind', 'needs', 'open', 'place', 'lang'],
        `readable keys in a fixed order: ${url}`,
      );
      assert.deepEqual(
        { mode: p.mode, kind: p.kind, needs: p.needs, open: p.open, place: p.place, lang: p.lang },
        { mode: 'ebike', kind: 'rest_stop', needs: 'drinking_water', open: 'first', place: before[0].id, lang: 'en' },
      );
    } finally {
      await page.context().close();
    }
    const again = await newPhonePage(browser);
    try {
      await atBeijing(again, LUNCH);
      await again.goto(url);
      await again.locator('[data-testid=service-detail]').waitFor();
      assert.equal(await again.getAttribute('html', 'lang'), 'en');
      assert.deepEqual(
        {
          title: await again.locator('#detail-title').innerText(),
          routeM: await again.locator('[data-testid=detail-distance]').getAttribute('data-route-m'),
        },
        detail,
        'the same place, the same distance',
      );
      assert.equal(again.url(), url, 'the URL is stable');
      assert.deepEqual(await axeLightAndDark(again), { light: [], dark: [] }, 'axe on the detail from the link');
      await again.click('[data-testid=detail-close]');
      await waitForResults(again);
      assert.deepEqual(await readResults(again), before, 'the same list');
      assert.equal(await again.getAttribute('[data-testid=origin-status]', 'data-origin'), 'url');
      await again.click('[data-testid=more-options]');
      for (const id of ['kind-rest_stop', 'mode-ebike', 'filter-drinking_water', 'open-first']) {
        assert.equal(await again.getAttribute(`[data-testid=${id}]`, 'aria-pressed'), 'true', id);
      }
    } finally {
      await again.context().close();
    }
  });

  test('switching the language keeps everything, without reloading', async () => {
    const page = await open(`${CGM_QUERY}&mode=stepfree&kind=canteen`);
    try {
      await page.evaluate(() => {
        window.__sameDocument = true;
      });
      const list = (await readResults(page)).map((r) => [r.id, r.routeM]);
      await page.locator('[data-testid=result] button').first().click();
      await page.locator('[data-testid=service-detail]').waitFor();
      const before = await params(page);
      await page.click('[data-testid=lang-switch]');
      await eventuallyEqual(() => page.getAttribute('html', 'lang'), 'en', 'html lang');
      await page.locator('[data-testid=service-detail]').waitFor();
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
      assert.deepEqual(await params(page), { ...before, lang: 'en' });
      assert.match(await page.locator('[data-testid=hours-today]').innerText(), /^Today/);
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] }, 'axe in English');
      await page.click('[data-testid=detail-close]');
      await waitForResults(page);
      assert.deepEqual((await readResults(page)).map((r) => [r.id, r.routeM]), list);
      await page.click('[data-testid=lang-switch]');
      await eventuallyEqual(() => page.getAttribute('html', 'lang'), 'zh-CN', 'back to Chinese');
      assert.equal((await params(page)).lang, undefined, 'Chinese is the default, not written');
    } finally {
      await page.context().close();
    }
  });

  test('a starting point outside the area falls back to the area centre, with a message', async () => {
    const page = await open('?lat=39.9042&lng=116.4074&kind=canteen');
    try {
      const notice = page.locator('[data-testid=link-notice]');
      await notice.waitFor();
      assert.match(await notice.innerText(), /不在本地图范围内/);
      assert.equal(await page.getAttribute('[data-testid=origin-status]', 'data-origin'), 'centre');
      assert.ok((await readResults(page)).every((r) => r.kind === 'canteen' && r.routeM), 'ranked from the centre');
      assert.deepEqual(await params(page), { kind: 'canteen' }, 'the unusable point leaves the URL');
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] });
      // The area centre is a visible pin that says so.
      await page.locator('.linli-origin-centre .pin-label').waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('a link to a place that is not in the data says so', async () => {
    const page = await open('?place=no-such-place', { detail: false });
    try {
      assert.match(await page.locator('[data-testid=link-notice]').innerText(), /no-such-place/);
    } finally {
      await page.context().close();
    }
  });
});

describe('the map', () => {
  test('leaflet.js is downloaded once, from before the first result, and run only after it', async () => {
    const page = await newPhonePage(browser);
    try {
      const asked = [];
      page.on('request', (request) => {
        if (LEAFLET_JS.test(new URL(request.url()).pathname)) asked.push(request.url());
      });
      // The data arrives well after leaflet.js (a slow data host), so a Leaflet run on arrival
      // would come before the first result.
      await page.route('**/data/futian.linli', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await route.continue();
      });
      // The moment the first result shows (`window.__firstResultMs`, as the benchmarks note
      // it), and the moment Leaflet runs (it sets `window.L`).
      await page.addInitScript(recordFirstResult);
      await page.addInitScript(() => {
        let leaflet;
        Object.defineProperty(window, 'L', {
          configurable: true,
          get: () => leaflet,
          set: (value) => {
            leaflet = value;
            window.__leafletRunMs ??= performance.now();
          },
        });
      });
      // (No fake clock here: Playwright's replaces `performance`, and its resource timings.)
      await page.goto(appUrl(CGM_QUERY));
      await waitForResults(page);
      await page.locator('.linli-marker').first().waitFor();
      const seen = await page.evaluate((leafletJs) => ({
        firstResultMs: window.__firstResultMs,
        leafletRunMs: window.__leafletRunMs,
        downloadStartMs: performance.getEntriesByType('resource').find((e) => new RegExp(leafletJs).test(e.name))?.startTime,
      }), LEAFLET_JS.source);
      assert.ok(seen.firstResultMs > 0 && seen.leafletRunMs > 0, JSON.stringify(seen));
      assert.ok(seen.leafletRunMs > seen.firstResultMs, `Leaflet ran before the first result: ${JSON.stringify(seen)}`);
      assert.ok(seen.downloadStartMs < seen.firstResultMs, `leaflet.js was asked for only after the first result: ${JSON.stringify(seen)}`);
      assert.equal(asked.length, 1, `leaflet.js requests: ${asked.join(', ')}`);
    } finally {
      await page.context().close();
    }
  });

  test('leaflet.js arriving 1.5 s late still gives a working map', async () => {
    const page = await newPhonePage(browser);
    try {
      await page.route(LEAFLET_JS, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await route.continue();
      });
      await atBeijing(page, LUNCH);
      await page.goto(appUrl(CGM_QUERY));
      await waitForResults(page);
      await page.locator('.leaflet-container').waitFor();
      await page.locator('.linli-marker').first().waitFor();
      // Tapping the map chooses the starting point: the map works.
      await tapEmptyMap(page);
      await page.locator('[data-testid=origin-status][data-origin=map]').waitFor();
      assert.equal(await page.locator('[data-testid=map-error]').count(), 0);
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] }, 'axe with the late map');
    } finally {
      await page.context().close();
    }
  });

  test('leaflet.js failing shows an error with a retry, the list still works, and the retry brings the map', async () => {
    const page = await newPhonePage(browser);
    try {
      await page.route(LEAFLET_JS, (route) => route.abort());
      await page.goto(appUrl(CGM_QUERY));
      await waitForResults(page);
      const error = page.locator('[data-testid=map-error]');
      await error.waitFor();
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] }, 'axe with the map error');
      await page.unroute(LEAFLET_JS);
      await page.click('[data-testid=map-retry]');
      await page.locator('.linli-marker').first().waitFor();
      assert.equal(await error.count(), 0);
    } finally {
      await page.context().close();
    }
  });

  test('markers: 44 px targets, state by shape and sign, none hides another, the first result always its own', async () => {
    const page = await open(CGM_QUERY);
    try {
      await page.click('[data-testid=view-map]');
      await page.waitForTimeout(500);
      const markers = await markerBoxes(page);
      const mapBox = await page.locator('[data-testid=map]').boundingBox();
      const inside = markers.filter(
        (m) => m.box.right > mapBox.x && m.box.left < mapBox.x + mapBox.width && m.box.bottom > mapBox.y && m.box.top < mapBox.y + mapBox.height,
      );
      assert.ok(inside.length > 5, `markers on the map: ${inside.length}`);
      for (const m of markers) assert.ok(m.box.width >= 44 && m.box.height >= 44, `marker ${m.id} is ${m.box.width}×${m.box.height}`);
      const overlaps = [];
      for (let i = 0; i < inside.length; i++) {
        for (let j = i + 1; j < inside.length; j++) {
          const a = inside[i].box;
          const b = inside[j].box;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 0.5 && h > 0.5) overlaps.push(`${inside[i].id ?? 'group'} / ${inside[j].id ?? 'group'}: ${w.toFixed(1)}×${h.toFixed(1)}`);
        }
      }
      assert.deepEqual(overlaps, [], 'markers covering each other');
      // Every place is on the map, alone or in a group.
      const results = await readResults(page);
      assert.equal(markers.reduce((n, m) => n + m.count, 0), results.length, 'places on the map');
      assert.ok(markers.some((m) => m.id === results[0].id), 'the first result has its own marker');
      // A marker says its state as the list does.
      const byId = new Map(results.map((r) => [r.id, r.openState]));
      for (const m of markers.filter((x) => x.id)) assert.equal(m.state, byId.get(m.id), `marker state of ${m.id}`);
      // A group opens up when tapped.
      const group = page.locator('.linli-cluster').first();
      if ((await group.count()) > 0) {
        const before = await page.evaluate(() => window.__linliMap.getZoom());
        await group.click();
        await eventually(
          async () => (await page.evaluate(() => window.__linliMap.getZoom())) > before,
          () => 'tapping a group zooms in',
        );
      }
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] }, 'axe on the full-screen map');
      await page.click('[data-testid=view-list]');
      await waitForResults(page);
    } finally {
      await page.context().close();
    }
  });

  test('reduced motion: the map does not animate', async () => {
    const page = await open(CGM_QUERY, { reducedMotion: 'reduce' });
    try {
      await page.locator('.leaflet-container').waitFor();
      const options = await page.evaluate(() => {
        const o = window.__linliMap.options;
        return { zoomAnimation: o.zoomAnimation, fadeAnimation: o.fadeAnimation, markerZoomAnimation: o.markerZoomAnimation };
      });
      assert.deepEqual(options, { zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
    } finally {
      await page.context().close();
    }
  });
});

describe('geolocation', () => {
  test('success: the map moves to show the user and the nearest result', async () => {
    const page = await newPhonePage(browser, {
      permissions: ['geolocation'],
      geolocation: { latitude: 22.5405, longitude: 114.0235 },
    });
    try {
      await atBeijing(page, LUNCH);
      await page.goto(appUrl());
      await waitForResults(page);
      await page.locator('.leaflet-container').waitFor();
      await page.click('[data-testid=locate]');
      await page.locator('[data-testid=origin-status][data-origin=gps]').waitFor();
      const cli = await cliNearest({ lat: 22.5405, lng: 114.0235 });
      // The list follows the new starting point after the tap's paint, not with the status.
      await eventuallyEqual(async () => (await readResults(page))[0]?.id, cli[0].id, 'the nearest by the CLI');
      const place = cli[0];
      await eventually(
        () =>
          page.evaluate(
            ([a, b]) => {
              const bounds = window.__linliMap.getBounds();
              return bounds.contains(a) && bounds.contains(b);
            },
            [[22.5405, 114.0235], [place.lat, place.lng]],
          ),
        () => 'the map shows both the user and the nearest result',
      );
    } finally {
      await page.context().close();
    }
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`denied (${colorScheme}): a clear message, and axe finds nothing`, async () => {
      const page = await open('', { colorScheme }); // no permission: Chromium denies
      try {
        await page.click('[data-testid=locate]');
        const error = page.locator('[data-testid=location-error]');
        await error.waitFor();
        assert.match(await error.innerText(), /拒绝/);
        assert.equal(await page.isDisabled('[data-testid=locate]'), false, 'the button can be tried again');
        assert.deepEqual(await axeViolations(page), []);
      } finally {
        await page.context().close();
      }
    });
  }

  test('timed out: the browser reports a timeout', async () => {
    const page = await newPhonePage(browser);
    try {
      await page.addInitScript(() => {
        navigator.geolocation.getCurrentPosition = (_ok, fail) =>
          setTimeout(() => fail({ code: 3, message: 'Timeout expired', PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 }), 50);
      });
      await page.goto(appUrl());
      await waitForResults(page);
      await page.click('[data-testid=locate]');
      const error = page.locator('[data-testid=location-error]');
      await error.waitFor();
      assert.match(await error.innerText(), /超时/);
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] });
    } finally {
      await page.context().close();
    }
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`never answering (${colorScheme}): the app gives up after 15 s with a clear message`, async () => {
      const page = await newPhonePage(browser, { colorScheme });
      try {
        await page.addInitScript(() => {
          navigator.geolocation.getCurrentPosition = () => {}; // a prompt nobody answers
        });
        await atBeijing(page, LUNCH);
        await page.goto(appUrl());
        await waitForResults(page);
        await page.click('[data-testid=locate]');
        await eventuallyEqual(() => page.getAttribute('[data-testid=locate]', 'aria-busy'), 'true', 'busy while asking');
        await page.clock.fastForward(14_000);
        assert.equal(await page.locator('[data-testid=location-error]').count(), 0, 'still waiting at 14 s');
        await page.clock.fastForward(1_500);
        const error = page.locator('[data-testid=location-error]');
        await error.waitFor();
        assert.match(await error.innerText(), /超时/);
        assert.equal(await page.isDisabled('[data-testid=locate]'), false, 'the button is usable again');
        assert.deepEqual(await axeViolations(page), []);
      } finally {
        await page.context().close();
      }
    });
  }
});

describe('open now, hours and sharing', () => {
  test('at 22:30, e-bike, rest stops with e-bike charging: open places come first, and it says so', async () => {
    const query = `${CGM_QUERY}&mode=ebike&kind=rest_stop&needs=ebike_charging`;
    const page = await open(query, { at: NIGHT });
    try {
      const shown = await readResults(page);
      assert.ok(shown.length >= 2, 'several rest stops with e-bike charging');
      assert.ok(['open', 'closing'].includes(shown[0].openState), `first result state: ${shown[0].openState}`);
      const firstClosed = shown.findIndex((r) => !['open', 'closing', 'unknown'].includes(r.openState));
      const lastOpen = shown.map((r) => r.openState).lastIndexOf('open');
      assert.ok(firstClosed === -1 || lastOpen < firstClosed, `open before closed: ${shown.map((r) => r.openState).join(', ')}`);
      assert.equal(await page.getAttribute('[data-testid=order-note]', 'data-order'), 'open-first');
      // Within the open ones, the CLI's route order.
      const cli = await cliNearest({ ...CGM, mode: 'ebike', kind: 'rest_stop' });
      const openIds = shown.filter((r) => r.openState === 'open').map((r) => r.id);
      assert.deepEqual(openIds, cli.map((c) => c.id).filter((id) => openIds.includes(id)), 'nearest first among the open');
      // The user can ask for plain distance order.
      await page.click('[data-testid=more-options]');
      await page.click('[data-testid=open-all]');
      await eventuallyEqual(
        async () => (await readResults(page)).map((r) => r.id),
        cli.filter((c) => shown.some((r) => r.id === c.id)).map((c) => c.id),
        'distance order on request',
      );
      assert.equal((await params(page)).open, 'all');
    } finally {
      await page.context().close();
    }
  });

  test('hours in words, today highlighted, the raw rule on request; the table fits 320 px at 200 % text', async () => {
    const page = await open(`${CGM_QUERY}&place=donghai-canteen`, { width: 320, height: 640, scale: 2 });
    try {
      await page.locator('[data-testid=service-detail]').waitFor();
      const today = await page.locator('[data-testid=hours-today]').innerText();
      assert.equal(today.replace(/\s+/g, ''), '今天（周二）：7:00–9:00、11:00–13:30、17:00–19:00');
      const rows = await page.$$eval('[data-testid=week-hours] tr', (trs) =>
        trs.map((tr) => ({ days: tr.querySelector('th').innerText.replace(/\s+/g, ''), hours: tr.querySelector('td').innerText, today: tr.getAttribute('aria-current') })),
      );
      assert.deepEqual(rows, [
        { days: '周一至周五今天', hours: '7:00–9:00、11:00–13:30、17:00–19:00', today: 'date' },
        { days: '周六、周日', hours: '11:00–13:30', today: null },
      ]);
      const raw = page.locator('[data-testid=hours-raw] code');
      assert.equal(await raw.isVisible(), false, 'the raw rule is folded');
      await page.click('[data-testid=hours-raw] summary');
      assert.match(await raw.innerText(), /^Mo-Fr 07:00-09:00/);
      const table = await page.locator('[data-testid=week-hours]').evaluate((t) => ({
        right: t.getBoundingClientRect().right,
        width: window.innerWidth,
        cut: [...t.querySelectorAll('th, td')].filter((c) => c.scrollWidth > c.clientWidth + 1).length,
      }));
      assert.ok(table.right <= table.width && table.cut === 0, `the table fits: ${JSON.stringify(table)}`);
      assert.deepEqual(await layoutProblems(page, { minFontPx: 32 }), []);
      await page.click('[data-testid=lang-switch]');
      await eventually(
        async () => (await page.locator('[data-testid=week-hours] td').first().innerText()) === '7:00–9:00, 11:00–13:30, 17:00–19:00',
        async () => `English hours: ${await page.locator('[data-testid=week-hours]').innerText()}`,
      );
      assert.match(await page.locator('[data-testid=week-hours] th').first().innerText(), /^Mon–Fri/);
    } finally {
      await page.context().close();
    }
  });

  test('share: the system share sheet gets the page URL', async () => {
    const page = await newPhonePage(browser);
    try {
      await page.addInitScript(() => {
        navigator.share = (data) => {
          window.__shared = data;
          return Promise.resolve();
        };
      });
      await atBeijing(page, LUNCH);
      await page.goto(appUrl(`${CGM_QUERY}&kind=canteen`));
      await waitForResults(page);
      await page.locator('[data-testid=result] button').first().click();
      await page.locator('[data-testid=service-detail] [data-testid=share]').click();
      await eventually(() => page.evaluate(() => Boolean(window.__shared)), () => 'navigator.share was not called');
      const shared = await page.evaluate(() => window.__shared);
      assert.equal(shared.url, page.url());
      assert.match(shared.url, /place=/);
    } finally {
      await page.context().close();
    }
  });

  test('share without a share sheet: the link is copied, and the page says so', async () => {
    const page = await open(`${CGM_QUERY}&kind=canteen`, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      assert.equal(await page.evaluate(() => typeof navigator.share), 'undefined', 'this Chromium has no share sheet');
      await page.click('[data-testid=share]');
      const status = page.locator('[data-testid=share-status]');
      await status.waitFor();
      assert.equal(await status.getAttribute('data-outcome'), 'copied');
      assert.match(await status.innerText(), /链接已复制/);
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] });
    } finally {
      await page.context().close();
    }
  });

  test('share where copying is refused: the link is shown to copy by hand', async () => {
    const page = await newPhonePage(browser);
    try {
      await page.addInitScript(() => {
        Object.defineProperty(navigator, 'clipboard', {
          value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
        });
      });
      await page.goto(appUrl(CGM_QUERY));
      await waitForResults(page);
      await page.click('[data-testid=share]');
      const status = page.locator('[data-testid=share-status][data-outcome=manual]');
      await status.waitFor();
      assert.equal(await status.locator('input').inputValue(), page.url());
    } finally {
      await page.context().close();
    }
  });
});

describe('the elderly path: the nearest canteen open now, its hours and a way to get there', () => {
  // Counted from opening the bare link on the phone, with location allowed: every click is a
  // tap; the test fails on a fourth tap or on any sideways scroll.
  for (const [phone, scale] of [
    [PHONES[0], 1],
    [PHONES[1], 1],
    [PHONES[0], 2],
    [PHONES[1], 2],
  ]) {
    test(`${phone.width}×${phone.height} at ${scale * 100} % text: at most 3 taps, no sideways swipe`, async (t) => {
      const page = await newPhonePage(browser, {
        ...phone,
        scale,
        permissions: ['geolocation'],
        geolocation: { latitude: 22.5405, longitude: 114.0235 },
      });
      let taps = 0;
      const tap = async (selector) => {
        taps += 1;
        await page.locator(selector).first().tap();
      };
      try {
        await atBeijing(page, LUNCH);
        await page.goto(appUrl());
        await waitForResults(page);
        await tap('[data-testid=locate]'); // 1: use my location
        await page.locator('[data-testid=origin-status][data-origin=gps]').waitFor();
        await tap('[data-testid=kind-canteen]'); // 2: canteens
        await eventually(
          async () => (await readResults(page)).every((r) => r.kind === 'canteen'),
          () => 'only canteens listed',
        );
        // The nearest open one is on the screen without scrolling (reading is not a tap).
        const target = (await readResults(page)).find((r) => r.openState === 'open' || r.openState === 'closing');
        assert.ok(target, 'an open canteen at lunchtime');
        const card = page.locator(`[data-testid=result][data-service-id="${target.id}"] button`);
        const box = await card.boundingBox();
        const height = await page.evaluate(() => window.innerHeight);
        assert.ok(box.y >= 0 && box.y + 44 <= height, `the nearest open canteen is on screen: y=${box.y} of ${height}`);
        await tap(`[data-testid=result][data-service-id="${target.id}"] button`); // 3: the canteen
        await page.locator('[data-testid=service-detail]').waitFor();
        // Its hours and a way to get there, on the detail screen.
        await page.locator('[data-testid=hours-today]').waitFor();
        await page.locator('[data-testid=amap-link]').waitFor();
        if (scale === 1) await page.locator('[data-testid=map] path.linli-route').waitFor();
        else await page.locator('[data-testid=show-route]').waitFor();
        assert.ok(taps <= 3, `${taps} taps`);
        const sideways = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
        assert.ok(sideways <= 0, `the page scrolls sideways by ${sideways} px`);
        t.diagnostic(`taps: ${taps} (locate, canteen, ${target.id})`);
      } finally {
        await page.context().close();
      }
    });
  }
});

describe('the folded controls', () => {
  test('are made, hidden, while the page is idle, so the tap that opens them only shows them', async () => {
    const page = await open(CGM_QUERY);
    try {
      const toggle = page.locator('[data-testid=more-options]');
      const more = page.locator('#more-options');
      // Made after the first results and the search index, hidden: not shown, not laid out,
      // not in the accessibility tree, and the button says they are folded.
      await more.waitFor({ state: 'attached' });
      assert.ok(await page.evaluate(() => typeof window.__linliTimings?.searchIndexMs === 'number'), 'made before the search index');
      assert.equal(await more.getAttribute('hidden'), '');
      assert.equal(await more.evaluate((el) => el.getClientRects().length), 0, 'the folded controls are laid out');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.locator('[data-testid=mode-ebike]').isVisible(), false);
      assert.deepEqual(await layoutProblems(page), [], 'nothing overflows with the controls folded');
      // Opening them makes and compiles little: 28 functions when they were made by the tap.
      const compiled = await wasmCompiledDuring(page, async () => {
        await toggle.click();
        await page.locator('[data-testid=mode-ebike]').waitFor({ state: 'visible' });
      });
      assert.ok(compiled < 15, `opening the folded controls compiled ${compiled} wasm functions`);
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      // They work as before, and fold away again.
      await page.click('[data-testid=mode-ebike]');
      await eventuallyEqual(() => page.getAttribute('[data-testid=mode-ebike]', 'aria-pressed'), 'true', 'e-bike chosen');
      assert.equal((await params(page)).mode, 'ebike');
      await toggle.click();
      await more.waitFor({ state: 'hidden' });
      assert.equal(await more.getAttribute('hidden'), '');
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] }, 'axe with the controls folded');
    } finally {
      await page.context().close();
    }
  });
});
