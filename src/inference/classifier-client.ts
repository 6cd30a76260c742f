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
 * - Which backend, which fallbacks and how many threads is backend-choice's decision ({@link BackendChoice}); this
 *   class carries it out, one worker per attempt. `threads` (e.g. from `?threads=`) goes to the worker, which honours
 *   it where crossOriginIsolated allows. The reason for the backend is in `LoadedModel.backendReason`.
 */
import * as Comlink from 'comlink';
import { errorMessage } from '../error-message';
import { type BackendAttempt, BackendChoice, LoadError } from './backend-choice';
import type {
  ClassifyOutcome,
  LoadOutcome,
  LoadProgress,
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
import { guarded, WorkerHandle } from './worker-handle';

export interface ClassifierClientOptions {
  backend?: BackendPreference;
  /** ORT's WASM thread count; used only where the page is crossOriginIsolated. Default: min(4, cores). */
  threads?: number;
  /** Decode every photo at full size, never reduced (`?decode=full`). */
  fullSizeDecode?: boolean;
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

const aborted = () => new ClassifyError('aborted', 'cancelled');

export class ClassifierClient {
  private readonly backendChoice: BackendChoice;
  private readonly createWorker: () => Worker;
  private readonly fullSizeDecode: boolean;
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

  constructor(options: ClassifierClientOptions = {}) {
    this.backendChoice = new BackendChoice(options.backend ?? 'auto', options.threads);
    this.createWorker = options.createWorker ?? defaultWorker;
    this.fullSizeDecode = options.fullSizeDecode === true;
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
        const { handle, model } = await this.start(workerSource, onProgress);
        this.handle?.terminate();
        this.handle = handle;
        const loaded = toLoadedModel(model);
        this.current = { source: workerSource, backend: model.backend, model: loaded, details: model };
        this.setStatus({ phase: 'ready', model: loaded });
        return loaded;
      } catch (e) {
        const message = errorMessage(e);
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
      const attempt = this.backendChoice.reloadAttempt(current.backend, current.model.backendReason);
      const { handle } = await this.startOn(current.source, attempt);
      this.handle = handle;
      return handle;
    } catch (e) {
      throw new ClassifyError('worker-crashed', `the worker could not be restarted: ${errorMessage(e)}`);
    }
  }

  /**
   * Loads `source` as `attempt` says, in `handle` or else a fresh worker; the worker is terminated on failure, which
   * rejects with a LoadError.
   */
  private async startOn(
    source: WorkerModelSource,
    attempt: BackendAttempt,
    options: { onProgress?: (p: LoadProgress) => void; handle?: WorkerHandle } = {},
  ): Promise<{ handle: WorkerHandle; model: WorkerLoaded }> {
    const handle = options.handle ?? new WorkerHandle(this.createWorker());
    const request: WorkerLoadRequest = {
      source,
      backend: attempt.backend,
      backendReason: attempt.reason,
      compareWithWasm: attempt.compareWithWasm,
      threads: attempt.threads,
      fullSizeDecode: this.fullSizeDecode,
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

  /** Loads `source` on the backend that backend-choice settles on, trying each backend in a worker of its own. */
  private start(
    source: WorkerModelSource,
    onProgress: (p: LoadProgress) => void,
  ): Promise<{ handle: WorkerHandle; model: WorkerLoaded }> {
    let probed: WorkerHandle | undefined;
    return this.backendChoice.load({
      probeGpu: async () => {
        probed = new WorkerHandle(this.createWorker());
        const probe = await guarded(probed, probed.api.probeGpu(), this.callTimeoutMs);
        return probe.kind === 'ok' ? probe.value : undefined;
      },
      load: (attempt) => {
        // The probe's worker takes the first attempt; a retry gets a fresh one (a failed backend stays dead in its worker).
        const handle = probed;
        probed = undefined;
        return this.startOn(source, attempt, { onProgress, handle });
      },
    });
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
