/**
 * Expands weights stored as uint8 indices into a 256-entry float table — the converter's compact form,
 * `Gather(table, Cast(q → int32|int64))` (../convert/tfjs-layers/builder.ts `weightConst`) — into plain float32
 * initialisers, and drops the two nodes, before ONNX Runtime sees the model.
 *
 * Why: ORT folds those nodes itself when it creates the session, but on a first visit its folding code runs as
 * baseline-tier WebAssembly, compiled on first call: with the default model's 55 such weights it made session
 * creation ~100–150 ms slower than the same graph with float weights (bench/README.md). The file keeps the compact
 * form (4× smaller to download and store); the expansion costs a few milliseconds of plain JavaScript.
 *
 * Byte level, like ./onnx-fields.ts: only the graph's nodes and initialisers are looked at; every other byte is kept.
 * The float values are the table's, so the session computes exactly what ORT's own folding would have given it.
 */
import protobuf from 'protobufjs/minimal.js';
import { concatBytes, MODEL_FIELDS, scanTopLevel, type TopLevelField, toNumber } from './onnx-fields';

const { Reader, Writer } = protobuf;

/** GraphProto, NodeProto, AttributeProto and TensorProto field numbers (onnx.proto3). */
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { name: 1, i: 3, g: 6, graphs: 11 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
const FLOAT = 1;
const UINT8 = 2;
const INT32 = 6;
const INT64 = 7;
const VARINT = 0;
const LENGTH_DELIMITED = 2;
/**
 * At most this many bytes of float weights are made here (a quantised model of ~64 MB): the expansion holds its copy
 * beside the file until ORT has read it, where ORT's own folding needs none; bigger ones are left to ORT.
 */
export const MAX_EXPANDED_BYTES = 256 * 1024 * 1024;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface NodeInfo {
  field: TopLevelField;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes by name. */
  ints: Map<string, number>;
  /** An attribute holds a graph (If, Loop, Scan…), which may read any outer value: such a model is left as it is. */
  subgraph: boolean;
}

interface TensorInfo {
  field: TopLevelField;
  name: string;
  dataType: number;
  dims: number[];
  /** raw_data, when the tensor keeps its values there (other storage is never expanded). */
  raw?: Uint8Array;
}

const tagOf = (field: number, wireType: number) => (field << 3) | wireType;

function readNode(bytes: Uint8Array, field: TopLevelField): NodeInfo {
  const r = Reader.create(bytes.subarray(field.dataStart, field.end));
  const node: NodeInfo = { field, op: '', domain: '', inputs: [], outputs: [], ints: new Map(), subgraph: false };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === tagOf(NODE.input, LENGTH_DELIMITED)) node.inputs.push(r.string());
    else if (tag === tagOf(NODE.output, LENGTH_DELIMITED)) node.outputs.push(r.string());
    else if (tag === tagOf(NODE.opType, LENGTH_DELIMITED)) node.op = r.string();
    else if (tag === tagOf(NODE.domain, LENGTH_DELIMITED)) node.domain = r.string();
    else if (tag === tagOf(NODE.attribute, LENGTH_DELIMITED)) readAttribute(r.bytes(), node);
    else r.skipType(tag & 7);
  }
  return node;
}

/** Keeps an integer attribute's value, and notes an attribute that holds a graph. */
function readAttribute(bytes: Uint8Array, node: NodeInfo): void {
  const r = Reader.create(bytes);
  let name = '';
  let value: number | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === tagOf(ATTRIBUTE.name, LENGTH_DELIMITED)) name = r.string();
    else if (tag === tagOf(ATTRIBUTE.i, VARINT)) value = toNumber(r.int64());
    else {
      if (tag === tagOf(ATTRIBUTE.g, LENGTH_DELIMITED) || tag === tagOf(ATTRIBUTE.graphs, LENGTH_DELIMITED))
        node.subgraph = true;
      r.skipType(tag & 7);
    }
  }
  if (name && value !== undefined) node.ints.set(name, value);
}

function readTensor(bytes: Uint8Array, field: TopLevelField): TensorInfo {
  const data = bytes.subarray(field.dataStart, field.end);
  const r = Reader.create(data);
  const tensor: TensorInfo = { field, name: '', dataType: 0, dims: [] };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === tagOf(TENSOR.dims, VARINT)) tensor.dims.push(toNumber(r.int64()));
    else if (tag === tagOf(TENSOR.dims, LENGTH_DELIMITED)) {
      const end = r.uint32() + r.pos;
      while (r.pos < end) tensor.dims.push(toNumber(r.int64()));
    } else if (tag === tagOf(TENSOR.dataType, VARINT)) tensor.dataType = r.int32();
    else if (tag === tagOf(TENSOR.name, LENGTH_DELIMITED)) tensor.name = r.string();
    else if (tag === tagOf(TENSOR.rawData, LENGTH_DELIMITED)) {
      const length = r.uint32();
      tensor.raw = data.subarray(r.pos, r.pos + length);
      r.pos += length;
    } else r.skipType(tag & 7);
  }
  return tensor;
}

/**
 * A float32 initialiser as an initializer field of the graph: its tag, lengths and small fields, then the values' own
 * bytes (not copied here; `concatBytes` copies everything once).
 */
function floatInitializer(name: string, dims: number[], values: Float32Array): Uint8Array[] {
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const w = Writer.create();
  for (const d of dims) w.uint32(tagOf(TENSOR.dims, VARINT)).int64(d);
  w.uint32(tagOf(TENSOR.dataType, VARINT)).int32(FLOAT);
  w.uint32(tagOf(TENSOR.name, LENGTH_DELIMITED)).string(name);
  w.uint32(tagOf(TENSOR.rawData, LENGTH_DELIMITED)).uint32(raw.length);
  const fields = w.finish();
  return [fieldHeader(GRAPH.initializer, fields.length + raw.length), fields, raw];
}

