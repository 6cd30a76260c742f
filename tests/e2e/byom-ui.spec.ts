/**
 * Bring your own model through the UI: both real ImageNet models from ../shared/models, picked with their labels.txt
 * on the model file input (or dropped on the page together with photos), classify the shared photos exactly as the
 * Node pipeline does with the same files.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  expectKnownAndSameAsNode,
  KNOWN_PHOTOS,
  loadThroughInput,
  requireSharedModels,
  SHARED_MODELS,
} from './byom-helpers';
import { expect, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';

for (const shared of SHARED_MODELS) {
  test(`${shared.name}: model.onnx + labels.txt on the model input classify like the Node pipeline`, async ({
    page,
  }) => {
    requireSharedModels();
    await openApp(page);
    await loadThroughInput(page, [shared.model, shared.labels], 'model');
    // Where the spec came from is shown, for the user to check.
    await expect(page.getByTestId('spec-summary')).toContainText('labels.txt');
    await expect(page.getByTestId('model-panel')).toContainText('1000');

    await page.setInputFiles(
      PHOTO_INPUT,
      KNOWN_PHOTOS.map((p) => p.path),
    );
    const cards = await waitForSettled(page, KNOWN_PHOTOS.length);
    await expectKnownAndSameAsNode(cards, shared.model);
  });
}

test('a drop of model.onnx + labels.txt + photos loads the model, then classifies the photos with it', async ({
  page,
}) => {
  requireSharedModels();
  const shared = SHARED_MODELS[0];
  if (!shared) throw new Error('no shared model');
  await openApp(page);
  const files = [shared.model, shared.labels, ...KNOWN_PHOTOS.map((p) => p.path)].map((path) => ({
    name: basename(path),
    type: path.endsWith('.jpg') ? 'image/jpeg' : '',
    base64: readFileSync(path).toString('base64'),
  }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], file.name, { type: file.type }));
    }
    return transfer;
  }, files);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });

  await expect(page.locator('#app')).toHaveAttribute('data-model', 'model');
  // Only the photos became cards; the model and its labels did not.
  const cards = await waitForSettled(page, KNOWN_PHOTOS.length);
  await expectKnownAndSameAsNode(cards, shared.model);
});
