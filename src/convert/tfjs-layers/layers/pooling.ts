/**
 * Keras pooling layers: AveragePooling2D, MaxPooling2D and their global forms, on NCHW tensors.
 */
import { expectInputs, type LayerConverter, pair, requireChannelsLast } from './converter';
import { spatial } from './spatial';

function pool2d(op: 'AveragePool' | 'MaxPool'): LayerConverter {
  return (b, layer, inputs) => {
    requireChannelsLast(layer);
    const x = b.toNchw(expectInputs(layer, inputs));
    const kernel = pair(layer.config.pool_size ?? 2);
    const strides = pair(layer.config.strides ?? kernel);
    const { attrs, oh, ow } = spatial(layer, x, kernel, strides, [1, 1]);
    // Keras "same" average pooling ignores the padded zeros: ONNX count_include_pad = 0 (the default).
    return [{ name: b.node(op, [x.name], layer.name, attrs), shape: [null, oh, ow, x.shape[3] ?? null], nchw: true }];
  };
}

function globalPool2d(op: 'ReduceMean' | 'ReduceMax'): LayerConverter {
  return (b, layer, inputs) => {
    requireChannelsLast(layer);
    const x = b.toNchw(expectInputs(layer, inputs));
    const keep = layer.config.keepdims === true;
    const name = b.node(op, [x.name], layer.name, { axes: [2, 3], keepdims: keep ? 1 : 0 });
    const ch = x.shape[3] ?? null;
    return [keep ? { name, shape: [null, 1, 1, ch], nchw: true } : { name, shape: [null, ch], nchw: false }];
  };
}

export const POOLING_LAYERS: Record<string, LayerConverter> = {
  AveragePooling2D: pool2d('AveragePool'),
  MaxPooling2D: pool2d('MaxPool'),
  GlobalAveragePooling2D: globalPool2d('ReduceMean'),
  GlobalMaxPooling2D: globalPool2d('ReduceMax'),
};
