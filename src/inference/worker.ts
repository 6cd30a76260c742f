/**
 * The inference worker: decodes photos, runs the model with onnxruntime-web, returns ranked predictions.
 *
 * Traps handled (see notes/platform.md):
 * - ORT starts its pthreads with `new Worker(import.meta.url, { name: 'em-pthread…' })`; when ORT is bundled into the
 *   file that loads it, that re-runs *this* module inside every helper thread. So ORT is only loaded through dynamic
 *   `import()` (its own chunk, which is what the threads load), and this module exposes its API only when it is not a
 *   pthread.
 * - Only the ORT build the backend needs is loaded: `onnxruntime-web/wasm` (CPU, 14 MB .wasm) or
 *   `onnxruntime-web/webgpu` (27 MB). Vite emits the .wasm hashed on our own origin; `wasmPaths` is never set.
 * - A backend that fails to initialise is dead for the life of the page (ORT marks it aborted), so each backend
 *   attempt runs in a fresh worker; the client does that.
 */
import * as Comlink from 'comlink';
import { describeSession, resolveModelSpec } from '../model/resolve-spec';
import { type ModelSpec, SPEC_METADATA_KEY } from '../model/spec';
import { NotOnnxError, readOnnxMetadata } from '../onnx/read-onnx-metadata';
import { adaptOrtSession, classifyPixels, preprocess, runTensor, type TensorSession } from '../vision/pipeline';
import { postprocess } from '../vision/postprocess';
import type { PixelBuffer } from '../vision/resize';
import { sniffImageFormat, sniffImageSize } from './image-sniff';
import { ORT_WARMUP_MODEL } from './ort-warmup-model';
import {
  type ClassifyOutcome,
  type GpuProbe,
  type LoadOutcome,
  type LoadProgress,
  MAX_PIXELS,
  type WorkerApi,
  type WorkerLoaded,
  type WorkerLoadRequest,
} from './protocol';
import type { Backend } from './types';

type Ort = typeof import('onnxruntime-web/wasm');
type OrtSession = import('onnxruntime-web/wasm').InferenceSession;

interface Loaded {
  ort: Ort;
  raw: OrtSession;
  session: TensorSession;
  spec: ModelSpec;
}

let current: Loaded | undefined;
let ortPromise: Promise<Ort> | undefined;
let ortBackend: Backend | undefined;
let runtimePromise: Promise<RuntimeStart> | undefined;

/** Most threads a request may ask for (ORT's pool beyond this only adds start-up cost on a phone or laptop). */
const MAX_THREADS = 16;

/**
 * The thread count ORT gets: `requested` when given (1..16), else min(4, cores); always 1 without
 * crossOriginIsolated (no SharedArrayBuffer, so ORT would warn and use 1 anyway).
 */
function threadCount(requested: number | undefined): number {
  if (!self.crossOriginIsolated) return 1;
  if (requested !== undefined && Number.isFinite(requested))
    return Math.min(MAX_THREADS, Math.max(1, Math.floor(requested)));
  const hc = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  return Math.min(4, hc);
}

/** The ORT build for `backend`, loaded once per worker and configured for `threads` (fixed at ORT's first use). */
function loadOrt(backend: Backend, threads: number): Promise<Ort> {
  if (ortPromise && ortBackend === backend) return ortPromise;
  if (ortPromise) throw new Error(`this worker already runs ORT's ${ortBackend} build`);
  ortBackend = backend;
  ortPromise = (backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm')).then(
    (ort) => {
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.simd = true;
      ort.env.wasm.proxy = false;
      // ORT's warnings (e.g. "Could not find a CPU kernel and hence can't constant fold", one per node) reach the console
      // as errors; keep real errors only.
      ort.env.logLevel = 'error';
      return ort as Ort;
    },
  );
  return ortPromise;
}

/**
 * ORT initialises its backend (instantiates the .wasm, allocates its memory, starts its thread pool) inside the first
 * `InferenceSession.create`, before it looks at the model, and reports a failure there as
 * `no available backend found. ERR: [wasm] RangeError: Out of memory` (onnxruntime-common's backend-impl; the original
 * error survives only as text). That prefix is how a runtime failure is told apart from ORT refusing the model, which
 * reads `Can't create a session. ERROR_CODE: 7, ... protobuf parsing failed` (both checked with ORT 1.30 in Node).
 * Returns the backend's own error text, or undefined when the error is not a backend-initialisation failure.
 */
function backendInitFailure(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const m = /^no available backend found\. ERR: (.*)$/s.exec(message);
  if (!m) return undefined;
  return (m[1] ?? '').replace(/^\[[\w-]+\]\s*/, '') || message;
}

