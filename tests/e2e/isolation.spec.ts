/** Served with COOP/COEP the page is crossOriginIsolated and onnxruntime-web runs WASM with several threads. */
import { basename } from 'node:path';
import { expect, openApp, PHOTO_INPUT, sharedPhotos, test, waitForSettled } from './fixtures';
import { nodePredictions } from './node-pipeline';

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

// ?threads=N goes to the worker (the bench uses ?threads=1 for its one-thread row). The other path to one thread, the
// client's retry when threaded WASM fails to start (iOS Safari's `RangeError: Out of memory`), is covered by the
// scripted-worker unit tests only: Chromium here starts threads fine and there is no honest way to make it fail.
test('?threads=1 runs WASM on one thread in an isolated page and still classifies', async ({ page }) => {
  const [dog] = sharedPhotos().filter((photo) => basename(photo) === 'dog.jpg');
  test.skip(!dog, 'no dog.jpg among the shared photos');
  await openApp(page, '?backend=wasm&threads=1');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-threads', '1');
  await expect(page.getByTestId('backend')).toContainText('1 thread');
  await page.setInputFiles(PHOTO_INPUT, [dog as string]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status, card?.error ?? '').toBe('done');
  const node = await nodePredictions(dog as string, 1);
  expect(card?.predictions[0]?.label).toBe(node[0]?.label);
});

test('an out-of-range ?threads= is ignored with a notice', async ({ page }) => {
  await openApp(page, '?threads=99');
  expect(Number(await page.locator('#app').getAttribute('data-threads'))).toBeGreaterThan(1);
  await expect(page.getByTestId('model-panel')).toContainText('?threads=99');
});
