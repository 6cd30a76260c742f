/**
 * Main-thread client of the inference worker. The UI talks only to this class.
 *
 * - Calls (loadModel, classify) run one at a time, in order.
 * - Each model load gets a fresh worker (ORT cannot re-initialise a backend that failed, and a failed load must not
 *   disturb the model in use): on success the old worker is terminated, on failure it stays and keeps working.
 * - An aborted call terminates the worker; a worker that dies (error event) or does not answer within
 *   `callTimeoutMs` is terminated and the call rejects with `worker-crashed`. Either way the next call starts a fresh
 *   worker and reloads the current model (URLs are fetched again, normally from the HTTP/service-worker cache; picked
 *   files are kept as `File` references), and the queued calls continue.
 * - Backend choice: `wasm` as asked; `webgpu` as asked, falling back to WASM in a fresh worker if it fails to
 *   initialise; `auto` uses WebGPU only on a non-fallback adapter where a measured warm-up beats WASM with matching
 *   outputs. The reason is in `LoadedModel.backendReason`.
 * - Threads: `threads` (e.g. from `?threads=`) goes to the worker, which honours it where crossOriginIsolated allows.
 *   If ORT's WASM backend fails to *start* with several threads (iOS Safari has thrown `RangeError: Out of memory`
 *   there: onnxruntime #11679, transformers.js #953), the load is retried once in a fresh worker with 1 thread, the
 *   reason says so, and every later worker (restarts, later loads) uses 1 thread. A model ORT refuses is not retried.
 */
import * as Comlink from 'comlink';
import type {
  ClassifyOutcome,
  LoadOutcome,
  LoadProgress,
  WorkerApi,
  WorkerLoaded,
  WorkerLoadRequest,
  WorkerModelSource,
} from './protocol';
import {
  type Backend,
  type BackendPreference,
  ClassifyError,
  type ClassifyResult,
  type LoadedModel,
  type ModelLoadStatus,
  type ModelSource,
} from './types';

export interface ClassifierClientOptions {
  backend?: BackendPreference;
  /** ORT's WASM thread count; used only where the page is crossOriginIsolated. Default: min(4, cores). */
  threads?: number;
  createWorker?: () => Worker;
  /** How long a classify call may take before the worker is declared hung (default 60 s). */
  callTimeoutMs?: number;
  /** How long a model load may take, download included (default 5 min). */
  loadTimeoutMs?: number;
}

export interface ModelDetails {
  /** One line on where the spec came from, e.g. "labels from labels.txt; preprocessing from defaults — please check". */
  specSummary: string;
  warnings: string[];
  /** InferenceSession.create in the worker, ms. */
  createMs: number;
  /** First run on a synthetic image, ms (includes one-off kernel/shader setup). */
  warmupMs: number;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'onsight-inference' });
}

/** One worker and the ways it can stop answering. */
class WorkerHandle {
  readonly api: Comlink.Remote<WorkerApi>;
  /** Rejects when the worker reports an uncaught error or is terminated. */
  readonly dead: Promise<never>;
  private fail!: (reason: Error) => void;
  private alive = true;

