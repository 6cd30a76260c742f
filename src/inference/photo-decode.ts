/**
 * A photo file → RGBA pixels in the worker, refusing what it should not try: empty files, non-images (by magic bytes
 * and MIME type) and photos over the pixel budget, checked from the header before decoding allocates anything.
 * EXIF orientation is applied (`imageOrientation: 'from-image'`), so pixels are upright as the user sees the photo.
 */
import { errorMessage } from '../error-message';
import type { PixelBuffer } from '../vision/resize';
import { sniffImageFormat, sniffImageSize } from './image-sniff';
import { type ClassifyFailure, MAX_PIXELS } from './protocol';

/** How much of the file the format and size sniffers look at. */
const HEAD_BYTES = 64 * 1024;

function tooLarge(width: number, height: number): ClassifyFailure {
  const megapixels = ((width * height) / 1e6).toFixed(0);
  return {
    ok: false,
    code: 'too-large',
    message: `${width}×${height} is ${megapixels} megapixels; the limit is ${MAX_PIXELS / 1e6}`,
  };
}

export async function decodePhoto(photo: Blob): Promise<{ ok: true; pixels: PixelBuffer } | ClassifyFailure> {
  if (photo.size === 0) return { ok: false, code: 'empty', message: 'the file is empty' };
  const head = new Uint8Array(await photo.slice(0, HEAD_BYTES).arrayBuffer());
  const format = sniffImageFormat(head);
  if (!format && !photo.type.startsWith('image/')) {
    return { ok: false, code: 'not-image', message: `not an image${photo.type ? ` (${photo.type})` : ''}` };
  }
  const size = sniffImageSize(head, format);
  if (size && size.width * size.height > MAX_PIXELS) return tooLarge(size.width, size.height);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  } catch (e) {
    // A decoder error without text of its own says nothing; name the likely causes instead.
    const why = e instanceof Error && !e.message ? 'corrupt or unsupported' : errorMessage(e);
    return { ok: false, code: 'undecodable', message: `the ${format ?? 'image'} could not be decoded (${why})` };
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) return tooLarge(width, height);
    if (width === 0 || height === 0) return { ok: false, code: 'undecodable', message: 'the image has no pixels' };
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return { ok: false, code: 'undecodable', message: 'no 2D canvas in this worker' };
    ctx.drawImage(bitmap, 0, 0);
    const img = ctx.getImageData(0, 0, width, height);
    return { ok: true, pixels: { data: img.data, width, height, channels: 4 } };
  } finally {
    bitmap.close();
  }
}
