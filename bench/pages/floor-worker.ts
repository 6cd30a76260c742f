/// <reference lib="webworker" />
/**
 * The floor: what the raw model costs in this browser with nothing of OnSight around it. session.run on a
 * pre-made tensor (no decode, no preprocessing, no transfer), same model, same ORT build, same thread count.
 *
 * ORT is loaded with a dynamic import so its pthread helpers (which re-load the script that started them) get a
 * chunk of their own and never run this file's message handler.
 */
import { Preprocessor } from '../../src/vision/preprocess';
import { embeddedInputSpec } from './floor-input-spec';
import type { FloorBuild, FloorInitResult, FloorInput, FloorRequest, FloorResponse } from './floor-protocol';

type Ort = typeof import('onnxruntime-web/wasm');

let ort: Ort | undefined;
let session: import('onnxruntime-web/wasm').InferenceSession | undefined;
let feeds: Record<string, import('onnxruntime-web/wasm').Tensor> | undefined;
let inputName = '';
/** The app's own preprocessor for this model (its spec from the model's metadata), for `tensor`. */
let preprocessor: Preprocessor | undefined;
let photoFeeds: Record<string, import('onnxruntime-web/wasm').Tensor> | undefined;

function makeTensor(o: Ort, type: string, shape: number[]): import('onnxruntime-web/wasm').Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  // Deterministic, photo-like values; the content does not change the cost of a CNN.
  if (type === 'uint8') {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 37) & 255;
    return new o.Tensor('uint8', data, shape);
  }
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = ((i * 37) % 255) / 255;
  return new o.Tensor('float32', data, shape);
}

async function init(modelUrl: string, threads: number, build: FloorBuild = 'wasm'): Promise<FloorInitResult> {
  // The webgpu build is the asyncify .wasm (the one Transformers.js runs on CPU too), here with the wasm EP.
  ort = (build === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as Ort;
  // The same environment and session options as the app's worker (src/inference/worker.ts), so the floor differs
  // from the app only by what the app does around session.run.
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  const t0 = performance.now();
  const response = await fetch(modelUrl);
  if (!response.ok) throw new Error(`model ${modelUrl}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const t1 = performance.now();
  session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  const t2 = performance.now();
  const name = session.inputNames[0];
  if (!name) throw new Error('model has no input');
  const meta = session.inputMetadata[0];
  let type = 'float32';
  let shape = [1, 3, 224, 224];
  if (meta?.isTensor) {
    type = meta.type;
    shape = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  }
  feeds = { [name]: makeTensor(ort, type, shape) };
  inputName = name;
  const input = embeddedInputSpec(bytes);
  preprocessor = typeof input === 'string' ? undefined : new Preprocessor(input);
  return {
    sessionCreateMs: t2 - t1,
    fetchMs: t1 - t0,
    modelBytes: bytes.byteLength,
    inputName: name,
    inputType: type,
    inputShape: shape,
    threads: ort.env.wasm.numThreads ?? threads,
    crossOriginIsolated: self.crossOriginIsolated,
    ortVersion: ort.env.versions.web ?? 'unknown',
    ...(typeof input === 'string' ? { noPhotoTensor: input } : {}),
  };
}

/**
 * The photo's tensor as the app makes it (the app's Preprocessor on the upright pixels), kept for `run(…, 'photo')`.
 * Not timed: the floor's decode is `decode`, and preprocessing is the app's own figure.
 */
async function makePhotoTensor(photo: Blob): Promise<void> {
  if (!ort || !preprocessor) throw new Error('init first (with a model that carries its OnSight spec)');
  const bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const t = preprocessor.run({ data: image.data, width: image.width, height: image.height, channels: 4 });
  // A copy: the preprocessor's buffer goes back to its pool.
  const data = t.data.slice();
  preprocessor.release(t);
  photoFeeds = { [inputName]: new ort.Tensor(t.type, data as Float32Array, [...t.dims]) };
}

async function run(warmup: number, iterations: number, input: FloorInput = 'synthetic'): Promise<number[]> {
  if (!session || !feeds) throw new Error('init first');
  const given = input === 'photo' ? photoFeeds : feeds;
  if (!given) throw new Error('no photo tensor yet (call tensor first)');
  for (let i = 0; i < warmup; i++) await session.run(given);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await session.run(given);
    times.push(performance.now() - t0);
  }
  return times;
}

async function decodeOnce(photo: Blob): Promise<number> {
  const t0 = performance.now();
  const bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  const ms = performance.now() - t0;
  bitmap.close();
  return ms;
}

async function decode(photo: Blob, warmup: number, iterations: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await decodeOnce(photo);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) times.push(await decodeOnce(photo));
  return times;
}

self.onmessage = async (event: MessageEvent<FloorRequest>) => {
  const request = event.data;
  let response: FloorResponse;
  try {
    let value: unknown;
    if (request.type === 'init') value = await init(request.modelUrl, request.threads, request.build);
    else if (request.type === 'run') value = await run(request.warmup, request.iterations, request.input);
    else if (request.type === 'tensor') value = await makePhotoTensor(request.photo);
    else value = await decode(request.photo, request.warmup, request.iterations);
    response = { id: request.id, ok: true, value };
  } catch (error) {
    response = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(response);
};
