// The search box (issue 12): the page suggests what `linli search` finds, in the same order;
// Chinese input-method composition is not searched until it ends; the keyboard and screen
// readers can use it (ARIA 1.2 combobox); choosing a street makes it the starting point and
// the URL records it; axe finds nothing with the suggestions open, light and dark.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  WAIT_MS,
  atBeijing,
  axeLightAndDark,
  eventually,
  launchBrowser,
  newPage,
  newPhonePage,
  repoRoot,
  startDistServer,
  waitForResults,
  wasmCompiledDuring,
} from './lib.mjs';

/** The starting point of these tests (车公庙 Chegongmiao), given in the URL and to the CLI. */
const START = { lat: 22.535, lng: 114.02 };
const START_QUERY = `?lat=${START.lat}&lng=${START.lng}`;

let server;
let browser;

before(async () => {
  server = await startDistServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const appUrl = (query = '') => new URL(query, server.url).href;

/** `linli search --json` on the bundle the page loads, from START. */
async function cliSearch(q, limit) {
  const args = ['search', '--bundle', 'dist/data/futian.linli', '--q', q, '--near', `${START.lat},${START.lng}`, '--json'];
  if (limit) args.push('--limit', String(limit));
  const { stdout } = await promisify(execFile)(path.join(repoRoot, 'target', 'release', 'linli'), args, { cwd: repoRoot });
  return JSON.parse(stdout);
}

/** The suggestions shown: kind, place id (or street name), as the CLI writes them. */
const shownSuggestions = (page) =>
  page.$$eval('[data-testid=search-option]', (items) =>
    items.map((el) => ({
      kind: el.getAttribute('data-kind'),
      what: el.getAttribute('data-id') || el.querySelector('.suggestion-name').textContent,
    })),
  );

const searches = (page) => page.evaluate(() => window.__linliCounters?.searches ?? 0);

async function openPage(options = {}, query = START_QUERY) {
  const page = await newPage(browser, options);
  await atBeijing(page, '2026-11-24T10:00');
  await page.goto(appUrl(query));
  await waitForResults(page);
  return page;
}

test('the page suggests what linli search finds, in the same order (characters, pinyin, initials, mixed, services, streets, English)', async () => {
  const page = await openPage();
  try {
    const input = page.locator('[data-testid=search-input]');
    for (const q of ['车公庙', 'chegongmiao', 'cgm', '车gm', '充电', '长者食堂', '香蜜湖路', 'toilet', 'xmh']) {
      const cli = await cliSearch(q);
      assert.ok(cli.length > 0, `linli search finds something for ${q}`);
      await input.fill(q);
      const expected = cli.slice(0, 5).map((it) => ({ kind: it.kind, what: it.id ?? it.name }));
      await eventually(
        async () => JSON.stringify((await shownSuggestions(page)).slice(0, 5)) === JSON.stringify(expected),
        async () => `“${q}”: the page shows ${JSON.stringify(await shownSuggestions(page))}, linli search ${JSON.stringify(expected)}`,
      );
      const count = await page.locator('[data-testid=search-count]').innerText();
      assert.ok(count.includes(String(Math.min(cli.length, 8))), `“${q}”: the live count says ${count}`);
    }
    // Nothing found: said in words, and no listbox.
    await input.fill('zzqx');
    await page.locator('[data-testid=search-nothing]').waitFor();
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.deepEqual(await cliSearch('zzqx'), []);
  } finally {
    await page.context().close();
  }
});

test('the suggestion rows are made and filled once while the page is idle, unseen and unannounced, so the first tap into the box compiles little', async () => {
  const page = await newPage(browser);
  try {
    await atBeijing(page, '2026-11-24T10:00');
    // Every change to the suggestions, the box's aria-expanded and the live region, as it happens.
    await page.addInitScript(() => {
      window.__rows = { filled: [], expanded: 0, announced: [] };
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
          if (r.type === 'attributes' && r.attributeName === 'data-testid' && el.getAttribute('data-testid') === 'search-option') {
            const list = el.closest('[role=listbox]');
            const entry = { afterIndex: typeof window.__linliTimings?.searchIndexMs === 'number', listHidden: list?.hidden, drawn: el.getClientRects().length, filledNextTask: null };
            window.__rows.filled.push(entry);
            setTimeout(() => { entry.filledNextTask = document.querySelectorAll('[data-testid=search-option]').length; });
          }
          if (r.type === 'attributes' && r.attributeName === 'aria-expanded' && el.getAttribute('aria-expanded') === 'true') window.__rows.expanded += 1;
          const status = el?.closest?.('[data-testid=search-count]');
          if (status && status.textContent.trim()) window.__rows.announced.push(status.textContent);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-testid', 'aria-expanded'], childList: true, characterData: true });
    });
    await page.goto(appUrl(START_QUERY));
    await waitForResults(page);
    await page.waitForFunction(() => window.__rows.filled.length > 0 && window.__rows.filled.every((f) => f.filledNextTask !== null), null, { timeout: WAIT_MS });
    const rows = await page.evaluate(() => window.__rows);
    for (const f of rows.filled) {
      assert.ok(f.afterIndex, 'a row was filled before the search index was built');
      assert.equal(f.listHidden, true, 'a row was filled in an open list');
      assert.equal(f.drawn, 0, 'a filled row was laid out');
      assert.equal(f.filledNextTask, 0, 'the rows were still filled in the next task');
    }
    assert.equal(rows.expanded, 0, 'the box said its list was open');
    assert.deepEqual(rows.announced, [], 'the live region said something');
    assert.equal(await searches(page), 0, 'the rehearsal counted as a search');
    const made = await page.locator('#linli-search-suggestions > li').count();
    assert.ok(made >= 5, `the rows are made before the box is touched (${made})`);
    // The browser compiles each wasm function on its first call: the first tap into the box
    // compiled 57 (making the rows) before they were made while the page was idle, 4 after.
    const compiled = await wasmCompiledDuring(page, () => page.locator('[data-testid=search-input]').click());
    assert.ok(compiled < 20, `the first tap into the box compiled ${compiled} wasm functions`);
    // And the box works as before: a key, suggestions, counted once.
    await page.keyboard.press('c');
    await page.locator('[data-testid=search-option]').first().waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.equal(await searches(page), 1);
  } finally {
    await page.context().close();
  }
});

test('keyboard: ↓/↑ move the highlight (aria-activedescendant), Esc closes then clears, Enter on a place opens it', async () => {
  const page = await openPage();
  try {
    const input = page.locator('[data-testid=search-input]');
    await input.click();
    const before = await searches(page);
    await page.keyboard.type('cgm');
    await eventually(async () => (await searches(page)) === before + 3, async () => `one search per key: ${await searches(page)} - ${before}`);
    assert.equal(await input.getAttribute('role'), 'combobox');
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    const listbox = page.locator(`#${await input.getAttribute('aria-controls')}`);
    assert.equal(await listbox.getAttribute('role'), 'listbox');
    const options = listbox.locator('[role=option]');
    const n = await options.count();
    assert.ok(n >= 2, `cgm has suggestions (${n})`);
    assert.equal(await input.getAttribute('aria-activedescendant'), null, 'nothing highlighted yet');

    const active = async () => {
      const id = await input.getAttribute('aria-activedescendant');
      const selected = await listbox.locator('[aria-selected=true]').evaluateAll((els) => els.map((e) => e.id));
      return { id, selected };
    };
    const idOf = (i) => options.nth(i).getAttribute('id');
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await active(), { id: await idOf(0), selected: [await idOf(0)] });
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await active(), { id: await idOf(1), selected: [await idOf(1)] });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.deepEqual(await active(), { id: await idOf(n - 1), selected: [await idOf(n - 1)] }, 'wraps to the last');
    // Focus never left the box.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'search-input');

    await page.keyboard.press('Escape');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    assert.equal(await input.inputValue(), 'cgm', 'the first Esc only closes');
    await page.keyboard.press('Escape');
    assert.equal(await input.inputValue(), '', 'the second Esc clears');

    // Enter on a place opens its detail.
    await page.keyboard.type('车公庙骑士驿站');
    await page.locator('[data-testid=search-option][data-kind=rest_stop]').first().waitFor();
    await page.keyboard.press('ArrowDown');
    const chosen = await page.locator('[data-testid=search-option][aria-selected=true]').getAttribute('data-id');
    assert.ok(chosen, 'the highlighted suggestion is a place');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=service-detail]').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('place'), chosen);
  } finally {
    await page.context().close();
  }
});

