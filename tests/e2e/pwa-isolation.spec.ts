/**
 * Threads on a host that sends no COOP/COEP (GitHub Pages): the service worker adds the headers, the page reloads
 * itself once when the worker takes control, and ends up crossOriginIsolated with several WASM threads.
 */
import { expect } from '@playwright/test';
import { test } from './csp-guard';
import { chromiumLaunch, requireDist, type StaticServer, startStaticServer } from './pwa-helpers';

test.use({ launchOptions: chromiumLaunch });

let server: StaticServer;
test.beforeAll(async () => {
  server = await startStaticServer({ root: requireDist(), isolation: false });
});
test.afterAll(async () => {
  await server?.close();
});

test('a plain static host still ends up crossOriginIsolated with more than one thread', async ({ page }) => {
  const first = await page.goto(server.url);
  expect(first?.headers()['cross-origin-embedder-policy']).toBeUndefined();

  const isolated = () => page.evaluate(() => crossOriginIsolated).catch(() => false); // may run mid-reload
  await expect.poll(isolated, { timeout: 60_000, intervals: [250] }).toBe(true);

  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });
  expect(Number(await app.getAttribute('data-threads'))).toBeGreaterThan(1);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // The headers come from the worker, on precached and network responses alike.
  const headers = await page.evaluate(async () =>
    Promise.all(
      ['models/index.json', 'manifest.webmanifest', 'screenshots/wide.png'].map(async (url) => {
        const response = await fetch(url);
        return [
          url,
          response.headers.get('cross-origin-embedder-policy'),
          response.headers.get('cross-origin-resource-policy'),
        ];
      }),
    ),
  );
  for (const [url, coep, corp] of headers) expect([url, coep, corp]).toEqual([url, 'require-corp', 'same-origin']);
  // Exactly one automatic reload, guarded for the tab's session.
  expect(await page.evaluate(() => sessionStorage.getItem('onsight:coi-reload'))).not.toBeNull();
  const navigations = server.requests.filter((line) => line === 'GET /');
  expect(navigations.length, 'the reload is served by the service worker, not the host').toBe(1);
});
