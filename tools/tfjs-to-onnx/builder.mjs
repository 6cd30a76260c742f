// @ts-check
/**
 * A tiny in-memory ONNX graph under construction: nodes, float/int64 initialisers, graph inputs and outputs, plus
 * the weight store the layer converters read from. `write-onnx.mjs` turns it into a ModelProto.
 *
 * Layout convention: a rank-4 Keras tensor (NHWC) is kept as NCHW inside the ONNX graph (ONNX Conv/Pool are
 * channels-first); `Tensor.shape` always holds the *Keras* (NHWC) shape with `null` for the batch dimension, and
 * `Tensor.nchw` says whether the ONNX value is the channels-first transpose of it.
 */

/**
 * @typedef {{ name: string, shape: (number | null)[], nchw: boolean }} Tensor
 * @typedef {number | number[] | string | { float: number }} AttrValue
 * @typedef {{ op: string, name: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> }} Node
 * @typedef {{ name: string, dims: number[], type: 'float32' | 'float64' | 'int64' | 'uint8', data: Float32Array | Float64Array | BigInt64Array | Uint8Array }} Initializer
 * @typedef {{ name: string, dims: (number | string)[] }} ValueInfo
 * @typedef {import('./read-tfjs-model.mjs').Weight} Weight
 */

/**
 * Transposes a dense row-major array.
 * @template {Float32Array | Uint8Array} T
 * @param {T} data
 * @param {number[]} shape
 * @param {number[]} perm
 * @returns {{ data: T, shape: number[] }}
 */
export function transpose(data, shape, perm) {
  const rank = shape.length;
  const outShape = perm.map((p) => /** @type {number} */ (shape[p]));
  /** @type {number[]} */
  const inStrides = new Array(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--)
    inStrides[i] = /** @type {number} */ (inStrides[i + 1]) * /** @type {number} */ (shape[i + 1]);
  const strides = perm.map((p) => /** @type {number} */ (inStrides[p]));
  const out = /** @type {T} */ (
    data instanceof Uint8Array ? new Uint8Array(data.length) : new Float32Array(data.length)
  );
  const idx = new Array(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * /** @type {number} */ (strides[d]);
    out[o] = /** @type {number} */ (data[src]);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < /** @type {number} */ (outShape[d])) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** NHWC axis → NCHW axis. */
export const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1];

export class GraphBuilder {
  /**
   * @param {Map<string, Weight>} weights
   * @param {{ keepQuantizedWeights?: boolean }} [options]
   */
  constructor(weights, options = {}) {
    this.weights = weights;
    this.keepQuantizedWeights = options.keepQuantizedWeights === true;
    /** @type {Set<string>} */
    this.usedWeights = new Set();
    /** @type {Node[]} */
    this.nodes = [];
    /** @type {Initializer[]} */
    this.initializers = [];
    /** @type {ValueInfo[]} */
    this.inputs = [];
    /** @type {ValueInfo[]} */
    this.outputs = [];
    /** @type {Set<string>} */
    this.names = new Set();
  }

  /** @param {string} base */
  unique(base) {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  /**
   * Adds a node with one output and returns the output's name.
   * @param {string} op
   * @param {string[]} inputs
   * @param {string} base name hint
   * @param {Record<string, AttrValue>} [attrs]
   */
  node(op, inputs, base, attrs = {}) {
    const output = this.unique(base);
    this.nodes.push({ op, name: this.unique(`${base}/${op}`), inputs, outputs: [output], attrs });
    return output;
  }

  /**
   * @param {string} base
   * @param {number[]} dims
   * @param {Float32Array | number[]} data
   */
  constF32(base, dims, data) {
    const name = this.unique(base);
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`initialiser ${name}: ${values.length} values for dims [${dims}]`);
    this.initializers.push({ name, dims, type: 'float32', data: values });
    return name;
  }

