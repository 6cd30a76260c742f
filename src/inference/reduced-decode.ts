/**
 * Decoding a large JPEG at a fraction of its size (see ./decode-plan.ts for when and why), in the worker.
 *
 * - Where WebCodecs' `ImageDecoder` exists (Chromium), it is asked for the reduced size: its JPEG decoder then scales
 *   in the inverse DCT, and the frame's pixels are copied out as they are (BGRX, no canvas, no conversion); the
 *   resize reads them upright using the EXIF orientation (../vision/pixel-source.ts).
 * - Elsewhere `createImageBitmap` resizes while decoding (`resizeQuality: 'medium'`, i.e. mip-mapped, so the
 *   reduction is low-passed) and a canvas reads the small bitmap back.
 *
 * Both answer `undefined` when they cannot vouch for the result (an API missing, an unexpected frame format or size);
 * the caller then decodes at full size.
 */
import type { ExifOrientation, PixelBuffer } from '../vision/pixel-source';
import { swapsAxes } from '../vision/pixel-source';
import { DIRECT_FORMATS, readBitmapPixels } from './bitmap-pixels';

export interface ReducedDecodeRequest {
  photo: Blob;
  /** Size as stored in the file (the JPEG frame header), before the orientation is applied. */
  stored: { width: number; height: number };
  orientation: ExifOrientation;
  /** Fraction of the full size to decode at (1/2, 1/4 or 1/8). */
  scale: number;
}

/** Whether `got` is `expected` scaled by `scale`, give or take the decoder's rounding. */
function isScaled(got: number, expected: number, scale: number): boolean {
  return Math.abs(got - expected * scale) <= 2;
}

/** The reduced photo through WebCodecs' ImageDecoder, or undefined (no ImageDecoder, or a frame it cannot vouch for). */
export async function decodeReducedWithImageDecoder(request: ReducedDecodeRequest): Promise<PixelBuffer | undefined> {
  if (typeof ImageDecoder === 'undefined') return undefined;
  const { stored, orientation, scale } = request;
  const decoder = new ImageDecoder({
    data: await request.photo.arrayBuffer(),
    type: 'image/jpeg',
    // Chromium picks the largest n/8 scale whose area fits the one asked for; a pixel more on each side keeps float
    // rounding from dropping it to the next smaller scale.
    desiredWidth: Math.ceil(stored.width * scale) + 1,
    desiredHeight: Math.ceil(stored.height * scale) + 1,
  });
  try {
    const { image } = await decoder.decode({ frameIndex: 0 });
    try {
      const colorOrder = image.format ? DIRECT_FORMATS[image.format] : undefined;
      const rect = image.visibleRect;
      const width = rect?.width ?? image.codedWidth;
      const height = rect?.height ?? image.codedHeight;
      // The frame must hold the stored pixels at the reduced size (a decoder that turned them upright itself, or
      // ignored the reduction, is not what the orientation and framing below assume).
      if (!colorOrder || !isScaled(width, stored.width, scale) || !isScaled(height, stored.height, scale)) return;
      // Chromium also reports the EXIF turn on the frame; where it does, it must agree with ours.
      const rotation = (image as VideoFrame & { rotation?: number }).rotation;
      if (rotation !== undefined && (rotation % 180 !== 0) !== swapsAxes(orientation)) return;
      const data = new Uint8ClampedArray(image.allocationSize());
      const [plane] = await image.copyTo(data);
      const swap = swapsAxes(orientation);
      return {
        data,
        width,
        height,
        channels: 4,
        rowStride: plane?.stride ?? width * 4,
        colorOrder,
        orientation,
        fullWidth: swap ? stored.height : stored.width,
        fullHeight: swap ? stored.width : stored.height,
      };
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

/** The reduced photo through createImageBitmap's resize (upright already), or undefined when that fails. */
export async function decodeReducedWithBitmap(request: ReducedDecodeRequest): Promise<PixelBuffer | undefined> {
  const { stored, orientation, scale } = request;
  const swap = swapsAxes(orientation);
  const fullWidth = swap ? stored.height : stored.width;
  const fullHeight = swap ? stored.width : stored.height;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(request.photo, {
      imageOrientation: 'from-image',
      resizeWidth: Math.ceil(fullWidth * scale),
      resizeHeight: Math.ceil(fullHeight * scale),
      resizeQuality: 'medium',
    });
  } catch {
    return undefined;
  }
  try {
    const pixels = await readBitmapPixels(bitmap, true);
    return pixels ? { ...pixels, fullWidth, fullHeight } : undefined;
  } finally {
    bitmap.close();
  }
}
