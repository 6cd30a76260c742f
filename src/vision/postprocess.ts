/**
 * Model output → ranked predictions.
 *
 * Steps, in order: read the raw values (dequantising a uint8/int8 output with the spec's scale/zero point, decoding
 * float16 bit patterns; a uint8 output without quantisation parameters is read as q / 255, TFLite's convention for
 * quantised scores), drop a leading background class, turn the values into probabilities according to
 * `output.kind`, then rank and keep the top K.
 * - `logits`: softmax, computed as exp(x − max) / Σ so large logits cannot overflow.
 * - `probabilities`: used as is (clamped to 0..1).
 * - `sigmoid`: one value → [1 − σ(x), σ(x)] for labels [negative, positive]; several values → element-wise σ
 *   (independent multi-label scores). σ is evaluated in the stable form for negative x.
 * - `auto`: one value → σ unless it already lies in 0..1; several values → used as is when all lie in 0..1 and sum to 1
 *   (±0.01), or, with 10 classes or more, sum to at most 1 (quantised probabilities); otherwise softmax.
 */

import type { OutputSpec } from '../model/spec';
import type { Prediction } from './prediction';
import { float16BitsToFloat32 } from './to-tensor';

/** The parts of an output tensor postprocessing needs. */
export interface OutputData {
  type: string;
  data: ArrayLike<number | bigint>;
}

/** Output values as float64 numbers (dequantised / decoded). */
export function outputValues(output: OutputData, spec: OutputSpec): Float64Array {
  const { data, type } = output;
  const out = new Float64Array(data.length);
  const q = spec.quantization;
  for (let i = 0; i < data.length; i++) {
    const raw = data[i] as number | bigint;
    let v = typeof raw === 'bigint' ? Number(raw) : raw;
    if (type === 'float16' && data instanceof Uint16Array) v = float16BitsToFloat32(v);
    else if (q && (type === 'uint8' || type === 'int8')) v = (v - q.zeroPoint) * q.scale;
    else if (type === 'uint8' && !q) v = v / 255; // an unquantised uint8 output is read as 0..255 → 0..1
    out[i] = v;
  }
  return out;
}

export function softmax(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i] as number);
  if (!Number.isFinite(max)) {
    // All -Infinity (uniform) or some +Infinity (all mass on those).
    const hits = Array.from(values, (v) => (max === Number.POSITIVE_INFINITY ? v === max : true));
    const n = hits.filter(Boolean).length || 1;
    hits.forEach((h, i) => {
      out[i] = h ? 1 / n : 0;
    });
    return out;
  }
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const e = Math.exp((values[i] as number) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function isDistribution(values: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= -1e-6 && v <= 1 + 1e-6)) return false;
    sum += v;
  }
  // Quantised (int8/uint8) probability outputs round most small classes to 0, so their sum falls short of 1 (a TFLite
  // MobileNetV2's sums to ~0.8). With many classes, scores all in 0..1 summing to at most 1 are not logits.
  return Math.abs(sum - 1) <= 0.01 || (values.length >= 10 && sum > 0 && sum <= 1.01);
}

/** Probabilities per class (background class already dropped), in label order. */
export function toProbabilities(values: Float64Array, spec: OutputSpec): Float64Array {
  const v = spec.backgroundClass ? values.subarray(1) : values;
  const kind = spec.kind;
  if (kind === 'sigmoid' || (kind === 'auto' && v.length === 1)) {
    if (v.length === 1) {
      const x = v[0] as number;
      const p = kind === 'auto' && x >= 0 && x <= 1 ? x : sigmoid(x);
      return Float64Array.of(1 - p, p);
    }
    return v.map(sigmoid);
  }
  if (kind === 'probabilities' || (kind === 'auto' && isDistribution(v))) {
    return v.map((x) => Math.min(1, Math.max(0, x)));
  }
  return softmax(v);
}

/** Ranks the output and returns the top K predictions (all when topK ≤ 0 or beyond the class count). */
export function postprocess(output: OutputData, spec: OutputSpec, labels: readonly string[], topK = 5): Prediction[] {
  const probs = toProbabilities(outputValues(output, spec), spec);
  const order = Array.from(probs.keys());
  // Stable ranking: ties keep model order.
  order.sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  const k = topK > 0 ? Math.min(topK, order.length) : order.length;
  return order.slice(0, k).map((index) => ({
    index,
    label: labels[index] ?? `class ${index}`,
    score: probs[index] as number,
  }));
}
