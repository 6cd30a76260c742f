// @ts-check
/**
 * The one place where Keras layer types become ONNX ops: {@link LAYERS}, keyed by Keras `class_name`.
 * Each converter gets the graph builder, the layer's JSON ({name, class_name, config}), its input tensors and the
 * names of the enclosing models (for weight lookup), and returns its output tensors.
 *
 * Model containers (Model / Functional / Sequential) and InputLayer are handled by graph.mjs.
 */
import { NHWC_TO_NCHW_AXIS } from './builder.mjs';

/**
 * @typedef {import('./builder.mjs').GraphBuilder} GraphBuilder
 * @typedef {import('./builder.mjs').Tensor} Tensor
 * @typedef {{ name: string, class_name: string, config: any }} LayerJson
 * @typedef {(b: GraphBuilder, layer: LayerJson, inputs: Tensor[], scope: string[]) => Tensor[]} LayerConverter
 */

export class UnsupportedLayerError extends Error {
  /**
   * @param {string} className
   * @param {string} layerName
   * @param {string} [detail]
   */
  constructor(className, layerName, detail) {
    super(
      detail
        ? `layer "${layerName}" (${className}): ${detail}`
        : `unsupported layer type "${className}" (layer "${layerName}"); supported: ${Object.keys(LAYERS).sort().join(', ')}`,
    );
    this.name = 'UnsupportedLayerError';
    this.className = className;
    this.layerName = layerName;
  }
}

/**
 * TF "same" padding for one spatial dimension: the output has ceil(in / stride) elements and the padding that
 * needs goes mostly after (TF puts the odd pixel at the bottom/right).
 * @param {number} inSize
 * @param {number} kernel
 * @param {number} stride
 * @param {number} [dilation]
 * @returns {[number, number]} [before, after]
 */
