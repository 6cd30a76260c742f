/**
 * The pure parts of the thumbnail the worker makes from the pixels it classified: the canvas transform that turns
 * stored pixels upright (checked against the resize's own reading of the eight EXIF orientations,
 * src/vision/pixel-source.ts), and the tickets that hand a thumbnail made after the answer to the client. The
 * drawing itself (createImageBitmap, OffscreenCanvas) is checked in the browser: tests/e2e/worker-thumbnail.spec.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Orientation, orientationTransform } from '../../src/batch/thumbnail';
import { shrinkForThumbnail, thumbnailOfDecoded } from '../../src/inference/pixel-thumbnail';
import { ThumbnailTickets } from '../../src/inference/thumbnail-tickets';
import { type PixelBuffer, sourceView } from '../../src/vision/pixel-source';

describe('orientationTransform', () => {
  // Stored 3×2, one value per pixel (its index), so the view says which stored pixel each upright one is.
  const stored = { width: 3, height: 2 };
  it.each([1, 2, 3, 4, 5, 6, 7, 8] as Orientation[])(
    'orientation %d puts every stored pixel where the resize reads it upright',
    (orientation) => {
      const data = new Uint8Array(stored.width * stored.height * 4);
      const image: PixelBuffer = { data, ...stored, channels: 4, orientation };
      const view = sourceView(image);
      const [a, b, c, d, e, f] = orientationTransform(orientation, view.width, view.height);
      for (let y = 0; y < view.height; y++) {
        for (let x = 0; x < view.width; x++) {
          const index = (view.origin + x * view.dx + y * view.dy) / 4;
          const sx = index % stored.width;
          const sy = Math.floor(index / stored.width);
          // The stored pixel's centre, through the canvas transform, must land on the upright pixel's centre.
          const cx = sx + 0.5;
          const cy = sy + 0.5;
          expect([a * cx + c * cy + e, b * cx + d * cy + f]).toEqual([x + 0.5, y + 0.5]);
        }
      }
    },
  );
});

describe('ThumbnailTickets', () => {
  const pixels: PixelBuffer = { data: new Uint8Array(4), width: 1, height: 1, channels: 4 };
  const request = { maxSide: 160, quality: 0.8 };

  it('makes the thumbnail only after the answer has gone, and hands it over once', async () => {
    const deferred: (() => void)[] = [];
    const made: string[] = [];
    const tickets = new ThumbnailTickets(
      async () => {
        made.push('drawn');
        return new Blob(['t']);
      },
      16,
      (task) => deferred.push(task),
    );
    const ticket = tickets.start({ pixels }, request);
    await Promise.resolve();
    expect(made).toEqual([]); // nothing drawn while the answer is still on its way
    for (const task of deferred.splice(0)) task();
    expect(await (await tickets.take(ticket))?.text()).toBe('t');
    expect(made).toEqual(['drawn']);
    expect(await tickets.take(ticket)).toBeUndefined();
    expect(tickets.size).toBe(0);
  });

  it('a thumbnail that fails to draw is undefined, not an error; untaken ones are dropped beyond `keep`', async () => {
    let n = 0;
    const tickets = new ThumbnailTickets(
      async () => {
        n++;
        if (n === 1) throw new Error('no canvas');
        return new Blob([String(n)]);
      },
      2,
      (task) => task(),
    );
    const first = tickets.start({ pixels }, request);
    const second = tickets.start({ pixels }, request);
    const third = tickets.start({ pixels }, request);
    expect(tickets.size).toBe(2);
    expect(await tickets.take(first)).toBeUndefined(); // dropped (and it had failed anyway)
    expect(await (await tickets.take(second))?.text()).toBe('2');
    expect(await (await tickets.take(third))?.text()).toBe('3');
  });

  it('a failure to draw is undefined', async () => {
    const tickets = new ThumbnailTickets(
      () => Promise.reject(new Error('no canvas')),
      4,
      (task) => task(),
    );
    expect(await tickets.take(tickets.start({ pixels }, request))).toBeUndefined();
  });
});

describe('thumbnailOfDecoded (browser APIs stubbed: the calls it makes, not the drawing)', () => {
  /** Stand-ins that record what is asked of them. */
  function stubBrowser() {
    const calls: string[] = [];
    vi.stubGlobal('createImageBitmap', async (source: { kind?: string }, options: ImageBitmapOptions) => {
      calls.push(`resize ${source.kind ?? 'bitmap'} to ${options.resizeWidth}×${options.resizeHeight}`);
      return { width: options.resizeWidth, height: options.resizeHeight, close: () => calls.push('small closed') };
    });
    vi.stubGlobal(
      'VideoFrame',
      class {
        kind: string;
        constructor(_data: unknown, init: VideoFrameBufferInit) {
          this.kind = `frame ${init.format} ${init.codedWidth}×${init.codedHeight} stride ${init.layout?.[0]?.stride}`;
        }
        close() {
          calls.push('frame closed');
        }
      },
    );
    vi.stubGlobal(
      'OffscreenCanvas',
      class {
        constructor(
          readonly width: number,
          readonly height: number,
        ) {
          calls.push(`canvas ${width}×${height}`);
        }
        getContext() {
          return {
            setTransform: (...m: number[]) => calls.push(`transform ${m.join(',')}`),
            drawImage: () => calls.push('drawn'),
          };
        }
        async convertToBlob(options: ImageEncodeOptions) {
          return new Blob(['x'], { type: options.type });
        }
      },
    );
    return calls;
  }
  afterEach(() => vi.unstubAllGlobals());
  const request = { maxSide: 160, quality: 0.8 };

  it('from the upright bitmap of a full-size decode: shrunk while decoded, later drawn as it is and closed', async () => {
    const calls = stubBrowser();
    const full = { width: 768, height: 576, close: () => calls.push('full closed') } as unknown as ImageBitmap;
    const small = await shrinkForThumbnail(full, 160);
    if (!small) throw new Error('no small bitmap');
    const pixels: PixelBuffer = { data: new Uint8Array(4), width: 768, height: 576, channels: 4, colorOrder: 'bgr' };
    const blob = await thumbnailOfDecoded({ pixels, small }, request);
    expect(blob?.type).toBe('image/webp');
    expect(calls).toEqual([
      'resize bitmap to 160×120',
      'canvas 160×120',
      'transform 1,0,0,1,0,0',
      'drawn',
      'small closed',
    ]);
  });

  it('from pixels the decoder shrank, stored sideways: scaled as stored, turned upright by the canvas', async () => {
    const calls = stubBrowser();
    // A 4256×2832 photo stored 2832×4256 with EXIF 6, decoded at 1/2 into padded BGRX rows.
    const pixels: PixelBuffer = {
      data: new Uint8Array(1420 * 4 * 2128),
      width: 1416,
      height: 2128,
      channels: 4,
      rowStride: 1420 * 4,
      colorOrder: 'bgr',
      orientation: 6,
      fullWidth: 4256,
      fullHeight: 2832,
    };
    await thumbnailOfDecoded({ pixels }, request);
    expect(calls).toEqual([
      'resize frame BGRX 1416×2128 stride 5680 to 106×160',
      'frame closed',
      'canvas 160×106',
      `transform ${orientationTransform(6, 160, 106).join(',')}`,
      'drawn',
      'small closed',
    ]);
  });

  it('where the pixels cannot be handed to the browser, undefined (the page draws it)', async () => {
    stubBrowser();
    vi.stubGlobal('VideoFrame', undefined);
    const pixels: PixelBuffer = { data: new Uint8Array(16), width: 2, height: 2, channels: 4, colorOrder: 'bgr' };
    expect(await thumbnailOfDecoded({ pixels }, request)).toBeUndefined();
  });
});
