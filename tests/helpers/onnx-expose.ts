/**
 * Test-side ONNX surgery, independent of src/train: a model with one of its intermediate tensors added as an extra
 * graph output (the reference a backbone cut is compared with), and a tensor initialiser's values.
 */
import { onnx } from './tiny-models';

type ElemType = 'float32' | 'uint8';

/** The model with `tensor` exposed as an extra output (of the given element type), everything else unchanged. */
export function withExtraOutput(bytes: Uint8Array, tensor: string, type: ElemType = 'float32'): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const elemType = type === 'uint8' ? onnx.TensorProto.DataType.UINT8 : onnx.TensorProto.DataType.FLOAT;
  model.graph?.output?.push(onnx.ValueInfoProto.create({ name: tensor, type: { tensorType: { elemType } } }));
  return onnx.ModelProto.encode(model).finish();
}

/** The values of a scalar or small initialiser (raw data or the typed field), as numbers. */
export function initializerValues(bytes: Uint8Array, name: string): number[] {
  const model = onnx.ModelProto.decode(bytes);
  const t = model.graph?.initializer?.find((i) => i.name === name);
  if (!t) throw new Error(`no initialiser ${name}`);
  const T = onnx.TensorProto.DataType;
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    if (t.dataType === T.FLOAT) return [...new Float32Array(buf)];
    if (t.dataType === T.UINT8) return [...new Uint8Array(buf)];
    if (t.dataType === T.INT8) return [...new Int8Array(buf)];
    throw new Error(`initialiser ${name}: data type ${t.dataType} not handled`);
  }
  if (t.floatData?.length) return [...t.floatData];
  return (t.int32Data ?? []).map(Number);
}
