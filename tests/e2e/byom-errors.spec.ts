/**
 * Bring your own model, when things go wrong or change: a file that is not ONNX and labels that do not fit the model
 * are refused with their own message in the model panel while the previous model keeps classifying; a user's model
 * stays on the device across a reload and can be removed; the spec editor's corrections reload the model.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { KNOWN_PHOTOS, loadThroughInput, MODEL_INPUT, requireSharedModels, SHARED_MODELS } from './byom-helpers';
import { expect, makePng, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';

const DEFAULT_ID = 'nsfwjs-mobilenet-v2';

function zoo() {
  const shared = SHARED_MODELS[0];
  if (!shared) throw new Error('no shared model');
  return shared;
}

/** The model still loaded classifies a new photo. */
async function stillClassifies(page: Page, id: string, cardCount: number): Promise<void> {
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-model', id);
  await expect(app).toHaveAttribute('data-ready', 'true');
  await page.setInputFiles(PHOTO_INPUT, [await makePng(`after-error-${cardCount}.png`, cardCount)]);
  const cards = await waitForSettled(page, cardCount);
  const card = cards[cardCount - 1];
  expect(card?.status, card?.error ?? '').toBe('done');
  expect(card?.predictions.length).toBeGreaterThan(0);
}

test('a text file named .onnx is refused with its reason; the previous model keeps classifying', async ({ page }) => {
  await openApp(page);
  await page.setInputFiles(MODEL_INPUT, {
    name: 'broken.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('these are not the weights you are looking for\n'),
  });
  const error = page.getByTestId('model-error');
  await expect(error).toContainText('broken.onnx');
  await expect(error).toContainText('not an ONNX model');
  await expect(page.getByRole('alert').filter({ hasText: 'not an ONNX model' })).toBeVisible();
  await stillClassifies(page, DEFAULT_ID, 1);
});

test('labels that do not match the model are refused with both counts; the previous model keeps classifying', async ({
  page,
}) => {
  requireSharedModels();
  await openApp(page);
  const tenLabels = Buffer.from(`${readFileSync(zoo().labels, 'utf8').split('\n').slice(0, 10).join('\n')}\n`);
  await page.setInputFiles(MODEL_INPUT, [
    { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(zoo().model) },
    { name: 'labels.txt', mimeType: 'text/plain', buffer: tenLabels },
  ]);
  const error = page.getByTestId('model-error');
  await expect(error).toContainText('1000 scores');
  await expect(error).toContainText('10 labels');
  await expect(error).toContainText('labels.txt');
  await stillClassifies(page, DEFAULT_ID, 1);
});

test('a user model is kept on the device across a reload, and can be removed', async ({ page }) => {
  requireSharedModels();
  await openApp(page);
  await loadThroughInput(page, [zoo().model, zoo().labels], 'model');
  const saved = page.getByTestId('user-models').locator('li');
  await expect(saved).toHaveCount(1);

  await page.reload();
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-model', 'model');
  await expect(app).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('model-select')).toHaveValue('user:model');
  const eagle = KNOWN_PHOTOS[0];
  if (!eagle) throw new Error('no photo');
  await page.setInputFiles(PHOTO_INPUT, [eagle.path]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.predictions[0]?.label).toBe(eagle.top1);

  await page.getByRole('button', { name: 'Remove model from this device' }).click();
  await expect(page.getByTestId('user-models')).toHaveCount(0);
  await expect(page.locator('#model-select option[value^="user:"]')).toHaveCount(0);
  await page.reload();
  await expect(app).toHaveAttribute('data-model', DEFAULT_ID);
  await expect(app).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('user-models')).toHaveCount(0);
});

test('the spec editor shows where the spec came from and reloads the model with corrections', async ({ page }) => {
  requireSharedModels();
  await openApp(page);
  await loadThroughInput(page, [zoo().model, zoo().labels], 'model');
  await expect(page.getByTestId('spec-summary')).toContainText(/labels from labels\.txt.*please check/i);
  const editor = page.getByTestId('spec-editor');
  await expect(editor).toHaveAttribute('open', '');
  const facts = page.getByTestId('model-panel').locator('dl.facts');
  await expect(facts).toContainText('224×224, crop');

  // Keyboard only: open Details, pick "squish" in the Resize field and apply.
  await page.getByTestId('spec-details').locator('summary').press('Enter');
  await page.getByLabel('Resize').focus();
  await page.getByLabel('Resize').selectOption('squish');
  await page.getByRole('button', { name: 'Apply and reload the model' }).press('Enter');
  await expect(facts).toContainText('224×224, squish');
  await expect(page.getByTestId('spec-summary')).toContainText('your settings');

  // A correction that does not fit the model is refused; the model as it was keeps running.
  await page.getByLabel(/^Labels/).fill('cat\ndog\nbird');
  await page.getByRole('button', { name: 'Apply and reload the model' }).click();
  await expect(page.getByTestId('model-error')).toContainText('3 labels');
  await expect(facts).toContainText('224×224, squish');
  await stillClassifies(page, 'model', 1);
});
