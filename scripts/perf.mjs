#!/usr/bin/env node
// Browser performance of the built app (dist/; this script builds nothing).
//
//   node scripts/perf.mjs
//
// Serves dist/ with compression on loopback and measures
//   1. download sizes of the .wasm, .js and .css files and the data bundle,
//   2. time from navigation start to the first result shown, phone emulation,
//      cold loads, with and without 4× CPU throttling,
//   3. the app's own timings (window.__linliTimings) at both CPU speeds,
//   4. Lighthouse 12 mobile scores and metrics,
//   5. what the wasm is made of (scripts/wasm-composition.mjs; needs the release build's
//      target/wasm32-unknown-unknown/release/linli-app.wasm from scripts/build-web.sh).
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
import { PRE_BINDGEN_WASM, compositionTable } from './wasm-composition.mjs';

const RUNS = 5;
const QUERY = '?lat=22.535&lng=114.02'; // Chegongmiao, as in the e2e tests
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};
const CPU_RATES = [1, 4];
const TIMING_KEYS = ['decodeMs', 'prepareMs', 'lastQueryMs'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
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
    .filter((f) => ['.wasm', '.js', '.css'].includes(path.extname(f)) || f === path.join(distDir, 'data', 'futian.linli'))
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
  return ['## Download sizes', '', 'Files of dist/ (`.wasm`, `.js`, `.css`) and the data bundle; gzip level 9, brotli quality 11.', '', table(['file', 'raw', 'gzip -9', 'brotli 11'], rows)].join('\n');
}

// ---------------------------------------------------------------- 2 and 3. loads

// Runs in the page before its own scripts: notes performance.now() (milliseconds
// since navigation start) when the first result is in the DOM and visible.
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

/** One cold load (a new context: empty cache) at a CPU slowdown `rate`. */
async function coldLoad(browser, url, rate) {
  const context = await browser.newContext(PHONE);
  try {
    await context.addInitScript(recordFirstResult);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
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

    const loadRows = CPU_RATES.map((rate) => {
      const times = runs[rate].map((r) => r.firstResultMs);
      return [rate === 1 ? 'no throttling' : `${rate}× slowdown`, ms(median(times)), `${ms(Math.min(...times))} – ${ms(Math.max(...times))}`];
    });
    const loads = [
      '## Time to the first result',
      '',
      `From navigation start to the first \`[data-testid=result]\` visible; URL \`${QUERY}\`; phone emulation ` +
        `(390×844, deviceScaleFactor 2, isMobile, touch); cold loads (a new browser context each, empty cache); ` +
        `CPU throttling through CDP \`Emulation.setCPUThrottlingRate\`; no network throttling (loopback); median of ${RUNS}.`,
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

async function lighthouseSection(url) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_ARGS });
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    const { categories, audits, runtimeError, runWarnings } = result.lhr;
    if (runtimeError) throw new Error(`${runtimeError.code}: ${runtimeError.message}`);
    const score = (id) => (categories[id].score == null ? 'n/a' : String(Math.round(categories[id].score * 100)));
    const audit = (id) => audits[id]?.displayValue ?? 'n/a';
    const rows = [
      ['performance', score('performance')],
      ['accessibility', score('accessibility')],
      ['best practices', score('best-practices')],
      ['First Contentful Paint', audit('first-contentful-paint')],
      ['Largest Contentful Paint', audit('largest-contentful-paint')],
      ['Total Blocking Time', audit('total-blocking-time')],
      ['Cumulative Layout Shift', audit('cumulative-layout-shift')],
    ];
    // The audits that cost points, so a lower score says what to fix.
    const lost = ['accessibility', 'best-practices'].flatMap((id) =>
      categories[id].auditRefs
        .filter((ref) => ref.weight > 0 && audits[ref.id].score !== null && audits[ref.id].score < 1)
        .map((ref) => `- ${id}: \`${ref.id}\` (${audits[ref.id].title})`),
    );
    return [
      '## Lighthouse (mobile)',
      '',
      `Lighthouse ${result.lhr.lighthouseVersion}, default mobile emulation and simulated throttling, URL \`${QUERY}\`.`,
      ...(runWarnings.length ? ['', ...runWarnings.map((w) => `- warning: ${w}`)] : []),
      '',
      table(['metric', 'value'], rows),
      ...(lost.length ? ['', 'Audits that failed:', '', ...lost] : []),
    ].join('\n');
  } finally {
    chrome.kill();
  }
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

async function circleSection(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const rows = [];
  const panRows = [];
  try {
    for (const rate of CPU_RATES) {
      const context = await browser.newContext(PHONE);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await cdp.send('Performance.enable');
      await page.goto(url);
      await page.waitForSelector('[data-testid=result]', { timeout: WAIT_MS });
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
      'coverage layer adds four multi-polylines on one canvas renderer.',
    '',
    table(['CPU', 'pan, coverage off', 'pan, coverage on'], panRows),
  ].join('\n');
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
const header = [
  '# Browser benchmarks',
  '',
  `Command: \`node scripts/perf.mjs\` (serves dist/ with scripts/serve.mjs: brotli, loopback). ` +
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  '',
  `Machine: ${os.availableParallelism()} cores / ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${os.loadavg()[0].toFixed(2)} at start. ` +
    `Node ${process.version}, Chromium ${browserVersion} (headless, playwright-core ${playwrightVersion}).`,
].join('\n');

let sections;
try {
  sections = [
    header,
    await section('Download sizes', sizesSection),
    ...(await section('Time to the first result', () => loadSections(url)).then((s) => (Array.isArray(s) ? s : [s]))),
    await section('Service circle in the browser', () => circleSection(url)),
    await section('Lighthouse (mobile)', () => lighthouseSection(url)),
    await section('Wasm composition', async () =>
      [
        '## Wasm composition',
        '',
        'Code bytes per crate of the release build before wasm-bindgen and wasm-opt ' +
          '(`node scripts/wasm-composition.mjs`, which says how functions are attributed).',
        '',
        compositionTable(PRE_BINDGEN_WASM, 16),
      ].join('\n'),
    ),
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
