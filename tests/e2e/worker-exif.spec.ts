/**
 * The worker decodes with createImageBitmap(…, { imageOrientation: 'from-image' }): a JPEG whose EXIF says "rotate
 * 90°" is classified upright, at its displayed size, exactly as the Node pipeline (sharp .rotate()) sees it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { expect, openApp, PHOTO_INPUT, REPO_ROOT, test, waitForSettled } from './fixtures';
import { nodePredictions } from './node-pipeline';

test('a JPEG with EXIF orientation 6 is rotated before classifying, as in Node', async ({ page }) => {
  // An asymmetric 96×64 picture (stored landscape) tagged "rotate 90° clockwise": displayed as 64×96.
  const width = 96;
  const height = 64;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      raw.set([(x * 255) / width, (y * 255) / height, x < 20 && y < 20 ? 255 : 40], (y * width + x) * 3);
  }
  const dir = resolve(REPO_ROOT, 'tests/.generated');
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, 'exif-orientation-6.jpg');
  writeFileSync(
    path,
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer(),
  );

  await openApp(page);
  await page.setInputFiles(PHOTO_INPUT, [path]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status, card?.error ?? '').toBe('done');
  await expect(page.locator('[data-testid="result"]').getByText('64×96')).toBeVisible();
  const node = await nodePredictions(path, card?.predictions.length ?? 5);
  expect(card?.predictions.map((p) => p.label)).toEqual(node.map((p) => p.label));
  for (const [i, p] of (card?.predictions ?? []).entries())
    expect(Math.abs(p.score - (node[i]?.score ?? Number.NaN))).toBeLessThanOrEqual(1e-3);

  // The same pixels unrotated would give another answer: make sure the test can tell.
  const upright = await sharp(path).rotate().raw().toBuffer({ resolveWithObject: true });
  expect([upright.info.width, upright.info.height]).toEqual([64, 96]);
});
