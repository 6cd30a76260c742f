/**
 * The one-pass preprocessor against its reference (toTensor ∘ resizeImage on an upright RGBA copy), the pixel views
 * (BGRX, padded rows, the eight EXIF orientations, checked against sharp's own rotation), and the framing of a photo
 * the decoder shrank.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../../src/model/spec';
import { type ExifOrientation, type PixelBuffer, sourceView } from '../../src/vision/pixel-source';
import { Preprocessor } from '../../src/vision/preprocess';
import { planResize, resizeImage } from '../../src/vision/resize';
import { toTensor } from '../../src/vision/to-tensor';

const base: InputSpec = {
  layout: 'nchw',
  dtype: 'float32',
  width: 7,
  height: 5,
  resize: 'squish',
  resample: 'bilinear',
  alignCorners: false,
  antialias: false,
  channelOrder: 'rgb',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** A deterministic, textured RGBA image. */
function rgba(width: number, height: number, seed = 7): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : (((i >> 2) % width) * 9 + (s >>> 27)) & 255;
  }
  return data;
}

/** Where upright pixel (x, y) is stored, for stored size w×h, written out per orientation (independent of the view). */
function storedAt(o: ExifOrientation, x: number, y: number, w: number, h: number): [number, number] {
  switch (o) {
    case 1:
      return [x, y];
    case 2:
      return [w - 1 - x, y];
    case 3:
      return [w - 1 - x, h - 1 - y];
    case 4:
      return [x, h - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, h - 1 - x];
    case 7:
      return [w - 1 - y, h - 1 - x];
    case 8:
      return [w - 1 - y, x];
  }
}

/** The upright RGBA image that `stored` (RGBA, w×h) shows under orientation `o`. */
function upright(stored: Uint8Array, w: number, h: number, o: ExifOrientation): PixelBuffer {
  const swap = o >= 5;
  const uw = swap ? h : w;
  const uh = swap ? w : h;
  const out = new Uint8Array(uw * uh * 4);
  for (let y = 0; y < uh; y++) {
    for (let x = 0; x < uw; x++) {
      const [sx, sy] = storedAt(o, x, y, w, h);
      out.set(stored.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4), (y * uw + x) * 4);
    }
  }
  return { data: out, width: uw, height: uh, channels: 4 };
}

/** The same RGBA pixels stored as BGRX with `pad` unused bytes at the end of every row. */
function asPaddedBgrx(stored: Uint8Array, w: number, h: number, pad: number): PixelBuffer {
  const stride = w * 4 + pad;
  const data = new Uint8ClampedArray(stride * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      data.set([stored[i + 2] as number, stored[i + 1] as number, stored[i] as number, 0], y * stride + x * 4);
    }
  }
  return { data, width: w, height: h, rowStride: stride, channels: 4, colorOrder: 'bgr' };
}

const reference = (pixels: PixelBuffer, spec: InputSpec) => toTensor(resizeImage(pixels, spec), spec);

describe('preprocessor: equal to toTensor(resizeImage(…)) value for value', () => {
  const specs: [string, Partial<InputSpec>][] = [
    ['squish bilinear, NCHW float32', {}],
    ['align corners, NHWC', { alignCorners: true, layout: 'nhwc' }],
    ['crop, antialias, BGR', { resize: 'crop', cropFraction: 0.875, antialias: true, channelOrder: 'bgr' }],
    ['pad, bicubic, uint8', { resize: 'pad', resample: 'bicubic', dtype: 'uint8', padColor: [9, 200, 31] }],
    ['pad, float16, NHWC', { resize: 'pad', dtype: 'float16', layout: 'nhwc', padColor: [255, 0, 128] }],
    ['nearest, grayscale', { resample: 'nearest', channels: 1 }],
    ['grayscale uint8 pad', { resize: 'pad', channels: 1, dtype: 'uint8', padColor: [10, 20, 30] }],
    ['upscaling crop', { width: 40, height: 30, resize: 'crop', cropFraction: 0.9, antialias: true }],
  ];
  for (const [name, patch] of specs) {
    it(name, () => {
      const spec = { ...base, ...patch };
      const pre = new Preprocessor(spec);
      for (const [w, h] of [
        [23, 17],
        [17, 23],
        [5, 5],
      ] as const) {
        const pixels: PixelBuffer = { data: rgba(w, h), width: w, height: h };
        const got = pre.run(pixels);
        const want = reference(pixels, spec);
        expect(got.type).toBe(want.type);
        expect(got.dims).toEqual(want.dims);
        expect(Array.from(got.data)).toEqual(Array.from(want.data));
        pre.release(got);
      }
    });
  }

  it('reuses its tensor buffers once released, and never hands out one still in use', () => {
    const pre = new Preprocessor(base);
    const pixels: PixelBuffer = { data: rgba(9, 9), width: 9, height: 9 };
    const a = pre.run(pixels);
    const b = pre.run(pixels);
    expect(b.data).not.toBe(a.data);
    pre.release(a);
    expect(pre.run(pixels).data).toBe(a.data);
  });

  it('refuses a zero std, as toTensor does', () => {
    expect(() => new Preprocessor({ ...base, std: [1, 0, 1] })).toThrow(RangeError);
  });
});