export function samePadding(inSize, kernel, stride, dilation = 1) {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Output size of a conv/pool along one dimension for Keras padding "same" or "valid".
 * @param {number | null} inSize
 * @param {number} kernel
 * @param {number} stride
 * @param {number} dilation
 * @param {string} padding
 * @returns {number | null}
 */
export function convOutputSize(inSize, kernel, stride, dilation, padding) {
  if (inSize === null) return null;
  if (padding === 'same') return Math.ceil(inSize / stride);
  return Math.floor((inSize - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/**
 * @param {LayerJson} layer
 * @param {Tensor[]} inputs
 * @param {number} [count]
 */
function expectInputs(layer, inputs, count = 1) {
  if (inputs.length !== count) {
    throw new UnsupportedLayerError(layer.class_name, layer.name, `expected ${count} input(s), got ${inputs.length}`);
  }
  return /** @type {Tensor} */ (inputs[0]);
}

/** @param {LayerJson} layer */
function channelsLast(layer) {
  const format = layer.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') {
    throw new UnsupportedLayerError(layer.class_name, layer.name, `data_format "${format}" is not supported`);
  }
}

/**
 * @param {unknown} v
 * @returns {[number, number]}
 */
function pair(v) {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  throw new Error(`expected a number or a pair, got ${JSON.stringify(v)}`);
}

/**
 * Static spatial geometry and explicit ONNX pads of a 2-D conv/pool on an NHWC-shaped tensor.
 * @param {LayerJson} layer
 * @param {Tensor} x
 * @param {[number, number]} kernel
 * @param {[number, number]} strides
 * @param {[number, number]} dilations
 */
function spatial(layer, x, kernel, strides, dilations) {
  const padding = layer.config.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') {
    throw new UnsupportedLayerError(layer.class_name, layer.name, `padding "${padding}" is not supported`);
  }
  const [, h, w] = x.shape;
  /** @type {Record<string, import('./builder.mjs').AttrValue>} */
  const attrs = { kernel_shape: kernel, strides };
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

/**
 * Applies a Keras activation by name.
 * @param {GraphBuilder} b
 * @param {Tensor} t
 * @param {string | undefined | null} activation
 * @param {LayerJson} layer
 * @returns {Tensor}
 */
export function activate(b, t, activation, layer) {
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
      throw new UnsupportedLayerError(layer.class_name, layer.name, `activation "${activation}" is not supported`);
  }
}

/**
 * Bias add on the channel axis (axis 1 for NCHW tensors, the last axis otherwise).
 * @param {GraphBuilder} b
 * @param {Tensor} t
 * @param {string} base
 * @param {Float32Array} bias
 * @returns {Tensor}
 */
function channelAdd(b, t, base, bias) {
  const dims = t.nchw ? [bias.length, 1, 1] : [bias.length];
  return { ...t, name: b.node('Add', [t.name, b.constF32(`${base}/bias`, dims, bias)], `${base}/add`) };
}

/** @type {LayerConverter} */
function conv2d(b, layer, inputs, scope) {
  channelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  const c = layer.config;
  const kernel = pair(c.kernel_size);
  const strides = pair(c.strides ?? 1);
  const dilations = pair(c.dilation_rate ?? 1);
  const k = b.weight(scope, layer.name, 'kernel'); // HWIO
  const groups = c.groups ?? 1;
  const { attrs, oh, ow } = spatial(layer, x, kernel, strides, dilations);
  const w = b.weightConst(`${layer.name}/kernel`, k, [3, 2, 0, 1]); // HWIO → OIHW
  const ins = [x.name, w];
  if (c.use_bias !== false) {
    const bias = b.weight(scope, layer.name, 'bias');
    ins.push(b.constF32(`${layer.name}/bias`, bias.shape, bias.data));
  }
  const y = b.node('Conv', ins, layer.name, { ...attrs, dilations, group: groups });
  return [activate(b, { name: y, shape: [null, oh, ow, c.filters], nchw: true }, c.activation, layer)];
}

/**
 * Depthwise kernel (H, W, C, M) → grouped Conv weight (C*M, 1, H, W); output channel c*M + m as in TF.
 * @param {GraphBuilder} b
 * @param {LayerJson} layer
 * @param {Tensor} x NCHW
 * @param {import('./read-tfjs-model.mjs').Weight} k
 * @returns {Tensor}
 */
function depthwise(b, layer, x, k) {
  const c = layer.config;
  const kernel = pair(c.kernel_size);
  const strides = pair(c.strides ?? 1);
  const dilations = pair(c.dilation_rate ?? 1);
  const [kh, kw, channels, multiplier] = /** @type {[number, number, number, number]} */ (k.shape);
  // (H, W, C, M) → (C, M, H, W), which is (C*M, 1, H, W) in memory
  const w = b.weightConst(`${layer.name}/depthwise_kernel`, k, [2, 3, 0, 1], [channels * multiplier, 1, kh, kw]);
  const { attrs, oh, ow } = spatial(layer, x, kernel, strides, dilations);
  const y = b.node('Conv', [x.name, w], `${layer.name}/depthwise`, { ...attrs, dilations, group: channels });
  return { name: y, shape: [null, oh, ow, channels * multiplier], nchw: true };
}

/** @type {LayerConverter} */
function depthwiseConv2d(b, layer, inputs, scope) {
  channelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  let y = depthwise(b, layer, x, b.weight(scope, layer.name, 'depthwise_kernel'));
  if (layer.config.use_bias !== false) y = channelAdd(b, y, layer.name, b.weight(scope, layer.name, 'bias').data);
  return [activate(b, y, layer.config.activation, layer)];
}

/** @type {LayerConverter} */
function separableConv2d(b, layer, inputs, scope) {
  channelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  const d = depthwise(b, layer, x, b.weight(scope, layer.name, 'depthwise_kernel'));
  const p = b.weight(scope, layer.name, 'pointwise_kernel'); // (1, 1, C*M, filters)
  const ins = [d.name, b.weightConst(`${layer.name}/pointwise_kernel`, p, [3, 2, 0, 1])];
  if (layer.config.use_bias !== false) {
    const bias = b.weight(scope, layer.name, 'bias');
    ins.push(b.constF32(`${layer.name}/bias`, bias.shape, bias.data));
  }
  const y = b.node('Conv', ins, layer.name, { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0] });
  return [
    activate(
      b,
      { name: y, shape: [...d.shape.slice(0, 3), layer.config.filters], nchw: true },
      layer.config.activation,
      layer,
    ),
  ];
}

/**
 * Inference-mode BatchNormalization folded into y = x * s + t with s = gamma / sqrt(var + eps),
 * t = beta - mean * s (computed in float64, rounded once).
 * @type {LayerConverter}
 */
function batchNormalization(b, layer, inputs, scope) {
  const x = expectInputs(layer, inputs);
  const c = layer.config;
  const rank = x.shape.length;
  const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) {
    throw new UnsupportedLayerError(
      layer.class_name,
      layer.name,
      `axis ${JSON.stringify(c.axis)} is not supported (only the channel axis)`,
    );
  }
  const eps = c.epsilon ?? 1e-3;
  const mean = b.weight(scope, layer.name, 'moving_mean').data;
  const variance = b.weight(scope, layer.name, 'moving_variance').data;
  const gamma = c.scale === false ? undefined : b.weight(scope, layer.name, 'gamma').data;
  const beta = c.center === false ? undefined : b.weight(scope, layer.name, 'beta').data;
  const n = mean.length;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = (gamma ? /** @type {number} */ (gamma[i]) : 1) / Math.sqrt(/** @type {number} */ (variance[i]) + eps);
    scale[i] = s;
    shift[i] = (beta ? /** @type {number} */ (beta[i]) : 0) - /** @type {number} */ (mean[i]) * s;
  }
  const dims = x.nchw ? [n, 1, 1] : [n];
  const m = b.node('Mul', [x.name, b.constF32(`${layer.name}/scale`, dims, scale)], `${layer.name}/mul`);
  const y = b.node('Add', [m, b.constF32(`${layer.name}/shift`, dims, shift)], layer.name);
  return [{ ...x, name: y }];
}