  /**
   * A weight tensor transposed by `perm` and reshaped to `dims`. With keepQuantizedWeights, a uint8-quantised
   * weight stays uint8 in the file (4× smaller) and is dequantised by Gather(table, Cast(q → int32)), which ONNX
   * Runtime constant-folds when the session is created; otherwise it is stored as float32.
   * @param {string} base
   * @param {Weight} weight
   * @param {number[]} perm
   * @param {number[]} [dims] defaults to the transposed shape
   */
  weightConst(base, weight, perm, dims) {
    const q = this.keepQuantizedWeights ? weight.quantized : undefined;
    if (!q) {
      const t = transpose(weight.data, weight.shape, perm);
      return this.constF32(base, dims ?? t.shape, t.data);
    }
    const t = transpose(q.values, weight.shape, perm);
    const name = this.unique(`${base}/quantized`);
    this.initializers.push({ name, dims: dims ?? t.shape, type: 'uint8', data: t.data });
    // Dequantised through a 256-entry lookup table: table[k] = k * scale + min, computed here in float64 and
    // rounded once to float32 exactly as TF.js's decodeWeights does, so the weights are bit-identical to TF.js's.
    // Cast(uint8 → int32) + Gather run on every ONNX Runtime EP (float64 ops do not exist on WebGPU) and ORT
    // constant-folds both at session creation; DequantizeLinear would not be folded (ORT keeps it for QDQ fusion).
    const table = new Float32Array(256);
    for (let k = 0; k < 256; k++) table[k] = k * q.scale + q.min;
    const index = this.node('Cast', [name], `${base}/index`, { to: 6 });
    return this.node('Gather', [this.constF32(`${base}/table`, [256], table), index], base, { axis: 0 });
  }

  /**
   * @param {string} base
   * @param {number[]} values a 1-D int64 tensor
   */
  constI64(base, values) {
    const name = this.unique(base);
    this.initializers.push({
      name,
      dims: [values.length],
      type: 'int64',
      data: BigInt64Array.from(values.map(BigInt)),
    });
    return name;
  }

  /**
   * Looks a layer's weight up by name: `<layer>/<key>`, then `<scope>/<layer>/<key>` for layers inside nested
   * models, then any single weight whose name ends in `/<layer>/<key>`.
   * @param {string[]} scope names of the enclosing models, outermost first
   * @param {string} layer
   * @param {string} key e.g. "kernel"
   * @returns {Weight}
   */
  weight(scope, layer, key) {
    const found = this.findWeight(scope, layer, key);
    if (!found) throw new Error(`layer "${layer}": weight "${layer}/${key}" not found in the weights manifest`);
    return found;
  }

  /**
   * @param {string[]} scope
   * @param {string} layer
   * @param {string} key
   * @returns {Weight | undefined}
   */
  findWeight(scope, layer, key) {
    const candidates = [`${layer}/${key}`];
    for (let i = 0; i < scope.length; i++) candidates.push(`${scope.slice(i).join('/')}/${layer}/${key}`);
    for (const c of candidates) {
      const w = this.weights.get(c);
      if (w) {
        this.usedWeights.add(c);
        return w;
      }
    }
    const suffix = `/${layer}/${key}`;
    const matches = [...this.weights.keys()].filter((n) => n.endsWith(suffix));
    if (matches.length > 1) {
      throw new Error(`layer "${layer}": weight "${key}" is ambiguous (${matches.join(', ')})`);
    }
    const only = matches[0];
    if (only === undefined) return undefined;
    this.usedWeights.add(only);
    return this.weights.get(only);
  }

  /**
   * Returns the tensor as channels-last (the Keras layout), adding a Transpose if it is held as NCHW.
   * @param {Tensor} t
   * @returns {Tensor}
   */
  toNhwc(t) {
    if (!t.nchw) return t;
    return {
      name: this.node('Transpose', [t.name], `${t.name}_nhwc`, { perm: [0, 2, 3, 1] }),
      shape: t.shape,
      nchw: false,
    };
  }

  /**
   * Returns a rank-4 tensor as NCHW, adding a Transpose if it is held as NHWC.
   * @param {Tensor} t
   * @returns {Tensor}
   */
  toNchw(t) {
    if (t.nchw) return t;
    if (t.shape.length !== 4) throw new Error(`tensor ${t.name} has rank ${t.shape.length}, expected 4`);
    return {
      name: this.node('Transpose', [t.name], `${t.name}_nchw`, { perm: [0, 3, 1, 2] }),
      shape: t.shape,
      nchw: true,
    };
  }

  /**
   * Keeps rank-4 tensors channels-first, everything else as is (the graph's resting layout).
   * @param {string} name
   * @param {(number | null)[]} shape Keras shape
   * @returns {Tensor}
   */
  resting(name, shape) {
    return { name, shape, nchw: shape.length === 4 };
  }
}
