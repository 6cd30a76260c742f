import { describe, expect, it } from 'vitest';
import {
  axisWeights,
  computeGeometry,
  type PixelBuffer,
  type ResizeOptions,
  resizeImage,
} from '../../src/vision/resize';

/** A gray RGBA image from a row-major list of values (R = G = B = v). */
function gray(width: number, height: number, values: number[]): PixelBuffer {
  const data = new Uint8Array(width * height * 4);
  for (const [i, v] of values.entries()) data.set([v, v, v, 255], i * 4);
  return { data, width, height };
}
/** The R channel of a resized image. */
const red = (img: { data: Float32Array }) => Array.from(img.data.filter((_, i) => i % 3 === 0));

const base: ResizeOptions = {
  width: 1,
  height: 1,
  resize: 'squish',
  resample: 'bilinear',
  alignCorners: false,
  antialias: false,
};

describe('resize: hand-computed values', () => {
  it('2×2 → 1×1 half-pixel bilinear averages all four (centre at 0.5, 0.5)', () => {
    expect(red(resizeImage(gray(2, 2, [0, 100, 200, 40]), base))).toEqual([85]);
  });

  it('2×2 → 1×1 align-corners samples the top-left pixel', () => {
    expect(red(resizeImage(gray(2, 2, [0, 100, 200, 40]), { ...base, alignCorners: true }))).toEqual([0]);
  });

  it('4×1 → 2×1: half-pixel without antialias interpolates pixel pairs; antialias widens to a triangle over 4', () => {
    const img = gray(4, 1, [0, 100, 200, 40]);
    // Centres at source x = 0.5 and 2.5.
    expect(red(resizeImage(img, { ...base, width: 2 }))).toEqual([50, 120]);
    // Support 2: output 0 centre 1.0 (continuous) → taps x=0 (w .75), x=1 (.75), x=2 (.25) → (0·.75 + 100·.75 + 200·.25)/1.75
    const aa = red(resizeImage(img, { ...base, width: 2, antialias: true }));
    expect(aa[0]).toBeCloseTo((100 * 0.75 + 200 * 0.25) / 1.75, 4);
    expect(aa[1]).toBeCloseTo((100 * 0.25 + 200 * 0.75 + 40 * 0.75) / 1.75, 4);
  });

  it('4×1 → 3×1 align-corners hits the ends exactly: x = 0, 1.5, 3', () => {
    expect(red(resizeImage(gray(4, 1, [0, 100, 200, 40]), { ...base, width: 3, alignCorners: true }))).toEqual([
      0, 150, 40,
    ]);
  });

  it('2×1 → 4×1 upscaling: half-pixel clamps at the edges, align-corners spreads evenly', () => {
    const img = gray(2, 1, [0, 120]);
    // Sources -0.25, 0.25, 0.75, 1.25 → clamp 0, 30, 90, 120.
    expect(red(resizeImage(img, { ...base, width: 4 }))).toEqual([0, 30, 90, 120]);
    // Antialias changes nothing when enlarging.
    expect(red(resizeImage(img, { ...base, width: 4, antialias: true }))).toEqual([0, 30, 90, 120]);
    // Sources 0, 1/3, 2/3, 1.
    const ac = red(resizeImage(img, { ...base, width: 4, alignCorners: true }));
    for (const [i, v] of [0, 40, 80, 120].entries()) expect(ac[i]).toBeCloseTo(v, 4);
  });

  it('nearest: half-pixel picks floor((i + .5)·in/out), align-corners rounds', () => {
    const img = gray(4, 1, [0, 100, 200, 40]);
    expect(red(resizeImage(img, { ...base, width: 2, resample: 'nearest' }))).toEqual([100, 40]);
    expect(red(resizeImage(img, { ...base, width: 3, resample: 'nearest', alignCorners: true }))).toEqual([0, 200, 40]);
  });

  it('bicubic (a = -0.5) on a 2× upscale matches Keys weights, and a constant image stays constant', () => {
    const img = gray(4, 1, [0, 100, 200, 40]);
    const out = red(resizeImage(img, { ...base, width: 8, resample: 'bicubic' }));
    // Output 3: centre x = 1.75 (continuous) → source coordinate 1.25; taps x=0..3 at distances 1.25, .25, .75, 1.75.
    const k = (t: number) => {
      const a = -0.5;
      t = Math.abs(t);
      return t < 1 ? ((a + 2) * t - (a + 3)) * t * t + 1 : t < 2 ? (((t - 5) * t + 8) * t - 4) * a : 0;
    };
    const w = [k(1.25), k(0.25), k(0.75), k(1.75)];
    const expected =
      (0 * (w[0] as number) + 100 * (w[1] as number) + 200 * (w[2] as number) + 40 * (w[3] as number)) /
      w.reduce((s, x) => s + x, 0);
    expect(out[3]).toBeCloseTo(expected, 3);
    const flat = red(
      resizeImage(gray(5, 3, Array(15).fill(77)), {
        ...base,
        width: 9,
        height: 4,
        resample: 'bicubic',
        antialias: true,
      }),
    );
    for (const v of flat) expect(v).toBeCloseTo(77, 4);
  });

  it('clamps bicubic overshoot to 0..255', () => {
    const out = red(resizeImage(gray(4, 1, [0, 0, 255, 255]), { ...base, width: 16, resample: 'bicubic' }));
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out)).toBeLessThanOrEqual(255);
  });

  it('weights of every output sample sum to 1', () => {
    for (const [inS, outS] of [
      [3000, 224],
      [224, 3000],
      [7, 3],
      [1, 5],
    ] as const) {
      for (const aa of [true, false]) {
        const w = axisWeights(inS, outS, 0, outS, 'bicubic', false, aa);
        for (let j = 0; j < w.count; j++) {
          let s = 0;
          for (let t = 0; t < (w.taps[j] as number); t++) s += w.weights[j * w.maxTaps + t] as number;
          expect(s).toBeCloseTo(1, 5);
        }
      }
    }
  });

  it('accepts RGB input and keeps channels apart', () => {
    const rgb = { data: new Uint8Array([10, 20, 30, 50, 60, 70]), width: 2, height: 1, channels: 3 as const };
    expect(Array.from(resizeImage(rgb, base).data)).toEqual([30, 40, 50]);
  });
});

