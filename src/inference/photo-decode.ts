/**
 * A photo file → RGBA pixels in the worker, refusing what it should not try: empty files, non-images (by magic bytes
 * and MIME type) and photos over the pixel budget, checked from the header before decoding allocates anything.
 * EXIF orientation is applied (`imageOrientation: 'from-image'`), so pixels are upright as the user sees the photo.
 */
import { errorMessage } from '../error-message';
import type { PixelBuffer } from '../vision/resize';
import {
  describeNotImage,
  FORMAT_NAMES,
  type ImageFormat,
  jpegHasEnd,
  sniffImageFormat,
  sniffImageSize,
} from './image-sniff';
import { type ClassifyFailure, MAX_PIXELS } from './protocol';

/** How much of the file the format and size sniffers look at. */
const HEAD_BYTES = 64 * 1024;

function tooLarge(width: number, height: number): ClassifyFailure {
  const megapixels = ((width * height) / 1e6).toFixed(0);
  return {
    ok: false,
    code: 'too-large',
    message: `This photo is too large to read: ${width}×${height} is ${megapixels} megapixels, and the limit is ${MAX_PIXELS / 1e6} — make it smaller first`,
  };
}

/** Why a file that looks like an image could not be opened, in plain words; `tail` is a JPEG's last kilobyte. */
function undecodableMessage(format: ImageFormat | undefined, tail: Uint8Array | undefined): string {
  if (format === 'jpeg' && tail && !jpegHasEnd(tail))
    return 'This JPEG is damaged or incomplete — it ends before the picture does';
  if (format === 'svg') return 'This is an SVG drawing, not a photo — save it as PNG or JPEG to classify it';
  if (format === 'heic' || format === 'tiff')
    return `This browser cannot open ${FORMAT_NAMES[format]} pictures — save it as JPEG or PNG first`;
  if (!format) return 'This file says it is a picture, but it could not be opened — it may be damaged';
  return `This ${FORMAT_NAMES[format]} could not be opened — it is damaged, or saved in a form this browser cannot read`;
}

export async function decodePhoto(photo: Blob): Promise<{ ok: true; pixels: PixelBuffer } | ClassifyFailure> {
  if (photo.size === 0) return { ok: false, code: 'empty', message: 'This file is empty' };
  const head = new Uint8Array(await photo.slice(0, HEAD_BYTES).arrayBuffer());
  const format = sniffImageFormat(head);
  if (!format && !photo.type.startsWith('image/')) {
    const what = describeNotImage(head, photo.type);
    const message = what
      ? `This is ${what}, not a photo`
      : 'This file is not a photo, or not in a format OnSight reads';
    return { ok: false, code: 'not-image', message };
  }
  const size = sniffImageSize(head, format);
  if (size && size.width * size.height > MAX_PIXELS) return tooLarge(size.width, size.height);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  } catch (e) {
    // The decoder's own text ("The source image could not be decoded.") says nothing a person can act on: the console
    // keeps it; the card says what the file is and what is wrong with it.
    console.info('OnSight: decoding failed', errorMessage(e));
    const tail = format === 'jpeg' ? new Uint8Array(await photo.slice(-1024).arrayBuffer()) : undefined;
    return { ok: false, code: 'undecodable', message: undecodableMessage(format, tail) };
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) return tooLarge(width, height);
    if (width === 0 || height === 0) return { ok: false, code: 'undecodable', message: 'This picture has no pixels' };
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return { ok: false, code: 'undecodable', message: 'This browser cannot draw pictures in the background' };
    ctx.drawImage(bitmap, 0, 0);
    const img = ctx.getImageData(0, 0, width, height);
    return { ok: true, pixels: { data: img.data, width, height, channels: 4 } };
  } finally {
    bitmap.close();
  }
}
