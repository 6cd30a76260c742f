/**
 * A model's input tensor drawn back as a picture: what the model sees after preprocessing (its size, crop or padding,
 * colour or grey), for the spec editor's preview. Pure, so Node tests check it.
 *
 * The numbers are stretched from their smallest to their largest value onto 0..255, one range for all channels so
 * colours keep their balance; the range itself is returned, because it is what tells whether the normalisation fits
 * the model (about −2..2.6 for torchvision's, −1..1 for Keras' and Teachable Machine's, 0..1 or 0..255 for others).
 * Channels are put back into RGB order, so a BGR model's input still looks like the photo.
 */
import type { InputSpec } from '../model/spec';
import { float16BitsToFloat32, type TensorData } from './to-tensor';

export interface TensorPicture {
  /** RGBA, row-major, opaque. */
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** Smallest and largest number in the tensor (after float16 decoding). */
  min: number;
  max: number;
}

/** Draws `tensor` (batch 1, 1 or 3 channels, laid out as `input.layout` says) as an RGBA picture. */
export function tensorToPicture(tensor: TensorData, input: Pick<InputSpec, 'layout' | 'channelOrder'>): TensorPicture {
  const { dims } = tensor;
  if (dims.length !== 4 || dims[0] !== 1) throw new RangeError(`expected dims [1, …] of length 4, got [${dims}]`);
  const nchw = input.layout === 'nchw';
  const channels = (nchw ? dims[1] : dims[3]) as number;
  const height = (nchw ? dims[2] : dims[1]) as number;
  const width = (nchw ? dims[3] : dims[2]) as number;
  if (channels !== 1 && channels !== 3) throw new RangeError(`expected 1 or 3 channels, got ${channels}`);
  const plane = width * height;
  if (tensor.data.length !== plane * channels)
    throw new RangeError(`expected ${plane * channels} values for [${dims}], got ${tensor.data.length}`);

  const values = new Float32Array(tensor.data.length);
  for (let i = 0; i < values.length; i++) {
    const raw = tensor.data[i] as number;
    values[i] = tensor.type === 'float16' ? float16BitsToFloat32(raw) : raw;
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A flat tensor (one value everywhere) is drawn mid-grey rather than dividing by zero.
  const span = max > min ? max - min : 0;
  const toByte = (v: number) => (span ? ((v - min) / span) * 255 : 128);

  // Tensor channel feeding each of R, G, B.
  const source = channels === 1 ? [0, 0, 0] : input.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const at = (c: number, i: number) => values[nchw ? c * plane + i : i * channels + c] as number;
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let rgb = 0; rgb < 3; rgb++) data[i * 4 + rgb] = Math.round(toByte(at(source[rgb] as number, i)));
    data[i * 4 + 3] = 255;
  }
  return { data, width, height, min, max };
}
