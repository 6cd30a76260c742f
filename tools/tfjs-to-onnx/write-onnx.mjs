// @ts-check
/**
 * Serialises a GraphBuilder into an ONNX ModelProto with onnx-proto's protobufjs classes (no hand-made encoder).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX IR version 8 (onnx 1.10, the schema onnx-proto ships); onnxruntime-web 1.30 reads IR ≤ 10. */
export const IR_VERSION = 8;
/** Default-domain opset: 13 has Softmax over any axis, Clip with min/max inputs, Pad with an int64 pads input. */
export const OPSET = 13;

/**
 * @typedef {import('./builder.mjs').GraphBuilder} GraphBuilder
 * @typedef {import('./builder.mjs').AttrValue} AttrValue
 * @typedef {import('./builder.mjs').ValueInfo} ValueInfo
 */

/**
 * @param {string} name
 * @param {AttrValue} value
 */
function attribute(name, value) {
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

/** @param {ValueInfo} v */
function valueInfo(v) {
  return onnx.ValueInfoProto.create({
    name: v.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: v.dims.map((d) =>
            onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

/**
 * @param {{
 *   graph: GraphBuilder,
 *   graphName: string,
 *   producerVersion?: string,
 *   docString?: string,
 *   metadata?: Record<string, string>,
 * }} args
 * @returns {Uint8Array} the encoded model
 */
export function writeOnnx({ graph, graphName, producerVersion = '1', docString, metadata = {} }) {
  const DT = onnx.TensorProto.DataType;
  const initializer = graph.initializers.map((init) => {
    const bytes = new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
    return onnx.TensorProto.create({
      name: init.name,
      dims: init.dims,
      dataType: { float32: DT.FLOAT, float64: DT.DOUBLE, int64: DT.INT64, uint8: DT.UINT8 }[init.type],
      rawData: bytes, // little-endian, as ONNX requires (this tool runs on little-endian hosts only)
    });
  });
  const node = graph.nodes.map((n) =>
    onnx.NodeProto.create({
      name: n.name,
      opType: n.op,
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
    }),
  );
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
    producerName: 'onsight-tfjs-to-onnx',
    producerVersion,
    docString,
    graph: onnx.GraphProto.create({
      name: graphName,
      node,
      initializer,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    }),
    metadataProps: Object.entries(metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  });
  const err = onnx.ModelProto.verify(model);
  if (err) throw new Error(`internal error, invalid ModelProto: ${err}`);
  return onnx.ModelProto.encode(model).finish();
}
