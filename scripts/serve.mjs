#!/usr/bin/env node
// A tiny static file server for the built app (dist/), with no dependencies.
//
//   node scripts/serve.mjs [dir=dist] [port=8080] [host=127.0.0.1]
//
// Also used by the browser tests and scripts/perf.mjs through `startServer`.
// It serves files as a static host would: correct content types, brotli or gzip
// compression, cache headers that tell hashed assets from the rest, and ETags (a 304 for an
// unchanged file, so the service worker's checks for a newer bundle cost a few bytes).

import { createHash } from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.linli': 'application/octet-stream',
};

// Compressed: the text types, the wasm module and the data bundle. PNG and ICO
// are already compressed.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.wasm', '.css', '.svg', '.json', '.webmanifest', '.txt', '.linli']);

// Trunk names hashed assets `name-<hash>.ext` or `name-<hash>_bg.wasm`, the hash
// a 64-bit number in hex written without leading zeros: usually 16 digits, but
// 15 for one file in 16 (e.g. `linli-app-38762b9bcf9697a_bg.wasm`), fewer still rarely.
const HASHED = /-[0-9a-f]{12,}[._]/i;

// The headers a deployment should send (README "Deploying"): pages, the service worker and
// config.json are checked on every use; embed.js keeps its URL for host pages, so it is cached
// briefly; hashed files never change.
// A tiled dataset (README "A whole district or city"): its manifest and tiles are named by
// their content hash (`m.<hash>.linli`, `<col>-<row>.<hash>.linli`); its index.txt names the
// current manifest and is checked on every use.
const CONTENT_NAMED = /\.[0-9a-f]{16}\.linli$/;

function cacheControl(file) {
  const base = path.basename(file);
  if (base.endsWith('.html') || base === 'sw.js' || base === 'config.json' || base === 'index.txt') return 'no-cache';
  if (base === 'embed.js') return 'public, max-age=300';
  if (HASHED.test(base) || CONTENT_NAMED.test(base)) return 'public, max-age=31536000, immutable';
  return 'max-age=3600';
}

// The encoding to use for a request: 'br', 'gzip' or null. A coding listed with
// q=0 is refused by the client.
function chooseEncoding(acceptEncoding = '') {
  const accepted = new Set();
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (coding && !(q && Number(q.slice(2)) === 0)) accepted.add(coding);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}

// Maximum compression, as a host that pre-compresses its files would serve.
// Brotli at quality 11 is slow (seconds for the wasm on a busy machine), so each result is
// kept, by the file's content, and shared by every server in this process (tests start
// several, some on copies of dist/); requests that arrive while it is being made wait for it.
const compressedByContent = new Map(); // `${sha256}|${encoding}` -> Promise<Buffer>

function compressedOnce(body, encoding) {
  const key = `${createHash('sha256').update(body).digest('hex')}|${encoding}`;
  if (!compressedByContent.has(key)) {
    const made = compress(body, encoding);
    made.catch(() => compressedByContent.delete(key));
    compressedByContent.set(key, made);
  }
  return compressedByContent.get(key);
}

function compress(body, encoding) {
  if (encoding === 'br') {
    return brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  }
  return gzip(body, { level: 9 });
}

/**
 * Serve the files under `dir`. With `cors`, every response allows any origin to read it
 * (`Access-Control-Allow-Origin: *`), as a site serving bundles to other Linli deployments must.
 * @returns {Promise<{url: string, close: () => Promise<void>}>} `url` ends with '/'.
 */
export async function startServer(dir, { port = 0, host = '127.0.0.1', compress: useCompression = true, cors = false } = {}) {
  const root = path.resolve(dir);

  async function respond(req, res) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request\n');
      return;
    }
    if (pathname.includes('\0')) {
      res.writeHead(400).end('bad request\n');
      return;
    }
    let file = path.join(root, pathname);
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      res.writeHead(403).end('forbidden\n');
      return;
    }

    let stat = await fs.stat(file).catch(() => null);
    if (stat?.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = await fs.stat(file).catch(() => null);
    }
    if (!stat?.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }

    const ext = path.extname(file).toLowerCase();
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': cacheControl(file),
      'X-Content-Type-Options': 'nosniff',
      ETag: etag,
    };
    if (cors) headers['Access-Control-Allow-Origin'] = '*';
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    let body = await fs.readFile(file);
    if (useCompression && COMPRESSIBLE.has(ext)) {
      headers.Vary = 'Accept-Encoding';
      const encoding = chooseEncoding(req.headers['accept-encoding']);
      if (encoding) {
        body = await compressedOnce(body, encoding);
        headers['Content-Encoding'] = encoding;
      }
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = http.createServer((req, res) => {
    respond(req, res).catch((err) => {
      console.error(`serve: ${req.url}: ${err.message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: actualPort } = server.address();
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '8080', host = '127.0.0.1'] = process.argv.slice(2);
  const portNumber = Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) {
    console.error(`serve: '${port}' is not a port number`);
    process.exit(2);
  }
  try {
    await fs.access(path.join(dir, 'index.html'));
  } catch {
    console.error(`serve: ${path.join(dir, 'index.html')} is missing: run scripts/build-web.sh first`);
    process.exit(1);
  }
  const { url } = await startServer(dir, { port: portNumber, host });
  console.log(`Linli: ${url}`);
}
