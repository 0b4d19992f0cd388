#!/usr/bin/env node
// Tiled datasets in the browser (issue 13): the bytes of data downloaded before the first
// result and the time to the first result at 4× CPU slowdown, for the single Futian bundle,
// Futian cut into 0.5 km and 2 km tiles, and Futian × 64 (the city of `tile_sizes`) at both;
// the JS heap after an hour of panning over Futian × 64 (2 km tiles); and the whole-city
// coverage at 4× slowdown (fetching every tile, the coverage in slices, the longest main-thread
// task and the taps during it). Prints a Markdown section for docs/BROWSER_BENCHMARKS.md (kept
// there by hand: scripts/perf.mjs carries over the sections it does not write).
//
//   scripts/build-web.sh
//   cargo run --release -p linli-build --example city_tiles -- dist/data/bench
//   node scripts/tiles-perf.mjs [first] [heap] [coverage]    (no argument: all three)
//
// The tiles of Futian are written by `linli build --tiles-km` into dist/data/bench/ too. Cold
// loads (a new context each: empty cache, no service worker yet), phone emulation, CDP
// `Emulation.setCPUThrottlingRate` 4, loopback (no network throttling); bytes are the wire
// bytes (brotli, with response headers) of the data requests finished when the first result
// shows: index.txt, the manifest and the tiles, or the bundle.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { PHONE, kib, median, recordFirstResult } from './bench-page.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WAIT_MS, distDir, repoRoot, startDistServer } from '../tests/e2e/lib.mjs';

const RUNS = 5;
const RATE = 4;
const CGM = 'lat=22.535&lng=114.02';


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

const SECTIONS = process.argv.slice(2).length ? process.argv.slice(2) : ['first', 'heap', 'coverage'];

async function firstResultRows(browser, server) {
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
  const load = os.loadavg()[0].toFixed(2);
  const rows = [];
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
  return [
    `Command: \`node scripts/tiles-perf.mjs first\` (after \`cargo run --release -p linli-build --example city_tiles -- dist/data/bench\`). ` +
      `Date: ${stamp()} UTC; load average ${load} at start. ` +
      `Cold loads, phone emulation, ${RATE}× CPU slowdown (CDP), loopback; median of ${RUNS}. ` +
      'Data bytes: wire bytes (brotli, with headers) of the data requests finished when the first result shows ' +
      '(index.txt + manifest + tiles, or the bundle), beyond the app. Time: navigation start to the first result visible ' +
      '(the app itself included). The page makes the nearest 10 places exact first.',
    '',
    '| dataset, starting point | data bytes before the first result | tiles fetched by then | time to first result | min – max |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

const stamp = () => new Date().toISOString().slice(0, 16).replace('T', ' ');
const mib = (b) => `${(b / 1048576).toFixed(1)} MiB`;

/** The extent of the sample's streets (lng/lat min and max), from `linli coverage --geojson` on the single bundle. */
async function sampleExtent() {
  const out = path.join(os.tmpdir(), `linli-tiles-perf-${process.pid}.geojson`);
  await promisify(execFile)(
    path.join(repoRoot, 'target', 'release', 'linli'),
    ['coverage', '--bundle', 'dist/data/futian.linli', '--kind', 'centre', '--json', '--geojson', out],
    { cwd: repoRoot, maxBuffer: 1 << 26 },
  );
  const g = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out, { force: true });
  const e = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of g.features) {
    const c = f.geometry.coordinates.flat(2);
    for (let i = 0; i < c.length; i += 2) {
      e[0] = Math.min(e[0], c[i]);
      e[1] = Math.min(e[1], c[i + 1]);
      e[2] = Math.max(e[2], c[i]);
      e[3] = Math.max(e[3], c[i + 1]);
    }
  }
  return e;
}

/**
 * An hour of panning, compressed: `n` starting points along a serpentine across Futian × 64
 * (the sample repeated 8 × 8: `scale::tile` shifts each copy by the sample's extent), four rows
 * from south-west to north-east, inside the city by a tenth of a copy.
 */
