// Phone screenshots for the README, regenerated from the release build:
//
//   scripts/build-web.sh && node scripts/screenshots.mjs
//
// 360×740 CSS px at 2× pixels, touch, at 100 % and 200 % text (the browser's default font
// size doubled, see tests/e2e/lib.mjs), light and dark, a Tuesday at 11:45 in Beijing,
// starting from Chegongmiao. Writes docs/phone-<scheme>-<text>.png and two more views
// (a place's detail, the full-screen map).

import path from 'node:path';
import { atBeijing, launchBrowser, newPhonePage, repoRoot, startDistServer, waitForResults } from '../tests/e2e/lib.mjs';

const QUERY = '?lat=22.535&lng=114.02';
const AT = '2026-11-24T11:45';
const docs = path.join(repoRoot, 'docs');

const server = await startDistServer();
const browser = await launchBrowser();

async function shot(name, { scale = 1, colorScheme = 'light', query = QUERY, then } = {}) {
  const page = await newPhonePage(browser, { width: 360, height: 740, scale, colorScheme });
  try {
    await atBeijing(page, AT);
    await page.goto(new URL(query, server.url).href);
    if (query.includes('place=')) await page.locator('[data-testid=service-detail]').waitFor();
    else await waitForResults(page);
    if (then) await then(page);
    await page.waitForTimeout(800); // the map draws and settles
    const file = path.join(docs, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`wrote ${path.relative(repoRoot, file)}`);
  } finally {
    await page.context().close();
  }
}

try {
  for (const colorScheme of ['light', 'dark']) {
    for (const scale of [1, 2]) {
      await shot(`phone-${colorScheme}-${scale * 100}`, { scale, colorScheme });
    }
  }
  await shot('phone-light-100-detail', { query: `${QUERY}&place=donghai-canteen` });
  await shot('phone-light-100-map', {
    then: async (page) => {
      await page.click('[data-testid=view-map]');
      await page.locator('.linli-marker').first().waitFor();
    },
  });
} finally {
  await browser.close();
  await server.close();
}
