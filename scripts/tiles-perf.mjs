#!/usr/bin/env node
// Tiled datasets in the browser (issue 13): the bytes of data downloaded before the first
// result and the time to the first result at 4× CPU slowdown, for the single Futian bundle,
// Futian cut into 0.5 km and 2 km tiles, and Futian × 64 (the city of `tile_sizes`) at both.
// Prints a Markdown section for docs/BROWSER_BENCHMARKS.md (kept there by hand: scripts/perf.mjs
// carries over the sections it does not write).
//
//   scripts/build-web.sh
//   cargo run --release -p linli-build --example city_tiles -- dist/data/bench
//   node scripts/tiles-perf.mjs
//
// The tiles of Futian are written by `linli build --tiles-km` into dist/data/bench/ too. Cold
// loads (a new context each: empty cache, no service worker yet), phone emulation, CDP
// `Emulation.setCPUThrottlingRate` 4, loopback (no network throttling); bytes are the wire
// bytes (brotli, with response headers) of the data requests finished when the first result
// shows: index.txt, the manifest and the tiles, or the bundle.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WAIT_MS, distDir, repoRoot, startDistServer } from '../tests/e2e/lib.mjs';

const RUNS = 5;
const RATE = 4;
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};
const CGM = 'lat=22.535&lng=114.02';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;

function recordFirstResult() {
  const observer = new MutationObserver(() => {
    const el = document.querySelector('[data-testid=result]');
    if (el && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
      window.__firstResultMs = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

async function coldLoad(browser, url, dataPrefix) {
  const context = await browser.newContext(PHONE);
  try {
    await context.addInitScript(recordFirstResult);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
    await cdp.send('Network.enable');
    const urls = new Map();
    const done = [];
    cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', (e) => done.push({ url: urls.get(e.requestId) ?? '', bytes: e.encodedDataLength }));
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: 6 * WAIT_MS });
    const firstResultMs = await (await page.waitForFunction(() => window.__firstResultMs)).jsonValue();
    const data = done.filter((d) => new URL(d.url || 'http://x/').pathname.includes(dataPrefix));
    const tiles = data.filter((d) => /\/t\/\d+-\d+\./.test(d.url)).length;
    return { firstResultMs, bytes: data.reduce((a, d) => a + d.bytes, 0), tiles };
  } finally {
    await context.close();
  }
}

async function main() {
  const bench = path.join(distDir, 'data', 'bench');
  for (const km of ['0.5', '2']) {
    await promisify(execFile)(
      path.join(repoRoot, 'target', 'release', 'linli'),
      ['build', '--osm', 'data/osm/shenzhen-futian.osm.pbf', '--services', 'data/sample/futian-services.csv',
        '--name', '深圳福田 香蜜湖–车公庙', '--tiles-km', km, '--out', path.join(bench, `futian-${km}`)],
      { cwd: repoRoot },
    );
  }
  const cases = [
    ['Futian, single bundle', `?data=data/futian.linli&${CGM}`, '/data/futian.linli'],
    ['Futian, tiles 0.5 km', `?data=data/bench/futian-0.5/&${CGM}`, '/data/bench/futian-0.5/'],
    ['Futian, tiles 2 km', `?data=data/bench/futian-2/&${CGM}`, '/data/bench/futian-2/'],
  ];
  for (const km of ['0.5', '2']) {
    if (!existsSync(path.join(bench, `city-${km}`, 'index.txt'))) {
      console.error(`dist/data/bench/city-${km}/ missing: run the city_tiles example (see the top of this file)`);
      continue;
    }
    cases.push([`Futian × 64, tiles ${km} km, from Chegongmiao`, `?data=data/bench/city-${km}/&${CGM}`, `/data/bench/city-${km}/`]);
    cases.push([`Futian × 64, tiles ${km} km, from the area centre`, `?data=data/bench/city-${km}/`, `/data/bench/city-${km}/`]);
  }
  const server = await startDistServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const load = os.loadavg()[0].toFixed(2);
  const rows = [];
  try {
    for (const [label, query, prefix] of cases) {
      const url = new URL(query, server.url).href;
      await coldLoad(browser, url, prefix); // untimed: the server compresses each file once
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await coldLoad(browser, url, prefix));
      const times = runs.map((r) => r.firstResultMs);
      rows.push(
        `| ${label} | ${kib(median(runs.map((r) => r.bytes)))} | ${median(runs.map((r) => r.tiles))} | ` +
          `${Math.round(median(times))} ms | ${Math.round(Math.min(...times))} – ${Math.round(Math.max(...times))} ms |`,
      );
      console.error(rows.at(-1));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(
    [
      '## Tiled datasets in the browser',
      '',
      `Command: \`node scripts/tiles-perf.mjs\` (after \`cargo run --release -p linli-build --example city_tiles -- dist/data/bench\`). ` +
        `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${load} at start. ` +
        `Cold loads, phone emulation, ${RATE}× CPU slowdown (CDP), loopback; median of ${RUNS}. ` +
        'Data bytes: wire bytes (brotli, with headers) of the data requests finished when the first result shows ' +
        '(index.txt + manifest + tiles, or the bundle), beyond the app. Time: navigation start to the first result visible ' +
        '(the app itself included). The page makes the nearest 10 places exact first.',
      '',
      '| dataset, starting point | data bytes before the first result | tiles fetched by then | time to first result | min – max |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
