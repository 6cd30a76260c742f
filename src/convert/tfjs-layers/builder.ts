/**
 * A tiny in-memory ONNX graph under construction: nodes, float/int64 initialisers, graph inputs and outputs, plus
 * the weight store the layer converters read from. `src/onnx/write-onnx.ts` encodes it.
 *
 * Layout convention: a rank-4 Keras tensor (NHWC) is kept as NCHW inside the ONNX graph (ONNX Conv/Pool are
 * channels-first); `Tensor.shape` always holds the *Keras* (NHWC) shape with `null` for the batch dimension, and
 * `Tensor.nchw` says whether the ONNX value is the channels-first transpose of it.
 */
import type { OnnxAttribute, OnnxInitializer, OnnxNode, OnnxValueInfo } from '../../onnx/write-onnx';
import type { Weight } from './weights';

/** A value in the graph under construction. */
export interface Tensor {
  name: string;
  /** The Keras (channels-last) shape, `null` where unknown (always the batch dimension). */
  shape: (number | null)[];
  /** True when the ONNX value is the NCHW transpose of the Keras NHWC tensor. */
  nchw: boolean;
}

/** Transposes a dense row-major array. */
export function transpose<T extends Float32Array | Uint8Array>(
  data: T,
  shape: number[],
  perm: number[],
): { data: T; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p] as number);
  const inStrides: number[] = new Array(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] as number) * (shape[i + 1] as number);
  const strides = perm.map((p) => inStrides[p] as number);
  const out = (data instanceof Uint8Array ? new Uint8Array(data.length) : new Float32Array(data.length)) as T;
  const idx: number[] = new Array(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += (idx[d] as number) * (strides[d] as number);
    out[o] = data[src] as number;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (outShape[d] as number)) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** A weight's shape as the topology implies it; `null` where the topology leaves a dimension open. */
export type ExpectedShape = readonly (number | null | undefined)[];

/** Whether a weight's shape is what the topology implies (open dimensions match anything). */
function fitsShape(shape: readonly number[], expected: ExpectedShape): boolean {
  return shape.length === expected.length && expected.every((d, i) => d == null || d === shape[i]);
}

/** NHWC axis → NCHW axis. */
export const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1];

export class GraphBuilder {
  readonly weights: ReadonlyMap<string, Weight>;
  readonly keepQuantizedWeights: boolean;
  /** Names of the weights some layer has read. */
  readonly usedWeights = new Set<string>();
  readonly nodes: Required<OnnxNode>[] = [];
  readonly initializers: OnnxInitializer[] = [];
  readonly inputs: OnnxValueInfo[] = [];
  readonly outputs: OnnxValueInfo[] = [];
  private readonly names = new Set<string>();

  constructor(weights: ReadonlyMap<string, Weight>, options: { keepQuantizedWeights?: boolean } = {}) {
    this.weights = weights;
    this.keepQuantizedWeights = options.keepQuantizedWeights === true;
  }

  /** A graph-wide unique value/node name derived from `base`. */
  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node with one output and returns the output's name; `base` is the name hint. */
  node(op: string, inputs: string[], base: string, attrs: Record<string, OnnxAttribute> = {}): string {
    const output = this.unique(base);
    this.nodes.push({ op, name: this.unique(`${base}/${op}`), inputs, outputs: [output], attrs });
    return output;
  }

  constF32(base: string, dims: number[], data: Float32Array | number[]): string {
    const name = this.unique(base);
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const size = dims.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`initialiser ${name}: ${values.length} values for dims [${dims}]`);
    this.initializers.push({ name, dims, type: 'float32', data: values });
    return name;
  }

  /**
   * A weight tensor transposed by `perm` and reshaped to `dims` (default: the transposed shape). With
   * keepQuantizedWeights, a uint8-quantised weight stays uint8 in the file (4× smaller) and is dequantised by
   * Gather(table, Cast(q → int32)), which ONNX Runtime constant-folds when the session is created; otherwise it is
   * stored as float32.
   */
  weightConst(base: string, weight: Weight, perm: number[], dims?: number[]): string {
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

  /** A 1-D int64 constant. */
  constI64(base: string, values: number[]): string {
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
   * @param scope names of the enclosing models, outermost first
   * @param key e.g. "kernel"
   * @param expected the shape the layer's config implies; a weight of another shape is refused, naming the layer
   */
  weight(scope: string[], layer: string, key: string, expected?: ExpectedShape): Weight {
    const found = this.findWeight(scope, layer, key);
    if (!found) throw new Error(`layer "${layer}": weight "${layer}/${key}" not found in the weights manifest`);
    if (expected && !fitsShape(found.shape, expected)) {
      throw new Error(
        `layer "${layer}": the weights do not match the topology: weight "${key}" has shape [${found.shape}] in the weights manifest, but the layer needs [${expected.map((d) => d ?? '?')}]`,
      );
    }
    return found;
  }

  findWeight(scope: string[], layer: string, key: string): Weight | undefined {
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

  /** Returns the tensor as channels-last (the Keras layout), adding a Transpose if it is held as NCHW. */
  toNhwc(t: Tensor): Tensor {
    if (!t.nchw) return t;
    return {
      name: this.node('Transpose', [t.name], `${t.name}_nhwc`, { perm: [0, 2, 3, 1] }),
      shape: t.shape,
      nchw: false,
    };
  }

  /** Returns a rank-4 tensor as NCHW, adding a Transpose if it is held as NHWC. */
  toNchw(t: Tensor): Tensor {
    if (t.nchw) return t;
    if (t.shape.length !== 4) throw new Error(`tensor ${t.name} has rank ${t.shape.length}, expected 4`);
    return {
      name: this.node('Transpose', [t.name], `${t.name}_nchw`, { perm: [0, 3, 1, 2] }),
      shape: t.shape,
      nchw: true,
    };
  }
}
