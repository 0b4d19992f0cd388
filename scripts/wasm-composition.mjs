// What the app's wasm is made of: code bytes per crate, read from the release build before
// wasm-bindgen (its name section still names every function), and the size of the wasm that
// ships (dist/, raw and brotli quality 11).
//
// Usage (after scripts/build-web.sh):
//   node scripts/wasm-composition.mjs [--top N] [--functions N] [path/to/linli-app.wasm]
// The default input is target/wasm32-unknown-unknown/release/linli-app.wasm. Prints Markdown.
//
// Each function's body size is counted for one crate: the crate its symbol names first (for a
// trait impl, the crate of the impl), except that code of core/alloc/std instantiated for
// another crate's types (e.g. `drop_in_place::<leptos::…>`) counts for that crate. Functions
// named `__wbindgen_describe_*` only describe types to wasm-bindgen, which removes them: they
// are shown on their own line and left out of the shares.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PRE_BINDGEN_WASM = path.join(ROOT, 'target/wasm32-unknown-unknown/release/linli-app.wasm');
const STD_CRATES = new Set(['core', 'alloc', 'std']);

/** Brotli quality 11 (as a server with static precompression would send it), in bytes. */
export function brotliBytes(buf) {
  return zlib.brotliCompressSync(buf, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
    },
  }).length;
}

/** The wasm that ships: dist/*_bg.wasm (trunk's hashed name). */
export function distWasm(distDir = path.join(ROOT, 'dist')) {
  const files = fs.existsSync(distDir) ? fs.readdirSync(distDir).filter((f) => f.endsWith('_bg.wasm')) : [];
  if (files.length !== 1) {
    throw new Error(`expected one *_bg.wasm in ${distDir}, found ${files.length}: run scripts/build-web.sh`);
  }
  return path.join(distDir, files[0]);
}

/** Raw and brotli bytes of a file. */
export function sizes(file) {
  const buf = fs.readFileSync(file);
  return { raw: buf.length, brotli: brotliBytes(buf) };
}

function readLeb(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, pos];
  }
}

/** Function bodies (size, name) and data bytes of a wasm module. */
export function functions(buf) {
  if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  let pos = 8;
  let importedFunctions = 0;
  const bodies = [];
  const names = new Map();
  let dataBytes = 0;
  while (pos < buf.length) {
    const id = buf[pos++];
    let size;
    [size, pos] = readLeb(buf, pos);
    const end = pos + size;
    if (id === 2) {
      // Imports: module and field names, then the kind; only functions shift the indices.
      let [count, p] = readLeb(buf, pos);
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < 2; k++) {
          let len;
          [len, p] = readLeb(buf, p);
          p += len;
        }
        const kind = buf[p++];
        if (kind === 0) {
          [, p] = readLeb(buf, p);
          importedFunctions++;
        } else if (kind === 1) {
          p++; // element type
          let flags;
          [flags, p] = readLeb(buf, p);
          [, p] = readLeb(buf, p);
          if (flags & 1) [, p] = readLeb(buf, p);
        } else if (kind === 2) {
          let flags;
          [flags, p] = readLeb(buf, p);
          [, p] = readLeb(buf, p);
          if (flags & 1) [, p] = readLeb(buf, p);
        } else if (kind === 3) {
          p += 2; // value type, mutability
        } else {
          throw new Error(`unknown import kind ${kind}`);
        }
      }
    } else if (id === 10) {
      let [count, p] = readLeb(buf, pos);
      for (let i = 0; i < count; i++) {
        const start = p;
        let len;
        [len, p] = readLeb(buf, p);
        p += len;
        bodies.push(p - start);
      }
    } else if (id === 11) {
      dataBytes += size;
    } else if (id === 0) {
      let [len, p] = readLeb(buf, pos);
      const section = buf.toString('utf8', p, p + len);
      p += len;
      while (section === 'name' && p < end) {
        const sub = buf[p++];
        let subSize;
        [subSize, p] = readLeb(buf, p);
        const subEnd = p + subSize;
        if (sub === 1) {
          let [count, q] = readLeb(buf, p);
          for (let i = 0; i < count; i++) {
            let index;
            let nameLen;
            [index, q] = readLeb(buf, q);
            [nameLen, q] = readLeb(buf, q);
            names.set(index, buf.toString('utf8', q, q + nameLen));
            q += nameLen;
          }
        }
        p = subEnd;
      }
    }
    pos = end;
  }
  return {
    functions: bodies.map((size, i) => ({ size, name: names.get(importedFunctions + i) ?? '' })),
    dataBytes,
  };
}

/** Crate names in a legacy-mangled symbol (`_ZN…E`), in order, with its readable path. */
function legacyCrates(symbol) {
  let s = symbol.slice(3, -1);
  const parts = [];
  while (/^\d/.test(s)) {
    const len = Number(/^\d+/.exec(s)[0]);
    s = s.slice(String(len).length);
    parts.push(s.slice(0, len));
    s = s.slice(len);
  }
  const readable = parts
    .filter((p) => !/^h[0-9a-f]{16}$/.test(p))
    .join('::')
    .replaceAll('$LT$', '<')
    .replaceAll('$GT$', '>')
    .replaceAll('$u20$', ' ')
    .replaceAll('$RF$', '&')
    .replaceAll('$C$', ',')
    .replaceAll('..', '::')
    .replace(/\$u[0-9a-f]+\$/g, '');
  // Crates are the first segment of every path: at the start, and after '<', ' as ', '&', ','.
  const crates = [...readable.matchAll(/(?:^|[<&, ]|as )_?([A-Za-z_][A-Za-z0-9_]*)::/g)].map((m) => m[1]);
  return { crates, readable };
}