test('choosing a street makes it the starting point, and the URL records it like any other', async () => {
  const page = await openPage();
  try {
    const cli = await cliSearch('香蜜湖路');
    const street = cli.find((it) => it.kind === 'street');
    assert.ok(street, 'linli search finds the street 香蜜湖路');
    await page.locator('[data-testid=search-input]').fill('香蜜湖路');
    const option = page.locator('[data-testid=search-option][data-kind=street]').first();
    await option.waitFor();
    await option.click();
    const status = page.locator('[data-testid=origin-status]');
    await eventually(async () => (await status.getAttribute('data-origin')) === 'search', async () => `origin-status: ${await status.getAttribute('data-origin')}`);
    assert.ok((await status.innerText()).includes('香蜜湖路'), `the status names the street: ${await status.innerText()}`);
    await eventually(
      async () => {
        const p = new URL(page.url()).searchParams;
        return Number(p.get('lat')) === street.lat && Number(p.get('lng')) === street.lng;
      },
      async () => `URL ${page.url()} should carry ${street.lat},${street.lng}`,
    );
    // The list now ranks from the street, as the CLI does from the same point.
    const { stdout } = await promisify(execFile)(
      path.join(repoRoot, 'target', 'release', 'linli'),
      ['nearest', '--bundle', 'dist/data/futian.linli', '--lat', String(street.lat), '--lng', String(street.lng), '--json'],
      { cwd: repoRoot },
    );
    const first = JSON.parse(stdout)[0].id;
    await eventually(
      async () => (await page.locator('[data-testid=result]').first().getAttribute('data-service-id')) === first,
      async () => `the first result should be ${first}`,
    );
    // A new page with this URL starts from the same point.
    const again = await newPage(browser);
    try {
      await atBeijing(again, '2026-11-24T10:00'); // the same hour: at night open places come first
      await again.goto(page.url());
      await waitForResults(again);
      assert.equal(await again.locator('[data-testid=result]').first().getAttribute('data-service-id'), first);
    } finally {
      await again.context().close();
    }
  } finally {
    await page.context().close();
  }
});

