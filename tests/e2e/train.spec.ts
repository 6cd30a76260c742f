/**
 * Make your own classifier (#16), end to end on ../shared/datasets/pets-small (100 cats, 100 dogs) with the default
 * model as backbone: the trainer opens from the first screen, takes the labelled folder, trains in the training
 * worker with live progress, reports a validation accuracy, downloads the .onnx, and loads the trained model (which
 * is kept under Your models). The download dropped on a fresh browser context like any user model gives the same
 * predictions as the model "Use this model" loaded. Also: a folder with one class is refused in plain words.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { loadThroughInput, MODEL_INPUT, SHARED_MODELS } from './byom-helpers';
import { expect, type FilePayload, filePayload, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';
import { smallJpeg, writeTree } from './folder-helpers';
import { fewPets, PETS, TRAIN_FOLDER_INPUT, trainerViolations } from './train-helpers';

const FOLDER_INPUT = TRAIN_FOLDER_INPUT;
/** Photos both pages classify with the trained model: two cats and a dog of the set, and an eagle from elsewhere. */
const CHECK_PHOTOS = ['cats/cat.4001.jpg', 'cats/cat.4050.jpg', 'dogs/dog.4001.jpg'].map((p) => join(PETS, p));

/** The photos both pages classify: CHECK_PHOTOS and a flat grey picture. */
async function checkPayloads(): Promise<FilePayload[]> {
  const grey = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .png()
    .toBuffer();
  return [...CHECK_PHOTOS.map(filePayload), { name: 'grey.png', mimeType: 'image/png', buffer: grey }];
}

test.skip(!existsSync(PETS) && process.env.CI !== 'true', 'needs ../shared/datasets/pets-small beside the checkout');

