#!/usr/bin/env node
// Browser performance of the built app (dist/; this script builds nothing).
//
//   node scripts/perf.mjs
//
//   node scripts/perf.mjs search large     (only these sections; the others in the file stay)
//
// Serves dist/ with compression on loopback and measures
//   1. download sizes of the .wasm, .js and .css files, index.html and the data bundle (`sizes`),
//   2. time from navigation start to the first result shown, phone emulation,
//      cold loads, with and without 4× CPU throttling, and
//   3. the app's own timings (window.__linliTimings) at both CPU speeds (`loads`),
//   4. the service circle and the cost of a pan (`circle`),
//   5. the search box: the work of each keystroke (`search`),
//   5b. taps (mode, kind, filter, open now, a result and back) and a drag of the map at 4×
//      slowdown (`taps`),
//   6. bundles with 10,000 and 100,000 places and coverage with 1,000 places on one street,
//      generated from the sample by tests/e2e/bundles.mjs (`large`),
//   7. Lighthouse 12 mobile scores and metrics (`lighthouse`),
//   7b. the long main-thread tasks of a cold load at 4× slowdown, from a Chromium trace, and
//      what they are made of (scripts/task-trace.mjs) (`tasks`),
//   8. what the wasm is made of (scripts/wasm-composition.mjs; needs the release build's
//      target/wasm32-unknown-unknown/release/linli-app.wasm from scripts/build-web.sh)
//      (`composition`).
// Prints the tables as markdown and writes them to docs/BROWSER_BENCHMARKS.md; sections of that
// file this script does not write (notes kept by hand) are carried over.
// A step that fails is reported in its section and the others still run.

import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WAIT_MS, distDir, repoRoot, startDistServer } from '../tests/e2e/lib.mjs';
import { manyPlaces, oneStreet } from '../tests/e2e/bundles.mjs';
import { PRE_BINDGEN_WASM, compositionTable } from './wasm-composition.mjs';
import { PHONE, kib, median, recordFirstResult } from './bench-page.mjs';
import { AFTER_FIRST_RESULT_MS, LONG_TASK_MS, tasksMarkdown, tracedLoad, tracedLoads } from './task-trace.mjs';

const RUNS = 5;
const QUERY = '?lat=22.535&lng=114.02'; // Chegongmiao, as in the e2e tests
const CPU_RATES = [1, 4];
const TIMING_KEYS = ['decodeMs', 'prepareMs', 'lastQueryMs'];

const ms = (x) => (x == null ? 'n/a' : `${x.toFixed(x < 100 ? 1 : 0)} ms`);
const table = (header, rows) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const failure = (err) => `**Failed:** ${String(err?.stack ?? err).split('\n')[0]}`;

// ---------------------------------------------------------------- 1. sizes

async function filesUnder(dir) {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)])),
  );
  return nested.flat();
}

async function sizesSection() {
  const files = (await filesUnder(distDir))
    .filter(
      (f) =>
        ['.wasm', '.js', '.css'].includes(path.extname(f)) ||
        f === path.join(distDir, 'index.html') ||
        f === path.join(distDir, 'data', 'futian.linli'),
    )
    .sort();
  const rows = [];
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const body = await fs.readFile(file);
    const size = {
      raw: body.length,
      gzip: zlib.gzipSync(body, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(body, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      }).length,
    };
    for (const k of Object.keys(total)) total[k] += size[k];
    rows.push([`\`${path.relative(distDir, file)}\``, kib(size.raw), kib(size.gzip), kib(size.brotli)]);
  }
  rows.push(['**total**', `**${kib(total.raw)}**`, `**${kib(total.gzip)}**`, `**${kib(total.brotli)}**`]);
  return ['## Download sizes', '', 'Files of dist/ (`.wasm`, `.js`, `.css`), the page (`index.html`, which carries the style sheets) and the data bundle; gzip level 9, brotli quality 11.', '', table(['file', 'raw', 'gzip -9', 'brotli 11'], rows)].join('\n');
}

// ---------------------------------------------------------------- 2 and 3. loads

/**
 * Lighthouse's slow 4G as DevTools applies it when Lighthouse throttles for real
 * (`throttlingMethod: 'devtools'`, its `mobileSlow4G` preset): 562.5 ms added to each request,
 * 1,474.56 kbit/s down, 675 kbit/s up.
 */
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1474.56 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 };

/** One cold load (a new context: empty cache) at a CPU slowdown `rate`, on slow 4G if `slow`. */
async function coldLoad(browser, url, rate, slow = false) {
  const context = await browser.newContext(PHONE);
  try {
    await context.addInitScript(recordFirstResult);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    if (slow) {
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    }
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: 3 * WAIT_MS });
    const firstResultMs = await (await page.waitForFunction(() => window.__firstResultMs)).jsonValue();
    // The timings may be written just after the results render.
    const timings = await page
      .waitForFunction(() => typeof window.__linliTimings?.lastQueryMs === 'number' && window.__linliTimings, null, { timeout: 5000 })
      .then((handle) => handle.jsonValue())
      .catch(() => null);
    return { firstResultMs, timings };
  } finally {
    await context.close();
  }
}