describe('pixel views: orientation, BGRX and padded rows', () => {
  const w = 11;
  const h = 6;
  const stored = rgba(w, h, 3);
  const spec: InputSpec = { ...base, width: 5, height: 8, resize: 'crop', cropFraction: 0.8, antialias: true };
  for (const o of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
    it(`orientation ${o}: reading the stored pixels upright equals resizing an upright copy`, () => {
      const got = new Preprocessor(spec).run({ data: stored, width: w, height: h, orientation: o });
      expect(Array.from(got.data)).toEqual(Array.from(reference(upright(stored, w, h, o), spec).data));
      const bgrx = { ...asPaddedBgrx(stored, w, h, 12), orientation: o };
      expect(Array.from(new Preprocessor(spec).run(bgrx).data)).toEqual(Array.from(got.data));
    });
  }

  it('turns pixels upright as sharp.rotate() does for every EXIF orientation', async () => {
    // A smooth, asymmetric picture: JPEG keeps it within a few levels, a wrong turn moves it by far more.
    const W = 48;
    const H = 32;
    const raw = Buffer.alloc(W * H * 3);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) raw.set([x * 5, y * 7, x < 12 && y < 8 ? 250 : 30], (y * W + x) * 3);
    for (const o of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
      const jpeg = await sharp(raw, { raw: { width: W, height: H, channels: 3 } })
        .withMetadata({ orientation: o })
        .jpeg({ quality: 100 })
        .toBuffer();
      const asStored = await sharp(jpeg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const asShown = await sharp(jpeg).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const view = sourceView({
        data: asStored.data,
        width: asStored.info.width,
        height: asStored.info.height,
        orientation: o,
      });
      expect([view.width, view.height], `orientation ${o}: upright size`).toEqual([
        asShown.info.width,
        asShown.info.height,
      ]);
      let worst = 0;
      for (let y = 0; y < view.height; y++) {
        for (let x = 0; x < view.width; x++) {
          const p = view.origin + x * view.dx + y * view.dy;
          const q = (y * view.width + x) * 4;
          worst = Math.max(worst, Math.abs((view.data[p + view.red] as number) - (asShown.data[q] as number)));
          worst = Math.max(worst, Math.abs((view.data[p + view.blue] as number) - (asShown.data[q + 2] as number)));
        }
      }
      expect(worst, `orientation ${o}: largest difference from sharp's upright pixels`).toBeLessThan(8);
    }
  });

  it('refuses a buffer too small for its size and row stride', () => {
    expect(() => sourceView({ data: new Uint8Array(40), width: 3, height: 4, rowStride: 12, channels: 4 })).toThrow(
      RangeError,
    );
  });
});

describe('a photo the decoder shrank keeps the full-size framing', () => {
  it('the plan frames from the full size and maps it onto the shrunk pixels', () => {
    const spec: InputSpec = { ...base, width: 224, height: 224, resize: 'crop', cropFraction: 0.875, antialias: true };
    const plan = planResize(2128, 1416, 4256, 2832, spec);
    expect(plan.geometry).toMatchObject({ scaledWidth: 385, scaledHeight: 256, cropX: 81, cropY: 16 });
    // Output column 0 of the window is scaled column 81: centre (81.5) · 2128/385 in the shrunk pixels.
    const { first, taps, weights, maxTaps } = plan.xWeights;
    let centre = 0;
    for (let t = 0; t < (taps[0] as number); t++) centre += (weights[t] as number) * ((first[0] as number) + t + 0.5);
    expect(centre).toBeCloseTo((81.5 * 2128) / 385, 1);
    expect(maxTaps).toBeGreaterThan(10); // antialiasing over the 5.5× reduction still applies
  });

  it('a ramp shrunk 2× by box filtering resizes to the same values as at full size', () => {
    // Full: pixel k = 2k (centre k + .5). Half: pixel j averages 2j and 2j + 1 → 4j + 1, the same ramp.
    const full = new Uint8Array(128 * 2 * 4);
    const half = new Uint8Array(64 * 1 * 4);
    for (let y = 0; y < 2; y++) for (let k = 0; k < 128; k++) full.set([2 * k, 2 * k, 2 * k, 255], (y * 128 + k) * 4);
    for (let j = 0; j < 64; j++) half.set([4 * j + 1, 4 * j + 1, 4 * j + 1, 255], j * 4);
    const spec: InputSpec = {
      ...base,
      width: 16,
      height: 1,
      antialias: true,
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    };
    const a = new Preprocessor(spec).run({ data: full, width: 128, height: 2 });
    const b = new Preprocessor(spec).run({ data: half, width: 64, height: 1, fullWidth: 128, fullHeight: 2 });
    // Away from the borders (where taps are dropped) the two agree.
    for (let x = 2; x < 14; x++) expect(b.data[x] as number).toBeCloseTo(a.data[x] as number, 3);
  });
});
