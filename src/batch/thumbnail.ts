/**
 * Small thumbnails (~160 px on the long side) for the results list and for IndexedDB. The size rule is pure; the
 * browser calls (createImageBitmap, OffscreenCanvas) come in through {@link ThumbnailApis} so Node can check the
 * sequence, and the real thing is checked in the browser.
 */

export interface Size {
  width: number;
  height: number;
}

/**
 * The thumbnail size for a `width`×`height` image: the long side becomes `maxSide`, the aspect ratio is kept (each
 * side rounded, at least 1 px), and an image already small enough keeps its size: never upscaled.
 */
export function thumbnailSize(width: number, height: number, maxSide = 160): Size {
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
  const maxSide = options.maxSide ?? 160;
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
  const size = thumbnailSize(bitmap.width, bitmap.height, options.maxSide ?? 160);
  return encodeResized(bitmap, size, options.quality, apis);
}

async function encodeResized(source: Blob | BitmapLike, size: Size, quality = 0.8, apis: ThumbnailApis) {
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
    const webp = await canvas.convertToBlob({ type: 'image/webp', quality });
    return webp.type === 'image/webp' ? webp : await canvas.convertToBlob({ type: 'image/jpeg', quality });
  } finally {
    small.close();
  }
}
