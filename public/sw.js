// Linli's service worker: the app and its data keep working with no network after one visit.
//
// This file is a template. `scripts/precache.mjs` (run by scripts/build-web.sh after trunk)
// writes dist/sw.js from it, with MANIFEST below filled in: every file of dist/ the app needs
// (index.html, the hashed wasm/JS/CSS, leaflet.js, the manifest and icons) and the data
// bundles, each with the SHA-256 of its bytes (first 16 hex digits). Any change to a file
// changes sw.js, so browsers install the new version.
//
// Which bundles are kept at install: those the open pages use. The sample bundle(s) in the list
// when a page names none (or no page is found), and a bundle a page names with `?data=` (a host
// page's own, in this worker's scope) instead of the sample (bundlesInUse).
//
// Caches (all named `linli-…`):
//   linli-app-<version>   the app's files; <version> is the hash of the file list;
//   linli-data-<hash>     one per data bundle, named by the hash of its bytes.
//   linli-tiles           the files of tiled datasets (`linli build --tiles-km`), filled as
//                         the page fetches them.
// On activation every other `linli-…` cache is deleted.
//
// Requests: the app's files come from the cache (navigations to the app's folder get
// index.html, whatever the query string); a data bundle comes from its cache and is checked
// against the network in the background: when the server has different bytes, they replace
// the cached copy (used the next time the page opens) and the page is told
// (`{type: "linli-sw:update", what: "data"}`). Everything else goes to the network as usual.
//
// Tiled datasets: the manifest (`m.<hash>.linli`) and the tiles (`t/<col>-<row>.<hash>.linli`)
// are named by their content hash, so they never change: they come from linli-tiles when
// there, else from the network and are kept (cache-first). `index.txt`, which names the
// current manifest, goes to the network first and falls back to its cached copy offline. Tiles
// are not in the install list (a city has thousands; scripts/precache.mjs leaves out folders
// holding an index.txt): a visit keeps the tiles it used, and they work offline afterwards.
//
// Updates: a new sw.js installs beside the running one and waits. The page asks it what
// changed (`linli-sw:what` → "data" or "app") and offers to update; it takes over on the next
// open, or at once when the page sends `linli-sw:skip-waiting`. There is no clients.claim():
// the first visit is never served by a worker that started in the middle of it.
//
// Scope: sw.js lies beside index.html and is registered with a relative URL, so it serves the
// folder the app is deployed in, whatever its path.

'use strict';

const MANIFEST = /* precache */ { version: 'dev', files: [] } /* end */;

const APP_CACHE = `linli-app-${MANIFEST.version}`;
const SCOPE = new URL(self.registration.scope);

/** Path relative to the scope → {hash, data}. */
const FILES = new Map(MANIFEST.files.map(([path, hash]) => [path, { hash, data: path.endsWith('.linli') }]));

const dataCache = (hash) => `linli-data-${hash}`;

/** The runtime cache of tiled datasets' files. */
const TILE_CACHE = 'linli-tiles';
/** A tiled dataset's content-hashed files: its manifest and its tiles. */
const TILE_FILE = /(?:^|\/)(?:m|t\/\d+-\d+)\.[0-9a-f]{16}\.linli$/;
/** A tiled dataset's entry point. */
const TILE_INDEX = /(?:^|\/)index\.txt$/;

/** Trunk's hashed names (`name-<hash>.ext`): the HTTP cache may answer for them. */
const HASHED = /-[0-9a-f]{12,}[._]/i;

