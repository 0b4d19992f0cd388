#!/usr/bin/env node
// Renders the app icons' PNG sizes from their SVG sources with headless Chromium, for the web
// app manifest (public/manifest.webmanifest): icon-192/512.png from public/icons/icon.svg,
// maskable-192/512.png from public/icons/maskable.svg (full-bleed, the house inside the
// central 80 % circle that launchers keep). The PNGs are committed; run this after changing an
// SVG:   node scripts/icons.mjs
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../tests/e2e/lib.mjs';

const dir = fileURLToPath(new URL('../public/icons/', import.meta.url));
const browser = await launchBrowser();
try {
  for (const [source, name] of [['icon.svg', 'icon'], ['maskable.svg', 'maskable']]) {
    const svg = await readFile(path.join(dir, source), 'utf8');
    for (const size of [192, 512]) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
      const file = path.join(dir, `${name}-${size}.png`);
      await page.screenshot({ path: file, omitBackground: true });
      await page.close();
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  }
} finally {
  await browser.close();
}
