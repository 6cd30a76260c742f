/**
 * The smallest useful ONNX model: one Identity node, float32 `x` [1] → `y` [1] (IR 7, opset 13), 65 bytes.
 *
 * onnxruntime-web 1.30 has no public call that initialises a backend without a model (onnxruntime-common's
 * `resolveBackendAndExecutionProviders` is internal; the package only exports `registerBackend`). ORT initialises the
 * backend (fetches and compiles the .wasm, starts its thread pool) inside the first `InferenceSession.create`, so the
 * worker creates and releases a session for this model while the real model is still downloading.
 *
 * Generated with onnx-proto (not hand-encoded):
 *   const T = onnx.TensorProto.DataType;
 *   const vi = (name) => ({ name, type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } });
 *   onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }],
 *     graph: { name: 'g', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [vi('x')],
 *     output: [vi('y')] } })).finish()
 * tests/unit/pipeline-ort-warmup-model.test.ts decodes it with onnx-proto and runs it through onnxruntime-web.
 */
export const ORT_WARMUP_MODEL: Uint8Array = new Uint8Array([
  8, 7, 58, 55, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 1, 103, 90, 15, 10, 1,
  120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10,
  0, 16, 13,
]);