async function loadSections(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // One untimed load, so that the server has compressed every file once.
    await coldLoad(browser, url, 1);
    const runs = {};
    for (const rate of CPU_RATES) {
      runs[rate] = [];
      for (let i = 0; i < RUNS; i++) runs[rate].push(await coldLoad(browser, url, rate));
    }

    const slow = [];
    for (let i = 0; i < RUNS; i++) slow.push(await coldLoad(browser, url, 4, true));
    const row = (label, loads) => {
      const times = loads.map((r) => r.firstResultMs);
      return [label, ms(median(times)), `${ms(Math.min(...times))} – ${ms(Math.max(...times))}`];
    };
    const loadRows = [
      ...CPU_RATES.map((rate) => row(rate === 1 ? 'no throttling' : `${rate}× slowdown`, runs[rate])),
      row('4× slowdown, slow 4G', slow),
    ];
    const loads = [
      '## Time to the first result',
      '',
      `From navigation start to the first \`[data-testid=result]\` visible; URL \`${QUERY}\`; phone emulation ` +
        `(390×844, deviceScaleFactor 2, isMobile, touch); cold loads (a new browser context each, empty cache); ` +
        `CPU throttling through CDP \`Emulation.setCPUThrottlingRate\`; no network throttling (loopback) except in the last ` +
        `row, which adds Lighthouse's slow 4G as DevTools applies it (CDP \`Network.emulateNetworkConditions\`: 562.5 ms ` +
        `per request, 1,474.56 kbit/s down, 675 kbit/s up; issue 10's goal for it is 2.5 s); median of ${RUNS}.`,
      '',
      table(['CPU', 'median', 'min – max'], loadRows),
    ].join('\n');

    const timingRows = TIMING_KEYS.map((key) => [
      `\`${key}\``,
      ...CPU_RATES.map((rate) => {
        const values = runs[rate].map((r) => r.timings?.[key]).filter((v) => typeof v === 'number');
        return values.length === RUNS ? ms(median(values)) : `n/a (${values.length} of ${RUNS} loads had it)`;
      }),
    ]);
    const timings = [
      "## The app's own timings",
      '',
      `\`window.__linliTimings\` after the first results (decoding the bundle, preparing the finder, one nearest ` +
        `query), same loads as above, median of ${RUNS}.`,
      '',
      table(['timing', ...CPU_RATES.map((rate) => (rate === 1 ? 'no throttling' : `${rate}× slowdown`))], timingRows),
    ].join('\n');
    return [loads, timings];
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- 4. Lighthouse

const LIGHTHOUSE_RUNS = 3;
const LIGHTHOUSE_CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const LIGHTHOUSE_METRICS = [
  ['First Contentful Paint', 'first-contentful-paint', (v) => `${(v / 1000).toFixed(1)} s`],
  ['Largest Contentful Paint', 'largest-contentful-paint', (v) => `${(v / 1000).toFixed(1)} s`],
  ['Total Blocking Time', 'total-blocking-time', (v) => `${Math.round(v)} ms`],
  ['Cumulative Layout Shift', 'cumulative-layout-shift', (v) => v.toFixed(3)],
  ['Speed Index', 'speed-index', (v) => `${(v / 1000).toFixed(1)} s`],
  ['Main-thread work', 'mainthread-work-breakdown', (v) => `${(v / 1000).toFixed(1)} s`],
  ['Bytes downloaded', 'total-byte-weight', (v) => kib(v)],
];

/** One Lighthouse mobile run in a fresh Chromium: the report (lhr). */
async function lighthouseRun(url) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_ARGS });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: LIGHTHOUSE_CATEGORIES,
    });
    const { runtimeError } = result.lhr;
    if (runtimeError) throw new Error(`${runtimeError.code}: ${runtimeError.message}`);
    result.lhr.linliLcpElement = lcpCandidate(result.artifacts.Trace.traceEvents);
    return result.lhr;
  } finally {
    chrome.kill();
  }
}

/**
 * The last LCP candidate in Lighthouse's own trace (its unthrottled load, from which the
 * simulation starts): element, size and time after navigation. Read from the trace because
 * Lighthouse 12's `largest-contentful-paint-element` audit fails on Chromium 156.
 */
function lcpCandidate(events) {
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame);
  const candidates = events.filter((e) => e.name === 'largestContentfulPaint::Candidate' && e.args?.data?.isOutermostMainFrame);
  const last = candidates[candidates.length - 1];
  if (!nav || !last) return 'n/a';
  const { nodeName, size } = last.args.data;
  return `${nodeName}, ${size.toLocaleString('en')} px², ${Math.round((last.ts - nav.ts) / 1000)} ms`;
}

