// Offline and installable (issue 11): the web app manifest and its icons, the service worker
// that keeps the app and its data, a reload with no network, and a newer bundle published
// while a visitor has the old one (with sw.js rebuilt, as scripts/build-web.sh does; with
// the bundle alone replaced; and a new app with the same data).
//
// The update tests work on a copy of dist/ (tests/e2e/output/deploy-*) that they change.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { writeServiceWorker } from '../../scripts/precache.mjs';
import {
  WAIT_MS,
  atBeijing,
  axeLightAndDark,
  distDir,
  eventually,
  launchBrowser,
  newPage,
  outputDir,
  readResults,
  repoRoot,
  waitForResults,
  warmUp,
} from './lib.mjs';

const CGM_QUERY = '?lat=22.535&lng=114.02';
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/**
 * A copy of dist/ served on its own port, at the root or under a folder (`under`, e.g.
 * 'apps/linli/'), as a deployment may put it: `server.url` is the app's address.
 */
async function deployCopy(name, { under = '' } = {}) {
  const root = path.join(outputDir, `deploy-${name}-${process.pid}`);
  const dir = path.join(root, under);
  rmSync(root, { recursive: true, force: true });
  cpSync(distDir, dir, { recursive: true });
  const server = await startServer(root);
  const url = new URL(under, server.url).href;
  await warmUp(url);
  return {
    dir,
    server: { url },
    close: async () => {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Waits until the service worker is active with its caches filled; returns the cache names. */
async function offlineReady(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  let names = [];
  await eventually(
    async () => {
      names = await page.evaluate(() => caches.keys());
      return names.some((n) => n.startsWith('linli-app-')) && names.some((n) => n.startsWith('linli-data-'));
    },
    async () => `caches: ${JSON.stringify(names)}`,
  );
  return names;
}

/** Builds a bundle named `name` from the sample data into `out` (what a deployer publishes). */
async function buildBundle(name, out) {
  await promisify(execFile)(
    path.join(repoRoot, 'target', 'release', 'linli'),
    ['build', '--osm', 'data/osm/shenzhen-futian.osm.pbf', '--services', 'data/sample/futian-services.csv', '--name', name, '--out', out],
    { cwd: repoRoot },
  );
}

describe('installable', () => {
  test('the manifest, its icons and the service worker are what Chromium needs to install the app', async () => {
    const deploy = await deployCopy('install');
    const page = await newPage(browser);
    try {
      await page.goto(deploy.server.url);
      await waitForResults(page);
      const cdp = await page.context().newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifest.errors, [], 'manifest errors');
      const parsed = JSON.parse(manifest.data);
      assert.equal(parsed.start_url, './');
      assert.equal(parsed.display, 'standalone');
      const purposes = parsed.icons.map((i) => `${i.sizes} ${i.purpose}`);
      for (const want of ['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']) assert.ok(purposes.includes(want), purposes.join(', '));
      for (const icon of parsed.icons.filter((i) => i.type === 'image/png')) {
        const response = await page.request.get(new URL(icon.src, deploy.server.url).href);
        assert.equal(response.status(), 200, icon.src);
        const png = await response.body();
        const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
        assert.equal(`${w}x${h}`, icon.sizes, `${icon.src} is ${w}×${h}`);
      }
      await offlineReady(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      // Playwright's browser contexts are incognito ones, where nothing installs; that is the
      // only objection allowed.
      const errors = installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito');
      assert.deepEqual(errors, [], 'installability errors');
      // sw.js lists every file of dist/ the app needs, with its hash, and nothing for hosts.
      const sw = readFileSync(path.join(deploy.dir, 'sw.js'), 'utf8');
      const list = JSON.parse(sw.match(/\/\* precache \*\/([\s\S]*?)\/\* end \*\//)[1]);
      const paths = list.files.map(([p]) => p);
      assert.ok(paths.some((p) => /^leaflet-[0-9a-f]{16}\.js$/.test(p)), `content-hashed leaflet.js in ${paths}`);
      for (const want of ['index.html', 'data/futian.linli', 'manifest.webmanifest', 'icons/icon-192.png']) assert.ok(paths.includes(want), `${want} in ${paths}`);
      assert.ok(paths.some((p) => /_bg\.wasm$/.test(p)), 'the wasm');
      for (const not of ['sw.js', 'embed.js', 'embed-example.html']) assert.ok(!paths.includes(not), `${not} is not kept`);
      // The same dist/ gives the same sw.js.
      await writeServiceWorker(deploy.dir);
      assert.equal(readFileSync(path.join(deploy.dir, 'sw.js'), 'utf8'), sw, 'sw.js is deterministic');
    } finally {
      await page.context().close();
      await deploy.close();
    }
  });
});

describe('offline', () => {
  test('after one visit, a reload with no network opens the app and answers (deployed under a folder)', async () => {
    const deploy = await deployCopy('offline', { under: 'apps/linli/' });
    const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await atBeijing(page, '2026-11-24T10:00');
      await page.goto(`${deploy.server.url}${CGM_QUERY}`);
      await waitForResults(page);
      const online = await readResults(page);
      await offlineReady(page);
      // The worker serves the app's folder, wherever it is deployed.
      assert.equal(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope)), deploy.server.url);

      await page.context().setOffline(true);
      const response = await page.reload();
      assert.ok(response.fromServiceWorker(), 'the page came from the service worker');
      await waitForResults(page);
      assert.deepEqual(await readResults(page), online, 'the same results as online');
      assert.match(await page.innerText('[data-testid=data-date]'), /数据更新于 \d{4}-\d\d-\d\d/);
      // The map too (leaflet.js from the cache; the streets are in the bundle).
      await page.locator('[data-testid=view-map]').click();
      await page.locator('.leaflet-container .linli-marker').first().waitFor({ state: 'attached' });
      // A link to a place, never opened before, works offline as well.
      await page.goto(`${deploy.server.url}${CGM_QUERY}&place=donghai-canteen`);
      await page.locator('[data-testid=service-detail]').waitFor();
    } finally {
      await page.context().close();
      await deploy.close();
    }
  });
});

/** Which bundle URLs the data caches hold. */
function cachedBundles(page) {
  return page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith('linli-data-')) continue;
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls.sort();
  });
}

