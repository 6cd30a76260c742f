/**
 * When a photo is decoded reduced, and how the worker's decode plumbs it: what it asks ImageDecoder for, how it reads
 * the frame (stored pixels + orientation + full size), and when it falls back to createImageBitmap. The browser APIs
 * are stand-ins here (Node has none); the real decoders are covered end to end (tests/e2e/large-photo.spec.ts).
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDUCED_DECODE_MARGIN, reducedDecodeScale } from '../../src/inference/decode-plan';
import { decodePhoto } from '../../src/inference/photo-decode';
import type { InputSpec } from '../../src/model/spec';
import { photoSize } from '../../src/vision/pixel-source';

const squish: InputSpec = {
  layout: 'nhwc',
  dtype: 'float32',
  width: 224,
  height: 224,
  resize: 'squish',
  resample: 'bilinear',
  alignCorners: true,
  antialias: false,
  channelOrder: 'rgb',
  scale: 1 / 255,
  mean: [0, 0, 0],
  std: [1, 1, 1],
};
const crop: InputSpec = { ...squish, layout: 'nchw', resize: 'crop', cropFraction: 0.875, alignCorners: false };

describe('reducedDecodeScale', () => {
  it('keeps the shared photos (≤ 0.45 MP) and a 3 MP photo at full size', () => {
    for (const [w, h] of [
      [768, 576],
      [773, 512],
      [500, 500],
      [2048, 1536],
    ] as const) {
      expect(reducedDecodeScale(w, h, squish), `${w}×${h}`).toBe(1);
      expect(reducedDecodeScale(w, h, crop), `${w}×${h}`).toBe(1);
    }
  });

  it(`reduces a 12 MP photo to 1/2 and a 48 MP one to 1/4, keeping ${REDUCED_DECODE_MARGIN}× the model's size`, () => {
    expect(reducedDecodeScale(4256, 2832, squish)).toBe(1 / 2);
    expect(reducedDecodeScale(2832, 4256, crop)).toBe(1 / 2);
    expect(reducedDecodeScale(8000, 6000, squish)).toBe(1 / 4);
    expect(reducedDecodeScale(8000, 6000, crop)).toBe(1 / 4);
    // A panorama is kept large enough along its short side.
    expect(reducedDecodeScale(12000, 1000, crop)).toBe(1);
  });
});

/** A stand-in for WebCodecs' ImageDecoder that records what it was asked and answers with `frame`. */
function fakeImageDecoder(frame: Record<string, unknown>) {
  const asked: Record<string, unknown>[] = [];
  class FakeImageDecoder {
    constructor(init: Record<string, unknown>) {
      asked.push(init);
    }
    async decode() {
      return { image: { close: () => undefined, ...frame } };
    }
    close() {}
  }
  vi.stubGlobal('ImageDecoder', FakeImageDecoder);
  return asked;
}

/** A stand-in bitmap + canvas: records createImageBitmap's options, reads back a grey image of the bitmap's size. */
function fakeBitmapAndCanvas(size: (options: ImageBitmapOptions | undefined) => [number, number]) {
  const calls: (ImageBitmapOptions | undefined)[] = [];
  vi.stubGlobal('createImageBitmap', async (_blob: Blob, options?: ImageBitmapOptions) => {
    calls.push(options);
    const [width, height] = size(options);
    return { width, height, close: () => undefined };
  });
  class FakeCanvas {
    constructor(
      public width: number,
      public height: number,
    ) {}
    getContext() {
      return {
        clearRect() {},
        drawImage() {},
        getImageData: (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }),
      };
    }
  }
  vi.stubGlobal('OffscreenCanvas', FakeCanvas);
  return calls;
}

/** A real JPEG header (and body) of the given stored size and EXIF orientation. */
async function jpeg(width: number, height: number, orientation: number): Promise<Blob> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } })
    .withMetadata({ orientation })
    .jpeg({ quality: 50 })
    .toBuffer();
  return new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });
}

describe('decodePhoto: reduced and full-size paths', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a 12 MP JPEG turned by EXIF: ImageDecoder at 1/2, stored pixels read upright, full size kept', async () => {
    const photo = await jpeg(4256, 2832, 6); // stored landscape, shown portrait
    const asked = fakeImageDecoder({
      format: 'BGRX',
      codedWidth: 2128,
      codedHeight: 1416,
      visibleRect: { width: 2128, height: 1416 },
      rotation: 90,
      allocationSize: () => 2128 * 1416 * 4 + 64,
      copyTo: async () => [{ offset: 0, stride: 2128 * 4 }],
    });
    const decoded = await decodePhoto(photo, { input: crop });
    expect(asked[0]).toMatchObject({ type: 'image/jpeg', desiredWidth: 2129, desiredHeight: 1417 });
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.pixels).toMatchObject({
      width: 2128,
      height: 1416,
      rowStride: 2128 * 4,
      colorOrder: 'bgr',
      orientation: 6,
      fullWidth: 2832,
      fullHeight: 4256,
    });
    expect(photoSize(decoded.pixels)).toEqual({ width: 2832, height: 4256 });
  });

  it('falls back to createImageBitmap’s resize when the frame is not one it can read, and to full size with ?decode=full', async () => {
    const photo = await jpeg(4256, 2832, 1);
    fakeImageDecoder({ format: 'I420', codedWidth: 2128, codedHeight: 1416, visibleRect: null });
    const calls = fakeBitmapAndCanvas((o) => [o?.resizeWidth ?? 4256, o?.resizeHeight ?? 2832]);
    const reduced = await decodePhoto(photo, { input: squish });
    expect(calls[0]).toMatchObject({ imageOrientation: 'from-image', resizeWidth: 2128, resizeHeight: 1416 });
    if (!reduced.ok) throw new Error(reduced.message);
    expect(reduced.pixels).toMatchObject({ width: 2128, height: 1416, fullWidth: 4256, fullHeight: 2832 });

    const full = await decodePhoto(photo, { input: squish, fullSize: true });
    expect(calls[1]).toEqual({ imageOrientation: 'from-image' });
    if (!full.ok) throw new Error(full.message);
    expect(photoSize(full.pixels)).toEqual({ width: 4256, height: 2832 });
  });

  it('a frame whose turn disagrees with the EXIF orientation is not trusted: full size instead', async () => {
    const photo = await jpeg(4256, 2832, 6);
    fakeImageDecoder({
      format: 'BGRX',
      codedWidth: 2128,
      codedHeight: 1416,
      visibleRect: null,
      rotation: 0,
      allocationSize: () => 2128 * 1416 * 4,
      copyTo: async () => [{ offset: 0, stride: 2128 * 4 }],
    });
    // createImageBitmap's resize fails here too, leaving the exact path.
    const calls = fakeBitmapAndCanvas(() => [2832, 4256]);
    vi.stubGlobal('createImageBitmap', async (_b: Blob, o?: ImageBitmapOptions) => {
      calls.push(o);
      if (o?.resizeWidth) throw new Error('resize options not supported');
      return { width: 2832, height: 4256, close: () => undefined };
    });
    const decoded = await decodePhoto(photo, { input: crop });
    expect(calls.map((o) => o?.resizeWidth)).toEqual([1416, undefined]);
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.pixels).toMatchObject({ width: 2832, height: 4256 });
    expect(decoded.pixels.fullWidth).toBeUndefined();
  });
});