  constructor(readonly worker: Worker) {
    this.api = Comlink.wrap<WorkerApi>(worker);
    this.dead = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.dead.catch(() => undefined);
    const onError = (event: ErrorEvent | MessageEvent) => {
      const message = 'message' in event && typeof event.message === 'string' ? event.message : 'the worker failed';
      event.preventDefault?.();
      this.terminate(new Error(message || 'the worker failed'));
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  terminate(reason = new Error('the worker was terminated')): void {
    if (!this.alive) return;
    this.alive = false;
    this.worker.terminate();
    this.api[Comlink.releaseProxy]?.();
    this.fail(reason);
  }
}

type Outcome<T> = { kind: 'ok'; value: T } | { kind: 'dead'; error: Error } | { kind: 'timeout' } | { kind: 'aborted' };

/** Races a worker call against the worker's death, a timeout and an abort signal. */
async function guarded<T>(
  handle: WorkerHandle,
  call: Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const races: Promise<Outcome<T>>[] = [
    call.then((value) => ({ kind: 'ok', value }) as const),
    handle.dead.catch((error: Error) => ({ kind: 'dead', error }) as const),
  ];
  if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    races.push(new Promise((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs))));
  }
  if (signal) {
    races.push(
      new Promise((resolve) => {
        onAbort = () => resolve({ kind: 'aborted' });
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
  }
  try {
    return await Promise.race(races);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

const aborted = () => new ClassifyError('aborted', 'cancelled');

export class ClassifierClient {
  private readonly preference: BackendPreference;
  private readonly createWorker: () => Worker;
  private readonly callTimeoutMs: number;
  private readonly loadTimeoutMs: number;
  private readonly listeners = new Set<(status: ModelLoadStatus) => void>();
  private status: ModelLoadStatus = { phase: 'idle' };
  private queue: Promise<unknown> = Promise.resolve();
  /** The worker holding the current model; undefined after an abort/crash until the next call restarts it. */
  private handle: WorkerHandle | undefined;
  /** What to reload after a restart. */
  private current:
    | { source: WorkerModelSource; backend: Backend; model: LoadedModel; details: WorkerLoaded }
    | undefined;
  private disposed = false;
  /** Threads to ask each new worker for; becomes 1 for good once threads failed to start. */
  private threads: number | undefined;

  constructor(options: ClassifierClientOptions = {}) {
    this.preference = options.backend ?? 'auto';
    this.threads = options.threads;
    this.createWorker = options.createWorker ?? defaultWorker;
    this.callTimeoutMs = options.callTimeoutMs ?? 60_000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 300_000;
  }

  onLoadStatus(listener: (status: ModelLoadStatus) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get loadStatus(): ModelLoadStatus {
    return this.status;
  }

  /**
   * Extra facts about the loaded model beyond {@link LoadedModel}: how its spec was found (show `warnings` to the user:
   * guessed preprocessing, generated labels) and load timings. Undefined before the first successful load.
   */
  get modelDetails(): ModelDetails | undefined {
    const m = this.current?.details;
    return m && { specSummary: m.specSummary, warnings: [...m.warnings], createMs: m.createMs, warmupMs: m.warmupMs };
  }

  private setStatus(status: ModelLoadStatus): void {
    this.status = status;
    for (const l of [...this.listeners]) {
      try {
        l(status);
      } catch (e) {
        console.error('OnSight: a load-status listener threw', e);
      }
    }
  }

  /** Runs `task` after every call queued before it. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  loadModel(source: ModelSource): Promise<LoadedModel> {
    if (this.disposed) return Promise.reject(new Error('the classifier was disposed'));
    // Spread, so every ModelSource field (id, overrides...) reaches the worker unchanged.
    const workerSource = (
      source.kind === 'url' ? { ...source, url: absoluteUrl(source.url) } : { ...source, files: [...source.files] }
    ) as WorkerModelSource;
    return this.enqueue(async () => {
      const previous = this.current?.model;
      this.setStatus({ phase: source.kind === 'url' ? 'downloading' : 'initialising', model: undefined });
      const onProgress = (p: LoadProgress) => {
        if (this.status.phase === 'downloading' || this.status.phase === 'initialising') {
          this.setStatus({ phase: p.phase, loadedBytes: p.loadedBytes, totalBytes: p.totalBytes });
        }
      };
      try {
        const { handle, model } = await this.start(workerSource, this.preference, onProgress);
        this.handle?.terminate();
        this.handle = handle;
        const loaded = toLoadedModel(model);
        this.current = { source: workerSource, backend: model.backend, model: loaded, details: model };
        this.setStatus({ phase: 'ready', model: loaded });
        return loaded;
      } catch (e) {
        const message = (e as Error).message;
        // The previous model (if any) is still loaded and usable; say so through `model`.
        this.setStatus({ phase: 'error', error: message, model: previous });
        throw e;
      }
    });
  }

  classify(photo: Blob, options: { signal?: AbortSignal; topK?: number } = {}): Promise<ClassifyResult> {
    const { signal, topK = 5 } = options;
    const t0 = performance.now();
    if (this.disposed) return Promise.reject(new ClassifyError('no-model', 'the classifier was disposed'));
    if (signal?.aborted) return Promise.reject(aborted());
    const task = this.enqueue(async () => {
      if (signal?.aborted) throw aborted();
      const handle = await this.ensureWorker();
      const call = handle.api.classify(photo, topK) as Promise<ClassifyOutcome>;
      const outcome = await guarded(handle, call, this.callTimeoutMs, signal);
      switch (outcome.kind) {
        case 'ok': {
          const r = outcome.value;
          if (!r.ok) throw new ClassifyError(r.code, r.message);
          return { ...r.result, timings: { ...r.result.timings, totalMs: performance.now() - t0 } };
        }
        case 'aborted':
          this.drop(handle, 'aborted');
          throw aborted();
        case 'timeout':
          this.drop(handle, 'timeout');
          throw new ClassifyError(
            'worker-crashed',
            `the worker did not answer within ${Math.round(this.callTimeoutMs / 1000)} s; it has been restarted`,
          );
        case 'dead':
          this.drop(handle, 'crash');
          throw new ClassifyError(
            'worker-crashed',
            `the worker crashed (${outcome.error.message}); it has been restarted`,
          );
      }
    });
    if (!signal) return task;
    // A call still waiting in the queue rejects as soon as it is aborted (it will then not run).
    return new Promise<ClassifyResult>((resolve, reject) => {
      const onAbort = () => reject(aborted());
      signal.addEventListener('abort', onAbort, { once: true });
      task.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  dispose(): void {
    this.disposed = true;
    this.handle?.terminate();
    this.handle = undefined;
    this.listeners.clear();
  }

  /** For tests and diagnostics: make the current worker hang or crash. */
  async debugWorker(action: 'hang' | 'crash'): Promise<void> {
    const handle = this.handle;
    if (handle) void handle.api.debug(action).catch(() => undefined);
  }

  private drop(handle: WorkerHandle, why: string): void {
    handle.terminate(new Error(why));
    if (this.handle === handle) this.handle = undefined;
  }

  /** The live worker with the current model, restarting and reloading it if needed. */
  private async ensureWorker(): Promise<WorkerHandle> {
    if (this.disposed) throw new ClassifyError('no-model', 'the classifier was disposed');
    if (this.handle?.isAlive) return this.handle;
    this.handle = undefined;
    const current = this.current;
    if (!current) throw new ClassifyError('no-model', 'no model is loaded');
    try {
      const { handle } = await this.startOn(current.source, current.backend, current.model.backendReason);
      this.handle = handle;
      return handle;
    } catch (e) {
      throw new ClassifyError('worker-crashed', `the worker could not be restarted: ${(e as Error).message}`);
    }
  }

  /** Loads `source` in a fresh worker on `backend`; the worker is terminated on failure. */
  private async startOn(
    source: WorkerModelSource,
    backend: Backend,
    backendReason: string,
    options: { compareWithWasm?: boolean; onProgress?: (p: LoadProgress) => void; handle?: WorkerHandle } = {},
  ): Promise<{ handle: WorkerHandle; model: WorkerLoaded }> {
    const handle = options.handle ?? new WorkerHandle(this.createWorker());
    const request: WorkerLoadRequest = {
      source,
      backend,
      backendReason,
      compareWithWasm: options.compareWithWasm,
      threads: this.threads,
    };
    const progress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
    const outcome = await guarded<LoadOutcome>(handle, handle.api.loadModel(request, progress), this.loadTimeoutMs);
    if (outcome.kind === 'ok' && outcome.value.ok) return { handle, model: outcome.value.model };
    handle.terminate();
    if (outcome.kind === 'ok' && !outcome.value.ok) {
      const { stage, message, threads, cause } = outcome.value;
      throw new LoadError(stage, message, { threads, cause });
    }
    if (outcome.kind === 'timeout')
      throw new LoadError('session', `loading the model took longer than ${Math.round(this.loadTimeoutMs / 1000)} s`);
    throw new LoadError(
      'session',
      `the worker crashed while loading the model (${outcome.kind === 'dead' ? outcome.error.message : outcome.kind})`,
    );
  }

  /** Chooses the backend for `preference` and loads `source` on it. */
  private async start(
    source: WorkerModelSource,
    preference: BackendPreference,
    onProgress: (p: LoadProgress) => void,
  ): Promise<{ handle: WorkerHandle; model: WorkerLoaded }> {
    if (preference === 'wasm') return this.startWasm(source, 'WASM requested', { onProgress });
    let handle: WorkerHandle | undefined;
    let reason = 'WebGPU requested';
    let compare = false;
    if (preference === 'auto') {
      handle = new WorkerHandle(this.createWorker());
      const probe = await guarded(handle, handle.api.probeGpu(), this.callTimeoutMs);
      if (probe.kind !== 'ok' || !probe.value.usable) {
        const why = probe.kind === 'ok' ? probe.value.reason : 'WebGPU probe failed';
        return this.startWasm(source, `${why}; using WASM`, { onProgress, handle });
      }
      reason = probe.value.reason;
      compare = true;
    }
    try {
      return await this.startOn(source, 'webgpu', reason, { onProgress, handle, compareWithWasm: compare });
    } catch (e) {
      // Only a backend failure is worth a WASM retry; a bad model fails the same way there.
      if (!(e instanceof LoadError) || (e.stage !== 'session' && e.stage !== 'runtime')) throw e;
      return this.startWasm(source, `WebGPU failed to initialise (${e.message}); using WASM`, { onProgress });
    }
  }

  /**
   * Loads `source` on WASM; if ORT's backend failed to start with several threads (stage `runtime`, never a model
   * error), retries once in a fresh worker with 1 thread and keeps 1 thread from then on.
   */
  private async startWasm(
    source: WorkerModelSource,
    reason: string,
    options: { onProgress?: (p: LoadProgress) => void; handle?: WorkerHandle },
  ): Promise<{ handle: WorkerHandle; model: WorkerLoaded }> {
    try {
      return await this.startOn(source, 'wasm', reason, options);
    } catch (e) {
      if (!(e instanceof LoadError) || e.stage !== 'runtime' || !(e.threads !== undefined && e.threads > 1)) throw e;
      const previous = this.threads;
      this.threads = 1;
      try {
        return await this.startOn(
          source,
          'wasm',
          `${reason}; WASM threads failed to start (${e.detail ?? e.message}), using 1 thread`,
          {
            onProgress: options.onProgress,
          },
        );
      } catch (retryError) {
        // One thread did not help either: the threads were not the problem, so don't hold them against later loads.
        this.threads = previous;
        throw retryError;
      }
    }
  }
}

class LoadError extends Error {
  readonly threads?: number;
  /** The underlying error's text (`cause` in the worker's outcome). */
  readonly detail?: string;
  constructor(
    readonly stage: string,
    message: string,
    extra: { threads?: number; cause?: string } = {},
  ) {
    super(message);
    this.name = 'LoadError';
    this.threads = extra.threads;
    this.detail = extra.cause;
  }
}

function absoluteUrl(url: string): string {
  try {
    return new URL(url, typeof document !== 'undefined' ? document.baseURI : undefined).href;
  } catch {
    return url;
  }
}

function toLoadedModel(m: WorkerLoaded): LoadedModel {
  return {
    id: m.id,
    spec: m.spec,
    backend: m.backend,
    threads: m.threads,
    bytes: m.bytes,
    backendReason: m.backendReason,
  };
}