/** The ORT runtime, started: `ort` ready for sessions, or the `runtime`-stage failure to report. */
type RuntimeStart = { ok: true; ort: Ort } | { ok: false; failure: Extract<LoadOutcome, { ok: false }> };

/**
 * Loads ORT's build for `backend` and initialises its backend (downloads and compiles the .wasm, starts the thread
 * pool) by creating and releasing a session for a one-node model, so that this can overlap the model's download.
 * Once per worker; never rejects. A failure to import ORT or to start its backend becomes the same `runtime` outcome
 * the real session create would give; any other warm-up error is ignored, leaving the real create to report it.
 */
function startRuntime(backend: Backend, threads: number): Promise<RuntimeStart> {
  if (runtimePromise && ortBackend === backend) return runtimePromise;
  const start = (async (): Promise<RuntimeStart> => {
    let ort: Ort;
    try {
      ort = await loadOrt(backend, threads);
    } catch (e) {
      const cause = errorText(e);
      return {
        ok: false,
        failure: {
          ok: false,
          stage: 'runtime',
          threads,
          cause,
          message: `could not load onnxruntime-web's ${backend} build: ${cause}`,
        },
      };
    }
    try {
      const warm = await createSession(ort, ORT_WARMUP_MODEL, backend);
      await warm.release().catch(() => undefined);
    } catch (e) {
      const initFailure = backendInitFailure(e);
      if (initFailure !== undefined) return { ok: false, failure: runtimeStartFailure(backend, threads, initFailure) };
    }
    return { ok: true, ort };
  })();
  // Cached only for the build this worker runs (a request for another build gets loadOrt's refusal, uncached).
  if (ortBackend === backend) runtimePromise ??= start;
  return start;
}

function runtimeStartFailure(backend: Backend, threads: number, cause: string): Extract<LoadOutcome, { ok: false }> {
  const where = threads > 1 ? ` with ${threads} threads` : '';
  return {
    ok: false,
    stage: 'runtime',
    threads,
    cause,
    message: `onnxruntime-web's ${backend} backend failed to start${where}: ${cause}`,
  };
}