async function lighthouseSection(url) {
  const runs = [];
  for (let i = 0; i < LIGHTHOUSE_RUNS; i++) runs.push(await lighthouseRun(url));
  const last = runs[runs.length - 1];
  const fmt = (xs, f) => `${f(median(xs))} (${xs.map(f).join(', ')})`;
  const rows = [
    ...LIGHTHOUSE_CATEGORIES.map((id) => {
      const xs = runs.map((r) => r.categories[id].score);
      const shown = (x) => (x == null ? 'n/a' : String(Math.round(x * 100)));
      return [last.categories[id].title.toLowerCase(), xs.some((x) => x == null) ? xs.map(shown).join(', ') : fmt(xs, shown)];
    }),
    ...LIGHTHOUSE_METRICS.map(([label, id, f]) => {
      const xs = runs.map((r) => r.audits[id]?.numericValue).filter((v) => typeof v === 'number');
      return [label, xs.length === runs.length ? fmt(xs, f) : 'n/a'];
    }),
  ];
  rows.push(["LCP element in Lighthouse's trace (unthrottled, before the simulation)", runs.map((r) => r.linliLcpElement).join('; ')]);
  // The audits that cost points in any run, so a lower score says what to fix.
  const lost = new Set();
  for (const r of runs) {
    for (const id of ['accessibility', 'best-practices', 'seo']) {
      for (const ref of r.categories[id].auditRefs) {
        const a = r.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) lost.add(`- ${id}: \`${ref.id}\` (${a.title})`);
      }
    }
  }
  const warnings = new Set(runs.flatMap((r) => r.runWarnings));
  return [
    '## Lighthouse (mobile)',
    '',
    `Lighthouse ${last.lighthouseVersion}, default mobile emulation and simulated throttling (slow 4G, 4× CPU), ` +
      `URL \`${QUERY}\`; median of ${LIGHTHOUSE_RUNS} runs, each in a fresh Chromium (the runs in brackets).`,
    ...(warnings.size ? ['', ...[...warnings].map((w) => `- warning: ${w}`)] : []),
    '',
    table(['metric', 'median (runs)'], rows),
    ...(lost.size ? ['', 'Audits that failed:', '', ...lost] : []),
  ].join('\n');
}

// ---------------------------------------------------------------- main

async function chromiumVersion() {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    return browser.version();
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- 5. service circle

/** Median of `key` in window.__linliTimings over clicks that make the app recompute it. */
async function sampleTiming(page, key, clicks) {
  const values = [];
  for (const testid of clicks) {
    await page.click(`[data-testid=${testid}]`);
    await page.waitForTimeout(150);
    const v = await page.evaluate((k) => window.__linliTimings?.[k], key);
    if (typeof v === 'number') values.push(v);
  }
  return values;
}

/** Main-thread task time of one pan (panBy without animation, then two frames), via CDP. */
async function panCosts(page, cdp, pans) {
  const costs = [];
  for (let i = 0; i < pans; i++) {
    const before = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    await page.evaluate(
      (dx) =>
        new Promise((resolve) => {
          window.__linliMap.panBy([dx, dx / 3], { animate: false });
          requestAnimationFrame(() => requestAnimationFrame(resolve));
        }),
      i % 2 ? -160 : 160,
    );
    const after = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    costs.push((after - before) * 1000);
  }
  return costs;
}

/** A phone page at CPU slowdown `rate` with CDP performance metrics on, its results shown. */
async function openThrottled(browser, rate, url) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await cdp.send('Performance.enable');
  await page.goto(url);
  await page.waitForSelector('[data-testid=result]', { timeout: WAIT_MS });
  return { context, page, cdp };
}

