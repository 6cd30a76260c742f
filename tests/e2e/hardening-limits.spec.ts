/**
 * Limits and housekeeping: a model file over the ceiling (`?maxModelMB=`, standing in for a 2.5 GB file) is refused
 * with its size and the limit while the previous model keeps classifying; leaving with photos still pending asks
 * first, and so does leaving while a model is being kept on the device; "Stored on this device" follows a model being
 * saved and removed; and a restored model (a Blob of the cache entry) can be saved again over its own entry.
 */
import type { Page } from '@playwright/test';
import { KNOWN_PHOTOS, loadThroughInput, MODEL_INPUT, requireSharedModels, SHARED_MODELS } from './byom-helpers';
import { expect, makePng, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';

const DEFAULT_ID = 'nsfwjs-mobilenet-v2';

function zoo() {
  const shared = SHARED_MODELS[0];
  if (!shared) throw new Error('no shared model');
  return shared;
}

test('a model file over the ceiling is refused with its size and the limit; the previous model keeps working', async ({
  page,
}) => {
  requireSharedModels();
  // The site's default model (2.8 MB) fits under 3 MB; the 3.7 MB one does not.
  await openApp(page, '?maxModelMB=3');
  await page.setInputFiles(MODEL_INPUT, [zoo().model, zoo().labels]);
  const error = page.getByTestId('model-error');
  await expect(error).toHaveText(
    'Could not load model.onnx: the file is 3.7 MB, larger than the 3 MB limit for a model file; it was not read',
  );
  await expect(page.getByRole('alert').filter({ hasText: 'larger than the 3 MB limit' })).toBeVisible();
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-model', DEFAULT_ID);
  await page.setInputFiles(PHOTO_INPUT, [await makePng('after.png', 1)]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status, card?.error ?? '').toBe('done');
  await expect(page.getByTestId('user-models')).toHaveCount(0);
});

test('a bad ?maxModelMB= is ignored with a notice', async ({ page }) => {
  await openApp(page, '?maxModelMB=lots');
  await expect(page.getByTestId('model-panel').locator('.notice')).toContainText(
    'Ignoring ?maxModelMB=lots: it must be a number of megabytes above 0, at most 2048.',
  );
});

/** Does leaving the page now ask first? (A synthetic beforeunload: cancelled means the browser would ask.) */
const asksBeforeLeaving = (page: Page) =>
  page.evaluate(() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true })));

// The model's download is held with page.route, which does not see the service worker's own fetches: since the
// worker downloads the model for the page on a first visit (#12), it is kept out of this test.
test.describe(() => {
  test.use({ serviceWorkers: 'block' });

  test('leaving while photos are pending asks first; once they are done it does not', async ({ page }) => {
    // Hold the default model's download, so the photos wait for it: pending for as long as the test needs.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/models/default/model.onnx', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('./');
    expect(await asksBeforeLeaving(page)).toBe(false);
    await page.setInputFiles(PHOTO_INPUT, [await makePng('a.png', 1), await makePng('b.png', 2)]);
    await expect(page.locator('[data-testid="result"][data-status="pending"]')).toHaveCount(2);
    expect(await asksBeforeLeaving(page)).toBe(true);

    // A real reload asks too (the browser shows the dialog only after the user has interacted with the page).
    await page.getByRole('heading', { name: 'OnSight' }).click();
    const dialog = page.waitForEvent('dialog');
    // Dismissed, the reload never happens: give up waiting for it soon.
    const reload = page.reload({ timeout: 5_000 }).catch(() => undefined);
    const asked = await dialog;
    expect(asked.type()).toBe('beforeunload');
    await asked.dismiss(); // stay
    await reload;
    await expect(page.locator('[data-testid="result"]')).toHaveCount(2);

    release();
    const cards = await waitForSettled(page, 2);
    expect(cards.map((c) => c.status)).toEqual(['done', 'done']);
    expect(await asksBeforeLeaving(page)).toBe(false);
  });
});