function panRoute([x0, y0, x1, y1], n) {
  const [w, h] = [x1 - x0, y1 - y0];
  const [cx0, cy0, cx1, cy1] = [x0 + 0.1 * w, y0 + 0.1 * h, x0 + 7.9 * w, y0 + 7.9 * h];
  const rows = 4;
  const perRow = n / rows;
  const route = [];
  for (let r = 0; r < rows; r++) {
    const lat = cy0 + ((cy1 - cy0) * (r + 0.5)) / rows;
    for (let i = 0; i < perRow; i++) {
      const t = i / (perRow - 1);
      const lng = cx0 + (cx1 - cx0) * (r % 2 ? 1 - t : t);
      route.push({ lat: Number(lat.toFixed(6)), lng: Number(lng.toFixed(6)) });
    }
  }
  return route;
}

/** The page's JS heap after a forced GC, its wasm memory, tiles loaded and DOM nodes. */
async function memoryOf(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const { wasmBytes, nodes, tiles, copies, prefetched } = await page.evaluate(() => ({
    wasmBytes: window.__linliWasm?.memory?.buffer?.byteLength ?? 0,
    nodes: document.getElementsByTagName('*').length,
    tiles: window.__linliTimings?.tilesFetched ?? 0,
    copies: window.__linliCounters?.finderCopies ?? 0,
    prefetched: window.__linliCounters?.tilesPrefetched ?? 0,
  }));
  return { heapUsed: heap.usedSize, heapTotal: heap.totalSize, wasmBytes, nodes, tiles, copies, prefetched };
}

/** Moves the starting point to `p` ("use the map centre") and waits for the answer and its tiles. */
async function moveAndWait(page, p) {
  const before = new URL(page.url()).search;
  await page.evaluate(({ lat, lng }) => {
    window.__linliMap.setView([lat, lng], window.__linliMap.getZoom(), { animate: false });
  }, p);
  await page.click('[data-testid=use-map-centre]');
  await page.waitForFunction((b) => location.search !== b, before, { timeout: WAIT_MS });
  await page.waitForTimeout(30);
  await page.waitForFunction(
    () => window.__linliTimings?.tilesSearchDone === 1 && !document.querySelector('[data-testid=tiles-loading]'),
    null,
    { timeout: 6 * WAIT_MS },
  );
}

function recordWasm() {
  addEventListener('TrunkApplicationStarted', (e) => {
    window.__linliWasm = e.detail.wasm;
  });
}

