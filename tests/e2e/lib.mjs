// Shared helpers for the browser tests: the server, the browser, pages, the CLI
// that gives the expected answers, and the sample data.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const distDir = path.join(repoRoot, 'dist');
export const outputDir = path.join(repoRoot, 'tests', 'e2e', 'output');

/** How long to wait for anything the app does (the wasm normally loads in < 2 s here). */
export const WAIT_MS = 20_000;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Serve dist/ on a free loopback port. */
export async function startDistServer() {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    throw new Error(`${path.join(distDir, 'index.html')} is missing: run scripts/build-web.sh first`);
  }
  const server = await startServer(distDir);
  await warmUp(server.url);
  return server;
}

/**
 * Asks once for the large files as a browser does (brotli), so that the server's compression
 * (seconds for the wasm at quality 11 on a busy machine, then kept: scripts/serve.mjs) is done
 * before the first test's clock starts.
 */
export async function warmUp(url) {
  const html = await (await fetch(url)).text();
  // leaflet.js is named in a <meta content> (src/leaflet.rs loads it).
  const names = [...html.matchAll(/(?:href|src|content)="\.?\/?([^"]+\.(?:wasm|js))"/g)].map((m) => m[1]);
  for (const name of new Set([...names, 'data/futian.linli'])) {
    await (await fetch(new URL(name, url), { headers: { 'accept-encoding': 'br' } })).arrayBuffer();
  }
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

// A 1×1 transparent PNG, answered for images from outside this machine.
const BLANK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

function isLoopback(url) {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' && protocol !== 'https:') return true; // data:, blob: stay in the page
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * A page in a fresh browser context. The machine reaches nothing but loopback, so
 * requests to other hosts (e.g. map tiles) are answered here instead of failing
 * with console errors: images with a blank PNG, anything else with 503. The URLs
 * asked for are kept in `page.externalRequests`.
 */
export async function newPage(
  browser,
  { viewport = { width: 1280, height: 800 }, locale = 'zh-CN', timezoneId = 'Asia/Shanghai', routed = true, ...options } = {},
) {
  const context = await browser.newContext({ viewport, locale, timezoneId, ...options });
  context.setDefaultTimeout(WAIT_MS);
  const externalRequests = [];
  // `routed: false` leaves requests alone (Playwright turns the HTTP cache off for a routed
  // context): for a test of what the HTTP cache keeps; the external ones then fail on their own.
  if (routed) await context.route(
    (url) => !isLoopback(url.href),
    (route) => {
      const request = route.request();
      externalRequests.push(request.url());
      return request.resourceType() === 'image'
        ? route.fulfill({ status: 200, contentType: 'image/png', body: BLANK_PNG })
        : route.fulfill({ status: 503, contentType: 'text/plain', body: 'offline test machine' });
    },
  );
  const page = await context.newPage();
  page.externalRequests = externalRequests;
  return page;
}

/**
 * Wait until at least one result is shown, and a short list is drawn whole: its first
 * screenful comes first, the rest a task or two later (`aria-busy` on the list until then).
 */
export async function waitForResults(page) {
  await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: WAIT_MS });
  await page.locator('[data-testid=result-list]:not([aria-busy=true])').waitFor({ state: 'attached', timeout: WAIT_MS });
}

/**
 * The results as shown, in order: id, kind, route metres (the attribute's text,
 * or null when it is missing or empty), service codes, and open state.
 */
export async function readResults(page) {
  return page.$$eval('[data-testid=result]', (items) =>
    items.map((el) => ({
      id: el.getAttribute('data-service-id'),
      kind: el.getAttribute('data-kind'),
      routeM: el.getAttribute('data-route-m') || null,
      services: (el.getAttribute('data-services') ?? '').split(/\s+/).filter(Boolean),
      openState: el.querySelector('[data-testid=open-status]')?.getAttribute('data-state') ?? null,
    })),
  );
}

/**
 * Read a value until it deep-equals `expected` (the page re-renders after a click),
 * then fail with the last value read if it never does.
 */