async function sha16(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Fetches a file for the cache, past the HTTP cache (a hashed name from it first), and checks
 * its bytes. A hashed name should keep its bytes, but one may not (trunk named the wasm by its
 * bytes before wasm-opt until scripts/build-web.sh renamed it by its final ones): a copy the
 * HTTP cache kept from before (a year, immutable) is then not the one built, and is fetched
 * again from the server.
 */
async function fetchChecked(path, expected) {
  const hashed = HASHED.test(path);
  const got = await fetchOnce(path, hashed ? 'default' : 'no-cache', expected);
  return got.matches || !hashed ? got : fetchOnce(path, 'reload', expected);
}

async function fetchOnce(path, cache, expected) {
  const response = await fetch(new URL(path, SCOPE), { cache });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const body = await response.arrayBuffer();
  const hash = await sha16(body);
  return { body, hash, headers: response.headers, matches: hash === expected };
}

/**
 * Keeps a bundle's bytes in the data cache named by their hash (computed when not given);
 * returns the hash.
 */
async function keepBundle(url, body, headers, hash) {
  const h = hash ?? (await sha16(body));
  await (await caches.open(dataCache(h))).put(url, stored(body, headers, h));
  return h;
}

function stored(body, headers, hash) {
  const h = new Headers();
  for (const name of ['content-type', 'last-modified', 'etag']) {
    if (headers.get(name)) h.set(name, headers.get(name));
  }
  h.set('x-linli-hash', hash);
  return new Response(body, { status: 200, headers: h });
}

/**
 * The bundles the open pages of this app use: `sample` when one of them names no bundle (or no
 * page is found), and the URLs of the bundles they name with `?data=` (src/config.rs), those
 * in this worker's scope only (it serves no others). A host page with its own bundle does not
 * make every visitor download the sample too, and its own bundle works offline after one visit.
 */
async function bundlesInUse() {
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const named = new Set();
  let sample = false;
  let found = 0;
  for (const page of pages) {
    const url = new URL(page.url);
    if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) continue;
    found += 1;
    const data = (url.searchParams.get('data') ?? '').trim();
    if (!data) {
      sample = true;
      continue;
    }
    let bundle;
    try {
      bundle = new URL(data, url);
    } catch {
      continue; // not an address: the page says so
    }
    bundle.hash = '';
    // Not a tiled dataset's index.txt (its files are kept as the page fetches them), nor a
    // bundle on another site (this worker cannot serve it).
    if (bundle.origin === SCOPE.origin && bundle.pathname.startsWith(SCOPE.pathname) && bundle.pathname.endsWith('.linli')) {
      named.add(bundle.href);
    }
  }
  return { sample: sample || found === 0, named };
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const app = await caches.open(APP_CACHE);
      const inUse = await bundlesInUse();
      for (const [path, { hash, data }] of FILES) {
        const url = new URL(path, SCOPE).href;
        if (data) {
          // (A page may name a bundle of the list itself.)
          if (!inUse.named.delete(url) && !inUse.sample) continue;
          const cache = await caches.open(dataCache(hash));
          if (await cache.match(url)) continue;
          const got = await fetchChecked(path, hash);
          // A bundle replaced on the server since the build is kept under its own hash.
          await keepBundle(url, got.body, got.headers, got.hash);
          continue;
        }
        if (await app.match(url)) continue;
        const got = await fetchChecked(path, hash);
        // A half-deployed site (new files beside an old list) is not cached: the install
        // fails and the browser tries again on a later visit.
        if (!got.matches) throw new Error(`${path}: the server's copy is not the one built (${got.hash} ≠ ${hash})`);
        await app.put(url, stored(got.body, got.headers, got.hash));
      }
      // The bundles the pages name, kept like one fetched later (under the hash of its bytes).
      // One that cannot be fetched now does not stop the install: the page says what is wrong,
      // and the bundle is kept the next time it is fetched (dataResponse).
      for (const url of inUse.named) {
        if ((await dataCachesHolding(url)).length > 0) continue;
        try {
          const response = await fetch(url, { cache: 'no-cache' });
          if (response.ok) await keepBundle(url, await response.arrayBuffer(), response.headers);
        } catch {
          // offline, or the server went away: as above
        }
      }
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([APP_CACHE]);
      for (const [, { hash, data }] of FILES) if (data) keep.add(dataCache(hash));
      // Data caches filled after this worker's build (a bundle replaced on the server) hold
      // the newest bytes: keep the one holding each bundle, drop older copies.
      for (const name of await caches.keys()) {
        if (name.startsWith('linli-') && name !== TILE_CACHE && !keep.has(name) && !(await onlyCopy(name))) {
          await caches.delete(name);
        }
      }
    })(),
  );
});

/** Is `name` a data cache that no other cache duplicates? */
async function onlyCopy(name) {
  if (!name.startsWith('linli-data-')) return false;
  const cache = await caches.open(name);
  for (const request of await cache.keys()) {
    for (const other of await caches.keys()) {
      if (other !== name && other.startsWith('linli-data-') && (await (await caches.open(other)).match(request))) return false;
    }
  }
  return true;
}

