/** tensorToPicture: the preprocessed input drawn back, for the spec editor's "what the model sees". */
import { describe, expect, it } from 'vitest';
import { tensorToPicture } from '../../src/vision/tensor-image';
import { toFloat16Bits, toTensor } from '../../src/vision/to-tensor';

/** A 2×2 RGB image: red, green / blue, white (values 0..255). */
const rgb = { width: 2, height: 2, data: Float32Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255) };
const pixel = (data: Uint8ClampedArray, i: number) => Array.from(data.subarray(i * 4, i * 4 + 4));

describe('tensorToPicture', () => {
  for (const layout of ['nchw', 'nhwc'] as const) {
    it(`${layout}: draws the photo back, whatever the normalisation, and reports the number range`, () => {
      const tensor = toTensor(rgb, {
        layout,
        dtype: 'float32',
        channelOrder: 'rgb',
        scale: 1 / 255,
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
      });
      const picture = tensorToPicture(tensor, { layout, channelOrder: 'rgb' });
      expect(picture).toMatchObject({ width: 2, height: 2 });
      expect(picture.min).toBeCloseTo(-0.485 / 0.229, 5);
      expect(picture.max).toBeCloseTo((1 - 0.406) / 0.225, 5);
      // Red stays the reddest pixel's brightest channel, white the brightest pixel overall.
      const [red, green, blue, white] = [0, 1, 2, 3].map((i) => pixel(picture.data, i));
      expect(red?.[0]).toBeGreaterThan(red?.[1] ?? 0);
      expect(green?.[1]).toBeGreaterThan(green?.[2] ?? 0);
      expect(blue?.[2]).toBeGreaterThan(blue?.[0] ?? 0);
      expect(white?.every((v, c) => c === 3 || v >= 200)).toBe(true);
      expect(picture.data.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    });
  }

  it('a BGR tensor is put back into RGB; -1..1 and uint8 ranges are reported as they are', () => {
    const bgr = toTensor(rgb, {
      layout: 'nhwc',
      dtype: 'float32',
      channelOrder: 'bgr',
      scale: 1 / 127.5,
      mean: [1, 1, 1],
      std: [1, 1, 1],
    });
    const picture = tensorToPicture(bgr, { layout: 'nhwc', channelOrder: 'bgr' });
    expect(pixel(picture.data, 0)).toEqual([255, 0, 0, 255]);
    expect([picture.min, picture.max]).toEqual([-1, 1]);
    const raw = toTensor(rgb, {
      layout: 'nchw',
      dtype: 'uint8',
      channelOrder: 'rgb',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    const fromBytes = tensorToPicture(raw, { layout: 'nchw', channelOrder: 'rgb' });
    expect([fromBytes.min, fromBytes.max]).toEqual([0, 255]);
    expect(pixel(fromBytes.data, 2)).toEqual([0, 0, 255, 255]);
  });

  it('float16 bits are decoded; one grey channel is drawn grey; a flat tensor is mid-grey', () => {
    const half = {
      type: 'float16' as const,
      data: toFloat16Bits(Float32Array.of(0, 0.5, 1, 0.25)),
      dims: [1, 1, 2, 2],
    };
    const grey = tensorToPicture(half, { layout: 'nchw', channelOrder: 'rgb' });
    expect(pixel(grey.data, 1)).toEqual([128, 128, 128, 255]);
    expect(pixel(grey.data, 2)).toEqual([255, 255, 255, 255]);
    const flat = { type: 'float32' as const, data: new Float32Array(12).fill(0.3), dims: [1, 2, 2, 3] };
    expect(pixel(tensorToPicture(flat, { layout: 'nhwc', channelOrder: 'rgb' }).data, 3)).toEqual([128, 128, 128, 255]);
  });

  it('refuses shapes that are not one picture', () => {
    const bad = { type: 'float32' as const, data: new Float32Array(8), dims: [2, 1, 2, 2] };
    expect(() => tensorToPicture(bad, { layout: 'nchw', channelOrder: 'rgb' })).toThrow(RangeError);
    const fourChannels = { type: 'float32' as const, data: new Float32Array(16), dims: [1, 4, 2, 2] };
    expect(() => tensorToPicture(fourChannels, { layout: 'nchw', channelOrder: 'rgb' })).toThrow('1 or 3 channels');
  });
});
