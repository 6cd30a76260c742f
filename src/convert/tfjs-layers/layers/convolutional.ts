/**
 * Keras convolution layers: Conv2D (with `groups`), DepthwiseConv2D (any depth multiplier) and SeparableConv2D, as
 * ONNX Conv on NCHW tensors. Kernels are transposed from TF's HWIO at conversion time.
 */
import type { GraphBuilder, Tensor } from '../builder';
import type { Weight } from '../weights';
import { activate } from './activations';
import { expectInputs, type LayerConverter, type LayerJson, pair, requireChannelsLast } from './converter';
import { spatial } from './spatial';

/** Bias add on the channel axis (axis 1 for NCHW tensors, the last axis otherwise). */
function channelAdd(b: GraphBuilder, t: Tensor, base: string, bias: Float32Array): Tensor {
  const dims = t.nchw ? [bias.length, 1, 1] : [bias.length];
  return { ...t, name: b.node('Add', [t.name, b.constF32(`${base}/bias`, dims, bias)], `${base}/add`) };
}

const conv2d: LayerConverter = (b, layer, inputs, scope) => {
  requireChannelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  const c = layer.config;
  const kernel = pair(c.kernel_size);
  const strides = pair(c.strides ?? 1);
  const dilations = pair(c.dilation_rate ?? 1);
  const groups = c.groups ?? 1;
  const channels = x.shape[3];
  const k = b.weight(scope, layer.name, 'kernel', [...kernel, channels == null ? null : channels / groups, c.filters]); // HWIO
  const { attrs, oh, ow } = spatial(layer, x, kernel, strides, dilations);
  const w = b.weightConst(`${layer.name}/kernel`, k, [3, 2, 0, 1]); // HWIO → OIHW
  const ins = [x.name, w];
  if (c.use_bias !== false) {
    const bias = b.weight(scope, layer.name, 'bias', [c.filters]);
    ins.push(b.constF32(`${layer.name}/bias`, bias.shape, bias.data));
  }
  const y = b.node('Conv', ins, layer.name, { ...attrs, dilations, group: groups });
  return [activate(b, { name: y, shape: [null, oh, ow, c.filters], nchw: true }, c.activation, layer)];
};

/** A depthwise kernel, which must be (H, W, C, depth multiplier) for the layer's input. */
function depthwiseKernel(b: GraphBuilder, layer: LayerJson, x: Tensor, scope: string[]): Weight {
  const c = layer.config;
  return b.weight(scope, layer.name, 'depthwise_kernel', [...pair(c.kernel_size), x.shape[3], c.depth_multiplier ?? 1]);
}

/**
 * Depthwise kernel (H, W, C, M) → grouped Conv weight (C*M, 1, H, W); output channel c*M + m as in TF.
 * @param x NCHW
 */
function depthwise(b: GraphBuilder, layer: LayerJson, x: Tensor, k: Weight): Tensor {
  const c = layer.config;
  const kernel = pair(c.kernel_size);
  const strides = pair(c.strides ?? 1);
  const dilations = pair(c.dilation_rate ?? 1);
  const [kh, kw, channels, multiplier] = k.shape as [number, number, number, number];
  // (H, W, C, M) → (C, M, H, W), which is (C*M, 1, H, W) in memory
  const w = b.weightConst(`${layer.name}/depthwise_kernel`, k, [2, 3, 0, 1], [channels * multiplier, 1, kh, kw]);
  const { attrs, oh, ow } = spatial(layer, x, kernel, strides, dilations);
  const y = b.node('Conv', [x.name, w], `${layer.name}/depthwise`, { ...attrs, dilations, group: channels });
  return { name: y, shape: [null, oh, ow, channels * multiplier], nchw: true };
}

const depthwiseConv2d: LayerConverter = (b, layer, inputs, scope) => {
  requireChannelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  let y = depthwise(b, layer, x, depthwiseKernel(b, layer, x, scope));
  if (layer.config.use_bias !== false)
    y = channelAdd(b, y, layer.name, b.weight(scope, layer.name, 'bias', [y.shape[3]]).data);
  return [activate(b, y, layer.config.activation, layer)];
};

const separableConv2d: LayerConverter = (b, layer, inputs, scope) => {
  requireChannelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  const d = depthwise(b, layer, x, depthwiseKernel(b, layer, x, scope));
  const p = b.weight(scope, layer.name, 'pointwise_kernel', [1, 1, d.shape[3], layer.config.filters]); // (1, 1, C*M, filters)
  const ins = [d.name, b.weightConst(`${layer.name}/pointwise_kernel`, p, [3, 2, 0, 1])];
  if (layer.config.use_bias !== false) {
    const bias = b.weight(scope, layer.name, 'bias', [layer.config.filters]);
    ins.push(b.constF32(`${layer.name}/bias`, bias.shape, bias.data));
  }
  const y = b.node('Conv', ins, layer.name, { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0] });
  const shape = [...d.shape.slice(0, 3), layer.config.filters];
  return [activate(b, { name: y, shape, nchw: true }, layer.config.activation, layer)];
};

export const CONVOLUTIONAL_LAYERS: Record<string, LayerConverter> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
};
