/**
 * Resized RGB pixels → the model's input tensor data: layout (NCHW / NHWC), channel order, dtype and normalisation.
 *
 * - float32 / float16: value = (pixel · scale − mean[c]) / std[c], with mean/std in the model's channel order.
 * - uint8: the raw pixel, rounded to the nearest integer (scale/mean/std ignored, as the spec says).
 * - float16 data is returned as a `Uint16Array` of IEEE half-precision bit patterns, which onnxruntime-web accepts for
 *   'float16' tensors everywhere (a `Float16Array` is not required).
 * - `channels: 1` (grayscale models): one luma channel; mean[0]/std[0] apply.
 * Always batch size 1.
 */
import type { InputSpec } from '../model/spec';
import type { RgbImage } from './resize';

export interface TensorData {
  type: 'float32' | 'float16' | 'uint8';
  data: Float32Array | Uint16Array | Uint8Array;
  dims: number[];
}

export type TensorOptions = Pick<
  InputSpec,
  'layout' | 'dtype' | 'channelOrder' | 'scale' | 'mean' | 'std' | 'channels'
>;

/** Grayscale (`channels: 1`): one luma channel, 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as PIL's "L"). */
function toLuma(image: RgbImage): RgbImage {
  const { data, width, height } = image;
  const out = new Float32Array(width * height * 3);
  for (let i = 0, o = 0; i < data.length; i += 3) {
    const y = 0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number);
    out[o++] = y;
    out[o++] = y;
    out[o++] = y;
  }
  return { data: out, width, height };
}

export function toTensor(rgb: RgbImage, options: TensorOptions): TensorData {
  const gray = options.channels === 1;
  const image = gray ? toLuma(rgb) : rgb;
  const { width, height, data: px } = image;
  const plane = width * height;
  if (px.length !== plane * 3) throw new RangeError(`expected ${plane * 3} RGB values, got ${px.length}`);
  const nchw = options.layout === 'nchw';
  const ch = gray ? 1 : 3;
  const dims = nchw ? [1, ch, height, width] : [1, height, width, ch];
  // Source channel (in RGB) feeding output channel c.
  const order = gray ? [0] : options.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];

  if (options.dtype === 'uint8') {
    const out = new Uint8Array(plane * ch);
    for (let c = 0; c < ch; c++) {
      const sc = order[c] as number;
      for (let i = 0; i < plane; i++) {
        const v = Math.round(px[i * 3 + sc] as number);
        out[nchw ? c * plane + i : i * ch + c] = Math.min(255, Math.max(0, v));
      }
    }
    return { type: 'uint8', data: out, dims };
  }

  const out = new Float32Array(plane * ch);
  for (let c = 0; c < ch; c++) {
    const sc = order[c] as number;
    const std = options.std[c] as number;
    if (!(std !== 0 && Number.isFinite(std))) throw new RangeError(`std[${c}] must be a non-zero number`);
    // (p · scale − mean) / std = p · a + b
    const a = options.scale / std;
    const b = -(options.mean[c] as number) / std;
    if (nchw) {
      const base = c * plane;
      for (let i = 0; i < plane; i++) out[base + i] = (px[i * 3 + sc] as number) * a + b;
    } else {
      for (let i = 0; i < plane; i++) out[i * ch + c] = (px[i * 3 + sc] as number) * a + b;
    }
  }
  if (options.dtype === 'float16') return { type: 'float16', data: toFloat16Bits(out), dims };
  return { type: 'float32', data: out, dims };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary32 → binary16 bit pattern, round to nearest even; overflow → ±Infinity, NaN kept. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // Subnormal half (or zero).
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++; // may carry into the exponent: still correct
  e = half;
  return sign | e;
}

/** binary16 bit pattern → number. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i] as number);
  return out;
}