/** Crate names in a v0-mangled symbol (`_R…`), in order: every crate root `C[s<hash>_]<len><name>`. */
function v0Crates(symbol) {
  const crates = [];
  const re = /C(?:s[0-9A-Za-z]*_)?(\d+)_?/g;
  let m;
  while ((m = re.exec(symbol))) {
    const len = Number(m[1]);
    const name = symbol.slice(re.lastIndex, re.lastIndex + len);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      crates.push(name);
      re.lastIndex += len;
    }
  }
  return { crates, readable: symbol };
}

/** The crate a function's code counts for, and a readable name. */
export function owner(symbol) {
  if (symbol.startsWith('__wbindgen_describe')) return { crate: '(wasm-bindgen descriptors)', readable: symbol };
  let parsed;
  if (symbol.startsWith('_ZN') && symbol.endsWith('E')) parsed = legacyCrates(symbol);
  else if (symbol.startsWith('_R')) parsed = v0Crates(symbol);
  else return { crate: symbol ? `(other: ${symbol.slice(0, 24)})` : '(unnamed)', readable: symbol };
  const { crates, readable } = parsed;
  if (crates.length === 0) return { crate: '(unparsed)', readable };
  const first = crates[0];
  const user = STD_CRATES.has(first) ? crates.find((c) => !STD_CRATES.has(c)) : undefined;
  return { crate: user ?? first, readable };
}

/** Code bytes per crate, largest first. */
export function composition(file) {
  const { functions: fns, dataBytes } = functions(fs.readFileSync(file));
  const byCrate = new Map();
  for (const f of fns) {
    const { crate, readable } = owner(f.name);
    const entry = byCrate.get(crate) ?? { bytes: 0, functions: 0, largest: [] };
    entry.bytes += f.size;
    entry.functions += 1;
    entry.largest.push({ size: f.size, name: readable });
    byCrate.set(crate, entry);
  }
  const crates = [...byCrate.entries()].map(([crate, e]) => ({ crate, ...e })).sort((a, b) => b.bytes - a.bytes);
  return { crates, functions: fns.map((f) => ({ ...f, ...owner(f.name) })), dataBytes };
}

const DESCRIPTORS = '(wasm-bindgen descriptors)';

/** The composition as a Markdown table: the `top` largest crates, the rest summed. */
export function compositionTable(file, top = 20) {
  const { crates, dataBytes } = composition(file);
  const shipped = crates.filter((c) => c.crate !== DESCRIPTORS);
  const code = shipped.reduce((n, c) => n + c.bytes, 0);
  const descriptors = crates.find((c) => c.crate === DESCRIPTORS);
  const pct = (n) => `${((100 * n) / code).toFixed(1)} %`;
  const rows = shipped.slice(0, top).map((c) => `| ${c.crate} | ${c.bytes.toLocaleString('en')} | ${pct(c.bytes)} |`);
  const rest = shipped.slice(top);
  if (rest.length) {
    const bytes = rest.reduce((n, c) => n + c.bytes, 0);
    rows.push(`| ${rest.length} other crates | ${bytes.toLocaleString('en')} | ${pct(bytes)} |`);
  }
  return [
    '| crate | code bytes | share |',
    '| --- | ---: | ---: |',
    ...rows,
    `| **code** | **${code.toLocaleString('en')}** | **100 %** |`,
    '',
    `Data segments: ${dataBytes.toLocaleString('en')} bytes. ` +
      `Removed by wasm-bindgen (not in the shares): ${(descriptors?.bytes ?? 0).toLocaleString('en')} bytes of \`__wbindgen_describe_*\`.`,
  ].join('\n');
}

function main(args) {
  let top = 20;
  let fnCount = 0;
  let file = PRE_BINDGEN_WASM;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--top') top = Number(args[++i]);
    else if (args[i] === '--functions') fnCount = Number(args[++i]);
    else file = args[i];
  }
  if (!fs.existsSync(file)) throw new Error(`${file} not found: run scripts/build-web.sh first`);
  try {
    const dist = distWasm();
    const s = sizes(dist);
    console.log(`Shipped wasm \`${path.relative(ROOT, dist)}\`: ${s.raw.toLocaleString('en')} bytes raw, ${s.brotli.toLocaleString('en')} bytes brotli 11.\n`);
  } catch (e) {
    console.log(`(no dist wasm: ${e.message})\n`);
  }
  console.log(`Code by crate in \`${path.relative(ROOT, file)}\` (before wasm-bindgen and wasm-opt):\n`);
  console.log(compositionTable(file, top));
  if (fnCount > 0) {
    const { functions: fns } = composition(file);
    console.log(`\nLargest functions:\n\n| bytes | crate | function |\n| ---: | --- | --- |`);
    for (const f of [...fns].sort((a, b) => b.size - a.size).slice(0, fnCount)) {
      console.log(`| ${f.size} | ${f.crate} | \`${f.readable.slice(0, 120).replaceAll('|', '\\|')}\` |`);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
