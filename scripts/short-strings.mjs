#!/usr/bin/env node
// Rewrites wasm-bindgen's `getStringFromWasm0` in the built JS glue so that short ASCII strings
// from the wasm are read byte by byte instead of through `TextDecoder.decode` on a new
// `subarray` each. Building the result cards passes thousands of such strings (class names,
// attribute names and values, small texts: e2e-measured 5,356 for one "open now → all" tap, 94 %
// of them ≤ 16 bytes), and each `decode` call costs far more than its few bytes (Emscripten's
// `UTF8ArrayToString` draws the same line at 16 bytes). Longer strings, and any with a byte
// over 127, still go through the decoder.
//
// Usage: node scripts/short-strings.mjs DIST. Fails if the glue does not have the function
// as wasm-bindgen (pinned in Cargo.toml) writes it, so a new wasm-bindgen is noticed. The glue
// is renamed by its new content, and its name and `integrity` in DIST/index.html follow.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const ORIGINAL = `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}`;
export const SHORT = `function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    // Linli (scripts/short-strings.mjs): short ASCII strings without a TextDecoder call.
    if (len <= 16) {
        const mem = getUint8ArrayMemory0();
        let s = '';
        for (let i = ptr, end = ptr + len; i < end; i++) {
            const b = mem[i];
            if (b > 127) return decodeText(mem.subarray(ptr, end));
            s += String.fromCharCode(b);
        }
        return s;
    }
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}`;

/** The glue's text with `getStringFromWasm0` rewritten (unchanged if it already is). */
export function rewrite(text) {
  if (text.includes(SHORT)) return text;
  const at = text.indexOf(ORIGINAL);
  if (at < 0 || text.indexOf(ORIGINAL, at + 1) >= 0) {
    throw new Error("short-strings.mjs: the glue does not have wasm-bindgen's getStringFromWasm0 exactly once as expected (a new wasm-bindgen version?)");
  }
  return text.replace(ORIGINAL, SHORT);
}

/** An `integrity` attribute's value for these bytes. */
export const sri = (bytes) => `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`;

/** The glue's name for these bytes: `linli-app-` and the first 16 hex digits of their SHA-256. */
export const glueName = (bytes) => `linli-app-${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.js`;

/**
 * Rewrites DIST's glue, names it by its new content (trunk's name hashes the wasm, which the
 * rewrite does not change, and files with a hash in their name are cached for a year: a later
 * rewrite must not reuse the name), and updates its name and integrity in DIST/index.html.
 */
export function rewriteDist(dist) {
  const glue = fs.readdirSync(dist).filter((f) => /^linli-app-[0-9a-f]+\.js$/.test(f));
  if (glue.length !== 1) throw new Error(`short-strings.mjs: expected one linli-app-*.js in ${dist}, found ${glue.length}`);
  const file = path.join(dist, glue[0]);
  const before = fs.readFileSync(file);
  const after = Buffer.from(rewrite(before.toString('utf8')), 'utf8');
  if (after.equals(before)) return `short-strings: ${glue[0]} already rewritten`;
  const indexFile = path.join(dist, 'index.html');
  let index = fs.readFileSync(indexFile, 'utf8');
  const old = sri(before);
  const count = index.split(old).length - 1;
  if (count === 0) throw new Error(`short-strings.mjs: ${indexFile} has no integrity ${old} for ${glue[0]}`);
  const name = glueName(after);
  const uses = index.split(`./${glue[0]}`).length - 1;
  if (uses === 0) throw new Error(`short-strings.mjs: ${indexFile} does not name ./${glue[0]}`);
  index = index.split(old).join(sri(after)).split(`./${glue[0]}`).join(`./${name}`);
  fs.writeFileSync(path.join(dist, name), after);
  if (name !== glue[0]) fs.rmSync(file);
  fs.writeFileSync(indexFile, index);
  return `short-strings: ${glue[0]} rewritten as ${name}; in index.html ${uses} name(s) and ${count} integrity attribute(s) updated`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dist = process.argv[2];
  if (!dist) {
    console.error('usage: node scripts/short-strings.mjs DIST');
    process.exit(2);
  }
  console.log(rewriteDist(dist));
}