async function fetchWithProgress(url: string, onProgress?: (p: LoadProgress) => void): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} for ${url}`);
  const header = Number(res.headers.get('Content-Length'));
  // With Content-Encoding the header counts compressed bytes; the body yields more. Report no total then.
  let total: number | undefined = header > 0 && !res.headers.get('Content-Encoding') ? header : undefined;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  onProgress?.({ phase: 'downloading', loadedBytes: 0, totalBytes: total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    if (total !== undefined && loaded > total) total = undefined;
    const t = performance.now();
    if (t - lastReport > 50) {
      lastReport = t;
      onProgress?.({ phase: 'downloading', loadedBytes: loaded, totalBytes: total });
    }
  }
  onProgress?.({ phase: 'downloading', loadedBytes: loaded, totalBytes: total ?? loaded });
  const bytes = new Uint8Array(loaded);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.byteLength;
  }
  return bytes;
}

/**
 * `<model>.onsight.json` and `labels.txt` beside a deployed model's URL, as companion files for resolveModelSpec.
 * Missing files (404), network errors and HTML answers (a host's single-page fallback) are skipped quietly.
 */
async function fetchSidecars(modelUrl: string, fileName: string): Promise<File[]> {
  const names = [`${fileName.replace(/\.onnx$/i, '')}.onsight.json`, 'labels.txt'];
  const found = await Promise.all(
    names.map(async (name) => {
      try {
        const res = await fetch(new URL(name, modelUrl));
        if (!res.ok || /text\/html/i.test(res.headers.get('Content-Type') ?? '')) return undefined;
        return new File([await res.blob()], name);
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((f): f is File => f !== undefined);
}

function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || 'model.onnx');
  } catch {
    return 'model.onnx';
  }
}

/** A deterministic, photo-like test image for warm-up and backend comparison. */
function syntheticPixels(spec: ModelSpec): PixelBuffer {
  const width = spec.input.width;
  const height = spec.input.height;
  const data = new Uint8Array(width * height * 4);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : ((i >> 2) % width) + (s >>> 28);
  }
  return { data, width, height, channels: 4 };
}

async function timeRuns(
  session: TensorSession,
  spec: ModelSpec,
  runs: number,
): Promise<{ ms: number; scores: number[] }> {
  const input = preprocess(spec, syntheticPixels(spec));
  let best = Number.POSITIVE_INFINITY;
  let scores: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const out = await runTensor(session, spec, input);
    best = Math.min(best, performance.now() - t);
    scores = postprocess(out, spec.output, spec.labels, 0)
      .sort((a, b) => a.index - b.index)
      .map((p) => p.score);
  }
  return { ms: best, scores };
}

async function createSession(ort: Ort, bytes: Uint8Array, ep: Backend): Promise<OrtSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

async function loadModel(request: WorkerLoadRequest, onProgress?: (p: LoadProgress) => void): Promise<LoadOutcome> {
  const { source, backend } = request;
  // 0. Start ORT now (import, .wasm download and compile, threads) so it overlaps the model's download; its outcome is
  // only looked at in step 3, so fetch and model errors keep their precedence.
  const threads = threadCount(request.threads);
  const runtime = startRuntime(backend, threads);
  // 1. Bytes.
  let bytes: Uint8Array;
  let fileName: string;
  let companions: File[] = [];
  try {
    if (source.kind === 'url') {
      bytes = await fetchWithProgress(source.url, onProgress);
      fileName = fileNameOf(source.url);
    } else {
      const model =
        source.files.find((f) => /\.onnx$/i.test(f.name)) ?? (source.files.length === 1 ? source.files[0] : undefined);
      if (!model) return { ok: false, stage: 'model', message: 'no .onnx file among the files given' };
      fileName = model.name;
      companions = source.files.filter((f) => f !== model);
      bytes = new Uint8Array(await model.arrayBuffer());
    }
  } catch (e) {
    return { ok: false, stage: 'fetch', message: `could not load the model: ${(e as Error).message}` };
  }
  onProgress?.({ phase: 'initialising', loadedBytes: bytes.byteLength, totalBytes: bytes.byteLength });

  // 2. Is it ONNX? (ORT's own error for a non-ONNX file is unhelpful.)
  let metadata: ReturnType<typeof readOnnxMetadata>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (e) {
    return {
      ok: false,
      stage: 'model',
      message: e instanceof NotOnnxError ? e.message : `could not read the model: ${(e as Error).message}`,
    };
  }

  // 2b. A deployed model without an embedded spec may have its spec and labels beside it on the server.
  if (source.kind === 'url' && metadata.metadata[SPEC_METADATA_KEY] === undefined) {
    companions = await fetchSidecars(source.url, fileName);
  }

  // 3. Session on the requested backend. A failure to load or start ORT itself is stage `runtime` (the client may
  // retry it with one thread); ORT refusing this model is stage `session`.
  const started = await runtime;
  if (!started.ok) return started.failure;
  const { ort } = started;
  let raw: OrtSession;
  let createMs: number;
  try {
    const t = performance.now();
    raw = await createSession(ort, bytes, backend);
    createMs = performance.now() - t;
  } catch (e) {
    const initFailure = backendInitFailure(e);
    if (initFailure !== undefined) return runtimeStartFailure(backend, threads, initFailure);
    return { ok: false, stage: 'session', message: `${backend} session failed: ${errorText(e)}` };
  }

  // 4. Spec from metadata, companions and the session's inputs/outputs.
  let spec: ModelSpec;
  let specSummary: string;
  let warnings: string[];
  try {
    const resolved = await resolveModelSpec({
      modelFileName: fileName,
      metadata,
      companions,
      io: describeSession(raw),
      overrides: source.overrides,
    });
    spec = resolved.spec;
    specSummary = resolved.summary;
    warnings = resolved.warnings;
  } catch (e) {
    await raw.release().catch(() => undefined);
    return { ok: false, stage: 'spec', message: (e as Error).message };
  }

  // 5. Warm-up (and, for auto on a real GPU, a measured comparison with WASM).
  let session = adaptOrtSession(ort, raw);
  let chosen: Backend = backend;
  let backendReason = request.backendReason;
  let warmupMs: number;
  try {
    const t = performance.now();
    const first = await timeRuns(session, spec, 1);
    warmupMs = performance.now() - t;
    if (backend === 'webgpu' && request.compareWithWasm) {
      const gpu = await timeRuns(session, spec, 3);
      const cpuRaw = await createSession(ort, bytes, 'wasm');
      const cpuSession = adaptOrtSession(ort, cpuRaw);
      await timeRuns(cpuSession, spec, 1);
      const cpu = await timeRuns(cpuSession, spec, 3);
      const diff = Math.max(...gpu.scores.map((v, i) => Math.abs(v - (cpu.scores[i] ?? 0))));
      const agree = diff < 0.02 && first.scores.length === cpu.scores.length;
      if (agree && gpu.ms < cpu.ms) {
        backendReason = `WebGPU ran in ${gpu.ms.toFixed(1)} ms vs WASM ${cpu.ms.toFixed(1)} ms; outputs agree`;
        await cpuRaw.release().catch(() => undefined);
      } else {
        backendReason = agree
          ? `WebGPU (${gpu.ms.toFixed(1)} ms) is not faster than WASM (${cpu.ms.toFixed(1)} ms)`
          : `WebGPU output differs from WASM (max diff ${diff.toFixed(3)})`;
        await raw.release().catch(() => undefined);
        raw = cpuRaw;
        session = cpuSession;
        chosen = 'wasm';
      }
    }
  } catch (e) {
    await raw.release().catch(() => undefined);
    return {
      ok: false,
      stage: 'session',
      message: `${backend} could not run the model: ${(e as Error).message ?? String(e)}`,
    };
  }

  const previous = current;
  current = { ort, raw, session, spec };
  if (previous && previous.raw !== raw) await previous.raw.release().catch(() => undefined);
  const model: WorkerLoaded = {
    id: source.id ?? spec.id,
    spec,
    backend: chosen,
    threads: chosen === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 1,
    bytes: bytes.byteLength,
    backendReason,
    specSummary,
    warnings,
    createMs,
    warmupMs,
  };
  return { ok: true, model };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function decode(
  photo: Blob,
): Promise<{ ok: true; pixels: PixelBuffer } | Exclude<ClassifyOutcome, { ok: true }>> {
  if (photo.size === 0) return { ok: false, code: 'empty', message: 'the file is empty' };
  const head = new Uint8Array(await photo.slice(0, 64 * 1024).arrayBuffer());
  const format = sniffImageFormat(head);
  if (!format && !photo.type.startsWith('image/')) {
    return { ok: false, code: 'not-image', message: `not an image${photo.type ? ` (${photo.type})` : ''}` };
  }
  const size = sniffImageSize(head, format);
  const tooLarge = (w: number, h: number) =>
    ({
      ok: false,
      code: 'too-large',
      message: `${w}×${h} is ${((w * h) / 1e6).toFixed(0)} megapixels; the limit is ${MAX_PIXELS / 1e6}`,
    }) as const;
  if (size && size.width * size.height > MAX_PIXELS) return tooLarge(size.width, size.height);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
  } catch (e) {
    return {
      ok: false,
      code: 'undecodable',
      message: `the ${format ?? 'image'} could not be decoded (${(e as Error).message || 'corrupt or unsupported'})`,
    };
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) return tooLarge(width, height);
    if (width === 0 || height === 0) return { ok: false, code: 'undecodable', message: 'the image has no pixels' };
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return { ok: false, code: 'undecodable', message: 'no 2D canvas in this worker' };
    ctx.drawImage(bitmap, 0, 0);
    const img = ctx.getImageData(0, 0, width, height);
    return { ok: true, pixels: { data: img.data, width, height, channels: 4 } };
  } finally {
    bitmap.close();
  }
}

async function classify(photo: Blob, topK: number): Promise<ClassifyOutcome> {
  const t0 = performance.now();
  const decoded = await decode(photo);
  if (!decoded.ok) return decoded;
  const decodeMs = performance.now() - t0;
  if (!current) return { ok: false, code: 'no-model', message: 'no model is loaded' };
  const { pixels } = decoded;
  try {
    const r = await classifyPixels(current.session, current.spec, pixels, topK);
    return {
      ok: true,
      result: {
        predictions: r.predictions,
        width: pixels.width,
        height: pixels.height,
        timings: { decodeMs, preprocessMs: r.preprocessMs, inferenceMs: r.inferenceMs, postprocessMs: r.postprocessMs },
      },
    };
  } catch (e) {
    return {
      ok: false,
      code: 'inference-failed',
      message: `the model failed on this photo: ${(e as Error).message ?? String(e)}`,
    };
  }
}

async function probeGpu(): Promise<GpuProbe> {
  // biome-ignore lint/suspicious/noExplicitAny: WebGPU types are not in TypeScript's DOM lib.
  const gpu = (navigator as any).gpu;
  if (!gpu) return { usable: false, reason: 'WebGPU is not available in this browser' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { usable: false, reason: 'no WebGPU adapter' };
    const info = adapter.info ?? {};
    const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
    if (fallback) return { usable: false, reason: `the WebGPU adapter is a software fallback (${name})` };
    return { usable: true, reason: `WebGPU adapter ${name}` };
  } catch (e) {
    return { usable: false, reason: `WebGPU adapter request failed: ${(e as Error).message}` };
  }
}

const api: WorkerApi = {
  probeGpu,
  loadModel,
  classify,
  async debug(action) {
    if (action === 'crash') {
      setTimeout(() => {
        throw new Error('debug crash');
      });
      return;
    }
    const end = Date.now() + 10 * 60_000;
    while (Date.now() < end) {
      // Busy: simulate a hung worker.
    }
  },
};

if (!self.name?.startsWith('em-pthread')) Comlink.expose(api);
