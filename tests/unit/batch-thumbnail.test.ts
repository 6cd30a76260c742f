import { describe, expect, it } from 'vitest';
import {
  type BitmapLike,
  makeThumbnail,
  type ThumbnailApis,
  thumbnailFromBitmap,
  thumbnailSize,
} from '../../src/batch/thumbnail';

describe('thumbnailSize', () => {
  it.each([
    [4000, 3000, 160, 160, 120],
    [3000, 4000, 160, 120, 160],
    [1000, 1000, 160, 160, 160],
    [100, 50, 160, 100, 50],
    [160, 90, 160, 160, 90],
    [10_000, 10, 160, 160, 1],
    [1, 1, 160, 1, 1],
    [333, 1000, 100, 33, 100],
  ])('%d×%d within %d → %d×%d', (width, height, maxSide, expectedWidth, expectedHeight) => {
    expect(thumbnailSize(width, height, maxSide)).toEqual({ width: expectedWidth, height: expectedHeight });
  });

  it('refuses sizes that make no thumbnail', () => {
    expect(() => thumbnailSize(0, 10)).toThrow(RangeError);
    expect(() => thumbnailSize(10, Number.NaN)).toThrow(RangeError);
    expect(() => thumbnailSize(Number.POSITIVE_INFINITY, 10)).toThrow(RangeError);
    expect(() => thumbnailSize(10, 10, 0)).toThrow(RangeError);
  });
});

/** Fake browser: records what was decoded, drawn and encoded; `encodes` is the type each encode call yields. */
function fakeApis(fullSize: { width: number; height: number }, encodes: (type: string) => string = (type) => type) {
  const log: string[] = [];
  const open = new Set<string>();
  let bitmaps = 0;
  const bitmap = (width: number, height: number): BitmapLike => {
    const name = `bitmap${++bitmaps}`;
    open.add(name);
    return { width, height, close: () => open.delete(name), toString: () => name } as BitmapLike;
  };
  const apis: ThumbnailApis = {
    async createImageBitmap(source, options) {
      const from = source instanceof Blob ? 'file' : String(source);
      if (options?.resizeWidth === undefined) {
        log.push(`decode ${from}`);
        return bitmap(fullSize.width, fullSize.height);
      }
      log.push(`decode ${from} at ${options.resizeWidth}×${options.resizeHeight} ${options.resizeQuality}`);
      return bitmap(options.resizeWidth, options.resizeHeight ?? 0);
    },
    createCanvas(width, height) {
      log.push(`canvas ${width}×${height}`);
      return {
        getContext: () => ({ drawImage: (image, x, y) => void log.push(`draw ${String(image)} at ${x},${y}`) }),
        async convertToBlob(options) {
          log.push(`encode ${options?.type} q${options?.quality}`);
          return new Blob(['x'], { type: encodes(options?.type ?? 'image/png') });
        },
      };
    },
  };
  return { apis, log, open };
}

const photo = new Blob(['jpeg bytes'], { type: 'image/jpeg' });

describe('makeThumbnail', () => {
  it('decodes, resizes to 160 on the long side, encodes WebP, closes every bitmap', async () => {
    const { apis, log, open } = fakeApis({ width: 3000, height: 4000 });
    const thumbnail = await makeThumbnail(photo, {}, apis);
    expect(thumbnail.type).toBe('image/webp');
    expect(log).toEqual([
      'decode file',
      'decode bitmap1 at 120×160 medium',
      'canvas 120×160',
      'draw bitmap2 at 0,0',
      'encode image/webp q0.8',
    ]);
    expect(open.size).toBe(0);
  });

  it('with the size known, decodes once, straight to thumbnail size', async () => {
    const { apis, log } = fakeApis({ width: 1, height: 1 });
    await makeThumbnail(photo, { sourceSize: { width: 4032, height: 3024 }, maxSide: 200, quality: 0.7 }, apis);
    expect(log).toEqual([
      'decode file at 200×150 medium',
      'canvas 200×150',
      'draw bitmap1 at 0,0',
      'encode image/webp q0.7',
    ]);
  });

  it('falls back to JPEG where WebP encoding gives something else (Safari gives PNG)', async () => {
    const { apis, log } = fakeApis({ width: 100, height: 80 }, (type) => (type === 'image/webp' ? 'image/png' : type));
    const thumbnail = await makeThumbnail(photo, {}, apis);
    expect(thumbnail.type).toBe('image/jpeg');
    // Small photos are not upscaled.
    expect(log).toContain('canvas 100×80');
    expect(log.at(-1)).toBe('encode image/jpeg q0.8');
  });

  it('closes its bitmaps when encoding fails', async () => {
    const { apis, open } = fakeApis({ width: 800, height: 600 });
    apis.createCanvas = () => ({ getContext: () => null, convertToBlob: async () => new Blob() });
    await expect(makeThumbnail(photo, {}, apis)).rejects.toThrow(/no 2D canvas/);
    expect(open.size).toBe(0);
  });

  it('thumbnailFromBitmap resizes a decoded bitmap and leaves it open for its owner', async () => {
    const { apis, log, open } = fakeApis({ width: 1, height: 1 });
    let closed = false;
    const close = () => {
      closed = true;
    };
    const decoded = { width: 640, height: 480, close, toString: () => 'worker bitmap' };
    await thumbnailFromBitmap(decoded, { maxSide: 64 }, apis);
    expect(log[0]).toBe('decode worker bitmap at 64×48 medium');
    expect(closed).toBe(false);
    expect(open.size).toBe(0);
  });
});
