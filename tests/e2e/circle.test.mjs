// The service circle in the browser: the isochrone summary and the coverage summary equal the
// CLI's numbers for the same inputs; taps and the worst-served list explain a street; the
// legends and summaries are readable by screen readers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import { cliCoverage, cliIsochrone, launchBrowser, newPage, startDistServer, tapEmptyMap, waitForResults } from './lib.mjs';

const require = createRequire(import.meta.url);
const CGM = { lat: 22.535, lng: 114.02 };
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

async function openPage(options = {}) {
  const page = await newPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
  await page.goto(new URL(`?lat=${CGM.lat}&lng=${CGM.lng}`, server.url).href);
  await waitForResults(page);
  return page;
}

const summaryData = (page) => page.locator('[data-testid=coverage-summary]').evaluate((e) => ({ ...e.dataset }));

function assertSameCoverage(shown, cli, label) {
  for (const k of ['5', '10', '15']) {
    const a = Number(shown[`share-${k}`]);
    const b = cli[`share_${k}`];
    assert.ok(Math.abs(a - b) < 1.5e-4, `${label}: share within ${k} min, page ${a} vs CLI ${b}`);
  }
  assert.ok(Math.abs(Number(shown.maxMinutes) - cli.max_minutes) < 0.06, `${label}: max minutes ${shown.maxMinutes} vs ${cli.max_minutes}`);
  assert.ok(Math.abs(Number(shown.streetM) - cli.street_m) < 0.2, `${label}: street length ${shown.streetM} vs ${cli.street_m}`);
}

test('my circle: places within 5, 10, 15 minutes equal linli isochrone, per mode', async () => {
  const page = await openPage();
  try {
    await page.click('[data-testid=circle-toggle]');
    for (const mode of ['walk', 'ebike', 'stepfree']) {
      await page.click(`[data-testid=mode-${mode}]`);
      const cli = await cliIsochrone({ ...CGM, mode });
      const items = page.locator('[data-testid=circle-summary] li');
      await items.first().waitFor();
      const shown = await items.evaluateAll((lis) => lis.map((li) => ({ ...li.dataset, text: li.textContent })));
      assert.equal(shown.length, 3);
      for (let b = 0; b < 3; b++) {
        for (const kind of ['centre', 'rest_stop', 'canteen']) {
          assert.equal(Number(shown[b][kind]), cli.bands[b][kind], `${mode}, ${cli.bands[b].minutes} min, ${kind}`);
        }
        assert.ok(Math.abs(Number(shown[b].streetM) - cli.bands[b].street_m) < 0.2, `${mode} band ${b} street length`);
        assert.ok(shown[b].text.includes(`${cli.bands[b].minutes}分钟内`), shown[b].text);
      }
    }
  } finally {
    await page.context().close();
  }
});

test('coverage: the summary equals linli coverage for each kind and mode', async () => {
  const page = await openPage();
  try {
    await page.click('[data-testid=coverage-toggle]');
    for (const mode of ['walk', 'ebike']) {
      await page.click(`[data-testid=mode-${mode}]`);
      for (const kind of ['centre', 'rest_stop', 'canteen']) {
        await page.click(`[data-testid=coverage-kind-${kind}]`);
        const cli = await cliCoverage({ kind, mode });
        await page.waitForFunction(
          (want) => document.querySelector('[data-testid=coverage-summary]')?.dataset.streetM === want,
          cli.street_m.toFixed(1),
        );
        assertSameCoverage(await summaryData(page), cli, `${kind} ${mode}`);
      }
    }
  } finally {
    await page.context().close();
  }
});

test('coverage counting only places open at 22:30 Beijing equals linli coverage --at', async () => {
  const page = await openPage({ timezoneId: 'America/New_York' });
  try {
    await page.click('[data-testid=coverage-toggle]');
    await page.click('[data-testid=coverage-kind-rest_stop]');
    await page.check('[data-testid=coverage-open-only]');
    // fill() fires input and change, which the app reads as a Beijing time.
    await page.fill('[data-testid=coverage-open-at]', '2026-11-24T22:30');
    const cli = await cliCoverage({ kind: 'rest_stop', at: '2026-11-24T22:30' });
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=coverage-summary]')?.dataset['share-10'] === want,
      cli.share_10.toFixed(4),
    );
    assertSameCoverage(await summaryData(page), cli, 'rest stops open at 22:30');
  } finally {
    await page.context().close();
  }
});

test('tapping a street or a worst-served place names the nearest place and the minutes', async () => {
  const page = await openPage();
  try {
    await page.click('[data-testid=coverage-toggle]');
    const worst = page.locator('[data-testid=worst-place]');
    assert.ok((await worst.count()) >= 3, 'worst-served streets are listed');
    await worst.first().click();
    const info = page.locator('[data-testid=coverage-tap-info]');
    await info.waitFor();
    assert.match(await info.innerText(), /分钟|无法到达/);
    // A tap on the map in the coverage view explains the street instead of moving the start.
    const before = await page.getAttribute('[data-testid=origin-status]', 'data-origin');
    await tapEmptyMap(page);
    await page.waitForTimeout(300);
    assert.equal(await page.getAttribute('[data-testid=origin-status]', 'data-origin'), before);
    assert.match(await info.innerText(), /分钟|无法到达/);
  } finally {
    await page.context().close();
  }
});

test('legends and summaries are readable by screen readers (axe, names, live regions)', async () => {
  const page = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    // On a phone the circle is among the folded controls.
    await page.click('[data-testid=more-options]');
    await page.click('[data-testid=circle-toggle]');
    await page.click('[data-testid=coverage-toggle]');
    await page.locator('[data-testid=coverage-summary]').waitFor();
    // Each legend is a labelled list whose entries say their band in words.
    const legends = await page.$$eval('ul.legend', (uls) =>
      uls.map((ul) => ({ label: ul.getAttribute('aria-label'), items: [...ul.querySelectorAll('li')].map((li) => li.textContent.trim()) })),
    );
    assert.equal(legends.length, 2);
    for (const l of legends) {
      assert.ok(l.label, 'legend has a name');
      assert.ok(l.items.every((t) => t.length > 0), 'every band has words');
    }
    assert.equal(await page.getAttribute('[data-testid=coverage-summary]', 'aria-live'), 'polite');
    assert.equal(await page.getAttribute('[data-testid=circle-summary]', 'aria-live'), 'polite');
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = await page.evaluate(() => window.axe.run());
    const violations = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    assert.deepEqual(violations, []);
  } finally {
    await page.context().close();
  }
});