test('train on pets-small: done with a validation accuracy; the download gives the same predictions in a fresh context', async ({
  page,
  browser,
}) => {
  test.setTimeout(10 * 60_000);
  await openApp(page);
  const backboneId = await page.locator('#app').getAttribute('data-model');
  await page.getByTestId('train-open').click();
  await expect(page.getByRole('heading', { name: 'Make your own classifier' })).toBeFocused();

  const training = page.getByTestId('training');
  await expect(training).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await page.setInputFiles(FOLDER_INPUT, PETS);
  await expect(page.locator('[data-testid="train-classes"] li')).toHaveCount(2);
  await expect(page.getByTestId('train-name')).toHaveValue('pets-small');
  // Cancel while the photos are being read: back to idle, saying so; Train works again (the photos read so far come
  // from the device's embedding cache).
  await page.getByTestId('train-start').click();
  await expect(training).toHaveAttribute('data-status', 'embedding');
  await page.getByTestId('train-cancel').click();
  await expect(training).toHaveAttribute('data-status', 'idle');
  await expect(training).toContainText('Training was cancelled.');
  await page.getByTestId('train-start').click();

  // Progress goes through embedding (photos) and training (epochs, with curves) to done.
  await expect(training).toHaveAttribute('data-status', /embedding|training|done/);
  await expect(training).toHaveAttribute('data-status', 'done', { timeout: 8 * 60_000 });
  await expect(training).toHaveAttribute('data-progress', '1.0000');
  const trainCount = Number(await training.getAttribute('data-train-count'));
  const valCount = Number(await training.getAttribute('data-val-count'));
  const valAccuracy = Number(await training.getAttribute('data-val-accuracy'));
  expect(trainCount + valCount).toBe(200);
  expect(valCount).toBe(30); // ceil(15 %) of each class of 100
  // The split is seeded (seed 1): the Node pipeline trains the same head on the same split to 20/30 = 0.667, the worst
  // of the 8 splits src/train/README.md measured (mean 0.79). Near chance (0.5) would mean the embeddings are wrong.
  expect(valAccuracy).toBeGreaterThanOrEqual(0.6);
  expect(valAccuracy).toBeLessThanOrEqual(1);
  expect(Number(await page.getByTestId('training-curves').getAttribute('data-epochs'))).toBeGreaterThan(1);
  await expect(page.locator('[data-testid="train-class-accuracy"] tbody tr')).toHaveCount(2);
  expect(await trainerViolations(page)).toEqual([]);

  const downloading = page.waitForEvent('download');
  await page.getByTestId('train-download').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('pets-small.onnx');
  const dir = mkdtempSync(join(tmpdir(), 'onsight-train-'));
  const modelPath = join(dir, download.suggestedFilename());
  await download.saveAs(modelPath);

  try {
    await page.getByTestId('train-use').click();
    const app = page.locator('#app');
    await expect(app).not.toHaveAttribute('data-model', backboneId ?? '');
    await expect(app).toHaveAttribute('data-model', 'pets-small');
    await expect(app).toHaveAttribute('data-ready', 'true');
    // Kept under Your models (the saved-model list).
    await expect(page.getByTestId('user-model-name').filter({ hasText: 'pets-small' })).toHaveCount(1);
    const payloads = await checkPayloads();
    await page.setInputFiles(PHOTO_INPUT, payloads);
    const used = await waitForSettled(page, payloads.length);
    // Trained on all 200 photos, the "unlike" statistics (format 2) still flag a flat grey picture, and not the pets.
    const warningOf = (file: string) =>
      page.locator(`[data-testid="result"][data-file="${file}"] [data-testid="warning"]`);
    await expect(warningOf('grey.png')).toContainText('unlike the photos this model was trained on');
    for (const photo of CHECK_PHOTOS) await expect(warningOf(basename(photo))).toHaveCount(0);

    const fresh = await browser.newContext();
    try {
      const other = await fresh.newPage();
      await openApp(other);
      await other.setInputFiles(MODEL_INPUT, modelPath);
      await expect(other.locator('#app')).toHaveAttribute('data-model', 'pets-small');
      await expect(other.locator('#app')).toHaveAttribute('data-ready', 'true');
      await other.setInputFiles(PHOTO_INPUT, payloads);
      const dropped = await waitForSettled(other, payloads.length);
      expect(dropped.map((c) => c.file)).toEqual(used.map((c) => c.file));
      for (const [i, card] of used.entries()) {
        const again = dropped[i];
        expect(card.status, card.error ?? '').toBe('done');
        expect(again?.status, again?.error ?? '').toBe('done');
        expect(again?.predictions.map((p) => p.label)).toEqual(card.predictions.map((p) => p.label));
        for (const [rank, p] of card.predictions.entries())
          expect(Math.abs((again?.predictions[rank]?.score ?? -1) - p.score)).toBeLessThan(1e-5);
        expect(card.predictions.map((p) => p.label).sort()).toEqual(['cats', 'dogs']);
      }
    } finally {
      await fresh.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder with one class is refused in plain words, and Train stays off', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'onsight-train-one-'));
  try {
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 6; i++) files.set(`Only/teddy/t${i}.jpg`, await smallJpeg(i));
    writeTree(dir, files);
    await openApp(page);
    await page.getByTestId('train-open').click();
    await page.setInputFiles(FOLDER_INPUT, join(dir, 'Only'));
    await expect(page.getByTestId('train-folder-problem')).toContainText('only one class');
    await expect(page.getByTestId('train-start')).toBeDisabled();
    await expect(page.getByTestId('training')).toHaveAttribute('data-status', 'idle');
    expect(await trainerViolations(page)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a model trained on a few pets warns that a grey picture is unlike its training photos', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  // 14 photos per class: the statistics work for a small folder too (5 folds of 28 photos; see src/train/README.md).
  const dir = mkdtempSync(join(tmpdir(), 'onsight-train-few-'));
  try {
    await openApp(page);
    await page.getByTestId('train-open').click();
    await page.setInputFiles(FOLDER_INPUT, fewPets(dir));
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('training')).toHaveAttribute('data-status', 'done', { timeout: 4 * 60_000 });
    await page.getByTestId('train-use').click();
    await expect(page.locator('#app')).toHaveAttribute('data-model', 'few');
    await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
    const payloads = await checkPayloads();
    await page.setInputFiles(PHOTO_INPUT, payloads);
    await waitForSettled(page, payloads.length);
    const warningOf = (file: string) =>
      page.locator(`[data-testid="result"][data-file="${file}"] [data-testid="warning"]`);
    await expect(warningOf('grey.png')).toContainText('unlike the photos this model was trained on');
    await expect(warningOf('cat.4001.jpg')).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a user-picked ImageNet model (int8, quantised head) is a backbone too', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  const zoo = SHARED_MODELS.find((m) => m.name === 'imagenet-mobilenetv2-zoo');
  test.skip(!zoo || !existsSync(zoo.model), 'needs ../shared/models/imagenet-mobilenetv2-zoo');
  const dir = mkdtempSync(join(tmpdir(), 'onsight-train-zoo-'));
  try {
    await openApp(page);
    await loadThroughInput(page, [zoo?.model ?? '', zoo?.labels ?? ''], 'model');
    await page.getByTestId('train-open').click();
    await expect(page.getByTestId('trainer')).toContainText('on top of');
    await page.setInputFiles(FOLDER_INPUT, fewPets(dir));
    await page.getByTestId('train-name').fill('Few on zoo');
    await page.getByTestId('train-start').click();
    const training = page.getByTestId('training');
    await expect(training).toHaveAttribute('data-status', 'done', { timeout: 4 * 60_000 });
    expect(Number(await training.getAttribute('data-val-count'))).toBe(6);
    // ImageNet features tell cats from dogs (a linear probe: 0.93 on pets-small); 6 held-out photos, at most 2 wrong.
    expect(Number(await training.getAttribute('data-val-accuracy'))).toBeGreaterThanOrEqual(4 / 6);
    await page.getByTestId('train-use').click();
    await expect(page.locator('#app')).toHaveAttribute('data-model', 'few-on-zoo');
    await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
    await page.setInputFiles(PHOTO_INPUT, [filePayload(join(PETS, 'dogs/dog.4001.jpg'))]);
    const [card] = await waitForSettled(page, 1); // a training photo: the model loaded and runs as trained
    expect(card?.predictions[0]?.label).toBe('dogs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
