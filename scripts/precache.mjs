#!/usr/bin/env node
// Writes dist/sw.js: the service worker (template: public/sw.js) with the list of files to
// keep offline and the SHA-256 (first 16 hex digits) of each.
//
//   node scripts/precache.mjs [dist]
//
// scripts/build-web.sh runs it after trunk. Run it again after replacing a data bundle in
// dist/data/ (visitors' offline copies then update: the page offers the new data).
//
// Listed: every file under dist/ except what is not the app itself: sw.js, embed.js (for
// host pages), embed-example.html, config.json (read fresh, never kept), hidden files, and
// the folders of tiled datasets (those holding an index.txt: cached at run time). The
// list is sorted by path and holds no dates, so the same dist/ gives the same sw.js.

import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const TEMPLATE = path.join(repoRoot, 'public', 'sw.js');
const LEFT_OUT = new Set(['sw.js', 'embed.js', 'embed-example.html', 'config.json']);
const MARKER = /\/\* precache \*\/[\s\S]*?\/\* end \*\//;

const sha16 = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

async function filesUnder(dir, prefix = '') {
  const out = [];
  const entries = await readdir(dir, { withFileTypes: true });
  // A tiled dataset's folder (it holds index.txt): its tiles are fetched as the page needs
  // them and kept by the service worker at run time, never all at install.
  if (prefix !== '' && entries.some((e) => e.isFile() && e.name === 'index.txt')) return out;
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(path.join(dir, entry.name), rel)));
    else if (entry.isFile() && !(prefix === '' && LEFT_OUT.has(entry.name))) out.push(rel);
  }
  return out;
}

/** Builds `<dist>/sw.js`; returns {version, files: [[path, hash, bytes]]}. */
export async function writeServiceWorker(dist) {
  const paths = (await filesUnder(dist)).sort();
  if (!paths.includes('index.html')) throw new Error(`${path.join(dist, 'index.html')} is missing: run trunk first`);
  const files = [];
  for (const p of paths) {
    const bytes = await readFile(path.join(dist, p));
    files.push([p, sha16(bytes), bytes.length]);
  }
  const list = files.map(([p, hash]) => [p, hash]);
  const version = sha16(JSON.stringify(list));
  const template = await readFile(TEMPLATE, 'utf8');
  if (!MARKER.test(template)) throw new Error(`${TEMPLATE}: the /* precache */ … /* end */ marker is missing`);
  const manifest = `/* precache */ ${JSON.stringify({ version, files: list }, null, 2)} /* end */`;
  await writeFile(path.join(dist, 'sw.js'), template.replace(MARKER, () => manifest));
  return { version, files };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? path.join(repoRoot, 'dist');
  try {
    const { version, files } = await writeServiceWorker(dist);
    const kib = files.reduce((sum, [, , n]) => sum + n, 0) / 1024;
    const data = files.filter(([p]) => p.endsWith('.linli')).map(([p, h]) => `${p} ${h}`);
    console.log(`sw.js: ${files.length} files (${kib.toFixed(0)} KiB) kept offline, version ${version}; data: ${data.join(', ') || 'none'}`);
  } catch (error) {
    console.error(`precache: ${error.message}`);
    process.exit(1);
  }
}