async function circleSection(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const rows = [];
  const panRows = [];
  try {
    for (const rate of CPU_RATES) {
      const { context, page, cdp } = await openThrottled(browser, rate, url);
      await page.waitForFunction(() => Boolean(window.__linliMap), null, { timeout: WAIT_MS });
      // On a phone the circle and coverage toggles are among the folded controls.
      if (await page.locator('[data-testid=more-options]').count()) await page.click('[data-testid=more-options]');
      const label = rate === 1 ? 'no throttling' : `${rate}× slowdown`;
      const iso = await sampleTiming(page, 'isochroneMs', ['circle-toggle', 'mode-ebike', 'mode-stepfree', 'mode-walk', 'mode-ebike', 'mode-walk']);
      await page.click('[data-testid=circle-toggle]');
      await page.waitForTimeout(300);
      const panPlain = await panCosts(page, cdp, 9);
      const cov = await sampleTiming(page, 'coverageMs', [
        'coverage-toggle', 'coverage-kind-rest_stop', 'coverage-kind-canteen', 'coverage-kind-centre', 'coverage-kind-rest_stop', 'coverage-kind-centre',
      ]);
      await page.waitForTimeout(300);
      const panCoverage = await panCosts(page, cdp, 9);
      rows.push([label, ms(median(iso)), ms(median(cov))]);
      panRows.push([label, ms(median(panPlain)), ms(median(panCoverage))]);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return [
    '## Service circle in the browser',
    '',
    `Phone emulation, URL \`${QUERY}\`; the app's own timings (\`isochroneMs\`: 5, 10 and 15 minutes from the starting point; ` +
      `\`coverageMs\`: every street by minutes to the nearest place of a kind, with the 5/10/15-minute shares and band ` +
      `parts), median of the recomputations made by switching mode or kind.`,
    '',
    table(['CPU', 'isochrone', 'coverage (all of Futian)'], rows),
    '',
    'Redraw per pan: main-thread task time (CDP `Performance.getMetrics` TaskDuration) for one `panBy` without ' +
      'animation plus the next two frames, median of 9 pans; the street network and markers are always drawn, the ' +
      'coverage layer adds up to four line layers (linliLines, index.html) on one canvas renderer.',
    '',
    table(['CPU', 'pan, coverage off', 'pan, coverage on'], panRows),
  ].join('\n');
}


// ---------------------------------------------------------------- 5. search box

const SEARCH_QUERIES = ['chegongmiao', 'xiangmihu', 'cgm', 'toilet'];
const KEY_SETTLE_MS = 300;

// Rounds of the traced keys in the box and in the plain input beside it, alternated word by word.
const KEY_ROUNDS = 3;

/** Types `word` into `selector` one key at a time (the box emptied first). */
async function typeWord(page, selector, word, perKey) {
  const input = page.locator(selector);
  await input.fill('');
  await input.focus();
  await page.waitForTimeout(100);
  for (const ch of word) await perKey(ch);
}

/** Types each of SEARCH_QUERIES into `selector` one key at a time (the box emptied first). */
async function typeQueries(page, selector, perKey) {
  for (const q of SEARCH_QUERIES) await typeWord(page, selector, q, perKey);
}

/**
 * The traced main-thread time of each key of `word` typed into `selector`, in typing order:
 * `total` (the key's tasks) and `script` (the page's own script in them).
 */
async function tracedWord(page, cdp, selector, word) {
  const keys = [];
  await typeWord(page, selector, word, async (ch) => {
    keys.push(await tracedInteraction(cdp, () => page.keyboard.press(ch), KEY_SETTLE_MS));
  });
  return keys;
}

/** tracedWord for each of SEARCH_QUERIES in turn, the keys in typing order. */
async function tracedKeys(page, cdp, selector) {
  const keys = [];
  for (const q of SEARCH_QUERIES) keys.push(...(await tracedWord(page, cdp, selector, q)));
  return keys;
}

/** The median over rounds of each position: `rounds` is one array per round, all of one length. */
function perPositionMedians(rounds) {
  return rounds[0].map((_, i) => median(rounds.map((round) => round[i])));
}

/**
 * Types each query one key at a time into the search box and measures, per keystroke, the
 * core search (`searchMs`), the main thread's whole work for the key as CDP TaskDuration from
 * before the key to two frames after it (includes the harness's own `evaluate` and metrics
 * calls), and the same traced without any script of the harness in the page
 * (tracedInteraction: the key's tasks until the page is idle), KEY_ROUNDS times, each word
 * typed in the box and then in a plain `<input>` put on the same page for it: what the browser
 * itself spends on a key there. Then the plain input alone on an empty page.
 */
async function searchSection(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const rows = [];
  let indexRows = [];
  const label = (rate) => (rate === 1 ? 'no throttling' : `${rate}× slowdown`);
  const stats = (xs) => [ms(median(xs)), ms(Math.max(...xs))];
  try {
    for (const rate of CPU_RATES) {
      const { context, page, cdp } = await openThrottled(browser, rate, url);
      await page.waitForFunction(() => typeof window.__linliTimings?.searchIndexMs === 'number', null, { timeout: WAIT_MS });
      await page.waitForTimeout(500);
      const taskDuration = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
      const search = [];
      const task = [];
      await typeQueries(page, '[data-testid=search-input]', async (ch) => {
        const before = await taskDuration();
        await page.keyboard.press(ch);
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        task.push(((await taskDuration()) - before) * 1000);
        search.push(await page.evaluate(() => window.__linliTimings.searchMs));
      });
      // The box's keys traced, and the browser's own cost of the same keys on this page (a
      // plain input, no listeners, there only while it is typed into), word by word in turn,
      // KEY_ROUNDS times: a key's own work is compared with its twin typed seconds apart.
      const boxRounds = [];
      const plainRounds = [];
      for (let round = 0; round < KEY_ROUNDS; round++) {
        const box = [];
        const plainKeys = [];
        for (const q of SEARCH_QUERIES) {
          box.push(...(await tracedWord(page, cdp, '[data-testid=search-input]', q)));
          await page.evaluate(() => {
            const plain = document.createElement('input');
            plain.id = 'perf-plain-input';
            plain.style.cssText = 'position: fixed; top: 0; left: 0; width: 12rem; z-index: 10000';
            document.body.append(plain);
          });
          plainKeys.push(...(await tracedWord(page, cdp, '#perf-plain-input', q)));
          await page.evaluate(() => document.getElementById('perf-plain-input').remove());
        }
        boxRounds.push(box);
        plainRounds.push(plainKeys);
      }
      const traced = boxRounds.flat();
      const plain = plainRounds.flat();
      const index = await page.evaluate(() => window.__linliTimings.searchIndexMs);
      await context.close();
      // The same plain input alone on an empty page, at the same slowdown: the browser's floor
      // for a key without this page around it (its layers, its 1,000 laid-out objects).
      const emptyContext = await browser.newContext(PHONE);
      const empty = await emptyContext.newPage();
      const emptyCdp = await emptyContext.newCDPSession(empty);
      await emptyCdp.send('Emulation.setCPUThrottlingRate', { rate });
      await empty.setContent('<!DOCTYPE html><meta name="viewport" content="width=device-width, initial-scale=1"><input id="perf-plain-input" style="width: 12rem">');
      const bare = await tracedKeys(empty, emptyCdp, '#perf-plain-input');
      // The box's own work per key: the same key (same word, same position) typed into the
      // box less into the plain input on the same page; and the page's script in the box's key.
      const ownRounds = boxRounds.map((box, r) => box.map((k, i) => k.total - plainRounds[r][i].total));
      const own = ownRounds.flat();
      const totals = (keys) => keys.map((k) => k.total);
      rows.push([
        label(rate),
        String(search.length),
        ...stats(search),
        ...stats(traced.map((k) => k.script)),
        ...stats(own),
        ...stats(perPositionMedians(ownRounds)),
        ...stats(task),
        ...stats(totals(traced)),
        ...stats(totals(plain)),
        ...stats(totals(bare)),
      ]);
      indexRows.push([label(rate), ms(index)]);
      await emptyContext.close();
    }
  } finally {
    await browser.close();
  }
  return [
    '## Search box',
    '',
    `Phone emulation, URL \`${QUERY}\`, Futian sample. Each of ${SEARCH_QUERIES.map((q) => `\`${q}\``).join(', ')} typed one key ` +
      'at a time (Playwright `keyboard.press`). `searchMs` is the core search of one keystroke (window.__linliTimings). ' +
      '"Whole keystroke, TaskDuration": the main thread\'s task time (CDP `Performance.getMetrics`) from before the key to ' +
      "two frames after it (the input event, the search, the drawing of the suggestions, and the harness's own " +
      '`evaluate` and metrics calls). "Whole keystroke, traced": the same keys again, ' +
      `${KEY_ROUNDS} times (${KEY_ROUNDS * SEARCH_QUERIES.join('').length} keys), the tasks the key causes on the ` +
      `main thread (a CDP trace from the key's first event to ${KEY_SETTLE_MS} ms later; no script of the harness runs in ` +
      'the page). "Plain input": the same keys, traced, in a bare `<input>` put on the same page after each word typed in ' +
      'the box and taken off after its own word (word by word in turn with the box): what the browser ' +
      'itself spends on a key there (text editing, style, layout, paint), the floor under the box\'s own work. ' +
      '"Plain input, empty page": the same keys, traced, in a bare `<input>` alone on an empty page at the same ' +
      'slowdown: the floor without this page around it. "Box\'s script": the page\'s own script in the key\'s tasks ' +
      '(the outermost `FunctionCall` and `RunMicrotasks` events of the trace: the box\'s listeners, the search, the drawing of the ' +
      'suggestions and any layout that forces). "Box\'s own work": each key\'s traced time in the box less the same key ' +
      '(same word, same place in it) in the plain input on this page: the box\'s script and the style, layout and paint ' +
      'its suggestions add (per-key differences, so one noisy key can make a difference negative or large). ' +
      `"Each key's median of rounds": the same differences, for each of the ${SEARCH_QUERIES.join('').length} keys the ` +
      `median of its ${KEY_ROUNDS} rounds (one noisy run of a key, in the box or in the plain input, does not make its ` +
      'value). ' +
      'Budget for a keystroke\'s work (issue 12): 16 ms.',
    '',
    table(
      ['CPU', 'keystrokes', 'search median', 'search max', "box's script, median", 'max', "box's own work, median", 'max', "box's own work, each key's median of rounds: median", 'max', 'whole keystroke, TaskDuration, median', 'max', 'whole keystroke, traced, median', 'max', 'plain input, traced, median', 'max', 'plain input, empty page, median', 'max'],
      rows,
    ),
    '',
    'Building the index once after the first results (`searchIndexMs`, work without the pauses between slices):',
    '',
    table(['CPU', 'searchIndexMs'], indexRows),
  ].join('\n');
}

// ---------------------------------------------------------------- 5b. interactions, traced

/**
 * The main thread's tasks caused by one interaction, from a CDP trace: `act()` (a tap or a key,
 * sent as input events: no script of the harness runs in the page) and the `settleMs` after it.
 * Returns the tasks' summed wall time (at the CPU slowdown set, so 4× slower tasks count 4×)
 * and the longest task, milliseconds. Tasks before the first input event are left out.
 */
async function tracedInteraction(cdp, act, settleMs) {
  const events = [];
  const collect = (d) => events.push(...d.value);
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline', transferMode: 'ReportEvents' });
  await act();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', collect);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const onMain = events.filter((e) => e.tid === main && e.ph === 'X');
  const first = Math.min(...onMain.filter((e) => e.name === 'EventDispatch').map((e) => e.ts));
  if (!Number.isFinite(first)) throw new Error('no input event reached the page');
  const tasks = onMain.filter((e) => /RunTask$/.test(e.name) && e.ts + e.dur >= first && e.ts <= first + settleMs * 1000);
  const inTasks = (e) => tasks.some((t) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur);
  // The page's own script: the outermost `FunctionCall`s (listeners, timers, frame callbacks)
  // and microtask checkpoints (the app's effects and futures), with what they run and force
  // (layout read inside them included).
  const calls = onMain.filter((e) => (e.name === 'FunctionCall' || e.name === 'RunMicrotasks') && inTasks(e)).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  let script = 0;
  let end = -Infinity;
  for (const c of calls) {
    if (c.ts < end) continue;
    script += c.dur;
    end = c.ts + c.dur;
  }
  return {
    total: tasks.reduce((sum, t) => sum + t.dur, 0) / 1000,
    longest: Math.max(0, ...tasks.map((t) => t.dur)) / 1000,
    script: script / 1000,
  };
}

/** The middle of the first element `selector`, scrolled into view first (untimed), in page pixels. */
async function middleOf(page, selector) {
  const target = page.locator(selector).first();
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) throw new Error(`${selector} is not shown`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Taps the element `selector` (scrolled into view first, untimed) with the touchscreen. */
async function tapAt(page, selector) {
  const { x, y } = await middleOf(page, selector);
  return () => page.touchscreen.tap(x, y);
}

/**
 * Drags the map by `dx` pixels with one finger (CDP touch events, ten moves 16 ms apart, like a
 * slow swipe that leaves no inertia), from the middle of the map.
 */
async function dragMap(page, cdp, dx) {
  const { x, y } = await middleOf(page, '.leaflet-container');
  return async () => {
    const touch = (type, px) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: px === null ? [] : [{ x: px, y }] });
    await touch('touchStart', x);
    for (let i = 1; i <= 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 16));
      await touch('touchMove', x + (dx * i) / 10);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await touch('touchEnd', null);
  };
}

