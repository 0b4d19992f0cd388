// Opening hours in a browser whose clock and time zone are not China's: the page must still
// evaluate every place in Beijing time, with China's holidays and make-up working days, and
// agree with `linli hours` for the same instant.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cliHours, launchBrowser, newPage, startDistServer, waitForResults } from './lib.mjs';

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

/** A page in New York whose clock stands still at `instant` (an ISO string with Z). */
async function pageInNewYorkAt(instant) {
  const page = await newPage(browser, { timezoneId: 'America/New_York', locale: 'zh-CN' });
  await page.clock.setFixedTime(new Date(instant));
  await page.goto(new URL('?lat=22.535&lng=114.02', server.url).href);
  await waitForResults(page);
  return page;
}

/** id → {state, text} of every result shown. */
async function shownStates(page) {
  return page.$$eval('[data-testid=result]', (items) =>
    Object.fromEntries(
      items.map((li) => {
        const status = li.querySelector('[data-testid=open-status]');
        return [li.dataset.serviceId, { state: status.dataset.state, text: status.textContent.trim() }];
      }),
    ),
  );
}

const CASES = [
  // 10:00 on National Day in Beijing is 22:00 the evening before in New York.
  { name: 'National Day 2026, 10:00 Beijing', instant: '2026-10-01T02:00:00Z', beijing: '2026-10-01T10:00' },
  // A make-up working Sunday (调休上班): offices keep weekday hours.
  { name: 'make-up working Sunday 2026-09-20, 10:00 Beijing', instant: '2026-09-20T02:00:00Z', beijing: '2026-09-20T10:00' },
  // 21:45 on an ordinary Tuesday: stations closing at 22:00 are "closing soon".
  { name: 'ordinary Tuesday 21:45 Beijing', instant: '2026-11-24T13:45:00Z', beijing: '2026-11-24T21:45' },
  // Spring Festival 2026.
  { name: 'Spring Festival 2026, 11:30 Beijing', instant: '2026-02-17T03:30:00Z', beijing: '2026-02-17T11:30' },
];

for (const c of CASES) {
  test(`every data-state equals linli hours: ${c.name}, browser in New York`, async () => {
    const page = await pageInNewYorkAt(c.instant);
    try {
      const expected = await cliHours(c.beijing);
      const shown = await shownStates(page);
      assert.equal(Object.keys(shown).length, expected.length, 'all places listed');
      const mismatches = expected
        .filter((e) => shown[e.id]?.state !== e.state)
        .map((e) => `${e.id}: page ${shown[e.id]?.state} (“${shown[e.id]?.text}”), CLI ${e.state}`);
      assert.deepEqual(mismatches, [], 'states that differ from the CLI');
      // The times shown are Beijing times: each "next change" the CLI gives appears in the text.
      for (const e of expected.filter((x) => x.next_change && ['open', 'closing', 'closed', 'holiday'].includes(x.state))) {
        const hm = e.next_change.slice(11);
        const text = shown[e.id].text;
        const minutesLeft = /(\d+) 分钟后关门/.exec(text);
        assert.ok(text.includes(hm) || minutesLeft, `${e.id}: “${text}” should show ${hm} (Beijing)`);
      }
    } finally {
      await page.context().close();
    }
  });
}

/**
 * The text of `selector` as the page shows it, scrolled into view first: a card out of view is
 * not laid out (`content-visibility: auto`) until a frame after it comes near, and innerText is
 * the text as laid out.
 */
async function shownText(page, selector) {
  const el = page.locator(selector);
  await el.scrollIntoViewIfNeeded();
  await el.evaluate((e) => new Promise((done) => {
    let frames = 0;
    const check = () => (e.innerText.trim() || ++frames > 120 ? done() : requestAnimationFrame(check));
    check();
  }));
  return el.innerText();
}

test('holidays and make-up days are named on the page', async () => {
  let page = await pageInNewYorkAt('2026-10-01T02:00:00Z');
  try {
    const text = await shownText(page, '[data-service-id=xmh-centre] [data-testid=open-status]');
    assert.ok(text.includes('国庆节') && text.includes('10月8日 09:00'), `holiday text: “${text}”`);
    await page.locator('[data-service-id=xmh-centre] button').click();
    const week = page.locator('[data-testid=week-hours]');
    await week.waitFor();
    const today = await week.locator('tr[aria-current=date]').innerText();
    assert.ok(today.includes('国庆节'), `today's row names the holiday: “${today}”`);
  } finally {
    await page.context().close();
  }
  page = await pageInNewYorkAt('2026-09-20T02:00:00Z');
  try {
    const text = await shownText(page, '[data-service-id=xmh-centre] [data-testid=open-status]');
    assert.ok(text.includes('调休上班'), `make-up day text: “${text}”`);
  } finally {
    await page.context().close();
  }
});

test('a year without a known holiday calendar says so', async () => {
  const page = await pageInNewYorkAt('2027-03-02T02:00:00Z');
  try {
    await page.locator('[data-testid=calendar-unknown]').first().waitFor();
  } finally {
    await page.context().close();
  }
});
