/** onnxruntime-web in Node for unit tests: one thread (fixed per process), and a helper to run a model once. */
import * as ort from 'onnxruntime-web';
import { describeSession } from '../../src/model/model-io';
import type { ModelIO } from '../../src/model/types';

ort.env.wasm.numThreads = 1;

export { ort };

export async function createSession(bytes: Uint8Array): Promise<{ session: ort.InferenceSession; io: ModelIO }> {
  // A plain Uint8Array (not a Node Buffer view of a shared pool) keeps ORT happy under every environment.
  const session = await ort.InferenceSession.create(new Uint8Array(bytes));
  return { session, io: describeSession(session) };
}

/** Runs the model's first input/output on one tensor and returns the raw output values as numbers. */
export async function runOnce(
  session: ort.InferenceSession,
  type: 'float32' | 'uint8' | 'float16',
  data: ArrayLike<number> | Uint16Array,
  shape: readonly number[],
): Promise<{ values: number[]; type: string; dims: readonly number[] }> {
  const tensor =
    type === 'float32'
      ? new ort.Tensor('float32', Float32Array.from(data as ArrayLike<number>), shape)
      : type === 'uint8'
        ? new ort.Tensor('uint8', Uint8Array.from(data as ArrayLike<number>), shape)
        : new ort.Tensor('float16', data as Uint16Array, shape);
  const inputName = session.inputNames[0] as string;
  const outputName = session.outputNames[0] as string;
  const result = await session.run({ [inputName]: tensor });
  const out = result[outputName] as ort.Tensor;
  return { values: Array.from(out.data as ArrayLike<number>, Number), type: out.type, dims: out.dims };
}
