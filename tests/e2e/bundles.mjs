// Larger and stranger bundles for the browser tests and scripts/perf.mjs, made from the
// committed sample with the real builder (`linli build`), never committed themselves:
//
//   manyPlaces(n)     the Futian streets with n places: the 45 sample places repeated, each
//                     copy moved up to about 300 m by a seeded pseudo-random offset (ids
//                     `<id>~<copy>`), so they join many different streets;
//   oneStreet(n)      the Futian streets with n places spread along one straight stretch of
//                     深南大道 (Shennan Boulevard), for the coverage view's worst case.
//
// Files go to tests/e2e/output/bundles/ and are rebuilt only when missing.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { outputDir, parseCsv, repoRoot } from './lib.mjs';

const bundleDir = path.join(outputDir, 'bundles');
const sampleCsv = path.join(repoRoot, 'data', 'sample', 'futian-services.csv');
const osm = path.join(repoRoot, 'data', 'osm', 'shenzhen-futian.osm.pbf');
const COLUMNS = ['id', 'name', 'kind', 'lng', 'lat', 'address', 'opening_hours', 'services', 'phone', 'floor', 'notes', 'price'];

/** A seeded generator (mulberry32): the same bundle on every machine. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const csvField = (v) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csvLine = (row) => COLUMNS.map((c) => csvField(String(row[c] ?? ''))).join(',');

function samplePlaces() {
  return parseCsv(readFileSync(sampleCsv, 'utf8').replace(/^\uFEFF/, ''));
}

function binary() {
  const bin = path.join(repoRoot, 'target', 'release', 'linli');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run scripts/build-web.sh first`);
  return bin;
}

async function build(name, rows) {
  mkdirSync(bundleDir, { recursive: true });
  const out = path.join(bundleDir, `${name}.linli`);
  // Reused only when built by the current binary (an older builder may write an older format).
  if (existsSync(out) && statSync(out).mtimeMs > statSync(binary()).mtimeMs) return out;
  const csv = path.join(bundleDir, `${name}.csv`);
  writeFileSync(csv, [COLUMNS.join(','), ...rows.map(csvLine)].join('\n') + '\n');
  await promisify(execFile)(
    binary(),
    ['build', '--osm', osm, '--services', csv, '--name', `${name} (generated)`, '--date', '2026-11-22', '--out', out],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  return out;
}

/** How far a copy may be moved from its original, degrees (about 300 m): copies stay among
 * the streets, as real places do. */
const SCATTER_DEG = 0.003;

/** The Futian streets with `n` places: the sample's, then copies moved by seeded offsets. */
export async function manyPlaces(n) {
  const base = samplePlaces();
  const next = random(n);
  const moved = (v) => (Number(v) + (next() * 2 - 1) * SCATTER_DEG).toFixed(6);
  const rows = [];
  for (let i = 0; i < n; i++) {
    const p = base[i % base.length];
    const copy = Math.floor(i / base.length);
    rows.push(
      copy === 0
        ? p
        : { ...p, id: `${p.id}~${copy}`, name: `${p.name} ${copy}`, lng: moved(p.lng), lat: moved(p.lat) },
    );
  }
  return build(`places-${n}`, rows);
}

/** The ends of one eastbound carriageway of 深南大道 (Shennan Boulevard) in the sample (OSM way
 * 100000000117, about 900 m and nearly straight). */
export const SHENNAN = { from: { lng: 114.020163, lat: 22.538778 }, to: { lng: 114.028763, lat: 22.540222 } };

/** The Futian streets with `n` rest stops along one straight stretch of one street. */
export async function oneStreet(n) {
  const template = samplePlaces().find((p) => p.kind === 'rest_stop');
  const rows = [];
  for (let i = 0; i < n; i++) {
    const f = n === 1 ? 0.5 : i / (n - 1);
    rows.push({
      ...template,
      id: `street-stop-${i}`,
      name: `沿街驿站 ${i}`,
      lng: (SHENNAN.from.lng + f * (SHENNAN.to.lng - SHENNAN.from.lng)).toFixed(6),
      lat: (SHENNAN.from.lat + f * (SHENNAN.to.lat - SHENNAN.from.lat)).toFixed(6),
    });
  }
  return build(`one-street-${n}`, rows);
}