/** The path of a request relative to the scope, or null outside it. */
function relativePath(request) {
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
  let path = url.pathname.slice(SCOPE.pathname.length);
  if (request.mode === 'navigate' && (path === '' || path.endsWith('/'))) path += 'index.html';
  return path;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const path = relativePath(request);
  if (path === null) return;
  const entry = FILES.get(path);
  if (TILE_FILE.test(path)) {
    event.respondWith(tileResponse(event));
  } else if (TILE_INDEX.test(path) && !entry) {
    event.respondWith(tileIndexResponse(event));
  } else if (path.endsWith('.linli')) {
    event.respondWith(dataResponse(event, path));
  } else if (entry) {
    event.respondWith(appResponse(request, path));
  }
});

async function appResponse(request, path) {
  const cached = await caches.match(new URL(path, SCOPE).href, { ignoreVary: true });
  return cached ?? fetch(request);
}

/** A manifest or tile: named by its content, so the cached copy is always right. */
async function tileResponse(event) {
  const cache = await caches.open(TILE_CACHE);
  const cached = await cache.match(event.request.url, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok) event.waitUntil(cache.put(event.request.url, response.clone()));
  return response;
}

/** `index.txt`: the network's (it names the current manifest), the cached copy offline. */
async function tileIndexResponse(event) {
  const cache = await caches.open(TILE_CACHE);
  try {
    const response = await fetch(event.request, { cache: 'no-cache' });
    if (response.ok) event.waitUntil(cache.put(event.request.url, response.clone()));
    return response;
  } catch (error) {
    const cached = await cache.match(event.request.url, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

/** Every cache holding `url`, newest last. */
async function dataCachesHolding(url) {
  const found = [];
  for (const name of await caches.keys()) {
    if (name.startsWith('linli-data-') && (await (await caches.open(name)).match(url))) found.push(name);
  }
  return found;
}

async function dataResponse(event, path) {
  const url = new URL(path, SCOPE).href;
  const holding = await dataCachesHolding(url);
  if (holding.length > 0) {
    const name = holding[holding.length - 1];
    const cached = await (await caches.open(name)).match(url);
    event.waitUntil(revalidate(url, path, name, event.clientId || event.resultingClientId));
    return cached;
  }
  // Not cached yet (a bundle named by a link): from the network, kept for next time.
  const response = await fetch(event.request);
  if (response.ok) {
    event.waitUntil(response.clone().arrayBuffer().then((body) => keepBundle(url, body, response.headers)));
  }
  return response;
}

/** Bundles being checked now, so that two requests at once check once. */
const checking = new Map();

/** Asks the server for the bundle; different bytes replace the cached copy, and the page is told. */
function revalidate(url, path, name, clientId) {
  if (!checking.has(url)) {
    checking.set(url, check(url, path, name, clientId).finally(() => checking.delete(url)));
  }
  return checking.get(url);
}

async function check(url, path, name, clientId) {
  let got;
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (!response.ok) return;
    const body = await response.arrayBuffer();
    got = { body, headers: response.headers, hash: await sha16(body) };
  } catch {
    return; // offline: the cached copy stands
  }
  if (dataCache(got.hash) === name) return;
  await keepBundle(url, got.body, got.headers, got.hash);
  const old = await caches.open(name);
  await old.delete(url);
  if ((await old.keys()).length === 0) await caches.delete(name);
  const client = clientId ? await self.clients.get(clientId) : null;
  const message = { type: 'linli-sw:update', what: 'data', path };
  if (client) client.postMessage(message);
  else for (const c of await self.clients.matchAll({ type: 'window' })) c.postMessage(message);
}

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'linli-sw:skip-waiting') {
    self.skipWaiting();
  } else if (data.type === 'linli-sw:what' && event.ports[0]) {
    // Asked of a waiting worker: does it bring other data, or only a new app?
    whatChanged().then((what) => event.ports[0].postMessage({ what }));
  }
});

/** "data" when this version's bundles are not the ones in use (their caches are new), else "app". */
async function whatChanged() {
  for (const [path, { hash, data }] of FILES) {
    if (!data) continue;
    const holding = await dataCachesHolding(new URL(path, SCOPE).href);
    if (holding.some((name) => name !== dataCache(hash))) return 'data';
  }
  return 'app';
}
