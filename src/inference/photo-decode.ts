/**
 * A photo file → pixels in the worker, refusing what it should not try: empty files, non-images (by magic bytes
 * and MIME type) and photos over the pixel budget, checked from the header before decoding allocates anything.
 * EXIF orientation is honoured, so the model sees the photo upright as the user does.
 *
 * Two paths (./decode-plan.ts says which):
 * - exact: `createImageBitmap` at full size (`imageOrientation: 'from-image'`), its pixels copied out
 *   (./bitmap-pixels.ts) — the pixels the Node reference pipeline decodes, so predictions match it within float
 *   rounding;
 * - reduced: a JPEG far larger than the model needs is decoded at 1/2, 1/4 or 1/8 of its size (./reduced-decode.ts),
 *   so a 12 MP photo never becomes 48 MB of pixels; the pixels carry the full size, so the framing is unchanged.
 * `fullSize` forces the exact path (`?decode=full`).
 */
import { errorMessage } from '../error-message';
import { swapsAxes } from '../vision/pixel-source';
import type { PixelBuffer, ResizeOptions } from '../vision/resize';
import { readBitmapPixels } from './bitmap-pixels';
import { reducedDecodeScale } from './decode-plan';
import {
  describeNotImage,
  FORMAT_NAMES,
  type ImageFormat,
  jpegHasEnd,
  sniffImageFormat,
  sniffImageSize,
  sniffJpegOrientation,
} from './image-sniff';
import { shrinkForThumbnail } from './pixel-thumbnail';
import { type ClassifyFailure, MAX_PIXELS } from './protocol';
import { decodeReducedWithBitmap, decodeReducedWithImageDecoder } from './reduced-decode';

/** How much of the file the format and size sniffers look at. */
const HEAD_BYTES = 64 * 1024;

export interface DecodeOptions {
  /** The model's input geometry; without it the photo is decoded at full size. */
  input?: ResizeOptions;
  /** Always decode at full size (exact, slower on large photos). */
  fullSize?: boolean;
  /**
   * Also hand back an upright bitmap for the card's thumbnail (this long side) where a full-size decode made one:
   * the decode's own bitmap, shrunk later with the thumbnail, after the answer (that is 0.4 ms less before it), or for
   * a photo over {@link KEEP_FOR_THUMBNAIL_PIXELS} one shrunk here, so that only a small copy outlives the decode.
   * The caller closes it.
   */
  thumbnailMaxSide?: number;
}

/** A full-size decode's bitmap up to this size (16 MB) is kept for the thumbnail until the answer has gone. */
export const KEEP_FOR_THUMBNAIL_PIXELS = 4_000_000;

/** Decoded pixels, and with `thumbnailMaxSide` an upright bitmap for the thumbnail where a full-size decode made one. */
export interface DecodedPhoto {
  ok: true;
  pixels: PixelBuffer;
  thumbnail?: ImageBitmap;
}

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

/** The photo's pixels; for a large JPEG and a model `input`, possibly reduced (with the full size on them). */
export async function decodePhoto(photo: Blob, options: DecodeOptions = {}): Promise<DecodedPhoto | ClassifyFailure> {
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

  if (format === 'jpeg' && size && options.input && !options.fullSize) {
    const orientation = sniffJpegOrientation(head);
    const [width, height] = swapsAxes(orientation) ? [size.height, size.width] : [size.width, size.height];
    const scale = reducedDecodeScale(width, height, options.input);
    if (scale < 1) {
      const request = { photo, stored: size, orientation, scale };
      // Any failure here only means "decode at full size instead", which reports its own errors.
      const reduced =
        (await decodeReducedWithImageDecoder(request).catch(() => undefined)) ??
        (await decodeReducedWithBitmap(request).catch(() => undefined));
      if (reduced) return { ok: true, pixels: reduced };
    }
  }
  return decodeFullSize(photo, format, options.thumbnailMaxSide);
}

async function decodeFullSize(
  photo: Blob,
  format: ImageFormat | undefined,
  thumbnailMaxSide: number | undefined,
): Promise<DecodedPhoto | ClassifyFailure> {
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
  let keptForThumbnail = false;
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) return tooLarge(width, height);
    if (width === 0 || height === 0) return { ok: false, code: 'undecodable', message: 'This picture has no pixels' };
    // A JPEG has no alpha: its pixels can be copied as stored (see bitmap-pixels.ts).
    const pixels = await readBitmapPixels(bitmap, format === 'jpeg');
    if (!pixels)
      return { ok: false, code: 'undecodable', message: 'This browser cannot draw pictures in the background' };
    if (!thumbnailMaxSide) return { ok: true, pixels };
    keptForThumbnail = width * height <= KEEP_FOR_THUMBNAIL_PIXELS;
    const thumbnail = keptForThumbnail ? bitmap : await shrinkForThumbnail(bitmap, thumbnailMaxSide);
    return thumbnail ? { ok: true, pixels, thumbnail } : { ok: true, pixels };
  } finally {
    if (!keptForThumbnail) bitmap.close();
  }
}
