/**
 * Pixels → predictions through any ONNX session: preprocess (resize + tensor), run, postprocess, with timings.
 *
 * Written against {@link TensorSession}, a minimal interface, so the same code runs with `onnxruntime-web` in Node
 * (tests, benchmarks) and with `onnxruntime-web/wasm` or `/webgpu` in the worker. {@link adaptOrtSession} wraps a real
 * ORT session given the ORT module it came from (each build has its own `Tensor` class).
 */

import type { ModelSpec } from '../model/spec';
import { type OutputData, postprocess } from './postprocess';
import type { Prediction } from './prediction';
import { Preprocessor } from './preprocess';
import type { PixelBuffer } from './resize';
import type { TensorData } from './to-tensor';

/** A tensor as plain data. */
export interface PlainTensor extends OutputData {
  dims: readonly number[];
}

/** What the pipeline needs from an inference session. */
export interface TensorSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorData>, outputNames?: readonly string[]): Promise<Record<string, PlainTensor>>;
}

export interface PipelineResult {
  predictions: Prediction[];
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
}

const now = () => performance.now();

/** One preprocessor per model input, so its filter plan and buffers are kept from one photo to the next. */
const preprocessors = new WeakMap<ModelSpec['input'], Preprocessor>();

export function preprocessorFor(spec: ModelSpec): Preprocessor {
  let p = preprocessors.get(spec.input);
  if (!p) {
    p = new Preprocessor(spec.input);
    preprocessors.set(spec.input, p);
  }
  return p;
}

/** Pixels → the model's input tensor (resize per the spec, then layout/dtype/normalisation), in a buffer of its own. */
export function preprocess(spec: ModelSpec, pixels: PixelBuffer): TensorData {
  return preprocessorFor(spec).run(pixels);
}

export function inputNameOf(session: TensorSession, spec: ModelSpec): string {
  const name = spec.input.name ?? session.inputNames[0];
  if (!name || !session.inputNames.includes(name)) {
    throw new Error(`model has no input named ${JSON.stringify(name)} (inputs: ${session.inputNames.join(', ')})`);
  }
  return name;
}

export function outputNameOf(session: TensorSession, spec: ModelSpec): string {
  const name = spec.output.name ?? session.outputNames[0];
  if (!name || !session.outputNames.includes(name)) {
    throw new Error(`model has no output named ${JSON.stringify(name)} (outputs: ${session.outputNames.join(', ')})`);
  }
  return name;
}

/** Runs an already-built input tensor and returns the raw output tensor. */
export async function runTensor(session: TensorSession, spec: ModelSpec, input: TensorData): Promise<PlainTensor> {
  const inputName = inputNameOf(session, spec);
  const outputName = outputNameOf(session, spec);
  const outputs = await session.run({ [inputName]: input }, [outputName]);
  const out = outputs[outputName];
  if (!out) throw new Error(`session returned no ${outputName}`);
  return out;
}

/**
 * Classifies decoded pixels. Errors from session.run propagate unchanged (the caller maps them to
 * `inference-failed`).
 */
export async function classifyPixels(
  session: TensorSession,
  spec: ModelSpec,
  pixels: PixelBuffer,
  topK = 5,
): Promise<PipelineResult> {
  const t0 = now();
  const preprocessor = preprocessorFor(spec);
  const input = preprocessor.run(pixels);
  const t1 = now();
  let output: PlainTensor;
  try {
    output = await runTensor(session, spec, input);
  } finally {
    preprocessor.release(input);
  }
  const t2 = now();
  const predictions = postprocess(output, spec.output, spec.labels, topK);
  const t3 = now();
  return { predictions, preprocessMs: t1 - t0, inferenceMs: t2 - t1, postprocessMs: t3 - t2 };
}

/** The parts of an `onnxruntime-web` module and session that {@link adaptOrtSession} uses. */
export interface OrtModuleLike {
  Tensor: new (type: TensorData['type'], data: TensorData['data'], dims: readonly number[]) => unknown;
}
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: ORT's feeds/fetches types differ between builds; checked at the edges.
  run(feeds: any, fetches?: any): Promise<Record<string, any>>;
}

/** Wraps an ORT session (from the given ORT module) as a {@link TensorSession}. */
export function adaptOrtSession(ort: OrtModuleLike, session: OrtSessionLike): TensorSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputNames) {
      const ortFeeds: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const results = outputNames ? await session.run(ortFeeds, [...outputNames]) : await session.run(ortFeeds);
      const out: Record<string, PlainTensor> = {};
      for (const [name, t] of Object.entries(results)) {
        out[name] = { type: t.type as string, data: t.data as ArrayLike<number>, dims: t.dims as number[] };
      }
      return out;
    },
  };
}
