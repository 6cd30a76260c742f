/**
 * Keras core layers: Dense (MatMul + Add on the last axis) and Activation.
 */
import { activate } from './activations';
import { expectInputs, type LayerConverter } from './converter';

/** Keras Dense on the last axis: MatMul with the (in, units) kernel, Add bias, activation. */
const dense: LayerConverter = (b, layer, inputs, scope) => {
  const x = b.toNhwc(expectInputs(layer, inputs));
  const c = layer.config;
  const features = x.shape[x.shape.length - 1];
  const k = b.weight(scope, layer.name, 'kernel', [features, c.units]);
  let y = b.node('MatMul', [x.name, b.weightConst(`${layer.name}/kernel`, k, [0, 1])], `${layer.name}/matmul`);
  if (c.use_bias !== false) {
    const bias = b.weight(scope, layer.name, 'bias', [c.units]);
    y = b.node('Add', [y, b.constF32(`${layer.name}/bias`, bias.shape, bias.data)], layer.name);
  }
  return [activate(b, { name: y, shape: [...x.shape.slice(0, -1), c.units], nchw: false }, c.activation, layer)];
};

const activation: LayerConverter = (b, layer, inputs) => [
  activate(b, expectInputs(layer, inputs), layer.config.activation, layer),
];

export const CORE_LAYERS: Record<string, LayerConverter> = {
  Dense: dense,
  Activation: activation,
};
