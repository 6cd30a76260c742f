/**
 * Geometry of 2-D convolutions and pools: TF "same"/"valid" padding as explicit ONNX pads, and output sizes.
 */
import type { OnnxAttribute } from '../../../onnx/write-onnx';
import type { Tensor } from '../builder';
import { type LayerJson, unsupported } from './converter';

/**
 * TF "same" padding for one spatial dimension: the output has ceil(in / stride) elements and the padding that
 * needs goes mostly after (TF puts the odd pixel at the bottom/right).
 * @returns [before, after]
 */
export function samePadding(inSize: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output size of a conv/pool along one dimension for Keras padding "same" or "valid". */
export function convOutputSize(
  inSize: number | null,
  kernel: number,
  stride: number,
  dilation: number,
  padding: string,
): number | null {
  if (inSize === null) return null;
  if (padding === 'same') return Math.ceil(inSize / stride);
  return Math.floor((inSize - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/** Static spatial geometry and explicit ONNX pads of a 2-D conv/pool on an NHWC-shaped tensor. */
export function spatial(
  layer: LayerJson,
  x: Tensor,
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
): { attrs: Record<string, OnnxAttribute>; oh: number | null; ow: number | null } {
  const padding = layer.config.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') throw unsupported(layer, `padding "${padding}" is not supported`);
  const [, h, w] = x.shape;
  const attrs: Record<string, OnnxAttribute> = { kernel_shape: kernel, strides };
  if (padding === 'same') {
    if (typeof h === 'number' && typeof w === 'number') {
      const [top, bottom] = samePadding(h, kernel[0], strides[0], dilations[0]);
      const [left, right] = samePadding(w, kernel[1], strides[1], dilations[1]);
      attrs.pads = [top, left, bottom, right];
    } else {
      attrs.auto_pad = 'SAME_UPPER'; // identical to TF "same" (odd pixel after)
    }
  } else {
    attrs.pads = [0, 0, 0, 0];
  }
  const oh = convOutputSize(h ?? null, kernel[0], strides[0], dilations[0], padding);
  const ow = convOutputSize(w ?? null, kernel[1], strides[1], dilations[1], padding);
  return { attrs, oh, ow };
}