describe('resize: geometry', () => {
  it('crop: shorter side to size / cropFraction, then the centre window', () => {
    const g = computeGeometry(640, 480, { ...base, width: 224, height: 224, resize: 'crop', cropFraction: 0.875 });
    expect(g).toMatchObject({
      scaledWidth: 341,
      scaledHeight: 256,
      cropX: 59,
      cropY: 16,
      windowWidth: 224,
      windowHeight: 224,
    });
    const p = computeGeometry(480, 640, { ...base, width: 224, height: 224, resize: 'crop', cropFraction: 0.875 });
    expect(p).toMatchObject({ scaledWidth: 256, scaledHeight: 341, cropX: 16, cropY: 59 });
  });

  it('crop equals resize-then-crop, pixel for pixel', () => {
    const w = 13;
    const h = 7;
    const img = gray(
      w,
      h,
      Array.from({ length: w * h }, (_, i) => (i * 37) % 256),
    );
    const opts: ResizeOptions = { ...base, width: 4, height: 4, resize: 'crop', cropFraction: 0.8, antialias: true };
    const g = computeGeometry(w, h, opts);
    const whole = resizeImage(img, { ...opts, resize: 'squish', width: g.scaledWidth, height: g.scaledHeight });
    const cropped = resizeImage(img, opts);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const a = cropped.data[(y * 4 + x) * 3] as number;
        const b = whole.data[((y + g.cropY) * g.scaledWidth + x + g.cropX) * 3] as number;
        expect(a).toBeCloseTo(b, 3);
      }
    }
  });

  it('pad: longer side fits, centred, rest is padColor', () => {
    const img = gray(4, 2, [200, 200, 200, 200, 200, 200, 200, 200]);
    const out = resizeImage(img, { ...base, width: 4, height: 4, resize: 'pad', padColor: [1, 2, 3] });
    expect(computeGeometry(4, 2, { ...base, width: 4, height: 4, resize: 'pad' })).toMatchObject({
      scaledWidth: 4,
      scaledHeight: 2,
      offsetX: 0,
      offsetY: 1,
    });
    const row = (y: number) => Array.from(out.data.slice(y * 12, y * 12 + 3));
    expect(row(0)).toEqual([1, 2, 3]);
    expect(row(1)).toEqual([200, 200, 200]);
    expect(row(2)).toEqual([200, 200, 200]);
    expect(row(3)).toEqual([1, 2, 3]);
  });

  it('squish ignores the aspect ratio', () => {
    expect(computeGeometry(4000, 1000, { ...base, width: 224, height: 224 })).toMatchObject({
      scaledWidth: 224,
      scaledHeight: 224,
    });
  });

  it('rejects empty images and bad fractions', () => {
    expect(() => computeGeometry(0, 10, base)).toThrow(RangeError);
    expect(() => computeGeometry(10, 10, { ...base, resize: 'crop', cropFraction: 0 })).toThrow(RangeError);
  });
});

// Speed is measured in the bench (`npm run bench`, preprocess rows), never asserted here.
