/**
 * The card's thumbnail is made by the worker from the pixels it decoded for the model (src/inference/pixel-thumbnail.ts),
 * so the page decodes nothing: every card's `<img>` says `data-thumbnail-from="worker"`. It must look as the page's
 * own thumbnail did: the size of `thumbnailSize` of the photo's upright size, and the same picture as the page makes
 * from the file (`createImageBitmap` upright per EXIF, 'medium' resize) within WebP's loss. Covered: the JPEG path
 * (VideoFrame pixels, BGRX), a PNG (canvas read-back, RGBA), a JPEG stored sideways with EXIF 6, and a large JPEG
 * stored sideways that the JPEG decoder reduces (ImageDecoder at 1/2, pixels still stored sideways).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { thumbnailSize } from '../../src/batch/thumbnail';
import {
  expect,
  type FilePayload,
  filePayload,
  openApp,
  PHOTO_INPUT,
  sharedPhotos,
  test,
  waitForSettled,
} from './fixtures';

/** Mean absolute difference per channel (0..255) between the card's thumbnail and the page's own, and their sizes. */
async function compareWithPageThumbnail(page: Page, photo: FilePayload) {
  const img = page.locator(`[data-testid="result"][data-file="${photo.name}"] img`);
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect(img).toHaveAttribute('data-thumbnail-from', 'worker');
  return img.evaluate(
    async (element, { bytes, type }) => {
      const shown = element as HTMLImageElement;
      await shown.decode();
      const width = shown.naturalWidth;
      const height = shown.naturalHeight;
      /** `image`'s pixels at the card's size; `turned`: drawn a quarter turn clockwise (squeezed into that size). */
      const pixelsOf = (image: CanvasImageSource, turned = false) => {
        const canvas = new OffscreenCanvas(width, height);
        const context = canvas.getContext('2d');
        if (!context) throw new Error('no 2D canvas');
        if (turned) context.setTransform(0, 1, -1, 0, width, 0);
        context.drawImage(image, 0, 0, turned ? height : width, turned ? width : height);
        return context.getImageData(0, 0, width, height).data;
      };
      // What the page itself made before (src/batch/thumbnail.ts): the file decoded upright, resized on the way.
      const file = new Blob([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], { type });
      const reference = await createImageBitmap(file, {
        imageOrientation: 'from-image',
        resizeWidth: width,
        resizeHeight: height,
        resizeQuality: 'medium',
      });
      const shownPixels = pixelsOf(shown);
      const meanDiff = (other: Uint8ClampedArray) => {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < other.length; i++) {
          if (i % 4 === 3) continue;
          sum += Math.abs((shownPixels[i] as number) - (other[i] as number));
          n++;
        }
        return sum / n;
      };
      return {
        width,
        height,
        meanDiff: meanDiff(pixelsOf(reference)),
        // The same picture a quarter turn off: what a thumbnail turned the wrong way would look like.
        turnedDiff: meanDiff(pixelsOf(reference, true)),
      };
    },
    { bytes: photo.buffer.toString('base64'), type: photo.mimeType },
  );
}

test('every card shows a thumbnail made in the worker, as the page would have drawn it', async ({ page }) => {
  test.setTimeout(180_000);
  const shared = sharedPhotos().slice(0, 2).map(filePayload);
  const source = sharedPhotos().find((p) => basename(p) === 'eagle.jpg') ?? sharedPhotos()[0];
  if (!source) throw new Error('no shared photo');
  const eagle = readFileSync(source);
  // A PNG goes through the canvas read-back (RGBA), not a VideoFrame.
  const png: FilePayload = { name: 'eagle.png', mimeType: 'image/png', buffer: await sharp(eagle).png().toBuffer() };
  // Stored turned a quarter anticlockwise and tagged "turn 90° clockwise" (EXIF 6): shown as the upright eagle.
  const sideways: FilePayload = {
    name: 'eagle-exif6.jpg',
    mimeType: 'image/jpeg',
    buffer: await sharp(eagle).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer(),
  };
  // Large enough that the JPEG decoder reduces it to 1/2 (src/inference/decode-plan.ts), and stored sideways too.
  const large: FilePayload = {
    name: 'eagle-large-exif6.jpg',
    mimeType: 'image/jpeg',
    buffer: await sharp(eagle)
      .resize(2880, 1920, { fit: 'fill' })
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 90 })
      .toBuffer(),
  };
  const photos = [...shared, png, sideways, large];

  await openApp(page);
  await page.setInputFiles(PHOTO_INPUT, photos);
  const cards = await waitForSettled(page, photos.length);
  for (const card of cards) expect(card.status, `${card.file}: ${card.error}`).toBe('done');

  for (const photo of photos) {
    const meta = await sharp(photo.buffer).metadata();
    const sidewaysStored = (meta.orientation ?? 1) >= 5;
    const upright = sidewaysStored
      ? { width: meta.height ?? 0, height: meta.width ?? 0 }
      : { width: meta.width ?? 0, height: meta.height ?? 0 };
    const expected = thumbnailSize(upright.width, upright.height);
    const seen = await compareWithPageThumbnail(page, photo);
    expect({ width: seen.width, height: seen.height }, `${photo.name}: size`).toEqual(expected);
    // WebP at quality 0.8 and a resize from slightly different pixels (a 1/2 decode) differ by a few levels; a
    // picture turned the wrong way differs by tens.
    expect(seen.meanDiff, `${photo.name}: mean difference from the page's own thumbnail`).toBeLessThan(6);
    expect(seen.turnedDiff, `${photo.name}: the test tells a wrong turn`).toBeGreaterThan(18);
  }
});