/** @type {LayerConverter} */
function relu(b, layer, inputs) {
  const x = expectInputs(layer, inputs);
  const { max_value: max, negative_slope: slope = 0, threshold = 0 } = layer.config;
  if (threshold)
    throw new UnsupportedLayerError(layer.class_name, layer.name, `threshold ${threshold} is not supported`);
  if (slope && max != null) {
    throw new UnsupportedLayerError(
      layer.class_name,
      layer.name,
      'negative_slope together with max_value is not supported',
    );
  }
  if (slope) return [{ ...x, name: b.node('LeakyRelu', [x.name], layer.name, { alpha: { float: slope } }) }];
  if (max == null) return [{ ...x, name: b.node('Relu', [x.name], layer.name) }];
  const lo = b.constF32(`${layer.name}/min`, [], [0]);
  const hi = b.constF32(`${layer.name}/max`, [], [max]);
  return [{ ...x, name: b.node('Clip', [x.name, lo, hi], layer.name) }];
}

/** @type {LayerConverter} */
function activationLayer(b, layer, inputs) {
  return [activate(b, expectInputs(layer, inputs), layer.config.activation, layer)];
}

/** @type {LayerConverter} */
function softmaxLayer(b, layer, inputs) {
  const x = expectInputs(layer, inputs);
  const rank = x.shape.length;
  let axis = layer.config.axis ?? -1;
  if (Array.isArray(axis)) {
    if (axis.length !== 1) throw new UnsupportedLayerError(layer.class_name, layer.name, 'softmax over several axes');
    axis = axis[0];
  }
  if (axis < 0) axis += rank;
  const onnxAxis = x.nchw ? /** @type {number} */ (NHWC_TO_NCHW_AXIS[axis]) : axis;
  return [{ ...x, name: b.node('Softmax', [x.name], layer.name, { axis: onnxAxis }) }];
}

/**
 * Element-wise merge layers (Add, Multiply, ...): all inputs brought to one layout first.
 * @param {string} op ONNX op (variadic Sum/Max/Min/Mean, or binary Mul/Sub chained)
 * @returns {LayerConverter}
 */