const TAP_RATE = 4;
const TAP_SETTLE_MS = 700;
// What is tapped, in turn, for each row of the table (each tap changes something).
const TAPS = [
  ['travel mode (`mode-*`)', ['mode-ebike', 'mode-stepfree', 'mode-walk']],
  ['kind tile (`kind-*`)', ['kind-canteen', 'kind-centre', 'kind-rest_stop', 'kind-all']],
  ['service filter (`filter-toilet`, on and off)', ['filter-toilet', 'filter-toilet']],
  ['open now (`open-now`, then `open-all`)', ['open-now', 'open-all']],
];
const TAP_ROUNDS = 3;

/**
 * Taps at 4× slowdown on a phone: the tasks each causes (tracedInteraction), per kind of tap.
 */
async function tapsSection(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const rows = [];
  try {
    const { context, page, cdp } = await openThrottled(browser, TAP_RATE, url);
    await page.waitForFunction(() => Boolean(window.__linliMap) && typeof window.__linliTimings?.searchIndexMs === 'number', null, { timeout: 3 * WAIT_MS });
    await page.waitForTimeout(1000);
    const row = (label, xs) => [
      label,
      String(xs.length),
      ms(median(xs.map((x) => x.longest))),
      ms(Math.max(...xs.map((x) => x.longest))),
      ms(median(xs.map((x) => x.total))),
      ms(Math.max(...xs.map((x) => x.total))),
    ];
    // The mode, open-now and filter buttons are folded under "more options" on a phone.
    if (await page.locator('[data-testid=more-options]').count()) await page.click('[data-testid=more-options]');
    await page.waitForTimeout(300);
    for (const [label, testids] of TAPS) {
      const xs = [];
      for (let round = 0; round < TAP_ROUNDS; round++) {
        for (const testid of testids) {
          const tap = await tapAt(page, `[data-testid=${testid}]`);
          xs.push(await tracedInteraction(cdp, tap, TAP_SETTLE_MS));
          await page.waitForTimeout(200);
        }
      }
      rows.push(row(label, xs));
    }
    // A result's detail, and back to the list with the detail's back button.
    const open = [];
    const back = [];
    for (let round = 0; round < TAP_ROUNDS * 2; round++) {
      const tap = await tapAt(page, '[data-testid=result] .result-main');
      open.push(await tracedInteraction(cdp, tap, TAP_SETTLE_MS));
      await page.locator('[data-testid=service-detail]').waitFor({ timeout: WAIT_MS });
      await page.waitForTimeout(200);
      const close = await tapAt(page, '[data-testid=detail-close]');
      back.push(await tracedInteraction(cdp, close, TAP_SETTLE_MS));
      await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.waitForTimeout(200);
    }
    rows.push(row('open a result (the first `result`)', open));
    rows.push(row('back to the list (`detail-close`)', back));
    // The map dragged 60 px one way, then back: Leaflet draws its canvases again when the drag
    // ends.
    const pans = [];
    for (let round = 0; round < TAP_ROUNDS * 2; round++) {
      const drag = await dragMap(page, cdp, round % 2 ? 60 : -60);
      const before = await page.evaluate(() => window.__linliMap.getCenter().lng);
      pans.push(await tracedInteraction(cdp, drag, TAP_SETTLE_MS));
      if ((await page.evaluate(() => window.__linliMap.getCenter().lng)) === before) throw new Error('the drag did not move the map');
      await page.waitForTimeout(300);
    }
    rows.push(row('pan the map (a 60 px drag)', pans));
    await context.close();
  } finally {
    await browser.close();
  }
  return [
    '## Taps',
    '',
    `Phone emulation (390×844), URL \`${QUERY}\`, Futian sample, ${TAP_RATE}× CPU slowdown, after the map and the search ` +
      `index are ready. Each tap is sent with the touchscreen (CDP input events: no script of the harness runs in the ` +
      `page) while a CDP trace records the page's main thread; counted are the tasks from the first input event to ` +
      `${TAP_SETTLE_MS} ms later (the event, the effects, the redraw of the list and the map, the frames). "Longest ` +
      'task": the longest of them (issue 10: none over 50 ms); "whole tap": their summed time. Median and max over the ' +
      `taps (${TAP_ROUNDS} rounds of each button in turn). The pan is a finger's drag of 60 px across the map (ten ` +
      "moves 16 ms apart, no inertia), left and right in turn, with the map framing the first result's route, as the last open left it; its 700 ms start at the first touch.",
    '',
    table(['tap', 'taps', 'longest task median', 'longest task max', 'whole tap median', 'whole tap max'], rows),
  ].join('\n');
}

