/**
 * Does a spec's normalisation make sense? Each pixel becomes (pixel · scale − mean) / std, and every field can be
 * valid on its own while the result is absurd: std 1e-300 with scale 1e300 turns every pixel into infinity, and a
 * scale of 1e-12 makes every photo the same grey. Models expect values of a few units (-3..3, 0..1, -1..1) or raw
 * pixels (0..255, or -124..152 after Caffe's mean subtraction); this names a range far outside all of those.
 */
import type { InputSpec } from './spec';

/** Largest finite value of each float input type. */
const FLOAT_MAX = { float32: 3.4028234663852886e38, float16: 65504 } as const;
/** Beyond this, no image model we know of expects its input (raw pixels reach 255, Caffe-style ±152). */
const FAR_OUTSIDE = 1000;
/** Less than this between the darkest and the brightest pixel, every photo looks the same to the model. */
const FLAT_SPAN = 0.01;

const show = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(3)).toString() : n > 0 ? '∞' : '-∞');

/** The values a pixel of 0 and one of 255 become, per channel the model takes. */
export function preprocessedRange(input: Pick<InputSpec, 'scale' | 'mean' | 'std' | 'channels'>): {
  min: number;
  max: number;
  narrowest: number;
} {
  const channels = input.channels === 1 ? [0] : [0, 1, 2];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let narrowest = Number.POSITIVE_INFINITY;
  for (const c of channels) {
    const mean = input.mean[c] ?? 0;
    const std = input.std[c] ?? 1;
    const lo = (0 * input.scale - mean) / std;
    const hi = (255 * input.scale - mean) / std;
    min = Math.min(min, lo, hi);
    max = Math.max(max, lo, hi);
    narrowest = Math.min(narrowest, Math.abs(hi - lo));
  }
  return { min, max, narrowest };
}

/**
 * A warning when the spec's normalisation gives values no model expects, naming the range and the fields to check;
 * undefined when it looks plausible. uint8 models take raw pixels, so scale, mean and std do not apply to them.
 */
export function inputRangeWarning(input: InputSpec): string | undefined {
  if (input.dtype === 'uint8') return undefined;
  const { min, max, narrowest } = preprocessedRange(input);
  const fields = `input.scale ${show(input.scale)}, input.mean [${input.mean.map(show).join(', ')}] and input.std [${input.std.map(show).join(', ')}]`;
  const limit = FLOAT_MAX[input.dtype];
  if (!Number.isFinite(min) || !Number.isFinite(max) || Math.max(-min, max) > limit) {
    return `the preprocessing turns pixels into values from ${show(min)} to ${show(max)}, beyond what ${input.dtype} can hold: the model would see infinities and give meaningless scores. Check ${fields}.`;
  }
  if (Math.max(-min, max) > FAR_OUTSIDE) {
    return `the preprocessing turns pixels into values from ${show(min)} to ${show(max)}, far outside what image models expect (about -3..3, 0..1 or 0..255): the scores will probably be meaningless. Check ${fields}.`;
  }
  if (narrowest < FLAT_SPAN) {
    return `the preprocessing squeezes every pixel into a range only ${show(narrowest)} wide (${show(min)} to ${show(max)}): to the model every photo would look the same. Check ${fields}.`;
  }
  return undefined;
}