function merge(op) {
  return (b, layer, inputs) => {
    if (inputs.length < 2) throw new UnsupportedLayerError(layer.class_name, layer.name, 'needs at least two inputs');
    const anyNchw = inputs.some((t) => t.nchw);
    const xs = inputs.map((t) => (anyNchw ? b.toNchw(t) : t));
    const first = /** @type {Tensor} */ (xs[0]);
    let name;
    if (op === 'Add' || op === 'Mul' || op === 'Sub') {
      if (op === 'Sub' && xs.length !== 2)
        throw new UnsupportedLayerError(layer.class_name, layer.name, 'needs exactly two inputs');
      name = first.name;
      for (let i = 1; i < xs.length; i++) {
        name = b.node(
          op,
          [name, /** @type {Tensor} */ (xs[i]).name],
          i === xs.length - 1 ? layer.name : `${layer.name}/${i}`,
        );
      }
    } else {
      name = b.node(
        op,
        xs.map((t) => t.name),
        layer.name,
      );
    }
    return [{ ...first, name }];
  };
}

/** @type {LayerConverter} */
function concatenate(b, layer, inputs) {
  if (inputs.length < 2) throw new UnsupportedLayerError(layer.class_name, layer.name, 'needs at least two inputs');
  const anyNchw = inputs.some((t) => t.nchw);
  const xs = inputs.map((t) => (anyNchw ? b.toNchw(t) : t));
  const first = /** @type {Tensor} */ (xs[0]);
  const rank = first.shape.length;
  let axis = layer.config.axis ?? -1;
  if (axis < 0) axis += rank;
  const onnxAxis = anyNchw ? /** @type {number} */ (NHWC_TO_NCHW_AXIS[axis]) : axis;
  const shape = [...first.shape];
  shape[axis] = xs.reduce(
    (sum, t) => (sum === null || t.shape[axis] == null ? null : sum + /** @type {number} */ (t.shape[axis])),
    /** @type {number | null} */ (0),
  );
  return [
    {
      name: b.node(
        'Concat',
        xs.map((t) => t.name),
        layer.name,
        { axis: onnxAxis },
      ),
      shape,
      nchw: anyNchw,
    },
  ];
}

/** @type {LayerConverter} */
function zeroPadding2d(b, layer, inputs) {
  channelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  const p = layer.config.padding ?? 1;
  /** @type {[number, number]} */
  let rows;
  /** @type {[number, number]} */
  let cols;
  if (typeof p === 'number') {
    rows = [p, p];
    cols = [p, p];
  } else if (Array.isArray(p) && p.length === 2 && typeof p[0] === 'number') {
    rows = [p[0], p[0]];
    cols = [p[1], p[1]];
  } else {
    rows = pair(p[0]);
    cols = pair(p[1]);
  }
  const pads = b.constI64(`${layer.name}/pads`, [0, 0, rows[0], cols[0], 0, 0, rows[1], cols[1]]);
  const [n, h, w, ch] = x.shape;
  const shape = [
    n ?? null,
    h == null ? null : h + rows[0] + rows[1],
    w == null ? null : w + cols[0] + cols[1],
    ch ?? null,
  ];
  return [{ name: b.node('Pad', [x.name, pads], layer.name, { mode: 'constant' }), shape, nchw: true }];
}

/**
 * @param {'AveragePool' | 'MaxPool'} op
 * @returns {LayerConverter}
 */
function pool2d(op) {
  return (b, layer, inputs) => {
    channelsLast(layer);
    const x = b.toNchw(expectInputs(layer, inputs));
    const kernel = pair(layer.config.pool_size ?? 2);
    const strides = pair(layer.config.strides ?? kernel);
    const { attrs, oh, ow } = spatial(layer, x, kernel, strides, [1, 1]);
    // Keras "same" average pooling ignores the padded zeros: ONNX count_include_pad = 0 (the default).
    return [{ name: b.node(op, [x.name], layer.name, attrs), shape: [null, oh, ow, x.shape[3] ?? null], nchw: true }];
  };
}

/**
 * @param {'ReduceMean' | 'ReduceMax'} op
 * @returns {LayerConverter}
 */
function globalPool2d(op) {
  return (b, layer, inputs) => {
    channelsLast(layer);
    const x = b.toNchw(expectInputs(layer, inputs));
    const keep = layer.config.keepdims === true;
    const name = b.node(op, [x.name], layer.name, { axes: [2, 3], keepdims: keep ? 1 : 0 });
    const ch = x.shape[3] ?? null;
    return [keep ? { name, shape: [null, 1, 1, ch], nchw: true } : { name, shape: [null, ch], nchw: false }];
  };
}