// ---------------------------------------------------------------- 6. large bundles

/** Notes every long task (> 50 ms) from the start of the page. */
function recordLongTasks() {
  window.__longTasks = [];
  new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
}

/** One cold load of `url` at CPU slowdown `rate`: first result, timings, longest task. */
async function bigLoad(browser, url, rate) {
  const context = await browser.newContext(PHONE);
  try {
    await context.addInitScript(recordFirstResult);
    await context.addInitScript(recordLongTasks);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: 30 * WAIT_MS });
    const firstResultMs = await (await page.waitForFunction(() => window.__firstResultMs)).jsonValue();
    await page.waitForFunction(() => typeof window.__linliTimings?.searchIndexMs === 'number', null, { timeout: 30 * WAIT_MS });
    const timings = await page.evaluate(() => window.__linliTimings);
    const longest = await page.evaluate(() => Math.max(0, ...window.__longTasks));
    return { firstResultMs, timings, longest };
  } finally {
    await context.close();
  }
}

async function largeSection() {
  const bundles = [
    ['10,000 places', await manyPlaces(10_000), 3],
    ['100,000 places', await manyPlaces(100_000), 1],
  ];
  const street = await oneStreet(1000);
  // Serve dist/ and the generated bundles side by side (the page loads them with ?data=).
  const genDir = path.dirname(street);
  const server = await startDistServer();
  const gen = await (await import('./serve.mjs')).startServer(genDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const rows = [];
  const coverageRows = [];
  try {
    // The page and the bundles must share an origin: one server in front of both.
    const { default: http } = await import('node:http');
    const proxy = http.createServer((req, res) => {
      const target = req.url.startsWith('/gen/') ? new URL(req.url.slice(4), gen.url) : new URL(req.url, server.url);
      http.get(target, { headers: req.headers }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      }).on('error', () => res.destroy());
    });
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${proxy.address().port}/`;
    try {
      for (const [label, file, runs] of bundles) {
        const url = new URL(`?data=gen/${path.basename(file)}&lat=22.535&lng=114.02`, base).href;
        // The server compresses a bundle once, on its first request (seconds for 100,000 places
        // at brotli 11, longer than the page's 10 s silence timeout): ask for it before timing.
        await (await fetch(new URL(`gen/${path.basename(file)}`, base), { headers: { 'accept-encoding': 'br' } })).arrayBuffer();
        await bigLoad(browser, url, 1); // untimed
        for (const rate of CPU_RATES) {
          const results = [];
          for (let i = 0; i < runs; i++) results.push(await bigLoad(browser, url, rate));
          const pick = (f) => ms(median(results.map(f)));
          rows.push([
            label,
            `${(fsSize(file) / 1048576).toFixed(1)} MiB`,
            rate === 1 ? 'no throttling' : `${rate}× slowdown`,
            pick((r) => r.firstResultMs),
            pick((r) => r.timings.decodeMs),
            pick((r) => r.timings.prepareMs),
            pick((r) => r.timings.lastQueryMs),
            pick((r) => r.timings.searchIndexMs),
            pick((r) => r.longest),
          ]);
        }
      }
      for (const rate of CPU_RATES) {
        const context = await browser.newContext(PHONE);
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate });
        await page.goto(new URL(`?data=gen/${path.basename(street)}&lat=22.5395&lng=114.0245`, base).href);
        await page.waitForSelector('[data-testid=result]', { timeout: 10 * WAIT_MS });
        if (await page.locator('[data-testid=more-options]').count()) await page.click('[data-testid=more-options]');
        const values = [];
        for (const kind of ['rest_stop', 'centre', 'rest_stop', 'centre', 'rest_stop']) {
          if (!values.length) await page.click('[data-testid=coverage-toggle]');
          await page.click(`[data-testid=coverage-kind-${kind}]`);
          await page.waitForTimeout(300);
          if (kind === 'rest_stop') values.push(await page.evaluate(() => window.__linliTimings.coverageMs));
        }
        coverageRows.push([rate === 1 ? 'no throttling' : `${rate}× slowdown`, ms(median(values)), ms(Math.max(...values))]);
        await context.close();
      }
    } finally {
      proxy.close();
      proxy.closeAllConnections();
    }
  } finally {
    await browser.close();
    await gen.close();
    await server.close();
  }
  return [
    '## Large bundles',
    '',
    'The Futian streets with 10,000 and 100,000 places (the 45 sample places and seeded copies moved up to about ' +
      '300 m: `tests/e2e/bundles.mjs`, built with `linli build`), loaded with `?data=`; phone emulation, cold loads, ' +
      'median of 3 (10,000) or one load (100,000). First result: from navigation start. `prepareMs`: deriving the ' +
      'network and joining the places, work only (it runs in ~40 ms slices with the browser free in between); ' +
      '`searchIndexMs` likewise, after the first result. Longest task: the longest main-thread task (PerformanceObserver ' +
      '`longtask`) until the search index is built.',
    '',
    table(['bundle', 'size', 'CPU', 'first result', 'decodeMs', 'prepareMs', 'lastQueryMs', 'searchIndexMs', 'longest task'], rows),
    '',
    'Coverage of rest stops with 1,000 places on one street (`tests/e2e/bundles.mjs` `oneStreet`, along 深南大道), ' +
      '`coverageMs` (every street by minutes to the nearest place, with shares and band parts), median and max of 3:',
    '',
    table(['CPU', 'coverageMs median', 'max'], coverageRows),
  ].join('\n');
}

// ---------------------------------------------------------------- 7b. long tasks

const TASK_RUNS = 5;

async function tasksSection(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await tracedLoad(browser, url, 1); // untimed
    const result = await tracedLoads(browser, url, 4, TASK_RUNS);
    return [
      '## Long tasks until the first result',
      '',
      `Cold loads of \`${QUERY}\` at 4× CPU slowdown (phone emulation, loopback), traced (Chromium trace, ` +
        `\`node scripts/task-trace.mjs\`): the main-thread tasks over ${LONG_TASK_MS} ms from navigation start to the ` +
        `first result + ${AFTER_FIRST_RESULT_MS / 1000} s. "Blocking" adds up each such task's time beyond ${LONG_TASK_MS} ms, ` +
        `as Lighthouse's total blocking time does (over its own window, with its own simulated throttling). ${TASK_RUNS} loads.`,
      '',
      tasksMarkdown(result),
    ].join('\n');
  } finally {
    await browser.close();
  }
}

