/**
 * Encodes an ONNX model described in plain data (nodes, initialisers, inputs, outputs, metadata) into ModelProto
 * bytes with onnx-proto's protobufjs classes (no hand-made encoder). Runs in the browser, in workers and in Node:
 * no Node API inside.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX IR version 8 (onnx 1.10, the schema onnx-proto ships); onnxruntime-web 1.30 reads IR ≤ 10. */
export const IR_VERSION = 8;
/** Default-domain opset: 13 has Softmax over any axis, Clip with min/max inputs, Pad with an int64 pads input. */
export const OPSET = 13;

/** An attribute value: an integer, a list of integers, a string, or a float (wrapped, as JS numbers are ambiguous). */
export type OnnxAttribute = number | number[] | string | { float: number };

export interface OnnxNode {
  op: string;
  /** Omitted from the file when absent (ONNX node names are optional). */
  name?: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, OnnxAttribute>;
}

export type OnnxTensorType = 'float32' | 'float64' | 'int64' | 'uint8';

/** A constant tensor; its data is written as raw little-endian bytes. */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  type: OnnxTensorType;
  data: Float32Array | Float64Array | BigInt64Array | Uint8Array;
}

/** A graph input or output; a string dimension is symbolic (e.g. "batch"). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
  /** Element type, float32 when absent. */
  type?: OnnxTensorType;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers?: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  /** Defaults to {@link IR_VERSION}. */
  irVersion?: number;
  /** Default-domain opset, defaults to {@link OPSET}. */
  opset?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** ModelProto `metadata_props`, in insertion order. */
  metadata?: Record<string, string>;
}

const DT = onnx.TensorProto.DataType;
const DATA_TYPES: Record<OnnxTensorType, number> = {
  float32: DT.FLOAT,
  float64: DT.DOUBLE,
  int64: DT.INT64,
  uint8: DT.UINT8,
};

/** Typed arrays hold host-order bytes and ONNX raw data is little-endian; every browser host is, but say so if not. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function attribute(name: string, value: OnnxAttribute) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new Error(`attribute ${name}: ${value} is not an integer; wrap floats as {float}`);
    return onnx.AttributeProto.create({ name, type: T.INT, i: value });
  }
  if (typeof value === 'string')
    return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value });
  return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
}

function valueInfo(v: OnnxValueInfo) {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: DATA_TYPES[v.type ?? 'float32'],
        shape: onnx.TensorShapeProto.create({
          dim: v.dims.map((d) =>
            onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

function initializer(init: OnnxInitializer) {
  return onnx.TensorProto.create({
    name: init.name,
    dims: init.dims,
    dataType: DATA_TYPES[init.type],
    rawData: new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength),
  });
}

function node(n: OnnxNode) {
  return onnx.NodeProto.create({
    name: n.name,
    opType: n.op,
    input: n.inputs,
    output: n.outputs,
    attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
  });
}

/** Encodes the model; throws when protobufjs finds the ModelProto invalid (a bug in the caller). */
export function writeOnnx(model: OnnxModel): Uint8Array {
  const { graph } = model;
  const initializers = graph.initializers ?? [];
  if (!HOST_IS_LITTLE_ENDIAN && initializers.length > 0) {
    throw new Error('writeOnnx stores tensors as raw little-endian bytes and this host is big-endian');
  }
  const proto = onnx.ModelProto.create({
    irVersion: model.irVersion ?? IR_VERSION,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: model.opset ?? OPSET })],
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    graph: onnx.GraphProto.create({
      name: graph.name,
      node: graph.nodes.map(node),
      initializer: initializers.map(initializer),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    }),
    metadataProps: Object.entries(model.metadata ?? {}).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
  });
  const err = onnx.ModelProto.verify(proto);
  if (err) throw new Error(`internal error, invalid ModelProto: ${err}`);
  return onnx.ModelProto.encode(proto).finish();
}
