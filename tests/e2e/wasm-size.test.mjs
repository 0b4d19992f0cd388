// The release wasm stays within its size budget (scripts/wasm-budget.mjs), measured as a server
// sends it: brotli quality 11. Run after scripts/build-web.sh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WASM_BROTLI_BUDGET_BYTES } from '../../scripts/wasm-budget.mjs';
import { distWasm, sizes } from '../../scripts/wasm-composition.mjs';

test('the release wasm is within its brotli budget', () => {
  const file = distWasm();
  const { raw, brotli } = sizes(file);
  assert.ok(raw > 100_000, `${file} is ${raw} bytes: not a release build of the app?`);
  assert.ok(
    brotli <= WASM_BROTLI_BUDGET_BYTES,
    `${file}: ${brotli} bytes brotli (${raw} raw), over the budget of ${WASM_BROTLI_BUDGET_BYTES} bytes in scripts/wasm-budget.mjs`,
  );
});
