/** Served with COOP/COEP the page is crossOriginIsolated and onnxruntime-web runs WASM with several threads. */
import { expect, openApp, test } from './fixtures';

test('cross-origin isolated, with more than one WASM thread', async ({ page }) => {
  const response = await page.goto('./');
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-backend', 'wasm');
  await expect(app).toHaveAttribute('data-model', 'nsfwjs-mobilenet-v2');
  const threads = Number(await app.getAttribute('data-threads'));
  expect(threads).toBeGreaterThan(1);
  await expect(page.getByTestId('backend')).toContainText(`${threads} threads`);
});

test('?backend=wasm is honoured and an unknown ?model= falls back to the default with a notice', async ({ page }) => {
  await openApp(page, '?backend=wasm&model=no-such-model');
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-backend', 'wasm');
  await expect(app).toHaveAttribute('data-model', 'nsfwjs-mobilenet-v2');
  await expect(page.getByTestId('model-panel')).toContainText('no-such-model');
});
