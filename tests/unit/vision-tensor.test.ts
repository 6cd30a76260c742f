import { describe, expect, it } from 'vitest';
import type { OutputSpec } from '../../src/model/spec';
import { outputValues, postprocess, sigmoid, softmax, toProbabilities } from '../../src/vision/postprocess';
import { float16BitsToFloat32, float32ToFloat16Bits, type TensorOptions, toTensor } from '../../src/vision/to-tensor';

// 2×1 image: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60).
const img = { data: Float32Array.of(10, 20, 30, 40, 50, 60), width: 2, height: 1 };
const plain: TensorOptions = {
  layout: 'nchw',
  dtype: 'float32',
  channelOrder: 'rgb',
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
};

describe('toTensor', () => {
  it('NCHW groups planes, NHWC interleaves', () => {
    const a = toTensor(img, plain);
    expect(a.dims).toEqual([1, 3, 1, 2]);
    expect(Array.from(a.data)).toEqual([10, 40, 20, 50, 30, 60]);
    const b = toTensor(img, { ...plain, layout: 'nhwc' });
    expect(b.dims).toEqual([1, 1, 2, 3]);
    expect(Array.from(b.data)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('BGR reverses the channels', () => {
    expect(Array.from(toTensor(img, { ...plain, layout: 'nhwc', channelOrder: 'bgr' }).data)).toEqual([
      30, 20, 10, 60, 50, 40,
    ]);
  });

  it('normalises (p·scale − mean) / std per channel, in the model’s channel order', () => {
    const t = toTensor(img, { ...plain, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(t.data[0]).toBeCloseTo((10 / 255 - 0.485) / 0.229, 5);
    expect(t.data[3]).toBeCloseTo((50 / 255 - 0.456) / 0.224, 5);
    const bgr = toTensor(img, { ...plain, channelOrder: 'bgr', mean: [1, 2, 3], std: [2, 4, 8] });
    // Channel 0 is B (30, 60) with mean 1, std 2.
    expect(Array.from(bgr.data.slice(0, 2))).toEqual([(30 - 1) / 2, (60 - 1) / 2]);
  });

  it('uint8 keeps raw pixels, rounded and clamped; normalisation ignored', () => {
    const t = toTensor(
      { data: Float32Array.of(10.4, 10.6, 300, -2, 0, 255), width: 2, height: 1 },
      { ...plain, dtype: 'uint8', layout: 'nhwc', scale: 1 / 255, mean: [9, 9, 9] },
    );
    expect(t.type).toBe('uint8');
    expect(Array.from(t.data)).toEqual([10, 11, 255, 0, 0, 255]);
  });

  it('float16 gives IEEE half bit patterns', () => {
    const t = toTensor(img, { ...plain, dtype: 'float16', scale: 1 / 64 });
    expect(t.type).toBe('float16');
    expect(t.data).toBeInstanceOf(Uint16Array);
    expect(float16BitsToFloat32(t.data[0] as number)).toBeCloseTo(10 / 64, 3);
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(1);
    expect(float16BitsToFloat32(float32ToFloat16Bits(0.1))).toBeCloseTo(0.1, 3);
  });

  it('grayscale models get one luma channel', () => {
    const t = toTensor(img, { ...plain, channels: 1 });
    expect(t.dims).toEqual([1, 1, 1, 2]);
    expect(t.data[0]).toBeCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 4);
  });
});

const out = (kind: OutputSpec['kind'], extra: Partial<OutputSpec> = {}): OutputSpec => ({ kind, ...extra });
const f32 = (...v: number[]) => ({ type: 'float32', data: Float32Array.from(v) });

describe('postprocess', () => {
  it('softmax is stable for huge logits and sums to 1', () => {
    const p = softmax([1000, 1001, 1002]);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(p[2]).toBeCloseTo(Math.exp(2) / (1 + Math.exp(1) + Math.exp(2)), 12);
    expect(Array.from(softmax([-1e9, 0]))).toEqual([0, 1]);
  });

  it('sigmoid is stable on both sides', () => {
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(0)).toBe(0.5);
  });

  it('ranks top-K with labels and indexes', () => {
    const r = postprocess(f32(0.1, 0.6, 0.3), out('probabilities'), ['a', 'b', 'c'], 2);
    expect(r.map((p) => p.label)).toEqual(['b', 'c']);
    expect(r.map((p) => p.index)).toEqual([1, 2]);
    expect(r[0]?.score).toBeCloseTo(0.6, 6);
    expect(postprocess(f32(0.1, 0.6, 0.3), out('probabilities'), ['a', 'b', 'c'], 0)).toHaveLength(3);
  });

  it('drops a leading background class before normalising', () => {
    const r = postprocess(f32(9, 1, 2), out('logits', { backgroundClass: true }), ['x', 'y'], 5);
    expect(r.map((p) => p.label)).toEqual(['y', 'x']);
    expect(r[0]?.score).toBeCloseTo(Math.exp(2) / (Math.exp(1) + Math.exp(2)), 9);
    expect(r[0]?.index).toBe(1);
  });

  it('sigmoid kind: one logit → [negative, positive]', () => {
    const r = postprocess(f32(2), out('sigmoid'), ['cat', 'dog'], 2);
    expect(r[0]).toMatchObject({ label: 'dog', index: 1 });
    expect(r[0]?.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(r[1]?.score).toBeCloseTo(1 - 1 / (1 + Math.exp(-2)), 6);
  });

  it('dequantises uint8 outputs with scale and zero point', () => {
    const v = outputValues(
      { type: 'uint8', data: Uint8Array.of(0, 128, 255) },
      out('probabilities', { quantization: { scale: 1 / 256, zeroPoint: 0 } }),
    );
    expect(Array.from(v)).toEqual([0, 0.5, 255 / 256]);
    const r = postprocess(
      { type: 'uint8', data: Uint8Array.of(10, 20) },
      out('logits', { quantization: { scale: 0.5, zeroPoint: 10 } }),
      ['a', 'b'],
    );
    expect(r[0]?.score).toBeCloseTo(Math.exp(5) / (1 + Math.exp(5)), 9);
  });

  it('decodes float16 outputs', () => {
    const v = outputValues({ type: 'float16', data: Uint16Array.of(0x3c00, 0x3800) }, out('logits'));
    expect(Array.from(v)).toEqual([1, 0.5]);
  });

  it('auto: a distribution is used as is, anything else gets softmax, one value gets sigmoid', () => {
    expect(Array.from(toProbabilities(Float64Array.of(0.2, 0.8), out('auto')))).toEqual([0.2, 0.8]);
    const s = toProbabilities(Float64Array.of(2, 1), out('auto'));
    expect(s[0]).toBeCloseTo(Math.exp(1) / (1 + Math.exp(1)), 9);
    // In range but not summing to 1 → logits.
    expect(toProbabilities(Float64Array.of(0.5, 0.9), out('auto'))[1]).toBeCloseTo(
      Math.exp(0.4) / (1 + Math.exp(0.4)),
      9,
    );
    expect(toProbabilities(Float64Array.of(3), out('auto'))[1]).toBeCloseTo(sigmoid(3), 9);
    expect(Array.from(toProbabilities(Float64Array.of(0.25), out('auto')))).toEqual([0.75, 0.25]);
  });

  it('missing labels fall back to "class N"', () => {
    expect(postprocess(f32(0, 5), out('logits'), ['only'], 1)[0]?.label).toBe('class 1');
  });
});
