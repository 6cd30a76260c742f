/**
 * How large to decode a photo: at full size, or — for a JPEG much larger than the model needs — at 1/2, 1/4 or 1/8
 * of it, which the JPEG decoder does inside its inverse DCT (a 12 MP photo at 1/2 takes a fraction of the time and a
 * quarter of the memory). Pure, for the worker and the unit tests.
 *
 * Faithfulness decides the margin. The reduced pixels are the decoder's own 8-bit average of each block, not our
 * filter, and the quantised (int8) ImageNet models in ../shared amplify any change of a single level: measured against
 * the full-size Node reference, random ±1-level noise moves their probabilities by up to 0.16, a 1/2 decode of a 12 MP
 * photo by up to 0.12 (top-1 kept); the default float model moves by 0.013 at 1/2 and by 0.05 at 1/4. So a photo is
 * reduced only while it stays at least {@link REDUCED_DECODE_MARGIN}× the size the model resizes it to on each axis,
 * and photos up to a few megapixels — where a full decode costs little more — keep the exact path.
 */
import { computeGeometry, type ResizeOptions } from '../vision/resize';

/** A reduced decode keeps at least this many photo pixels per model pixel on each axis. */
export const REDUCED_DECODE_MARGIN = 4;

/** The reductions JPEG decoders do in the DCT itself, smallest first. */
const DCT_SCALES = [1 / 8, 1 / 4, 1 / 2] as const;

/**
 * The fraction of the upright photo size (`width`×`height`) to decode at for a model with `input`: the smallest DCT
 * scale that keeps {@link REDUCED_DECODE_MARGIN}× the model's resized size on both axes, or 1 (full size).
 */
export function reducedDecodeScale(width: number, height: number, input: ResizeOptions): number {
  const g = computeGeometry(width, height, input);
  for (const s of DCT_SCALES) {
    if (Math.floor(width * s) >= REDUCED_DECODE_MARGIN * g.scaledWidth) {
      if (Math.floor(height * s) >= REDUCED_DECODE_MARGIN * g.scaledHeight) return s;
    }
  }
  return 1;
}