test('while a model is being kept on the device the page says so, and leaving asks first', async ({ page }) => {
  requireSharedModels();
  // The page's writes to the user-model cache wait for the test: the save lasts as long as it needs.
  await page.addInitScript(() => {
    const hold = window as unknown as { saves?: Promise<void>; release?: () => void };
    hold.saves = new Promise((resolve) => {
      hold.release = resolve;
    });
    const put = Cache.prototype.put;
    Cache.prototype.put = async function (request: RequestInfo | URL, response: Response) {
      const url = request instanceof Request ? request.url : String(request);
      if (url.startsWith('https://user-models.onsight.invalid/')) await hold.saves;
      return put.call(this, request, response);
    };
  });
  await openApp(page);
  expect(await asksBeforeLeaving(page)).toBe(false);
  await loadThroughInput(page, [zoo().model, zoo().labels], 'model');
  const saving = page.getByTestId('model-saving');
  await expect(saving).toHaveText(/^Keeping .+ on this device…$/);
  expect(await asksBeforeLeaving(page)).toBe(true);

  await page.evaluate(() => (window as unknown as { release: () => void }).release());
  await expect(page.getByTestId('user-models').locator('li')).toHaveCount(1);
  await expect(saving).toHaveCount(0);
  expect(await asksBeforeLeaving(page)).toBe(false);
});

/** "Stored on this device: 21.3 MB of …" as bytes. */
async function storedBytes(page: Page): Promise<number> {
  const text = (await page.getByTestId('storage-usage').textContent()) ?? '';
  const match = /Stored on this device: ([\d.]+) (B|kB|MB|GB)/.exec(text);
  if (!match) throw new Error(`no figure in "${text}"`);
  const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[match[2] as 'B' | 'kB' | 'MB' | 'GB'];
  return Number(match[1]) * unit;
}

/** The storage figure once two readings, longer apart than StorageInfo's second measurement, agree. */
async function settledBytes(page: Page): Promise<number> {
  let last = await storedBytes(page);
  for (let i = 0; i < 10; i++) {
    await page.waitForTimeout(2500);
    const now = await storedBytes(page);
    if (now === last) return now;
    last = now;
  }
  throw new Error(`"Stored on this device" did not settle (last ${last} bytes)`);
}

test('"Stored on this device" follows a model being saved and removed', async ({ page }) => {
  requireSharedModels();
  await openApp(page);
  // Once the service worker has precached the app and taken the page's copies of the large files (which it now does
  // after the first load, see src/pwa/after-first-work.ts), the figure holds still unless something is saved.
  await expect(page.getByTestId('offline-status')).not.toHaveText('Preparing offline use…');
  await expect(page.getByTestId('offline-ready')).toHaveText(/Ready to work offline/);
  await expect(page.getByTestId('storage-usage')).toBeVisible();
  const before = await storedBytes(page);

  await loadThroughInput(page, [zoo().model, zoo().labels], 'model');
  await expect(page.getByTestId('user-models').locator('li')).toHaveCount(1);
  // The model file is 3.7 MB.
  await expect.poll(() => storedBytes(page)).toBeGreaterThan(before + 3e6);
  // Saving writes more than the model file, and the figure is measured again once the writes settle (StorageInfo):
  // take it once it holds still, or the removal below is compared with a figure from halfway through the save.
  const saved = await settledBytes(page);

  await page.getByRole('button', { name: 'Remove model from this device' }).click();
  await expect(page.getByTestId('user-models')).toHaveCount(0);
  await expect.poll(() => storedBytes(page)).toBeLessThan(saved - 3e6);
});

test('a model restored from the cache (a Blob of its entry) can be saved again over that entry', async ({ page }) => {
  requireSharedModels();
  await openApp(page);
  await loadThroughInput(page, [zoo().model, zoo().labels], 'model');
  await expect(page.getByTestId('user-models').locator('li')).toHaveCount(1);
  await page.reload();
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-model', 'model');
  await expect(app).toHaveAttribute('data-ready', 'true');
  const facts = page.getByTestId('model-panel').locator('dl.facts');
  // The raw fields sit under the spec editor's "Details" (#13).
  const details = page.getByTestId('spec-details');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  await page.getByLabel('Resize').selectOption('squish');
  await page.getByRole('button', { name: 'Apply and reload the model' }).click();
  await expect(facts).toContainText('224×224, squish');
  await expect(page.getByTestId('model-panel').locator('.notice')).toHaveCount(0);
  // The corrections are saved once "Keeping … on this device" has gone; a reload before that would ask first (and,
  // if the user leaves anyway, find the model as it was saved before).
  await expect(page.getByTestId('model-saving')).toHaveCount(0);

  await page.reload();
  await expect(app).toHaveAttribute('data-model', 'model');
  await expect(app).toHaveAttribute('data-ready', 'true');
  await expect(facts).toContainText('224×224, squish');
  const eagle = KNOWN_PHOTOS[0];
  if (!eagle) throw new Error('no photo');
  await page.setInputFiles(PHOTO_INPUT, [eagle.path]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status, card?.error ?? '').toBe('done');
  expect(card?.predictions[0]?.label).toBe(eagle.top1);
});
