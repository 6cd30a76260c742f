/**
 * Backend choice with WebGPU present but only as Chromium's software adapter (SwiftShader, behind
 * --enable-unsafe-webgpu): `auto` must not pick it; `?backend=webgpu` must run the default model on it (no fallback) and
 * give the same scores as WASM.
 */
import { expect, openApp, PHOTO_INPUT, sharedPhotos, test, waitForSettled } from './fixtures';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-webgpu',
    ],
  },
});

test('auto keeps WASM on a software WebGPU adapter and says so', async ({ page }) => {
  await openApp(page);
  await expect(page.locator('#app')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('model-panel')).toContainText(/software fallback/i);
});

test('?backend=webgpu runs the default model on WebGPU and gives the WASM scores', async ({ page, context }) => {
  // WebGPU on SwiftShader: session creation and the first run compile shaders on the CPU (tens of seconds when loaded).
  test.setTimeout(300_000);
  const photos = sharedPhotos();
  const photo = photos.find((p) => p.endsWith('dog.jpg')) ?? photos[0];
  if (!photo) return;

  const wasmPage = await context.newPage();
  await openApp(wasmPage, '?backend=wasm');
  await expect(wasmPage.locator('#app')).toHaveAttribute('data-backend', 'wasm');
  await wasmPage.setInputFiles(PHOTO_INPUT, [photo]);
  const [wasmCard] = await waitForSettled(wasmPage, 1);
  expect(wasmCard?.status, wasmCard?.error ?? '').toBe('done');
  await wasmPage.close();

  await page.goto('./?backend=webgpu');
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true', { timeout: 180_000 });
  // The default model must build on ORT's WebGPU EP (its uint8 kernels are dequantised with Cast + Gather, which
  // WebGPU runs; the old float64 dequantisation made it fall back to WASM), so no fallback here.
  await expect(page.locator('#app')).toHaveAttribute('data-backend', 'webgpu');
  await expect(page.getByTestId('model-panel')).not.toContainText(/WebGPU failed to initialise/);
  await page.setInputFiles(PHOTO_INPUT, [photo]);
  await expect(page.locator('[data-testid="result"][data-status="pending"]')).toHaveCount(0, { timeout: 180_000 });
  const [gpuCard] = await waitForSettled(page, 1);
  expect(gpuCard?.status, gpuCard?.error ?? '').toBe('done');
  expect(gpuCard?.predictions[0]?.label).toBe('Neutral');

  const wasmScores = new Map(wasmCard?.predictions.map((p) => [p.label, p.score]));
  expect(gpuCard?.predictions.map((p) => p.label).sort()).toEqual([...wasmScores.keys()].sort());
  for (const { label, score } of gpuCard?.predictions ?? []) {
    expect(Math.abs(score - (wasmScores.get(label) as number)), label).toBeLessThan(1e-3);
  }
});