describe('a host page with its own bundle', () => {
  test('after one visit it works offline with that bundle, and the sample bundle is not downloaded', async () => {
    const deploy = await deployCopy('own-data');
    const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
    try {
      await buildBundle('某区服务点', path.join(deploy.dir, 'data', 'district.linli'));
      const asked = [];
      page.context().on('request', (r) => asked.push(new URL(r.url()).pathname));
      await page.goto(`${deploy.server.url}${CGM_QUERY}&data=data/district.linli`);
      await waitForResults(page);
      assert.match(await page.innerText('[data-testid=data-name]'), /某区服务点/);
      const online = await readResults(page);
      await offlineReady(page);
      // The worker kept the page's bundle at install (the first visit's own fetch of it came
      // before the worker), and not the sample.
      assert.deepEqual(await cachedBundles(page), [new URL('data/district.linli', deploy.server.url).href]);
      assert.ok(!asked.includes('/data/futian.linli'), `the sample was not requested: ${asked.filter((a) => a.endsWith('.linli'))}`);

      await page.context().setOffline(true);
      await page.reload();
      await waitForResults(page);
      assert.match(await page.innerText('[data-testid=data-name]'), /某区服务点/);
      assert.deepEqual(await readResults(page), online, 'the same results as online');
    } finally {
      await page.context().close();
      await deploy.close();
    }
  });

  test('a page with the sample open beside it: both bundles are kept', async () => {
    const deploy = await deployCopy('both-data');
    const sample = await newPage(browser, { viewport: { width: 360, height: 740 } });
    const context = sample.context();
    try {
      await buildBundle('某区服务点', path.join(deploy.dir, 'data', 'district.linli'));
      // The sample page is open, and has not registered the worker, when the host page does.
      await sample.route(/sw-client[^/]*\.js$/, (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
      await sample.goto(`${deploy.server.url}${CGM_QUERY}`);
      await waitForResults(sample);
      const host = await context.newPage();
      await host.goto(`${deploy.server.url}${CGM_QUERY}&data=data/district.linli`);
      await waitForResults(host);
      await offlineReady(host);
      assert.deepEqual(await cachedBundles(host), [
        new URL('data/district.linli', deploy.server.url).href,
        new URL('data/futian.linli', deploy.server.url).href,
      ]);
    } finally {
      await context.close();
      await deploy.close();
    }
  });
});

describe('a newer bundle is published', () => {
  /** One visit, then a reload served by the worker. */
  // `httpCache`: a page whose requests are not routed, so the HTTP cache is on (lib's newPage).
  async function visited(deploy, { httpCache = false } = {}) {
    const page = await newPage(browser, { viewport: { width: 360, height: 740 }, routed: !httpCache });
    await page.goto(`${deploy.server.url}${CGM_QUERY}`);
    await waitForResults(page);
    await offlineReady(page);
    await page.reload();
    await waitForResults(page);
    assert.ok(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), 'controlled by the worker');
    return page;
  }

  async function updateOffered(page, what) {
    const notice = page.locator('[data-testid=update-notice]');
    await notice.waitFor({ timeout: WAIT_MS });
    assert.equal(await notice.getAttribute('data-what'), what);
    return notice;
  }

  test('rebuilt with scripts/build-web.sh (new sw.js): the page offers the new data, and "update now" shows it', async () => {
    const deploy = await deployCopy('rebuilt');
    const page = await visited(deploy);
    try {
      assert.match(await page.innerText('[data-testid=data-name]'), /香蜜湖/);
      await buildBundle('深圳福田（新数据）', path.join(deploy.dir, 'data', 'futian.linli'));
      await writeServiceWorker(deploy.dir);
      await page.reload();
      await waitForResults(page);
      const notice = await updateOffered(page, 'data');
      assert.match(await notice.innerText(), /有更新的数据/);
      assert.deepEqual(await axeLightAndDark(page), { light: [], dark: [] }, 'axe with the update notice');
      await page.locator('[data-testid=update-now]').click();
      await eventually(
        async () => (await page.locator('[data-testid=data-name]').innerText().catch(() => '')) === '深圳福田（新数据）',
        async () => `data name after the update: ${await page.locator('[data-testid=data-name]').innerText().catch((e) => e.message)}`,
      );
      await waitForResults(page);
      // The old data's cache is gone.
      const names = await page.evaluate(() => caches.keys());
      assert.equal(names.filter((n) => n.startsWith('linli-data-')).length, 1, names.join(', '));
    } finally {
      await page.context().close();
      await deploy.close();
    }
  });

  test('only the bundle replaced on the server: the worker notices, and the next open shows it', async () => {
    const deploy = await deployCopy('bundle-only');
    const page = await visited(deploy);
    try {
      await buildBundle('深圳福田（只换数据）', path.join(deploy.dir, 'data', 'futian.linli'));
      // The open page learns of it the next time the worker checks (on the next load).
      await page.reload();
      await updateOffered(page, 'data');
      // Opening again shows the new data, from the cache (even offline).
      await page.context().setOffline(true);
      await page.reload();
      await waitForResults(page);
      assert.equal(await page.innerText('[data-testid=data-name]'), '深圳福田（只换数据）');
    } finally {
      await page.context().close();
      await deploy.close();
    }
  });

  test('a wasm whose bytes changed under the same name: the new worker installs past the HTTP cache', async () => {
    const deploy = await deployCopy('same-name');
    const page = await visited(deploy, { httpCache: true });
    try {
      const wasmName = readdirSync(deploy.dir).find((f) => f.endsWith('_bg.wasm'));
      const wasmPath = path.join(deploy.dir, wasmName);
      // A custom section appended: still a valid module, other bytes, the same (immutable) name,
      // which the browser's HTTP cache already holds from the first visit. (Trunk's own name did
      // that when only wasm-opt's output changed, until build-web.sh renamed the wasm by its
      // final bytes; a file replaced by hand on a server can still do it.)
      const section = Buffer.from('linli-test');
      const changed = Buffer.concat([readFileSync(wasmPath), Buffer.from([0, section.length + 1, section.length]), section]);
      writeFileSync(wasmPath, changed);
      await writeServiceWorker(deploy.dir);
      await page.reload();
      await updateOffered(page, 'app');
      await page.locator('[data-testid=update-now]').click();
      await waitForResults(page);
      let kept = null;
      await eventually(
        async () => {
          kept = await page.evaluate(async (name) => {
            for (const key of await caches.keys()) {
              if (!key.startsWith('linli-app-')) continue;
              const hit = await (await caches.open(key)).match(new URL(name, location.href).href);
              if (hit) return (await hit.arrayBuffer()).byteLength;
            }
            return null;
          }, wasmName);
          return kept === changed.length;
        },
        () => `the worker keeps ${kept} bytes of ${wasmName}, the server has ${changed.length}`,
      );
    } finally {
      await page.context().close();
      await deploy.close();
    }
  });

  test('a new app with the same data: the page offers the new version', async () => {
    const deploy = await deployCopy('app');
    const page = await visited(deploy);
    try {
      const index = path.join(deploy.dir, 'index.html');
      writeFileSync(index, readFileSync(index, 'utf8').replace('</body>', '<!-- a new release --></body>'));
      await writeServiceWorker(deploy.dir);
      await page.reload();
      const notice = await updateOffered(page, 'app');
      assert.match(await notice.innerText(), /新版本/);
      await page.locator('[data-testid=update-now]').click();
      await eventually(
        async () => (await page.content().catch(() => '')).includes('<!-- a new release -->'),
        () => 'the new index.html after the update',
      );
      await waitForResults(page);
    } finally {
      await page.context().close();
      await deploy.close();
    }
  });
});
