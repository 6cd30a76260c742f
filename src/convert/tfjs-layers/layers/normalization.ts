/**
 * Keras normalization layers: BatchNormalization at inference time, folded into one Mul and one Add.
 */
import { expectInputs, type LayerConverter, unsupported } from './converter';

/**
 * Inference-mode BatchNormalization folded into y = x * s + t with s = gamma / sqrt(var + eps),
 * t = beta - mean * s (computed in float64, rounded once).
 */
const batchNormalization: LayerConverter = (b, layer, inputs, scope) => {
  const x = expectInputs(layer, inputs);
  const c = layer.config;
  const rank = x.shape.length;
  const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) {
    throw unsupported(layer, `axis ${JSON.stringify(c.axis)} is not supported (only the channel axis)`);
  }
  const eps = c.epsilon ?? 1e-3;
  const channels = [x.shape[rank - 1]];
  const mean = b.weight(scope, layer.name, 'moving_mean', channels).data;
  const variance = b.weight(scope, layer.name, 'moving_variance', channels).data;
  const gamma = c.scale === false ? undefined : b.weight(scope, layer.name, 'gamma', channels).data;
  const beta = c.center === false ? undefined : b.weight(scope, layer.name, 'beta', channels).data;
  const n = mean.length;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = (gamma ? (gamma[i] as number) : 1) / Math.sqrt((variance[i] as number) + eps);
    scale[i] = s;
    shift[i] = (beta ? (beta[i] as number) : 0) - (mean[i] as number) * s;
  }
  const dims = x.nchw ? [n, 1, 1] : [n];
  const m = b.node('Mul', [x.name, b.constF32(`${layer.name}/scale`, dims, scale)], `${layer.name}/mul`);
  const y = b.node('Add', [m, b.constF32(`${layer.name}/shift`, dims, shift)], layer.name);
  return [{ ...x, name: y }];
};

export const NORMALIZATION_LAYERS: Record<string, LayerConverter> = {
  BatchNormalization: batchNormalization,
};
