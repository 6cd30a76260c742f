/**
 * Backend choice with WebGPU present but only as Chromium's software adapter (SwiftShader, behind
 * --enable-unsafe-webgpu): `auto` must not pick it; `?backend=webgpu` must try it and, if ORT cannot build the session
 * there, fall back to WASM and still classify. Either way the page says why.
 */
import { expect, openApp, PHOTO_INPUT, sharedPhotos, test, waitForSettled } from './fixtures';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'],
  },
});

test('auto keeps WASM on a software WebGPU adapter and says so', async ({ page }) => {
  await openApp(page);
  await expect(page.locator('#app')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('model-panel')).toContainText(/software fallback/i);
});

test('?backend=webgpu tries WebGPU; the page classifies either on it or on the WASM fallback, with the reason', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page, '?backend=webgpu');
  const backend = await page.locator('#app').getAttribute('data-backend');
  if (backend === 'wasm') await expect(page.getByTestId('model-panel')).toContainText(/WebGPU failed to initialise/);
  else expect(backend).toBe('webgpu');
  const [photo] = sharedPhotos();
  if (!photo) return;
  await page.setInputFiles(PHOTO_INPUT, [photo]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status, card?.error ?? '').toBe('done');
  expect(card?.predictions[0]?.label).toBe('Neutral');
});