async function heapRows(browser, server) {
  const dir = 'data/bench/city-2/';
  if (!existsSync(path.join(distDir, dir, 'index.txt'))) throw new Error(`dist/${dir} missing: run the city_tiles example`);
  const MOVES = 360;
  const route = panRoute(await sampleExtent(), MOVES);
  const load = os.loadavg()[0].toFixed(2);
  // The wide layout (list and map side by side): the moves use "use the map centre".
  const context = await browser.newContext({ ...PHONE, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false });
  const rows = [];
  let elapsed = 0;
  try {
    await context.addInitScript(recordWasm);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const [first] = route;
    await page.goto(new URL(`?data=${dir}&lat=${first.lat}&lng=${first.lng}`, server.url).href);
    await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: 6 * WAIT_MS });
    await page.waitForFunction(() => window.__linliTimings?.tilesSearchDone === 1, null, { timeout: 6 * WAIT_MS });
    const row = (label, m) =>
      `| ${label} | ${mib(m.heapUsed)} | ${mib(m.heapTotal)} | ${mib(m.wasmBytes)} | ${m.tiles} | ${m.prefetched} | ${m.copies} | ${m.nodes} |`;
    await page.waitForTimeout(2000);
    rows.push(row('after the first answer', await memoryOf(page, cdp)));
    console.error(rows.at(-1));
    const t0 = Date.now();
    let skipped = 0;
    for (let i = 1; i < route.length; i++) {
      try {
        await moveAndWait(page, route[i]);
      } catch (e) {
        skipped += 1;
        console.error(`move ${i} to ${route[i].lat},${route[i].lng}: ${e.message.split('\n')[0]} (${page.url()})`);
      }
      if (i % 30 === 0) console.error(`${i} moves, ${Math.round((Date.now() - t0) / 1000)} s`);
      if (i % 90 === 0 || i === route.length - 1) {
        rows.push(row(`after ${i} moves (${Math.round((i * 10) / 60)} min of use)`, await memoryOf(page, cdp)));
        console.error(rows.at(-1));
      }
    }
    elapsed = (Date.now() - t0) / 1000;
    if (skipped) rows.push(`| (${skipped} of ${MOVES - 1} moves did not finish within ${WAIT_MS / 1000} s: see stderr) | | | | | | | |`);
  } finally {
    await context.close();
  }
  return [
    '### JS heap after an hour of panning',
    '',
    `Command: \`node scripts/tiles-perf.mjs heap\`. Date: ${stamp()} UTC; load average ${load} at start. ` +
      `Futian × 64 in 2 km tiles, a 1280 × 800 window (list beside the map), no CPU slowdown. An hour of use compressed: ${MOVES} moves of the ` +
      'starting point (one per 10 s of a real hour) along a serpentine of four rows across the whole city, ' +
      `each waiting for its answer and its tiles (the run took ${Math.round(elapsed)} s); the background fetch runs between moves. ` +
      'JS heap: CDP `Runtime.getHeapUsage` after two `HeapProfiler.collectGarbage`; wasm memory: the linear memory ' +
      '(it never shrinks, so it is the peak); tiles: loaded; copies: times the network was copied because something still held the engine when tiles arrived.',
    '',
    '| when | JS heap used | JS heap total | wasm memory | tiles loaded | of them in the background | finder copies | DOM elements |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** Long tasks, the taps' Event Timing entries and the run's phases, recorded in the page. */
function recordTasks() {
  window.__longTasks = [];
  window.__taps = [];
  window.__phases = [];
  addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => {
      const p = document.querySelector('[data-testid=coverage-progress]');
      const phase = p ? p.dataset.phase : document.querySelector('[data-testid=coverage-summary][data-whole=true]') ? 'done' : null;
      if (phase && window.__phases.at(-1)?.phase !== phase) window.__phases.push({ phase, at: performance.now() });
    }).observe(document.body, { childList: true, subtree: true, attributes: true });
  });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      if (e.name === 'click' || e.name === 'pointerdown' || e.name === 'pointerup') window.__taps.push({ name: e.name, start: e.startTime, ms: e.duration, delay: e.processingStart - e.startTime });
    }
  }).observe({ type: 'event', durationThreshold: 16, buffered: true });
}

