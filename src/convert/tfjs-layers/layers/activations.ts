/**
 * Keras activations: the functions layers apply by name (`activation: "relu"` on Conv2D, Dense, Activation), and
 * the activation layers ReLU and Softmax.
 */
import { type GraphBuilder, NHWC_TO_NCHW_AXIS, type Tensor } from '../builder';
import { expectInputs, type LayerConverter, type LayerJson, unsupported } from './converter';

/** Applies a Keras activation by name. */
export function activate(b: GraphBuilder, t: Tensor, activation: string | undefined | null, layer: LayerJson): Tensor {
  const base = `${layer.name}/${activation}`;
  switch (activation ?? 'linear') {
    case 'linear':
      return t;
    case 'relu':
      return { ...t, name: b.node('Relu', [t.name], base) };
    case 'relu6':
      return {
        ...t,
        name: b.node('Clip', [t.name, b.constF32(`${base}_min`, [], [0]), b.constF32(`${base}_max`, [], [6])], base),
      };
    case 'sigmoid':
      return { ...t, name: b.node('Sigmoid', [t.name], base) };
    case 'tanh':
      return { ...t, name: b.node('Tanh', [t.name], base) };
    case 'elu':
      return { ...t, name: b.node('Elu', [t.name], base, { alpha: { float: 1 } }) };
    case 'softplus':
      return { ...t, name: b.node('Softplus', [t.name], base) };
    case 'softsign':
      return { ...t, name: b.node('Softsign', [t.name], base) };
    case 'hard_sigmoid':
      return { ...t, name: b.node('HardSigmoid', [t.name], base, { alpha: { float: 0.2 }, beta: { float: 0.5 } }) };
    case 'softmax':
      return { ...t, name: b.node('Softmax', [t.name], base, { axis: t.nchw ? 1 : -1 }) };
    default:
      throw unsupported(layer, `activation "${activation}" is not supported`);
  }
}

const relu: LayerConverter = (b, layer, inputs) => {
  const x = expectInputs(layer, inputs);
  const { max_value: max, negative_slope: slope = 0, threshold = 0 } = layer.config;
  if (threshold) throw unsupported(layer, `threshold ${threshold} is not supported`);
  if (slope && max != null) throw unsupported(layer, 'negative_slope together with max_value is not supported');
  if (slope) return [{ ...x, name: b.node('LeakyRelu', [x.name], layer.name, { alpha: { float: slope } }) }];
  if (max == null) return [{ ...x, name: b.node('Relu', [x.name], layer.name) }];
  const lo = b.constF32(`${layer.name}/min`, [], [0]);
  const hi = b.constF32(`${layer.name}/max`, [], [max]);
  return [{ ...x, name: b.node('Clip', [x.name, lo, hi], layer.name) }];
};

const softmax: LayerConverter = (b, layer, inputs) => {
  const x = expectInputs(layer, inputs);
  const rank = x.shape.length;
  let axis = layer.config.axis ?? -1;
  if (Array.isArray(axis)) {
    if (axis.length !== 1) throw unsupported(layer, 'softmax over several axes');
    axis = axis[0];
  }
  if (axis < 0) axis += rank;
  const onnxAxis = x.nchw ? (NHWC_TO_NCHW_AXIS[axis] as number) : axis;
  return [{ ...x, name: b.node('Softmax', [x.name], layer.name, { axis: onnxAxis }) }];
};

export const ACTIVATION_LAYERS: Record<string, LayerConverter> = {
  ReLU: relu,
  Softmax: softmax,
};