test('an input method composing pinyin triggers no search until the composition ends (synthetic events)', async () => {
  const page = await openPage();
  try {
    const input = page.locator('[data-testid=search-input]');
    await input.focus();
    const before = await searches(page);
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid=search-input]');
      el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
      for (const partial of ['c', 'ch', 'che', 'cheg', 'chegong', 'chegongmiao']) {
        el.value = partial;
        el.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data: partial }));
        el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data: partial }));
      }
    });
    await page.waitForTimeout(300);
    assert.equal(await searches(page), before, 'no search while composing');
    assert.equal(await input.getAttribute('aria-expanded'), 'false');
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid=search-input]');
      el.value = '车公庙';
      el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data: '车公庙' }));
      el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '车公庙' }));
      // Some browsers send one more input event after the composition: not a second search.
      el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: false, inputType: 'insertText', data: '车公庙' }));
    });
    await eventually(async () => (await searches(page)) === before + 1, async () => `searches: ${await searches(page)}, expected ${before + 1}`);
    await page.waitForTimeout(200);
    assert.equal(await searches(page), before + 1, 'exactly one search');
    const cli = await cliSearch('车公庙');
    assert.equal(await page.locator('[data-testid=search-option]').first().getAttribute('data-id') || null, cli[0].id);
  } finally {
    await page.context().close();
  }
});

test('an input method composing pinyin triggers no search until the composition ends (CDP Input.imeSetComposition)', async () => {
  const page = await openPage();
  try {
    const input = page.locator('[data-testid=search-input]');
    await input.focus();
    const cdp = await page.context().newCDPSession(page);
    const events = [];
    await page.exposeFunction('__noteEvent', (e) => events.push(e));
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid=search-input]');
      for (const type of ['compositionstart', 'compositionend', 'input']) {
        el.addEventListener(type, (e) => window.__noteEvent(`${type}${e.isComposing ? '(composing)' : ''}`));
      }
    });
    const before = await searches(page);
    for (const partial of ['x', 'xi', 'xia', 'xian', 'xiang']) {
      await cdp.send('Input.imeSetComposition', { text: partial, selectionStart: partial.length, selectionEnd: partial.length });
    }
    await page.waitForTimeout(300);
    assert.ok(events.includes('compositionstart'), `the browser saw a composition: ${events.join(', ')}`);
    assert.equal(await searches(page), before, `no search while composing (events: ${events.join(', ')})`);
    await cdp.send('Input.insertText', { text: '香' });
    await eventually(async () => (await searches(page)) === before + 1, async () => `searches: ${await searches(page)} (events: ${events.join(', ')})`);
    assert.equal(await input.inputValue(), '香');
    const cli = await cliSearch('香');
    await eventually(
      async () => (await shownSuggestions(page))[0]?.what === (cli[0].id ?? cli[0].name),
      async () => `first suggestion ${JSON.stringify((await shownSuggestions(page))[0])}, CLI ${cli[0].id ?? cli[0].name}`,
    );
  } finally {
    await page.context().close();
  }
});

test('axe finds no violations with the suggestions open, light and dark, wide and on a phone at 200 % text', async () => {
  const wide = await openPage();
  const phone = await newPhonePage(browser, { width: 320, height: 640, scale: 2 });
  try {
    await atBeijing(phone, '2026-11-24T10:00');
    await phone.goto(appUrl(START_QUERY));
    await waitForResults(phone);
    for (const [name, page] of [['wide', wide], ['320×640 at 200 %', phone]]) {
      const input = page.locator('[data-testid=search-input]');
      await input.click();
      await page.keyboard.type('cgm');
      await page.locator('[data-testid=search-option]').first().waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.keyboard.press('ArrowDown');
      const { light, dark } = await axeLightAndDark(page);
      assert.deepEqual(light, [], `${name}, light:\n${light.join('\n')}`);
      assert.deepEqual(dark, [], `${name}, dark:\n${dark.join('\n')}`);
      assert.equal(await input.getAttribute('aria-expanded'), 'true', `${name}: still open after axe`);
    }
    // In the compact layout the box is there and its suggestions fit the width.
    assert.match(await phone.locator('[data-testid=app]').getAttribute('class'), /layout-compact/);
    const overflow = await phone.evaluate(() => document.scrollingElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no sideways scrolling with the suggestions open');
  } finally {
    await wide.context().close();
    await phone.context().close();
  }
});