async function coverageRows(browser, server) {
  const rows = [];
  const load = os.loadavg()[0].toFixed(2);
  // 2 km tiles (288 of them); the 0.5 km cut has 3,763.
  for (const km of ['2']) {
    const dir = `data/bench/city-${km}/`;
    if (!existsSync(path.join(distDir, dir, 'index.txt'))) continue;
    const context = await browser.newContext(PHONE);
    try {
      await context.addInitScript(recordTasks);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
      await page.goto(new URL(`?data=${dir}&lang=en`, server.url).href);
      await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: 6 * WAIT_MS });
      await page.waitForFunction(() => window.__linliTimings?.tilesSearchDone === 1, null, { timeout: 6 * WAIT_MS });
      if (!(await page.locator('[data-testid=coverage-toggle]').isVisible())) await page.click('[data-testid=more-options]');
      await page.click('[data-testid=coverage-toggle]');
      await page.locator('[data-testid=coverage-whole]').waitFor({ timeout: 6 * WAIT_MS });
      const startMs = await page.evaluate(() => performance.now());
      await page.click('[data-testid=coverage-whole]');
      // Taps on the mode already chosen while the run goes on (handled, nothing to recompute).
      let taps = 0;
      const done = page.locator('[data-testid=coverage-summary][data-whole=true]');
      while (!(await done.count())) {
        if (await page.locator('[data-testid=coverage-progress]').count()) {
          await page.click('[data-testid=mode-walk]', { timeout: 6 * WAIT_MS }).catch(() => {});
          taps += 1;
        }
        await page.waitForTimeout(400);
        if (taps > 2000) throw new Error('the whole-area coverage never ended');
      }
      await page.waitForTimeout(3000); // the map draws the result, a chunk per task
      const r = await page.evaluate((t0) => ({
        byPhase: ['fetch', 'compute', 'done'].map((phase) => {
          const from = window.__phases.find((p) => p.phase === phase)?.at ?? Infinity;
          const next = window.__phases.find((p) => p.at > from && p.phase !== phase)?.at ?? Infinity;
          const tasks = window.__longTasks.filter((x) => x.start >= from && x.start < next);
          return `${phase}: ${tasks.length}, longest ${Math.round(Math.max(0, ...tasks.map((x) => x.ms)))} ms`;
        }).join('; '),
        t: window.__linliTimings,
        longest: Math.max(0, ...window.__longTasks.filter((x) => x.start >= t0).map((x) => x.ms)),
        long: window.__longTasks.filter((x) => x.start >= t0).length,
        taps: window.__taps.filter((x) => x.start >= t0 && x.name === 'click'),
        tiles: window.__linliTimings?.tilesFetched ?? 0,
      }), startMs);
      const tapMax = Math.max(0, ...r.taps.map((x) => x.ms));
      const tapMedian = r.taps.length ? median(r.taps.map((x) => x.ms)) : 0;
      rows.push(
        `| Futian × 64, ${km} km tiles | ${r.tiles} | ${Math.round(r.t.wholeFetchMs)} ms | ${Math.round(r.t.wholeComputeMs)} ms ` +
          `(${r.t.wholeSlices} slices, longest ${Math.round(r.t.wholeLongestSliceMs)} ms) | ${Math.round(r.t.wholeComputeWallMs)} ms | ` +
          `${r.long ? `${Math.round(r.longest)} ms (${r.long} over 50 ms: ${r.byPhase})` : 'none over 50 ms'} | ${taps} taps: ${r.taps.length} over 16 ms, ` +
          `median of those ${Math.round(tapMedian)} ms, max ${Math.round(tapMax)} ms |`,
      );
      console.error(rows.at(-1));
    } finally {
      await context.close();
    }
  }
  return [
    '### Whole-city coverage in the browser',
    '',
    `Command: \`node scripts/tiles-perf.mjs coverage\`. Date: ${stamp()} UTC; load average ${load} at start. ` +
      `Phone emulation, ${RATE}× CPU slowdown (CDP), loopback, a cold page from the area centre; "load the whole area ` +
      'and compute" in the coverage view (centres, walking). Fetch: from the click until every tile is loaded (at most 3 ' +
      'at a time); coverage: the work of the slices (yields left out) and from its start to the result (wall). Long tasks: ' +
      'PerformanceObserver `longtask` from the click until 3 s after the result (by phase: fetch, compute, done = the result shown and drawn). ' +
      'Taps: a click on the mode already chosen every 400 ms during the run; Event Timing durations (input delay + handler + ' +
      'next paint) of those over 16 ms.',
    '',
    '| dataset | tiles | fetch | coverage work | coverage wall | longest task | taps during the run |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

async function main() {
  const server = await startDistServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const out = ['## Tiled datasets in the browser', ''];
  try {
    if (SECTIONS.includes('first')) out.push(...(await firstResultRows(browser, server)), '');
    if (SECTIONS.includes('heap')) out.push(...(await heapRows(browser, server)), '');
    if (SECTIONS.includes('coverage')) out.push(...(await coverageRows(browser, server)), '');
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
