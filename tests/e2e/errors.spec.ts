/** Bad files get their own message on their own card; good ones beside them still classify; the model stays up. */
import { expect, makePng, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';

/** A JPEG signature and JFIF header followed by garbage: looks like an image, cannot be decoded. */
function corruptJpeg(): Buffer {
  const header = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00]);
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) % 251;
  return Buffer.concat([header, garbage]);
}

test('corrupt, empty and text files each show their own error while good photos still classify', async ({ page }) => {
  await openApp(page);
  const good1 = await makePng('good-1.png', 1);
  const good2 = await makePng('good-2.png', 2);
  await page.setInputFiles(PHOTO_INPUT, [
    good1,
    { name: 'corrupt.jpg', mimeType: 'image/jpeg', buffer: corruptJpeg() },
    { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('This is not a photo.\n') },
    good2,
  ]);

  const cards = await waitForSettled(page, 5);
  const byFile = new Map(cards.map((card) => [card.file, card]));
  expect([...byFile.keys()]).toEqual(['good-1.png', 'corrupt.jpg', 'empty.jpg', 'notes.txt', 'good-2.png']);

  for (const name of ['good-1.png', 'good-2.png']) {
    const card = byFile.get(name);
    expect(card?.status, name).toBe('done');
    expect(card?.error, name).toBeNull();
    expect(card?.predictions.length, name).toBeGreaterThan(0);
  }
  const errors: string[] = [];
  for (const name of ['corrupt.jpg', 'empty.jpg', 'notes.txt']) {
    const card = byFile.get(name);
    expect(card?.status, name).toBe('error');
    expect(card?.predictions, name).toEqual([]);
    const message = card?.error?.trim() ?? '';
    expect(message.length, `${name} has an error message`).toBeGreaterThan(0);
    errors.push(message);
  }
  expect(errors[1], 'the empty file says so').toMatch(/empty|0 bytes|no data/i);
  // Each failure is specific to its cause, not one generic "something went wrong".
  expect(new Set(errors).size, `distinct messages: ${JSON.stringify(errors)}`).toBe(3);

  // The model stayed loaded: a photo added afterwards still classifies.
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  await page.setInputFiles(PHOTO_INPUT, [await makePng('after.png', 3)]);
  const after = await waitForSettled(page, 6);
  expect(after[5]?.file).toBe('after.png');
  expect(after[5]?.status).toBe('done');
  expect(after[5]?.predictions.length).toBeGreaterThan(0);
});

test('removing a card and "Clear all" remove results without disturbing the others', async ({ page }) => {
  await openApp(page);
  await page.setInputFiles(PHOTO_INPUT, [
    await makePng('a.png', 1),
    await makePng('b.png', 2),
    await makePng('c.png', 3),
  ]);
  await waitForSettled(page, 3);
  await page.getByRole('button', { name: 'Remove b.png' }).click();
  await expect(page.locator('[data-testid="result"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="result"][data-file="b.png"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(page.locator('[data-testid="result"]')).toHaveCount(0);
  await page.setInputFiles(PHOTO_INPUT, [await makePng('d.png', 4)]);
  const cards = await waitForSettled(page, 1);
  expect(cards[0]?.status).toBe('done');
});
