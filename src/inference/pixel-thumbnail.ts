/**
 * The card's thumbnail made in the worker from what it already decoded for the model, so the page never decodes the
 * photo a second time (on two cores that decode took a core from one of ORT's two threads). It looks as the page's
 * own thumbnail does (../batch/thumbnail.ts): upright per EXIF, aspect kept, `createImageBitmap`'s 'medium' resize,
 * WebP (JPEG where WebP cannot be encoded) at the same quality.
 *
 * From the full-size decode's upright bitmap when there is one: shrunk (0.4 ms on a 768×576 photo; for a photo over
 * 4 MP while the decode has it, so only a 160 px bitmap outlives the decode), drawn and encoded after the answer
 * (2.5 ms in all on a 768×576 photo), else from the pixels: a canvas read-back's RGBA as ImageData, or a VideoFrame's BGRX rows as a VideoFrame again
 * (6 ms; only large JPEGs the decoder shrank take this way, where the page used to decode 12 MP for it), which may
 * be stored sideways: the browser scales them as stored and a canvas transform turns them upright.
 *
 * Answers `undefined` where this browser cannot do it (no VideoFrame for BGR pixels, no 2D canvas): the page then
 * makes the thumbnail itself, as before.
 */
import { encodeThumbnail, orientationTransform, type Size, thumbnailSize } from '../batch/thumbnail';
import { type ExifOrientation, type PixelBuffer, photoSize, swapsAxes } from '../vision/pixel-source';

/** What the photo's decode left: its pixels, and from a full-size decode an upright bitmap. */
export interface ThumbnailSource {
  pixels: PixelBuffer;
  /** The decode's own upright bitmap, or one {@link shrinkForThumbnail} made of it; closed once drawn. */
  small?: ImageBitmap;
}

export interface ThumbnailRequest {
  /** Long side in px. */
  maxSide: number;
  /** Encoder quality 0..1. */
  quality: number;
}

/**
 * The pixels as something `createImageBitmap` takes, or undefined; `release` frees it. Pixels read back through a
 * canvas (no `colorOrder`) are RGBA with real alpha: an ImageData. Pixels copied out of a VideoFrame (a JPEG's: opaque,
 * maybe blue first, rows maybe padded, the fourth byte undefined) go back into a VideoFrame as they are.
 */
function imageSourceOf(pixels: PixelBuffer): { source: ImageBitmapSource; release(): void } | undefined {
  const { data, width, height } = pixels;
  const channels = pixels.channels ?? (data.length === width * height * 4 ? 4 : 3);
  if (channels !== 4) return undefined;
  const stride = pixels.rowStride ?? width * 4;
  if (pixels.colorOrder === undefined) {
    if (stride !== width * 4 || !(data instanceof Uint8ClampedArray)) return undefined;
    const rgba = data.subarray(0, width * height * 4) as Uint8ClampedArray<ArrayBuffer>;
    return { source: new ImageData(rgba, width, height), release: () => undefined };
  }
  if (typeof VideoFrame === 'undefined') return undefined;
  const frame = new VideoFrame(data, {
    format: pixels.colorOrder === 'bgr' ? 'BGRX' : 'RGBX',
    codedWidth: width,
    codedHeight: height,
    timestamp: 0,
    layout: [{ offset: 0, stride }],
  });
  return { source: frame, release: () => frame.close() };
}

/**
 * The upright full-size `bitmap` at thumbnail size (`createImageBitmap`'s 'medium' resize, as the page's), or
 * undefined where that fails.
 */
export function shrinkForThumbnail(bitmap: ImageBitmap, maxSide: number): Promise<ImageBitmap | undefined> {
  const size = thumbnailSize(bitmap.width, bitmap.height, maxSide);
  return createImageBitmap(bitmap, {
    resizeWidth: size.width,
    resizeHeight: size.height,
    resizeQuality: 'medium',
  }).catch(() => undefined);
}

/** A thumbnail of a decoded photo, or undefined where this worker cannot draw one. Closes `source.small`. */
export async function thumbnailOfDecoded(
  source: ThumbnailSource,
  request: ThumbnailRequest,
): Promise<Blob | undefined> {
  try {
    return typeof OffscreenCanvas === 'undefined' ? undefined : await drawThumbnail(source, request);
  } finally {
    source.small?.close();
  }
}

async function drawThumbnail({ pixels, small }: ThumbnailSource, request: ThumbnailRequest) {
  if (small) return encodeUpright(small, request);
  const orientation = pixels.orientation ?? 1;
  // The size the page's thumbnail has: from the photo's own upright size, whatever size it was decoded at.
  const { width, height } = photoSize(pixels);
  const upright = thumbnailSize(width, height, request.maxSide);
  const stored: Size = swapsAxes(orientation) ? { width: upright.height, height: upright.width } : upright;
  const image = imageSourceOf(pixels);
  if (!image) return undefined;
  let scaled: ImageBitmap;
  try {
    scaled = await createImageBitmap(image.source, {
      resizeWidth: stored.width,
      resizeHeight: stored.height,
      resizeQuality: 'medium',
    });
  } finally {
    image.release();
  }
  try {
    return await encodeBitmap(scaled, orientation, request.quality);
  } finally {
    scaled.close();
  }
}

/** An upright bitmap at thumbnail size (shrunk first when the decode's own is larger), encoded. */
async function encodeUpright(upright: ImageBitmap, request: ThumbnailRequest) {
  const { width, height } = thumbnailSize(upright.width, upright.height, request.maxSide);
  if (width === upright.width && height === upright.height) return encodeBitmap(upright, 1, request.quality);
  const small = await shrinkForThumbnail(upright, request.maxSide);
  if (!small) return undefined;
  try {
    return await encodeBitmap(small, 1, request.quality);
  } finally {
    small.close();
  }
}

/** `small` (stored in `orientation`, at thumbnail size) drawn upright and encoded. */
async function encodeBitmap(small: ImageBitmap, orientation: ExifOrientation, quality: number) {
  const [width, height] = swapsAxes(orientation) ? [small.height, small.width] : [small.width, small.height];
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.setTransform(...orientationTransform(orientation, width, height));
  context.drawImage(small, 0, 0);
  return encodeThumbnail(canvas, quality);
}