export async function eventuallyEqual(read, expected, message, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  let actual = await read();
  while (!isDeepStrictEqual(actual, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    actual = await read();
  }
  assert.deepStrictEqual(actual, expected, message);
}

/** Wait until `check()` returns true, then fail with `message()` if it never does. */
export async function eventually(check, message, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() >= deadline) assert.fail(await message());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isDeepStrictEqual(a, b) {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

function linliBinary() {
  for (const profile of ['release', 'debug']) {
    const bin = path.join(repoRoot, 'target', profile, 'linli');
    if (existsSync(bin)) return bin;
  }
  throw new Error(
    'neither target/release/linli nor target/debug/linli exists: run `cargo build --release -p linli-cli` first',
  );
}

/**
 * The CLI's answer for the same query as the page: `linli nearest --json` on
 * dist/data/futian.linli, an array of {id, name, kind, route_m, time_s, ...},
 * nearest first.
 */
export async function cliNearest({ lat, lng, mode = 'walk', kind }) {
  const args = ['nearest', '--bundle', 'dist/data/futian.linli', '--lat', String(lat), '--lng', String(lng), '--mode', mode];
  if (kind) args.push('--kind', kind);
  args.push('--json');
  const { stdout } = await promisify(execFile)(linliBinary(), args, { cwd: repoRoot });
  return JSON.parse(stdout);
}

/**
 * The CLI's opening-hours answer at a Beijing time ("YYYY-MM-DDTHH:MM"): `linli hours --json`
 * on dist/data/futian.linli, an array of {id, name, state, next_change, note}.
 */
export async function cliHours(at) {
  const args = ['hours', '--bundle', 'dist/data/futian.linli', '--at', at, '--json'];
  const { stdout } = await promisify(execFile)(linliBinary(), args, { cwd: repoRoot });
  return JSON.parse(stdout);
}

/** `linli coverage --json` on dist/data/futian.linli. */
export async function cliCoverage({ kind, mode = 'walk', at }) {
  const args = ['coverage', '--bundle', 'dist/data/futian.linli', '--kind', kind, '--mode', mode, '--json'];
  if (at) args.push('--at', at);
  const { stdout } = await promisify(execFile)(linliBinary(), args, { cwd: repoRoot });
  return JSON.parse(stdout);
}

/** `linli isochrone` summary (stdout) on dist/data/futian.linli; the GeoJSON goes to a temp file. */
export async function cliIsochrone({ lat, lng, mode = 'walk' }) {
  const out = path.join(outputDir, `iso-${mode}.geojson`);
  mkdirSync(outputDir, { recursive: true });
  const args = ['isochrone', '--bundle', 'dist/data/futian.linli', '--lat', String(lat), '--lng', String(lng), '--mode', mode, '--minutes', '5,10,15', '--geojson', out];
  const { stdout } = await promisify(execFile)(linliBinary(), args, { cwd: repoRoot });
  return JSON.parse(stdout);
}

/**
 * The route metres the page may show for a CLI `route_m` (null when unreachable).
 * The CLI rounds to 0.1 m: a value ending in .5 came from anything in
 * [x.45, x.55), so the page, rounding the exact length, may show x or x+1.
 */
export function acceptedRouteM(routeM) {
  if (routeM == null) return [null];
  const rounded = String(Math.round(routeM));
  return Math.round(routeM * 10) % 10 === 5 ? [rounded, String(Math.floor(routeM))] : [rounded];
}

/**
 * The first `n` CLI items as {id, routeM}, to compare with `shownAsCli` of the page.
 */
export function cliTop(items, n = items.length) {
  return items.slice(0, n).map((it) => ({ id: it.id, routeM: acceptedRouteM(it.route_m)[0] }));
}

/**
 * The page's first `n` results as {id, routeM}, where a route length that is an
 * accepted rounding of the CLI's value at the same position is written as the
 * CLI's, so that a deep-equal with `cliTop` shows only real differences.
 */
export async function shownAsCli(page, items, n = items.length) {
  const shown = (await readResults(page)).slice(0, n);
  return shown.map((r, i) => {
    const cli = items[i];
    const same = cli && cli.id === r.id && acceptedRouteM(cli.route_m).includes(r.routeM);
    return { id: r.id, routeM: same ? acceptedRouteM(cli.route_m)[0] : r.routeM };
  });
}

/** Save a screenshot of the page's viewport to tests/e2e/output/<name>.png and return the path. */
export async function screenshot(page, name) {
  mkdirSync(outputDir, { recursive: true });
  const file = path.join(outputDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Parse CSV text (RFC 4180: quoted fields may hold commas, newlines and doubled quotes). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...records] = rows.filter((r) => r.some((f) => f !== ''));
  return records.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

/** The sample places by id, each with its `services` as an array of codes. */
export function samplePlaces() {
  const text = readFileSync(path.join(repoRoot, 'data', 'sample', 'futian-services.csv'), 'utf8').replace(/^\uFEFF/, '');
  return new Map(
    parseCsv(text).map((place) => [place.id, { ...place, services: place.services.split(';').filter(Boolean) }]),
  );
}

/** Phone emulation: touch, mobile viewport, 2× pixels. */
export const PHONE = { isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/**
 * "200 % text" the way a browser's text-size setting does it: the default font size
 * (Chromium's `Page.setFontSizes`, the same setting as Settings › Appearance › Font size)
 * goes from 16 to 16 × scale px. Linli sizes text in rem from a percentage root, so this
 * doubles every text size, as Android's and iOS's text scaling do for web pages; and
 * media queries in em follow it too. Set before `goto`; it lasts for the page.
 */
export async function setTextScale(page, scale) {
  if (scale === 1) return;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16 * scale, fixed: 13 * scale } });
}

/** A phone page: `{width, height}` viewport, text `scale`, `colorScheme`, plus newPage options. */
export async function newPhonePage(browser, { width = 360, height = 740, scale = 1, ...options } = {}) {
  const page = await newPage(browser, { viewport: { width, height }, ...PHONE, ...options });
  await setTextScale(page, scale);
  return page;
}

/**
 * How many wasm functions the browser compiles while `act` runs and 300 ms after: Chromium
 * compiles each function on its first call (`wasm.CompileLazy` in a trace with V8's wasm
 * categories), on the main thread, so code that has run before is not counted.
 */
export async function wasmCompiledDuring(page, act) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
  await cdp.send('Tracing.start', { categories: 'v8.wasm,disabled-by-default-v8.wasm.detailed', transferMode: 'ReportEvents' });
  await act();
  await page.waitForTimeout(300);
  const traced = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await traced;
  await cdp.detach();
  return events.filter((e) => e.name === 'wasm.CompileLazy').length;
}

