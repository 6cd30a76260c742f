/**
 * The browser gives the same answers as the Node pipeline (src/node/classify-file.ts: sharp decode + EXIF,
 * onnxruntime-web in Node, the same src/vision preprocessing) for every shared photo, whether the photos arrive
 * through the file input or a real drop event.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type CardView, expect, makePng, openApp, PHOTO_INPUT, sharedPhotos, test, waitForSettled } from './fixtures';
import { nodePredictions } from './node-pipeline';

const TOLERANCE = 1e-3;

async function expectSameAsNode(cards: CardView[], photos: string[]): Promise<void> {
  expect(cards.map((card) => card.file)).toEqual(photos.map((photo) => basename(photo)));
  for (const [i, photo] of photos.entries()) {
    const card = cards[i];
    const name = basename(photo);
    expect(card?.status, `${name}: ${card?.error ?? ''}`).toBe('done');
    const browser = card?.predictions ?? [];
    const node = await nodePredictions(photo, browser.length || 5);
    expect(browser.length, name).toBe(Math.min(5, node.length));
    expect(
      browser.map((p) => p.label),
      `${name}: labels, best first`,
    ).toEqual(node.map((p) => p.label));
    for (const [rank, prediction] of browser.entries()) {
      const expected = node[rank]?.score ?? Number.NaN;
      expect(
        Math.abs(prediction.score - expected),
        `${name} ${prediction.label}: ${prediction.score} vs Node ${expected}`,
      ).toBeLessThanOrEqual(TOLERANCE);
    }
    // Best first.
    for (let rank = 1; rank < browser.length; rank++) {
      expect(browser[rank - 1]?.score ?? 0).toBeGreaterThanOrEqual(browser[rank]?.score ?? 0);
    }
  }
}

test('photos set on the file input match the Node pipeline', async ({ page }) => {
  const photos = sharedPhotos();
  await openApp(page);
  await page.setInputFiles(PHOTO_INPUT, photos);
  // Every card appears together (pending, or already with the first result); each gets a small thumbnail (made once,
  // from its own blob) as it is classified.
  await expect(page.locator('[data-testid="result"]')).toHaveCount(photos.length);
  await expect(page.locator('[data-testid="result"] img').first()).toHaveAttribute('src', /^blob:/);
  const cards = await waitForSettled(page, photos.length);
  await expectSameAsNode(cards, photos);
});

test('photos dropped on the page (a real drop event with a DataTransfer) match the Node pipeline', async ({ page }) => {
  const photos = sharedPhotos();
  await openApp(page);
  const payload = photos.map((photo) => ({ name: basename(photo), base64: readFileSync(photo).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const file of files) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], file.name, { type: 'image/jpeg' }));
    }
    return transfer;
  }, payload);

  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  const defaultPrevented = await page.evaluate((transfer) => {
    const event = new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
    document.querySelector('main')?.dispatchEvent(event);
    return event.defaultPrevented;
  }, dataTransfer);
  expect(defaultPrevented, 'the app handled the drop (the browser would otherwise open the file)').toBe(true);
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);

  const cards = await waitForSettled(page, photos.length);
  await expectSameAsNode(cards, photos);
});

test('pasting an image from the clipboard classifies it', async ({ page }) => {
  await openApp(page);
  const png = await makePng('image.png', 7);
  const handled = await page.evaluate((base64) => {
    const transfer = new DataTransfer();
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    transfer.items.add('not a photo', 'text/plain');
    const event = new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true });
    document.body.dispatchEvent(event);
    return event.defaultPrevented;
  }, png.buffer.toString('base64'));
  expect(handled).toBe(true);
  const [card] = await waitForSettled(page, 1);
  expect(card?.file).toMatch(/^pasted-\d{6}\.png$/);
  expect(card?.status).toBe('done');
  expect(card?.predictions.length).toBeGreaterThan(0);
});
