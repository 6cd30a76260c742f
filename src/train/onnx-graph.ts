/**
 * A decoded ONNX graph with the look-ups that graph surgery needs: which node produces a tensor, which tensors are
 * constants (initialisers and what is computed from them alone), the static shape of a constant, and pruning a graph
 * down to what its outputs need. Decoding and encoding are onnx-proto's (protobufjs) classes, as in
 * `src/onnx/write-onnx.ts`; no Node API, so it runs in the inference worker.
 */
import onnxProto from 'onnx-proto';
import { toNumber } from '../onnx/onnx-fields';

export const { onnx } = onnxProto;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type NodeProto = onnxProto.onnx.INodeProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** ONNX TensorProto element types used here. */
export const ELEM = onnx.TensorProto.DataType;

/** Decodes ModelProto bytes; throws a plain message when they are not a model with a graph. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) throw new Error('not an ONNX model: it has no graph');
  return model;
}

export function encodeModel(model: ModelProto): Uint8Array {
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`internal error, invalid ModelProto: ${err}`);
  return onnx.ModelProto.encode(model).finish();
}

/** A node's name for messages: its name when it has one, else its op and first output. */
export function describeNode(node: NodeProto): string {
  return node.name ? `"${node.name}" (${node.opType})` : `${node.opType} → "${node.output?.[0] ?? '?'}"`;
}

/** Read-only indexes over one graph. */
export class GraphIndex {
  readonly graph: GraphProto;
  readonly nodes: NodeProto[];
  /** Tensor name → the node that outputs it. */
  readonly producer = new Map<string, NodeProto>();
  readonly initializers = new Map<string, TensorProto>();
  /** Initialisers, Constant nodes' outputs, and outputs of nodes whose inputs are all constant. */
  readonly constants = new Set<string>();

  constructor(graph: GraphProto) {
    this.graph = graph;
    this.nodes = graph.node ?? [];
    for (const init of graph.initializer ?? []) if (init.name) this.initializers.set(init.name, init);
    for (const name of this.initializers.keys()) this.constants.add(name);
    for (const node of this.nodes) {
      for (const out of node.output ?? []) if (out) this.producer.set(out, node);
      const inputs = (node.input ?? []).filter((i) => i !== '');
      const constant = node.opType === 'Constant' || (inputs.length > 0 && inputs.every((i) => this.constants.has(i)));
      if (constant) for (const out of node.output ?? []) if (out) this.constants.add(out);
    }
  }

  isConstant(name: string): boolean {
    return this.constants.has(name);
  }

  /** The non-constant inputs of a node (the activations flowing through it). */
  dataInputs(node: NodeProto): string[] {
    return (node.input ?? []).filter((i) => i !== '' && !this.constants.has(i));
  }

  /** The graph inputs that are fed at run time (older IRs also list initialisers as inputs). */
  runtimeInputs(): ValueInfoProto[] {
    return (this.graph.input ?? []).filter((v) => v.name && !this.initializers.has(v.name));
  }

  /**
   * The static shape of a constant tensor, following the constant-folding chains converters write (a quantised weight
   * read through Cast + Gather from a lookup table, a DequantizeLinear, a Transpose...). Undefined when unknown.
   */
  constantShape(name: string, depth = 0): number[] | undefined {
    const init = this.initializers.get(name);
    if (init) return (init.dims ?? []).map(toNumber);
    const node = this.producer.get(name);
    if (!node || depth > 16) return undefined;
    const [first, second] = node.input ?? [];
    switch (node.opType) {
      case 'Constant': {
        const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
        return value ? (value.dims ?? []).map(toNumber) : undefined;
      }
      case 'Identity':
      case 'Cast':
      case 'DequantizeLinear':
      case 'QuantizeLinear':
      case 'Relu':
      case 'Neg':
        return first ? this.constantShape(first, depth + 1) : undefined;
      case 'Gather': {
        // A lookup table (1-D data, axis 0) indexed by a tensor has the index tensor's shape.
        const data = first ? this.constantShape(first, depth + 1) : undefined;
        const axis = intAttribute(node, 'axis') ?? 0;
        if (data?.length !== 1 || axis !== 0 || !second) return undefined;
        return this.constantShape(second, depth + 1);
      }
      case 'Transpose': {
        const shape = first ? this.constantShape(first, depth + 1) : undefined;
        if (!shape) return undefined;
        const perm = intsAttribute(node, 'perm') ?? shape.map((_, i) => shape.length - 1 - i);
        return perm.map((p) => shape[p] ?? -1);
      }
      default:
        return undefined;
    }
  }

  /** Declared shape of a tensor from the graph's value_info, inputs or outputs, if any. */
  declaredShape(name: string): (number | string)[] | undefined {
    const all = [...(this.graph.valueInfo ?? []), ...(this.graph.output ?? []), ...(this.graph.input ?? [])];
    const info = all.find((v) => v.name === name);
    const dims = info?.type?.tensorType?.shape?.dim;
    if (!dims) return undefined;
    return dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue) : '?'));
  }
}

export function intAttribute(node: NodeProto, name: string): number | undefined {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return a?.i != null ? toNumber(a.i) : undefined;
}

function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return a?.ints && a.ints.length > 0 ? a.ints.map(toNumber) : undefined;
}

/** Every tensor name a node reads, including the outer-scope names used inside its subgraphs (If, Loop, Scan). */
function namesRead(node: NodeProto): string[] {
  const names = (node.input ?? []).filter((i) => i !== '');
  for (const attr of node.attribute ?? []) {
    for (const sub of [attr.g, ...(attr.graphs ?? [])]) {
      for (const inner of sub?.node ?? []) names.push(...namesRead(inner));
    }
  }
  return names;
}

/**
 * Keeps only the nodes, initialisers, runtime inputs and value_info that the graph's outputs need (nodes are in
 * topological order in a valid ONNX graph, so one backward pass finds them). Mutates the graph.
 */
export function pruneGraph(graph: GraphProto): void {
  const needed = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const kept: NodeProto[] = [];
  const nodes = graph.node ?? [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as NodeProto;
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const name of namesRead(node)) needed.add(name);
  }
  graph.node = kept.reverse();
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  graph.sparseInitializer = (graph.sparseInitializer ?? []).filter((t) => needed.has(t.values?.name ?? ''));
  graph.input = (graph.input ?? []).filter((v) => needed.has(v.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? ''));
}

/** A float32 graph output/input description with the given dims (a string is a symbolic dimension). */
export function floatValueInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: ELEM.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

/** A float32 initialiser stored as raw little-endian bytes (every host a browser runs on is little-endian). */
export function floatInitializer(name: string, dims: number[], data: Float32Array): TensorProto {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: ELEM.FLOAT,
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  });
}

/** The batch dimension of the graph's first runtime input (a symbolic name or a number), for output shapes. */
export function batchDimension(index: GraphIndex): number | string {
  const dims = index.runtimeInputs()[0]?.type?.tensorType?.shape?.dim;
  const first = dims?.[0];
  if (first?.dimParam) return first.dimParam;
  if (first?.dimValue != null) return toNumber(first.dimValue);
  return 'batch';
}