function fsSize(file) {
  return readFileSync(file).length;
}

async function section(title, fn) {
  try {
    return await fn();
  } catch (err) {
    console.error(`perf: ${title}: ${err?.stack ?? err}`);
    return `## ${title}\n\n${failure(err)}`;
  }
}

const server = await startDistServer();
const url = new URL(QUERY, server.url).href;
const browserVersion = await chromiumVersion();
const playwrightVersion = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/playwright-core/package.json'), 'utf8')).version;
const headerLines = [
  '# Browser benchmarks',
  '',
  `Command: \`node scripts/perf.mjs\` (serves dist/ with scripts/serve.mjs: brotli, loopback). ` +
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  '',
  `Machine: ${os.availableParallelism()} cores / ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${os.loadavg()[0].toFixed(2)} at start. ` +
    `Node ${process.version}, Chromium ${browserVersion} (headless, playwright-core ${playwrightVersion}).`,
];

// Which sections to measure (all by default); each is one or more `## ` parts of the file.
const SECTIONS = {
  sizes: { titles: ['Download sizes'], run: () => section('Download sizes', sizesSection) },
  loads: {
    titles: ['Time to the first result', "The app's own timings"],
    run: () => section('Time to the first result', () => loadSections(url)).then((s) => (Array.isArray(s) ? s : [s])),
  },
  circle: { titles: ['Service circle in the browser'], run: () => section('Service circle in the browser', () => circleSection(url)) },
  search: { titles: ['Search box'], run: () => section('Search box', () => searchSection(url)) },
  taps: { titles: ['Taps'], run: () => section('Taps', () => tapsSection(url)) },
  large: { titles: ['Large bundles'], run: () => section('Large bundles', largeSection) },
  lighthouse: { titles: ['Lighthouse (mobile)'], run: () => section('Lighthouse (mobile)', () => lighthouseSection(url)) },
  tasks: { titles: ['Long tasks until the first result'], run: () => section('Long tasks until the first result', () => tasksSection(url)) },
  composition: {
    titles: ['Wasm composition'],
    run: () =>
      section('Wasm composition', async () =>
        [
          '## Wasm composition',
          '',
          'Code bytes per crate of the release build before wasm-bindgen and wasm-opt ' +
            '(`node scripts/wasm-composition.mjs`, which says how functions are attributed).',
          '',
          compositionTable(PRE_BINDGEN_WASM, 16),
        ].join('\n'),
      ),
  },
};
const asked = process.argv.slice(2);
for (const name of asked) {
  if (!SECTIONS[name]) {
    console.error(`perf: no section '${name}' (sections: ${Object.keys(SECTIONS).join(', ')})`);
    process.exit(2);
  }
}
const chosen = asked.length ? asked : Object.keys(SECTIONS);