/**
 * Keras flattens channels-last: bring the tensor back to NHWC first so the element order matches.
 * @type {LayerConverter}
 */
function flatten(b, layer, inputs) {
  const x = b.toNhwc(expectInputs(layer, inputs));
  const rest = x.shape.slice(1);
  const size = rest.every((d) => typeof d === 'number')
    ? rest.reduce((a, d) => /** @type {number} */ (a) * /** @type {number} */ (d), 1)
    : null;
  return [{ name: b.node('Flatten', [x.name], layer.name, { axis: 1 }), shape: [null, size], nchw: false }];
}

/** @type {LayerConverter} */
function reshape(b, layer, inputs) {
  const x = b.toNhwc(expectInputs(layer, inputs));
  /** @type {number[]} */
  const target = layer.config.target_shape;
  const shapeName = b.constI64(`${layer.name}/shape`, [0, ...target]);
  let out = [null, ...target];
  const known = x.shape.slice(1);
  if (target.includes(-1) && known.every((d) => typeof d === 'number')) {
    const total = known.reduce((a, d) => /** @type {number} */ (a) * /** @type {number} */ (d), 1);
    const rest = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    out = [null, ...target.map((d) => (d === -1 ? /** @type {number} */ (total) / rest : d))];
  }
  return [
    {
      name: b.node('Reshape', [x.name, shapeName], layer.name),
      shape: out.map((d) => (d === -1 ? null : d)),
      nchw: false,
    },
  ];
}

/**
 * Keras Dense on the last axis: MatMul with the (in, units) kernel, Add bias, activation.
 * @type {LayerConverter}
 */
function dense(b, layer, inputs, scope) {
  const x = b.toNhwc(expectInputs(layer, inputs));
  const c = layer.config;
  const k = b.weight(scope, layer.name, 'kernel');
  let y = b.node('MatMul', [x.name, b.weightConst(`${layer.name}/kernel`, k, [0, 1])], `${layer.name}/matmul`);
  if (c.use_bias !== false) {
    const bias = b.weight(scope, layer.name, 'bias');
    y = b.node('Add', [y, b.constF32(`${layer.name}/bias`, bias.shape, bias.data)], layer.name);
  }
  return [activate(b, { name: y, shape: [...x.shape.slice(0, -1), c.units], nchw: false }, c.activation, layer)];
}

/** Layers that do nothing at inference time. @type {LayerConverter} */
function identity(_b, layer, inputs) {
  return [expectInputs(layer, inputs)];
}

/**
 * Keras class_name → converter. To add a layer type, write a converter above and register it here; see
 * tools/tfjs-to-onnx/README.md.
 * @type {Record<string, LayerConverter>}
 */
export const LAYERS = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  BatchNormalization: batchNormalization,
  ReLU: relu,
  Activation: activationLayer,
  Softmax: softmaxLayer,
  Add: merge('Add'),
  Subtract: merge('Sub'),
  Multiply: merge('Mul'),
  Average: merge('Mean'),
  Maximum: merge('Max'),
  Minimum: merge('Min'),
  Concatenate: concatenate,
  ZeroPadding2D: zeroPadding2d,
  AveragePooling2D: pool2d('AveragePool'),
  MaxPooling2D: pool2d('MaxPool'),
  GlobalAveragePooling2D: globalPool2d('ReduceMean'),
  GlobalMaxPooling2D: globalPool2d('ReduceMax'),
  Flatten: flatten,
  Reshape: reshape,
  Dense: dense,
  Dropout: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
};

/**
 * Converts one layer, or throws {@link UnsupportedLayerError} naming its type and name.
 * @param {GraphBuilder} b
 * @param {LayerJson} layer
 * @param {Tensor[]} inputs
 * @param {string[]} scope
 * @returns {Tensor[]}
 */
export function convertLayer(b, layer, inputs, scope) {
  const converter = Object.hasOwn(LAYERS, layer.class_name) ? LAYERS[layer.class_name] : undefined;
  if (!converter) throw new UnsupportedLayerError(layer.class_name, layer.name);
  return converter(b, layer, inputs, scope);
}