/** A length-delimited field's tag and length, for a value of `length` bytes that follows it. */
function fieldHeader(field: number, length: number): Uint8Array {
  return Writer.create().uint32(tagOf(field, LENGTH_DELIMITED)).uint32(length).finish();
}

/**
 * The model with its table-indexed weights expanded to float32, or undefined when it has none (or is not a model this
 * knows how to rewrite safely: subgraphs, a big-endian host, more than `maxBytes` of float weights). Throws only on
 * bytes that are not protobuf.
 */
export function expandLookupWeights(model: Uint8Array, maxBytes = MAX_EXPANDED_BYTES): Uint8Array | undefined {
  if (!HOST_IS_LITTLE_ENDIAN) return undefined;
  const graphs = scanTopLevel(model).filter((f) => f.field === MODEL_FIELDS.graph && f.wireType === LENGTH_DELIMITED);
  const graphField = graphs[0];
  if (graphs.length !== 1 || !graphField) return undefined;
  const graph = model.subarray(graphField.dataStart, graphField.end);
  const fields = scanTopLevel(graph);

  // Nodes first: a model without both ops (most models) is left after this cheap pass.
  const nodes: NodeInfo[] = [];
  for (const f of fields) {
    if (f.field !== GRAPH.node || f.wireType !== LENGTH_DELIMITED) continue;
    const node = readNode(graph, f);
    if (node.subgraph) return undefined;
    nodes.push(node);
  }
  if (!nodes.some((n) => n.op === 'Cast') || !nodes.some((n) => n.op === 'Gather')) return undefined;

  const tensors = new Map<string, TensorInfo>();
  /** How many nodes read each value. */
  const readers = new Map<string, number>();
  /** The graph's inputs and outputs: never dropped, never shadowed (an old model lists its initialisers as inputs). */
  const boundary = new Set<string>();
  for (const node of nodes) for (const input of node.inputs) readers.set(input, (readers.get(input) ?? 0) + 1);
  for (const f of fields) {
    if (f.wireType !== LENGTH_DELIMITED) continue;
    if (f.field === GRAPH.initializer) {
      const tensor = readTensor(graph, f);
      tensors.set(tensor.name, tensor);
    } else if (f.field === GRAPH.input || f.field === GRAPH.output) {
      const r = Reader.create(graph.subarray(f.dataStart, f.end));
      // ValueInfoProto: name = 1.
      while (r.pos < r.len) {
        const tag = r.uint32();
        if (tag === tagOf(1, LENGTH_DELIMITED)) boundary.add(r.string());
        else r.skipType(tag & 7);
      }
    }
  }

  const castOf = new Map<string, NodeInfo>();
  for (const node of nodes) {
    const source = tensors.get(node.inputs[0] ?? '');
    const to = node.ints.get('to');
    if (node.op !== 'Cast' || node.domain !== '' || node.outputs.length !== 1 || !source?.raw) continue;
    if (source.dataType !== UINT8 || (to !== INT32 && to !== INT64)) continue;
    castOf.set(node.outputs[0] ?? '', node);
  }

  const dropped = new Set<TopLevelField>();
  const added: Uint8Array[] = [];
  let expandedBytes = 0;
  for (const gather of nodes) {
    if (gather.op !== 'Gather' || gather.domain !== '' || gather.inputs.length !== 2 || gather.outputs.length !== 1)
      continue;
    const [tableName = '', indexName = ''] = gather.inputs;
    const table = tensors.get(tableName);
    const cast = castOf.get(indexName);
    const quantized = tensors.get(cast?.inputs[0] ?? '');
    const output = gather.outputs[0] ?? '';
    if (!cast || !quantized?.raw || !table?.raw || (gather.ints.get('axis') ?? 0) !== 0) continue;
    if (table.dataType !== FLOAT || table.dims.length !== 1 || table.dims[0] !== 256 || table.raw.length !== 1024)
      continue;
    // The index is read by this Gather alone; an output that is also an initialiser is not ours to shadow.
    if (readers.get(indexName) !== 1 || boundary.has(indexName) || tensors.has(output) || boundary.has(output))
      continue;
    expandedBytes += quantized.raw.length * 4;
    if (expandedBytes > maxBytes) return undefined;
    const lookup = new Float32Array(256);
    new Uint8Array(lookup.buffer).set(table.raw);
    const indices = quantized.raw;
    const values = new Float32Array(indices.length);
    for (let i = 0; i < indices.length; i++) values[i] = lookup[indices[i] as number] as number;
    added.push(...floatInitializer(output, quantized.dims, values));
    dropped.add(gather.field);
    dropped.add(cast.field);
    readers.set(indexName, 0);
    for (const name of [tableName, quantized.name]) {
      const left = (readers.get(name) ?? 0) - 1;
      readers.set(name, left);
      const tensor = tensors.get(name);
      if (left === 0 && tensor && !boundary.has(name)) dropped.add(tensor.field);
    }
  }
  if (added.length === 0) return undefined;

  const kept: Uint8Array[] = [];
  let copyFrom = 0;
  for (const f of fields) {
    if (!dropped.has(f)) continue;
    kept.push(graph.subarray(copyFrom, f.start));
    copyFrom = f.end;
  }
  kept.push(graph.subarray(copyFrom));
  const graphChunks = [...kept, ...added];
  return concatBytes([
    model.subarray(0, graphField.start),
    fieldHeader(
      MODEL_FIELDS.graph,
      graphChunks.reduce((n, c) => n + c.length, 0),
    ),
    ...graphChunks,
    model.subarray(graphField.end),
  ]);
}