/**
 * Start the page's clock at a Beijing time ("2026-11-24T11:30"); time then runs on normally
 * (timers and animations work), and `page.clock.fastForward` can jump ahead. Before `goto`.
 */
export async function atBeijing(page, local) {
  await page.clock.install({ time: new Date(`${local}:00+08:00`) });
}

/** axe-core on the page as it is: the violations as readable lines. */
export async function axeViolations(page, options = {}, context = null) {
  const axePath = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: axePath });
  const { violations } = await page.evaluate(([o, c]) => window.axe.run(c ?? document, o), [options, context]);
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
}

/**
 * axe-core in light and in dark mode on the page as it is (the colour scheme is switched in
 * place, then restored to light): `{light: [...], dark: [...]}` violations.
 */
export async function axeLightAndDark(page) {
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await axeViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await axeViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
  return { light, dark };
}

/**
 * What does not fit, as readable lines: the page scrolling sideways, elements reaching past
 * the window's edges, content cut off by a box that hides its overflow, and (when
 * `minFontPx` is given) text smaller than that. The map's inside is left out (a map is a
 * window onto a larger world), and so is what is hidden on purpose.
 */
export async function layoutProblems(page, { minFontPx = 0 } = {}) {
  return page.evaluate((minFontPx) => {
    const problems = [];
    const doc = document.scrollingElement;
    if (doc.scrollWidth > window.innerWidth) problems.push(`the page scrolls sideways: scrollWidth ${doc.scrollWidth} > innerWidth ${window.innerWidth}`);
    const name = (el) =>
      el.getAttribute('data-testid') ||
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} “${(el.textContent || '').trim().slice(0, 24)}”`;
    const hiddenOnPurpose = (el) =>
      el.closest('.leaflet-container, .visually-hidden, #linli-text-probe, [hidden]') !== null;
    for (const el of document.querySelectorAll('.app *')) {
      if (hiddenOnPurpose(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      if (r.right > window.innerWidth + 0.5 || r.left < -0.5) {
        problems.push(`${name(el)} reaches past the window: left ${r.left.toFixed(1)}, right ${r.right.toFixed(1)}, window ${window.innerWidth}`);
      }
      const clipsX = style.overflowX !== 'visible';
      const clipsY = style.overflowY === 'hidden' || style.overflowY === 'clip';
      if (clipsX && el.scrollWidth > el.clientWidth + 1) problems.push(`${name(el)} cuts off content sideways: ${el.scrollWidth} > ${el.clientWidth}`);
      if (clipsY && el.scrollHeight > el.clientHeight + 1) problems.push(`${name(el)} cuts off content below: ${el.scrollHeight} > ${el.clientHeight}`);
      if (minFontPx > 0) {
        const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
        if (ownText && parseFloat(style.fontSize) < minFontPx - 0.01) problems.push(`${name(el)} has ${style.fontSize} text`);
      }
    }
    // The map's own controls and text (attribution, zoom buttons, labels) count too.
    if (minFontPx > 0) {
      for (const el of document.querySelectorAll('.leaflet-control-attribution, .leaflet-control-zoom a, .pin-label, .cluster-count, .map-status, .map-back')) {
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (el.getClientRects().length > 0 && size < minFontPx - 0.01) problems.push(`${name(el)} has ${size}px text`);
      }
    }
    return problems;
  }, minFontPx);
}

/**
 * Is each of these parts of the first result inside the window and on top (not covered by
 * anything)? Returns problems as lines.
 */
export async function firstResultProblems(page) {
  return page.evaluate(() => {
    const first = document.querySelector('[data-testid=result]');
    if (!first) return ['no result shown'];
    const parts = {
      name: first.querySelector('[data-testid=result-name]'),
      distance: first.querySelector('[data-testid=result-distance]'),
      'open state': first.querySelector('[data-testid=open-status]'),
    };
    const problems = [];
    for (const [label, el] of Object.entries(parts)) {
      if (!el) {
        problems.push(`${label}: missing`);
        continue;
      }
      for (const r of el.getClientRects()) {
        if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5) {
          problems.push(`${label} “${el.textContent.trim()}” is not all on the screen: ${JSON.stringify(r)} in ${window.innerWidth}×${window.innerHeight}`);
          continue;
        }
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        const top = document.elementFromPoint(x, y);
        if (!top || !(el === top || el.contains(top) || top.contains(el))) {
          problems.push(`${label} is covered at (${x.toFixed(0)}, ${y.toFixed(0)}) by ${top?.outerHTML.slice(0, 80)}`);
        }
      }
    }
    return problems;
  });
}

/** Buttons, links, inputs and disclosure summaries in `scopeSelector` smaller than 44×44 CSS px. */
export async function smallTargets(page, scopeSelector = '.app') {
  return page.evaluate((scopeSelector) => {
    const selector = 'button, a[href], input, select, textarea, summary, [role=button]';
    const small = [];
    for (const scope of document.querySelectorAll(scopeSelector)) {
      for (const el of [scope, ...scope.querySelectorAll(selector)].filter((e) => e.matches(selector))) {
        if (el.getClientRects().length === 0 || el.closest('.leaflet-control-attribution')) continue;
        const rects = [el, ...(el.labels ?? [])].map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
        const w = Math.max(...rects.map((r) => r.right)) - Math.min(...rects.map((r) => r.left));
        const h = Math.max(...rects.map((r) => r.bottom)) - Math.min(...rects.map((r) => r.top));
        if (w < 43.5 || h < 43.5) small.push(`${el.getAttribute('data-testid') ?? el.tagName.toLowerCase()} “${(el.textContent || '').trim().slice(0, 20)}” ${w.toFixed(1)}×${h.toFixed(1)}`);
      }
    }
    return small;
  }, scopeSelector);
}

/** Taps the map where no marker or control is (so the tap chooses the starting point). */
export async function tapEmptyMap(page) {
  await page.locator('.leaflet-container').waitFor();
  const spot = await page.evaluate(() => {
    const r = document.querySelector('[data-testid=map]').getBoundingClientRect();
    for (let fy = 0.5; fy < 0.95; fy += 0.05) {
      for (let fx = 0.5; fx < 0.95; fx += 0.05) {
        for (const [x, y] of [[r.left + r.width * fx, r.top + r.height * fy], [r.left + r.width * (1 - fx), r.top + r.height * fy]]) {
          const el = document.elementFromPoint(x, y);
          if (el && el.closest('.leaflet-container') && !el.closest('.leaflet-marker-icon, .leaflet-control, .map-status, .map-back')) return { x, y };
        }
      }
    }
    return null;
  });
  assert.ok(spot, 'an empty spot on the map');
  await page.mouse.click(spot.x, spot.y);
}