/** The `## ` parts of the current file, by title (to keep those not measured this time). */
async function existingParts() {
  const text = await fs.readFile(path.join(repoRoot, 'docs', 'BROWSER_BENCHMARKS.md'), 'utf8').catch(() => '');
  const parts = new Map();
  for (const chunk of text.split(/\n(?=## )/).slice(1)) parts.set(chunk.split('\n')[0].slice(3).trim(), chunk.trim());
  return parts;
}

let sections;
try {
  const measured = new Map();
  for (const name of chosen) {
    const parts = [].concat(await SECTIONS[name].run());
    SECTIONS[name].titles.forEach((title, i) => measured.set(title, parts[i] ?? parts[0]));
  }
  const kept = await existingParts();
  const header = asked.length
    ? [...headerLines, '', `Sections measured in this run: ${chosen.join(', ')}; the others are from earlier runs (their own dates in git).`].join('\n')
    : headerLines.join('\n');
  sections = [
    header,
    ...Object.values(SECTIONS)
      .flatMap((s) => s.titles)
      .map((title) => measured.get(title) ?? kept.get(title))
      .filter(Boolean),
  ];
} finally {
  await server.close();
}

const docPath = path.join(repoRoot, 'docs', 'BROWSER_BENCHMARKS.md');
const written = new Set(sections.map((s) => s.split('\n')[0]));
const kept = (await fs.readFile(docPath, 'utf8').catch(() => ''))
  .split(/\n(?=## )/)
  .slice(1)
  .map((s) => s.trim())
  .filter((s) => !written.has(s.split('\n')[0]));
const markdown = `${[...sections, ...kept].join('\n\n')}\n`;
process.stdout.write(markdown);
await fs.mkdir(path.join(repoRoot, 'docs'), { recursive: true });
await fs.writeFile(docPath, markdown);
console.error('perf: wrote docs/BROWSER_BENCHMARKS.md');
