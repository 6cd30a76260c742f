/**
 * Small thumbnails (~160 px on the long side) for the results list and for IndexedDB. The size rule is pure; the
 * browser calls (createImageBitmap, OffscreenCanvas) come in through {@link ThumbnailApis} so Node can check the
 * sequence, and the real thing is checked in the browser.
 */

export interface Size {
  width: number;
  height: number;
}

/** Long side of a thumbnail in px: what the cards, the table and IndexedDB hold. */
export const THUMBNAIL_MAX_SIDE = 160;
/** WebP (or JPEG) encoder quality of a thumbnail. */
export const THUMBNAIL_QUALITY = 0.8;

/** EXIF orientation 1..8 (see src/vision/pixel-source.ts). */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * The 2D canvas transform `[a, b, c, d, e, f]` (as `setTransform` takes it) that draws pixels stored in EXIF
 * `orientation` upright onto a canvas of the upright size `width`×`height`: a stored pixel at (x, y) lands at
 * (a·x + c·y + e, b·x + d·y + f).
 */
export function orientationTransform(
  orientation: Orientation,
  width: number,
  height: number,
): [number, number, number, number, number, number] {
  switch (orientation) {
    case 2:
      return [-1, 0, 0, 1, width, 0];
    case 3:
      return [-1, 0, 0, -1, width, height];
    case 4:
      return [1, 0, 0, -1, 0, height];
    case 5:
      return [0, 1, 1, 0, 0, 0];
    case 6:
      return [0, 1, -1, 0, width, 0];
    case 7:
      return [0, -1, -1, 0, width, height];
    case 8:
      return [0, -1, 1, 0, 0, height];
    default:
      return [1, 0, 0, 1, 0, 0];
  }
}

/**
 * The thumbnail size for a `width`×`height` image: the long side becomes `maxSide`, the aspect ratio is kept (each
 * side rounded, at least 1 px), and an image already small enough keeps its size: never upscaled.
 */
export function thumbnailSize(width: number, height: number, maxSide = THUMBNAIL_MAX_SIDE): Size {
  if (!(width > 0 && height > 0 && maxSide >= 1) || ![width, height, maxSide].every(Number.isFinite)) {
    throw new RangeError(`no thumbnail size for ${width}×${height} within ${maxSide} px`);
  }
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** What the thumbnail code needs of an `ImageBitmap`. */
export interface BitmapLike {
  readonly width: number;
  readonly height: number;
  close(): void;
}

/** The browser APIs used, injectable for tests. {@link browserThumbnailApis} is the real thing. */
export interface ThumbnailApis {
  createImageBitmap(source: Blob | BitmapLike, options?: ImageBitmapOptions): Promise<BitmapLike>;
  createCanvas(
    width: number,
    height: number,
  ): {
    getContext(kind: '2d'): { drawImage(image: BitmapLike, x: number, y: number): void } | null;
    convertToBlob(options?: ImageEncodeOptions): Promise<Blob>;
  };
}

export const browserThumbnailApis: ThumbnailApis = {
  createImageBitmap: (source, options) => createImageBitmap(source as ImageBitmapSource, options),
  createCanvas: (width, height) => {
    const canvas = new OffscreenCanvas(width, height);
    return {
      getContext: () => canvas.getContext('2d') as { drawImage(image: BitmapLike, x: number, y: number): void } | null,
      convertToBlob: (options) => canvas.convertToBlob(options),
    };
  },
};

export interface ThumbnailOptions {
  /** Long side in px (default 160). */
  maxSide?: number;
  /** The photo's size after EXIF orientation, when known (the classifier reports it): then the photo is decoded
   * once, straight to thumbnail size, instead of in full first. */
  sourceSize?: Size;
  /** Encoder quality 0..1 (default 0.8). */
  quality?: number;
}

/** A WebP thumbnail of a photo file (JPEG where the browser cannot encode WebP: Safari hands back PNG instead). */
export async function makeThumbnail(
  file: Blob,
  options: ThumbnailOptions = {},
  apis: ThumbnailApis = browserThumbnailApis,
): Promise<Blob> {
  const maxSide = options.maxSide ?? THUMBNAIL_MAX_SIDE;
  if (options.sourceSize) {
    const size = thumbnailSize(options.sourceSize.width, options.sourceSize.height, maxSide);
    return encodeResized(file, size, options.quality, apis);
  }
  const full = await apis.createImageBitmap(file);
  try {
    return await thumbnailFromBitmap(full, options, apis);
  } finally {
    full.close();
  }
}

/** A thumbnail of an image already decoded (the worker has the bitmap it classified): no second decode. The caller
 * keeps (and closes) `bitmap`. */
export function thumbnailFromBitmap(
  bitmap: BitmapLike,
  options: Omit<ThumbnailOptions, 'sourceSize'> = {},
  apis: ThumbnailApis = browserThumbnailApis,
): Promise<Blob> {
  const size = thumbnailSize(bitmap.width, bitmap.height, options.maxSide ?? THUMBNAIL_MAX_SIDE);
  return encodeResized(bitmap, size, options.quality, apis);
}

async function encodeResized(source: Blob | BitmapLike, size: Size, quality = THUMBNAIL_QUALITY, apis: ThumbnailApis) {
  const small = await apis.createImageBitmap(source, {
    resizeWidth: size.width,
    resizeHeight: size.height,
    resizeQuality: 'medium',
  });
  try {
    const canvas = apis.createCanvas(size.width, size.height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas to draw the thumbnail on');
    context.drawImage(small, 0, 0);
    return await encodeThumbnail(canvas, quality);
  } finally {
    small.close();
  }
}

/** The canvas as WebP, or JPEG where the browser cannot encode WebP (Safari hands back PNG instead). */
export async function encodeThumbnail(
  canvas: { convertToBlob(options?: ImageEncodeOptions): Promise<Blob> },
  quality = THUMBNAIL_QUALITY,
): Promise<Blob> {
  const webp = await canvas.convertToBlob({ type: 'image/webp', quality });
  return webp.type === 'image/webp' ? webp : await canvas.convertToBlob({ type: 'image/jpeg', quality });
}
