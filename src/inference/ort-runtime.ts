/**
 * onnxruntime-web inside the worker: loading the build a backend needs, configuring it, starting it early, and
 * creating sessions.
 *
 * - ORT is loaded ONLY through dynamic `import()`, so it gets its own chunk. ORT starts its pthreads with
 *   `new Worker(import.meta.url, { name: 'em-pthread…' })`; were ORT bundled into the worker's own file, every helper
 *   thread would re-run the worker entry (see notes/platform.md). Never add a value import of `onnxruntime-web` here.
 * - Only the build the backend needs is loaded: `onnxruntime-web/wasm` (CPU, 14 MB .wasm) or `onnxruntime-web/webgpu`
 *   (27 MB). Vite emits the .wasm hashed on our own origin; `wasmPaths` is never set.
 * - One build per worker, its thread count fixed at first use; a backend that fails to initialise is dead for the
 *   life of the worker (ORT marks it aborted), which is why the client tries each backend in a fresh worker.
 */
import { errorMessage } from '../error-message';
import { expandLookupWeights } from '../onnx/expand-lookup-weights';
import { ORT_WARMUP_MODEL } from './ort-warmup-model';
import type { LoadFailure } from './protocol';
import type { Backend } from './types';

export type Ort = typeof import('onnxruntime-web/wasm');
export type OrtSession = import('onnxruntime-web/wasm').InferenceSession;

/** The ORT runtime, started: `ort` ready for sessions, or the `runtime`-stage failure to report. */
export type RuntimeStart = { ok: true; ort: Ort } | { ok: false; failure: LoadFailure };

let ortPromise: Promise<Ort> | undefined;
let ortBackend: Backend | undefined;
let runtimePromise: Promise<RuntimeStart> | undefined;

/** Most threads a request may ask for (ORT's pool beyond this only adds start-up cost on a phone or laptop). */
const MAX_THREADS = 16;

/**
 * The thread count ORT gets: `requested` when given (1..16), else min(4, cores); always 1 without
 * crossOriginIsolated (no SharedArrayBuffer, so ORT would warn and use 1 anyway).
 */
export function threadCount(
  requested: number | undefined,
  crossOriginIsolated: boolean,
  hardwareConcurrency: number | undefined,
): number {
  if (!crossOriginIsolated) return 1;
  if (requested !== undefined && Number.isFinite(requested))
    return Math.min(MAX_THREADS, Math.max(1, Math.floor(requested)));
  return Math.min(4, hardwareConcurrency || 1);
}

/** {@link threadCount} for this worker's environment. */
export function workerThreadCount(requested: number | undefined): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return threadCount(requested, self.crossOriginIsolated, cores);
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
export function backendInitFailure(error: unknown): string | undefined {
  const message = errorMessage(error);
  const m = /^no available backend found\. ERR: (.*)$/s.exec(message);
  if (!m) return undefined;
  return (m[1] ?? '').replace(/^\[[\w-]+\]\s*/, '') || message;
}

/** The `runtime` outcome for a backend that failed to start; the client may retry it with one thread. */
export function runtimeStartFailure(backend: Backend, threads: number, cause: string): LoadFailure {
  const where = threads > 1 ? ` with ${threads} threads` : '';
  return {
    ok: false,
    stage: 'runtime',
    threads,
    cause,
    message: `onnxruntime-web's ${backend} backend failed to start${where}: ${cause}`,
  };
}

/**
 * A session for `bytes` on `backend`, with every graph optimisation and ORT's own logging at errors only. Weights the
 * file keeps as table indices are expanded first (../onnx/expand-lookup-weights.ts says why); bytes that cannot be
 * rewritten go to ORT as they are, for it to fold them or to report what is wrong.
 */
export function createSession(ort: Ort, bytes: Uint8Array, backend: Backend): Promise<OrtSession> {
  let model = bytes;
  try {
    model = expandLookupWeights(bytes) ?? bytes;
  } catch {
    // Not protobuf: ORT's own error says so.
  }
  return ort.InferenceSession.create(model, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
}

/**
 * Loads ORT's build for `backend` and initialises its backend (downloads and compiles the .wasm, starts the thread
 * pool) by creating and releasing a session for a one-node model, so that this can overlap the model's download.
 * Once per worker; never rejects. A failure to import ORT or to start its backend becomes the same `runtime` outcome
 * the real session create would give; any other warm-up error is ignored, leaving the real create to report it.
 */
export function startRuntime(backend: Backend, threads: number): Promise<RuntimeStart> {
  if (runtimePromise && ortBackend === backend) return runtimePromise;
  const start = (async (): Promise<RuntimeStart> => {
    let ort: Ort;
    try {
      ort = await loadOrt(backend, threads);
      performance.mark('onsight:ort-imported');
    } catch (e) {
      const cause = errorMessage(e);
      const message = `could not load onnxruntime-web's ${backend} build: ${cause}`;
      return { ok: false, failure: { ok: false, stage: 'runtime', threads, cause, message } };
    }
    try {
      const warm = await createSession(ort, ORT_WARMUP_MODEL, backend);
      await warm.release().catch(() => undefined);
      performance.mark('onsight:ort-started');
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
