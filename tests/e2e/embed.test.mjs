// Linli embedded in other sites' pages (issue 11): a host page on one origin, Linli on another
// (two loopback ports; a third port plays another site). embed.js and <linli-finder>, the
// frame's height following its content, lazy loading, the messages both ways and who may
// send commands, bundles from other origins (refused unless the deployment lists them), small
// frames, the host's colour and title, and the hand-off links to navigation apps.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import {
  WAIT_MS,
  atBeijing,
  axeLightAndDark,
  distDir,
  eventually,
  eventuallyEqual,
  firstResultProblems,
  launchBrowser,
  newPage,
  outputDir,
  readResults,
  waitForResults,
  warmUp,
} from './lib.mjs';

const CGM = { lat: 22.535, lng: 114.02 };
/** A Tuesday morning in Beijing: nearest-first order. */
const MORNING = '2026-11-24T10:00';
const hostDir = path.join(outputDir, `host-${process.pid}`);

let linli; // the Linli deployment (dist/)
let host; // the host pages' site
let other; // another site
let browser;

before(async () => {
  rmSync(hostDir, { recursive: true, force: true });
  mkdirSync(hostDir, { recursive: true });
  // A bundle on the host's origin: what `?data=` on another site would point at.
  copyFileSync(path.join(distDir, 'data', 'futian.linli'), path.join(hostDir, 'other.linli'));
  linli = await startServer(distDir);
  await warmUp(linli.url);
  // The host site also serves a bundle, readable from other origins (CORS), as a data site would.
  host = await startServer(hostDir, { cors: true });
  other = await startServer(hostDir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all([linli?.close(), host?.close(), other?.close()]);
  rmSync(hostDir, { recursive: true, force: true });
});

const origin = (server) => new URL(server.url).origin;

/** Writes a host page (served by `host` and `other`) and returns its name. */
function hostPage(name, body) {
  writeFileSync(
    path.join(hostDir, name),
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${name}</title>
<script>
  // Every message this window receives, as it arrives (before any other script sees it).
  window.received = [];
  addEventListener('message', (e) => received.push({ origin: e.origin, data: e.data }));
  window.domEvents = [];
  for (const t of ['linli:ready', 'linli:select', 'linli:error', 'linli:resize'])
    document.addEventListener(t, (e) => domEvents.push({ target: e.target.id, type: t, detail: e.detail }));
</script></head><body style="margin:0">${body}</body></html>`,
  );
  return name;
}

/** Opens a host page at a Beijing morning. */
async function openHost(name, { server = host, viewport = { width: 420, height: 900 } } = {}) {
  const page = await newPage(browser, { viewport });
  await atBeijing(page, MORNING);
  await page.goto(new URL(name, server.url).href);
  return page;
}

/** The Linli frame inside `selector`. */
async function linliFrame(page, selector) {
  const handle = await page.waitForSelector(`${selector} iframe, iframe${selector}`, { state: 'attached' });
  return handle.contentFrame();
}

/** Messages from Linli's origin received by the host page. */
const fromLinli = (page) =>
  page.evaluate((o) => window.received.filter((m) => m.origin === o).map((m) => m.data), origin(linli));

async function waitForMessage(page, type, predicate = () => true) {
  let found = null;
  await eventually(
    async () => {
      found = (await fromLinli(page)).find((m) => m.type === type && predicate(m)) ?? null;
      return found !== null;
    },
    async () => `no ${type} message; received: ${JSON.stringify(await fromLinli(page)).slice(0, 600)}`,
  );
  return found;
}

/** The frame's query parameters. */
const frameParams = async (frame) => Object.fromEntries(new URLSearchParams(await frame.evaluate(() => location.search)));

describe('embed.js on another site', () => {
  test('a <div data-linli> becomes a cross-origin frame that is as tall as its content, and reports ready', async () => {
    const page = await openHost(
      hostPage(
        'div.html',
        `<script src="${linli.url}embed.js" async></script>
         <div id="top" data-linli data-kind="canteen" data-lat="${CGM.lat}" data-lng="${CGM.lng}" data-max-height="4000"></div>`,
      ),
    );
    try {
      const frame = await linliFrame(page, '#top');
      await waitForResults(frame);
      const ready = await waitForMessage(page, 'linli:ready');
      assert.equal(ready.v, 1);
      assert.match(ready.name, /福田/);
      const params = await frameParams(frame);
      assert.equal(params.kind, 'canteen');
      assert.equal(params.parent_origin, origin(host), 'embed.js names the host as the parent');
      assert.equal(params.max_height, '4000');
      assert.equal(new URL(frame.url()).origin, origin(linli));

      // The frame's height is the content's (14 canteens: less than the maximum)…
      const heights = () =>
        Promise.all([
          page.$eval('#top iframe', (f) => Math.round(f.getBoundingClientRect().height)),
          frame.$eval('[data-testid=app]', (a) => Math.ceil(a.getBoundingClientRect().height)),
        ]);
      await eventually(
        async () => {
          const [outer, inner] = await heights();
          return outer === inner && inner < 4000;
        },
        async () => `iframe and content heights: ${await heights()}`,
      );
      const [before] = await heights();
      // …and follows it: the folded controls open, the frame grows by as much.
      await frame.click('[data-testid=more-options]');
      await eventually(
        async () => {
          const [outer, inner] = await heights();
          return outer === inner && outer > before;
        },
        async () => `after opening the controls (was ${before}): ${await heights()}`,
      );
      // Every kind (45 places): more than the maximum, so the frame stops at 4000 and scrolls.
      await page.evaluate(() => document.getElementById('top').linli.setKind(null));
      await eventuallyEqual(async () => (await heights())[0], 4000, 'the frame at its maximum');
      assert.ok((await heights())[1] > 4000, 'the content is taller than the frame');
      const resizes = (await fromLinli(page)).filter((m) => m.type === 'linli:resize');
      assert.ok(resizes.length >= 3, `resize messages: ${JSON.stringify(resizes)}`);
      // embed.js turns the messages into events on the element.
      const events = await page.evaluate(() => window.domEvents.map((e) => `${e.target} ${e.type}`));
      assert.ok(events.includes('top linli:ready') && events.includes('top linli:resize'), events.join(', '));
    } finally {
      await page.context().close();
    }
  });

  test('a <linli-finder> below the fold loads only when scrolled near', async () => {
    const page = await openHost(
      hostPage(
        'lazy.html',
        `<script src="${linli.url}embed.js" async></script>
         <p>Top of a long article.</p><div style="height:4000px"></div>
         <linli-finder id="below" kind="rest_stop" mode="ebike" lat="${CGM.lat}" lng="${CGM.lng}"></linli-finder>`,
      ),
    );
    try {
      const iframe = await page.waitForSelector('#below iframe', { state: 'attached' });
      await page.waitForTimeout(500);
      assert.equal(await iframe.getAttribute('src'), null, 'no src while far below the screen');
      assert.ok((await iframe.getAttribute('title')).length > 0, 'the frame has an accessible name');
      await page.evaluate(() => document.getElementById('below').scrollIntoView());
      await eventually(async () => Boolean(await iframe.getAttribute('src')), () => 'src after scrolling');
      const frame = await iframe.contentFrame();
      await waitForResults(frame);
      const kinds = (await readResults(frame)).map((r) => r.kind);
      assert.ok(kinds.every((k) => k === 'rest_stop'), kinds.join(','));
      assert.equal((await frameParams(frame)).mode, 'ebike');
    } finally {
      await page.context().close();
    }
  });
});

describe('messages', () => {
  const page2 = () =>
    openHost(
      hostPage(
        'messages.html',
        `<script src="${linli.url}embed.js" async></script>
         <div id="finder" data-linli data-lat="${CGM.lat}" data-lng="${CGM.lng}" data-max-height="800"></div>`,
      ),
    );

  test('tapping the first result sends select with its id, route metres, seconds and state, and never a position', async () => {
    const page = await page2();
    try {
      const frame = await linliFrame(page, '#finder');
      await waitForResults(frame);
      const first = frame.locator('[data-testid=result]').first();
      const shown = {
        id: await first.getAttribute('data-service-id'),
        routeM: Number(await first.getAttribute('data-route-m')),
        kind: await first.getAttribute('data-kind'),
        state: await first.locator('[data-testid=open-status]').getAttribute('data-state'),
        name: (await first.locator('[data-testid=result-name]').innerText()).trim(),
      };
      await first.locator('button').click();
      await frame.locator('[data-testid=service-detail]').waitFor();
      const select = await waitForMessage(page, 'linli:select');
      assert.deepEqual(Object.keys(select).sort(), ['id', 'kind', 'name', 'route_m', 'state', 'time_s', 'type', 'v']);
      assert.equal(select.id, shown.id);
      assert.equal(select.route_m, shown.routeM);
      assert.equal(select.kind, shown.kind);
      assert.equal(select.state, shown.state);
      assert.equal(select.name, shown.name);
      assert.ok(Number.isInteger(select.time_s) && select.time_s > 0, `time_s ${select.time_s}`);
      // The detail's own distance says the same.
      assert.equal(Number(await frame.getAttribute('[data-testid=detail-distance]', 'data-route-m')), select.route_m);
      // Nothing Linli sent holds a position.
      for (const m of await fromLinli(page)) {
        for (const key of ['lat', 'lng', 'lon', 'origin', 'position']) assert.ok(!(key in m), `${m.type} has ${key}`);
      }
      // Every message went to the host's origin only (the browser delivered it here).
      const dom = await page.evaluate(() => window.domEvents.filter((e) => e.type === 'linli:select'));
      assert.equal(dom.length, 1);
      assert.equal(dom[0].detail.id, shown.id);
    } finally {
      await page.context().close();
    }
  });

  test('commands from the parent page work: mode, kind, language, starting point, open and close a place', async () => {
    const page = await page2();
    try {
      const frame = await linliFrame(page, '#finder');
      await waitForResults(frame);
      await waitForMessage(page, 'linli:ready');
      const send = (method, ...args) =>
        page.evaluate(([m, a]) => document.getElementById('finder').linli[m](...a), [method, args]);

      await send('setMode', 'ebike');
      await eventuallyEqual(async () => (await frameParams(frame)).mode, 'ebike', 'mode after setMode');
      await send('setKind', 'canteen');
      await eventually(
        async () => {
          const kinds = (await readResults(frame)).map((r) => r.kind);
          return kinds.length > 0 && kinds.every((k) => k === 'canteen');
        },
        () => 'only canteens after setKind',
      );
      await send('setLang', 'en');
      await eventuallyEqual(() => frame.evaluate(() => document.documentElement.lang), 'en', 'lang after setLang');
      await send('setOrigin', 22.5405, 114.0235);
      await eventuallyEqual(() => frame.getAttribute('[data-testid=origin-status]', 'data-origin'), 'host', 'origin after setOrigin');
      const params = await frameParams(frame);
      assert.deepEqual([params.lat, params.lng], ['22.5405', '114.0235']);

      const firstId = await frame.getAttribute('[data-testid=result]', 'data-service-id');
      await send('select', firstId);
      await frame.locator('[data-testid=service-detail]').waitFor();
      const select = await waitForMessage(page, 'linli:select', (m) => m.id === firstId);
      assert.equal(select.kind, 'canteen');
      await send('select', null);
      await frame.locator('[data-testid=service-detail]').waitFor({ state: 'detached' });
      await waitForResults(frame);

      // Mistakes are answered with an error the host's developer can read.
      await page.evaluate(() => document.getElementById('finder').linli.send('setMode', { mode: 'car' }));
      const bad = await waitForMessage(page, 'linli:error', (m) => m.code === 'bad_message');
      assert.match(bad.detail, /mode/);
      await send('select', 'no-such-place');
      await waitForMessage(page, 'linli:error', (m) => m.code === 'unknown_place');
      await send('setOrigin', 39.9, 116.4);
      await waitForMessage(page, 'linli:error', (m) => m.code === 'outside_area');
      assert.equal(await frame.getAttribute('[data-testid=origin-status]', 'data-origin'), 'host', 'a point outside the area changes nothing');
    } finally {
      await page.context().close();
    }
  });

  test('the same commands from another window, or from a parent whose origin is not listed, are ignored', async () => {
    // Another site's frame on the host page posts to the Linli frame beside it.
    hostPage(
      'intruder.html',
      `<script>
        addEventListener('message', (e) => {
          if (e.data === 'attack') {
            const target = parent.frames[0];
            target.postMessage({ type: 'linli:setMode', v: 1, mode: 'ebike' }, '*');
            target.postMessage({ type: 'linli:setKind', v: 1, kind: 'canteen' }, '*');
            target.postMessage({ type: 'linli:select', v: 1, id: e.origin }, '*');
          }
        });
      </script>`,
    );
    const linliSrc = `${linli.url}?lat=${CGM.lat}&lng=${CGM.lng}&parent_origin=${encodeURIComponent(origin(host))}`;
    const page = await openHost(
      hostPage(
        'two-frames.html',
        `<iframe id="linli" src="${linliSrc}" width="360" height="640" title="Linli"></iframe>
         <iframe id="intruder" src="${other.url}intruder.html" width="10" height="10" title="other"></iframe>`,
      ),
    );
    try {
      const frame = await linliFrame(page, '#linli');
      await waitForResults(frame);
      await waitForMessage(page, 'linli:ready');
      const intruder = await linliFrame(page, '#intruder');
      await intruder.evaluate(() => window.postMessage('attack', '*'));
      // Then the real parent sends one command; once it has taken effect, the others have
      // been handled too (and must have changed nothing).
      await page.evaluate((o) => document.getElementById('linli').contentWindow.postMessage({ type: 'linli:setLang', v: 1, lang: 'en' }, o), origin(linli));
      await eventuallyEqual(() => frame.evaluate(() => document.documentElement.lang), 'en', 'the parent’s command');
      await page.waitForTimeout(300);
      const params = await frameParams(frame);
      assert.equal(params.mode, undefined, 'mode unchanged');
      assert.equal(params.kind, undefined, 'kind unchanged');
      assert.equal(await frame.locator('[data-testid=service-detail]').count(), 0, 'no place opened');
    } finally {
      await page.context().close();
    }

    // A parent on an origin the embedding does not list: neither heard nor obeyed.
    const unlisted = `${linli.url}?lat=${CGM.lat}&lng=${CGM.lng}&parent_origin=${encodeURIComponent(origin(other))}`;
    const page2 = await openHost(hostPage('unlisted.html', `<iframe id="linli" src="${unlisted}" width="360" height="640" title="Linli"></iframe>`));
    try {
      const frame = await linliFrame(page2, '#linli');
      await waitForResults(frame);
      await page2.evaluate((o) => {
        const w = document.getElementById('linli').contentWindow;
        w.postMessage({ type: 'linli:setMode', v: 1, mode: 'ebike' }, o);
        w.postMessage({ type: 'linli:setLang', v: 1, lang: 'en' }, o);
      }, origin(linli));
      await page2.waitForTimeout(1000);
      assert.equal((await frameParams(frame)).mode, undefined, 'mode unchanged');
      assert.equal(await frame.evaluate(() => document.documentElement.lang), 'zh-CN');
      assert.deepEqual(await fromLinli(page2), [], 'nothing was posted to an origin that is not listed');
    } finally {
      await page2.context().close();
    }
  });
});

describe('where the data comes from', () => {
  const foreign = () => `${host.url}other.linli`;

  test('a bundle from another site is refused with a clear message, and nothing is fetched from it', async () => {
    const page = await newPage(browser);
    const asked = [];
    page.on('request', (r) => asked.push(r.url()));
    try {
      await page.goto(`${linli.url}?data=${encodeURIComponent(foreign())}`);
      const refused = page.locator('[data-testid=data-refused]');
      await refused.waitFor();
      const text = await refused.innerText();
      assert.ok(text.includes(origin(host)), `names the other site: ${text}`);
      assert.match(text, /不能显示这份数据/);
      assert.match(text, /config\.json/, 'the technical detail tells the deployer what to do');
      assert.equal(await page.locator('[data-testid=result]').count(), 0);
      assert.ok(!asked.some((u) => u.startsWith(foreign())), 'the foreign bundle was never requested');
      const about = page.locator('[data-testid=data-origin]');
      assert.equal(await about.getAttribute('data-own'), 'false');
      assert.ok((await about.innerText()).includes(origin(host)));
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] });
    } finally {
      await page.context().close();
    }
  });

  test('data: and javascript: addresses are refused', async () => {
    const page = await newPage(browser);
    try {
      await page.goto(`${linli.url}?data=${encodeURIComponent('data:application/octet-stream;base64,TElOTEkAQk4=')}`);
      const text = await page.locator('[data-testid=data-refused]').innerText();
      assert.match(text, /http\(s\)/);
    } finally {
      await page.context().close();
    }
  });

  test('a site listed in config.json may serve the data, and the page says where it came from', async () => {
    const page = await newPage(browser);
    try {
      await page.route(`${linli.url}config.json`, (route) =>
        route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data_origins: ['https://unrelated.example', origin(host)] }) }),
      );
      const asked = [];
      page.on('request', (r) => asked.push(r.url()));
      await page.goto(`${linli.url}?lat=${CGM.lat}&lng=${CGM.lng}&data=${encodeURIComponent(foreign())}`);
      await waitForResults(page);
      assert.ok((await page.innerText('[data-testid=data-source]')).includes(origin(host)), 'the title bar names the other site');
      // index.html preloads the sample bundle only for a page that names no data.
      assert.ok(!asked.some((u) => u.endsWith('/data/futian.linli')), `the sample bundle was not downloaded too: ${asked.join(', ')}`);
      assert.equal(await page.getAttribute('[data-testid=data-origin]', 'data-own'), 'false');
      assert.match(await page.innerText('[data-testid=about-data]'), /数据更新于 \d{4}-\d\d-\d\d/);
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] });
    } finally {
      await page.context().close();
    }
    // A wildcard in config.json allows nothing, and the refusal says why.
    const page2 = await newPage(browser);
    try {
      await page2.route(`${linli.url}config.json`, (route) =>
        route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data_origins: ['*'] }) }),
      );
      await page2.goto(`${linli.url}?data=${encodeURIComponent(foreign())}`);
      assert.match(await page2.innerText('[data-testid=data-refused]'), /data_origins\[0\]: '\*' is a wildcard/);
    } finally {
      await page2.context().close();
    }
  });

  test('the own data names this site and its build date', async () => {
    const page = await newPage(browser);
    try {
      const asked = [];
      page.on('request', (r) => asked.push(r.url()));
      await page.goto(linli.url);
      await waitForResults(page);
      assert.equal(await page.getAttribute('[data-testid=data-origin]', 'data-own'), 'true');
      // Preloaded while the page was parsed, and that download is the one the app used.
      assert.equal(await page.locator('link[rel=preload][href="data/futian.linli"]').count(), 1, 'the sample bundle is preloaded');
      assert.equal(asked.filter((u) => u.endsWith('/data/futian.linli')).length, 1, 'the sample bundle is downloaded once');
      assert.equal(await page.locator('[data-testid=data-source]').count(), 0, 'no "data from" badge for the own data');
      assert.match(await page.innerText('[data-testid=data-date]'), /^数据更新于 \d{4}-\d\d-\d\d$/);
      assert.match(await page.innerText('[data-testid=data-name]'), /福田/);
    } finally {
      await page.context().close();
    }
  });
});

describe('small frames, branding, hand-off', () => {
  for (const [width, height] of [[320, 480], [360, 640]]) {
    test(`a ${width}×${height} iframe on another site shows the first result (name, distance, open state) without scrolling`, async () => {
      const page = await openHost(
        hostPage(
          `frame-${width}.html`,
          `<iframe id="small" src="${linli.url}?lat=${CGM.lat}&lng=${CGM.lng}" width="${width}" height="${height}" style="border:0" title="Linli"></iframe>`,
        ),
      );
      try {
        const frame = await linliFrame(page, '#small');
        await waitForResults(frame);
        await page.waitForTimeout(300);
        assert.deepEqual(await firstResultProblems(frame), []);
        assert.equal(await frame.evaluate(() => document.scrollingElement.scrollTop), 0);
      } finally {
        await page.context().close();
      }
    });
  }

  test('accent and title: the host’s colour at 7:1 contrast or better, its title as text', async () => {
    const luminance = ([r, g, b]) => {
      const c = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
    };
    const contrast = (a, b) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const rgb = (s) => s.match(/\d+/g).slice(0, 3).map(Number);
    for (const [accent, keeps] of [['003a8c', true], ['1a7f37', false], ['ffd700', true]]) {
      const page = await newPage(browser, { viewport: { width: 360, height: 640 } });
      try {
        const title = '<b>福田街道</b> 长者食堂 & 驿站';
        await page.goto(`${linli.url}?accent=${accent}&title=${encodeURIComponent(title)}`);
        await waitForResults(page);
        assert.equal(await page.innerText('[data-testid=host-title]'), title, 'shown as text');
        assert.equal(await page.locator('[data-testid=host-title] b').count(), 0, 'never as HTML');
        assert.match(await page.title(), /^<b>福田街道<\/b> 长者食堂 & 驿站 · 邻里$/);
        for (const selector of ['.topbar', '[data-testid=locate]']) {
          const { bg, fg } = await page.$eval(selector, (el) => ({ bg: getComputedStyle(el).backgroundColor, fg: getComputedStyle(el).color }));
          const ratio = contrast(rgb(bg), rgb(fg));
          assert.ok(ratio >= 7, `${accent} ${selector}: ${fg} on ${bg} is ${ratio.toFixed(2)}:1`);
          const given = [0, 2, 4].map((i) => parseInt(accent.slice(i, i + 2), 16));
          assert.equal(rgb(bg).join() === given.join(), keeps, `${accent} ${selector} background ${bg}`);
        }
        assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] });
      } finally {
        await page.context().close();
      }
    }
  });

  test('hand-off: directions in Amap, Baidu, Tencent, Apple Maps and any geo: app, in the current mode', async () => {
    const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await atBeijing(page, MORNING);
      await page.goto(`${linli.url}?lat=${CGM.lat}&lng=${CGM.lng}&place=donghai-canteen`);
      const detail = page.locator('[data-testid=service-detail]');
      await detail.waitFor();
      const href = (p) => detail.locator(`[data-testid=${p}-link]`).getAttribute('href');
      const amap = new URL(await href('amap'));
      assert.equal(amap.origin + amap.pathname, 'https://uri.amap.com/navigation');
      assert.equal(amap.searchParams.get('mode'), 'walk');
      assert.equal(amap.searchParams.get('coordinate'), 'gaode');
      const [fromLng, fromLat] = amap.searchParams.get('from').split(',').map(Number);
      // GCJ-02 is a few hundred metres from the link's WGS-84 point in Shenzhen.
      const shift = Math.hypot(fromLng - CGM.lng, fromLat - CGM.lat);
      assert.ok(shift > 0.002 && shift < 0.01, `GCJ-02 start ${fromLng},${fromLat}`);
      assert.match(await href('baidu'), /^https:\/\/api\.map\.baidu\.com\/direction\?origin=latlng:[\d.]+,[\d.]+\|name:.+&destination=latlng:.+&mode=walking&coord_type=bd09ll&/);
      assert.match(await href('tencent'), /^https:\/\/apis\.map\.qq\.com\/uri\/v1\/routeplan\?type=walk&from=.+&fromcoord=[\d.]+,[\d.]+&to=.+&tocoord=[\d.]+,[\d.]+&referer=linli$/);
      assert.match(await href('apple'), /^https:\/\/maps\.apple\.com\/\?saddr=[\d.]+,[\d.]+&daddr=[\d.]+,[\d.]+&q=.+&dirflg=w$/);
      assert.match(await href('geo'), /^geo:22\.\d{6},114\.\d{6}\?q=/);
      // The e-bike rides.
      await page.goto(`${linli.url}?lat=${CGM.lat}&lng=${CGM.lng}&mode=ebike&place=donghai-canteen`);
      await detail.waitFor();
      assert.equal(new URL(await href('amap')).searchParams.get('mode'), 'ride');
      assert.match(await href('tencent'), /type=bike/);
      assert.match(await href('baidu'), /mode=riding/);
    } finally {
      await page.context().close();
    }
  });
});

test('the example host page shows all three ways, from another site', { timeout: WAIT_MS * 4 }, async () => {
  copyFileSync(path.join(distDir, 'embed-example.html'), path.join(hostDir, 'embed-example.html'));
  const page = await openHost(`embed-example.html?linli=${encodeURIComponent(linli.url)}`, { viewport: { width: 800, height: 900 } });
  try {
    const byDiv = await linliFrame(page, '#by-div');
    await waitForResults(byDiv);
    const byIframe = await linliFrame(page, '#by-iframe');
    await waitForResults(byIframe);
    await page.click('text=setMode ebike');
    await eventuallyEqual(async () => (await frameParams(byDiv)).mode, 'ebike', 'the example’s command button');
    await eventually(
      async () => (await page.innerText('#log')).includes('by-div: linli:ready'),
      async () => `log: ${await page.innerText('#log')}`,
    );
    await page.evaluate(() => document.getElementById('by-element').scrollIntoView());
    const byElement = await linliFrame(page, '#by-element');
    await waitForResults(byElement);
    assert.equal(await byElement.innerText('[data-testid=host-title]'), '骑手驿站地图');
  } finally {
    await page.context().close();
  }
});
