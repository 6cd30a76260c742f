/**
 * Offline: after one online visit the service worker has precached the app and kept the CPU onnxruntime-web .wasm and
 * the default model from the page's own download (each sent once), so with the network gone the page still loads and
 * classifies a photo.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { test } from './csp-guard';
import {
  chromiumLaunch,
  recordConsole,
  requireDist,
  type StaticServer,
  sharedPhoto,
  startStaticServer,
  waitForServiceWorker,
} from './pwa-helpers';

test.use({ launchOptions: chromiumLaunch });

let server: StaticServer;
test.beforeAll(async () => {
  server = await startStaticServer({ root: requireDist(), isolation: true });
});
test.afterAll(async () => {
  await server?.close();
});

test('after one online visit the app opens and classifies offline', async ({ page, context }) => {
  const photo = sharedPhoto('dog.jpg');
  test.skip(!photo, 'needs ../shared/photos/dog.jpg');

  const start = Date.now();
  recordConsole(page);
  const firstVisit = server.requests.length;
  await page.goto(server.url);
  await waitForServiceWorker(page);
  const installMs = Date.now() - start; // first request → precache complete and worker in control
  const offlineReady = page.getByTestId('offline-ready');
  await expect(offlineReady).toHaveText(/Ready to work offline/);
  await offlineReady.getByRole('button', { name: 'Dismiss' }).click();
  await expect(offlineReady).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('data-offline-ready', 'true');
  // The page (isolated by the host's headers) started its model load at once, without waiting for the worker to take
  // control; the worker adopted the page's own downloads of the .wasm and the model.
  const startedControlled = await page.evaluate(
    () => (performance.getEntriesByName('onsight:start')[0] as PerformanceMark | undefined)?.detail?.controlled,
  );
  expect(startedControlled, 'the first visit waited for the service worker').toBe(false);
  // Every file crossed the network once on this first visit (sw.js may be checked again: a few hundred bytes).
  const fetched = server.requests.slice(firstVisit).filter((line) => !line.endsWith('/sw.js'));
  const twice = fetched.filter((line, i) => fetched.indexOf(line) !== i);
  expect(twice, 'requested more than once on the first visit').toEqual([]);

  // What the precache and the large-file cache hold: the CPU .wasm and the default model; never the 27 MB WebGPU/JSEP
  // builds.
  const precache = await page.evaluate(async () => {
    const names = (await caches.keys()).filter((key) => key.startsWith('workbox-precache') || key === 'onsight-core');
    const entries: string[] = [];
    let bytes = 0;
    for (const name of names) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        entries.push(new URL(request.url).pathname);
        bytes += (await (await cache.match(request))?.arrayBuffer())?.byteLength ?? 0;
      }
    }
    return { entries, bytes };
  });
  expect(precache.entries.some((path) => /\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(path))).toBe(true);
  expect(precache.entries.some((path) => /\.(asyncify|jsep|jspi)-[\w-]+\.wasm$/.test(path))).toBe(false);
  expect(precache.entries).toContain('/models/default/model.onnx');
  expect(precache.entries).toContain('/models/index.json');
  expect(precache.entries).toContain('/index.html');
  test.info().annotations.push({
    type: 'precache',
    description: `${precache.entries.length} entries, ${(precache.bytes / 1e6).toFixed(1)} MB, first visit to offline-ready in ${installMs} ms`,
  });
  console.log(
    `precache: ${precache.entries.length} entries, ${(precache.bytes / 1e6).toFixed(1)} MB; first visit to offline-ready in ${installMs} ms`,
  );

  // The WebGPU build's .wasm (if the build emitted one) is cached when first used, not precached.
  const gpuWasm = (await readdir(join(requireDist(), 'assets'))).find((name) =>
    /\.(asyncify|jsep|jspi)-[\w-]+\.wasm$/.test(name),
  );
  if (gpuWasm) {
    const ok = await page.evaluate(async (url) => {
      const response = await fetch(url);
      await response.arrayBuffer();
      return response.ok;
    }, `assets/${gpuWasm}`);
    expect(ok).toBe(true);
    // The worker hands the response over first and writes its copy after (cache-first, in the event's waitUntil):
    // 27 MB take a moment to land.
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const cache = await caches.open('onsight-ort-gpu');
          return (await cache.keys()).map((request) => new URL(request.url).pathname);
        }),
      )
      .toEqual([`/assets/${gpuWasm}`]);
  }

  await context.setOffline(true);
  const before = server.requests.length;
  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  // "Ready to work offline" is said once, not on every visit.
  await expect(page.getByTestId('offline-ready')).toHaveCount(0);

  await page.locator('[data-testid="photo-input"]').setInputFiles(photo as string);
  const card = page.locator('[data-testid="result"]');
  await expect(card).toHaveCount(1);
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('storage-usage')).toContainText('Stored on this device');
  await expect(page.getByTestId('offline-status')).toHaveText('Works offline');
  // Nothing reached the host — except, possibly, the browser's own update check of sw.js, which DevTools' offline
  // emulation does not cover (on a real plane it simply fails, harmlessly).
  const whileOffline = server.requests.slice(before).filter((line) => !line.endsWith('/sw.js'));
  expect(whileOffline, 'requests that reached the server while offline').toEqual([]);
});
