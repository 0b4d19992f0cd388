// scripts/short-strings.mjs: the rewritten `getStringFromWasm0` gives the same strings as
// wasm-bindgen's own (TextDecoder), skips the decoder only for short ASCII strings, and the
// built dist/ has the rewrite, named by its content, with a matching `integrity` (run after
// scripts/build-web.sh).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ORIGINAL, SHORT, glueName, rewrite, sri } from '../../scripts/short-strings.mjs';

const DIST = new URL('../../dist/', import.meta.url).pathname;

/** `getStringFromWasm0` from `glue` over the bytes `mem`, and a count of its decoder calls. */
function load(glue, mem) {
  const calls = { decoder: 0 };
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const decodeText = (bytes) => {
    calls.decoder += 1;
    return decoder.decode(bytes);
  };
  const make = new Function('getUint8ArrayMemory0', 'decodeText', `${glue}\nreturn getStringFromWasm0;`);
  return { get: make(() => mem, decodeText), calls };
}

/** Texts around the 16-byte line, ASCII and not, and random UTF-8 from a fixed seed. */
function texts() {
  const out = ['', 'a', 'li', 'result-name', 'x'.repeat(15), 'y'.repeat(16), 'z'.repeat(17), '\0ab\x7f'];
  out.push('车公庙', '长者食堂', 'a车', '🚶', 'é', `${'a'.repeat(15)}é`, '三条巷 · 8:00–20:00');
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const alphabet = ['a', 'Z', '0', ' ', '-', '\0', '\x7f', 'é', '车', '🚶', '·'];
  for (let i = 0; i < 500; i++) {
    let s = '';
    for (let n = next() % 24; n > 0; n--) s += alphabet[next() % alphabet.length];
    out.push(s);
  }
  return out;
}

test('the rewritten getStringFromWasm0 reads every string as TextDecoder does', () => {
  const mem = new Uint8Array(64 * 1024);
  const encoder = new TextEncoder();
  const original = load(ORIGINAL, mem);
  const short = load(rewrite(`// glue\n${ORIGINAL}\n// more glue\n`), mem);
  let at = 7; // not aligned, as in the wasm's memory
  let asciiShort = 0;
  for (const text of texts()) {
    const bytes = encoder.encode(text);
    mem.set(bytes, at);
    assert.equal(short.get(at, bytes.length), original.get(at, bytes.length), JSON.stringify(text));
    assert.equal(short.get(at, bytes.length), text, JSON.stringify(text));
    if (bytes.length <= 16 && bytes.every((b) => b < 128)) asciiShort += 1;
    at = (at + bytes.length + 3) % (mem.length - 128);
  }
  // The original read each text once through the decoder; the rewrite read each twice, through
  // the decoder for all but the short ASCII ones.
  const n = texts().length;
  assert.equal(original.calls.decoder, n);
  assert.equal(short.calls.decoder, 2 * (n - asciiShort));
  assert.ok(asciiShort > 100, `only ${asciiShort} short ASCII texts`);
});

test('the rewrite refuses glue without exactly one wasm-bindgen getStringFromWasm0', () => {
  assert.throws(() => rewrite('function getStringFromWasm0(ptr, len) { return ""; }'), /exactly once/);
  assert.throws(() => rewrite(`${ORIGINAL}\n${ORIGINAL}`), /exactly once/);
  const once = rewrite(ORIGINAL);
  assert.equal(rewrite(once), once, 'rewriting twice changes nothing');
});

test("dist/ has the rewritten glue, named by its content, and index.html's integrity matches it", () => {
  const glue = fs.readdirSync(DIST).filter((f) => /^linli-app-[0-9a-f]+\.js$/.test(f));
  assert.equal(glue.length, 1, `one glue file in ${DIST}: ${glue}`);
  const bytes = fs.readFileSync(path.join(DIST, glue[0]));
  assert.ok(bytes.toString('utf8').includes(SHORT), `${glue[0]} is not rewritten: run scripts/build-web.sh`);
  assert.equal(glue[0], glueName(bytes), 'the glue is named by its content');
  const index = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const links = [...index.matchAll(/<link[^>]*href="\.\/(linli-app-[0-9a-f]+\.js)"[^>]*integrity="([^"]+)"/g)];
  assert.ok(links.length >= 1, 'index.html preloads the glue with an integrity attribute');
  for (const [, file, integrity] of links) {
    assert.equal(file, glue[0]);
    assert.equal(integrity, sri(bytes), `integrity of ${file} in index.html`);
  }
  assert.ok(index.includes(`from './${glue[0]}'`), `index.html imports ./${glue[0]}`);
});
