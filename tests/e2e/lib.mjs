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
  return startServer(distDir);
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
  { viewport = { width: 1280, height: 800 }, locale = 'zh-CN', timezoneId = 'Asia/Shanghai', ...options } = {},
) {
  const context = await browser.newContext({ viewport, locale, timezoneId, ...options });
  context.setDefaultTimeout(WAIT_MS);
  const externalRequests = [];
  await context.route(
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

/** Wait until at least one result is shown. */
export async function waitForResults(page) {
  await page.locator('[data-testid=result]').first().waitFor({ state: 'visible', timeout: WAIT_MS });
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
