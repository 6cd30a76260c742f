/**
 * Main-thread client of the inference worker. The UI talks only to this class.
 *
 * - Calls start in the order they were made. A model load waits for every call before it to finish, and calls after
 *   it wait for the load. Classify calls run on the model's own worker, and during a batch also on one-thread helper
 *   workers ({@link LanePool} says which call runs where and why): a call that has to wait for a lane while another
 *   is queued behind it boots up to `batchWorkers` helpers ({@link BatchHelpers}), which load the current model on
 *   WASM with one thread each and are let go after `helperIdleMs` without calls, on a model load, or when they fail.
 *   Each worker runs one call at a time.
 * - Each model load gets a fresh worker (ORT cannot re-initialise a backend that failed, and a failed load must not
 *   disturb the model in use): on success the old worker is terminated, on failure it stays and keeps working.
 * - An aborted call terminates the worker; a worker that does not answer within `callTimeoutMs` is terminated and
 *   the call rejects with `worker-crashed`. A worker that dies, with an error event or silently (`self.close()`, the
 *   browser ending it: its life lock tells, see life-lock.ts), is replaced and the photo in flight is tried once more
 *   (on the next free lane) before it fails with `worker-crashed`. Either way the next call starts a fresh worker and
 *   reloads the current model (URLs are fetched again, normally from the HTTP/service-worker cache; picked files and
 *   restored models are kept as `Blob` references, never copied), and the queued calls continue. A helper that fails
 *   the same way is dropped, not restarted; the next backlog boots a new one.
 * - Which backend, which fallbacks and how many threads is backend-choice's decision ({@link BackendChoice}); this
 *   class carries it out, one worker per attempt. `threads` (e.g. from `?threads=`) goes to the worker, which honours
 *   it where crossOriginIsolated allows. The reason for the backend is in `LoadedModel.backendReason`.
 */
import * as Comlink from 'comlink';
import { errorMessage } from '../error-message';
import type { ModelSpec } from '../model/spec';
import { type BackendAttempt, BackendChoice } from './backend-choice';
import { BatchHelpers, helpersFor } from './batch-helpers';
import {
  aborted,
  absoluteUrl,
  type ClassifierClientOptions,
  type ClassifyOptions,
  defaultBatchWorkers,
  defaultWorker,
  loadFailure,
  type ModelDetails,
  notifyEach,
  THUMBNAIL_REQUEST,
  toLoadedModel,
  toModelDetails,
} from './classifier-client-options';
import type { LockManagerLike } from './life-lock';
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
  ClassifyError,
  type ClassifyResult,
  type LoadedModel,
  type ModelLoadStatus,
  type ModelSource,
  type SpecPreview,
} from './types';
import { guarded, takeThumbnail, WorkerHandle } from './worker-handle';
import { LanePool, type Lease } from './worker-lanes';

export type { ClassifierClientOptions, ClassifyOptions, ModelDetails };

export class ClassifierClient {
  private readonly backendChoice: BackendChoice;
  private readonly createWorker: () => Worker;
  private readonly callTimeoutMs: number;
  private readonly loadTimeoutMs: number;
  /** What every worker's load request carries besides the model and backend. */
  private readonly loadOptions: Pick<WorkerLoadRequest, 'fullSizeDecode' | 'maxModelBytes'>;
  private readonly locks: LockManagerLike | null | undefined;
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
  private readonly batchWorkers: number;
  private readonly lanes: LanePool<WorkerHandle>;
  private readonly helpers: BatchHelpers;
  /** Classify calls that have no lane yet (waiting in the queue or for a lane). */
  private queuedCalls = 0;

  constructor(options: ClassifierClientOptions = {}) {
    this.backendChoice = new BackendChoice(options.backend ?? 'auto', options.threads);
    this.createWorker = options.createWorker ?? defaultWorker;
    this.callTimeoutMs = options.callTimeoutMs ?? 60_000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 300_000;
    this.loadOptions = { fullSizeDecode: options.fullSizeDecode === true, maxModelBytes: options.maxModelBytes };
    this.locks = options.locks;
    this.batchWorkers = Math.max(0, Math.floor(options.batchWorkers ?? defaultBatchWorkers()));
    this.lanes = new LanePool<WorkerHandle>({
      primaryMayJoin: () => (this.current?.model.threads ?? 1) <= 1 || this.lanes.helperCount < this.helpersWanted(),
      // A batch: a call waits for a lane with more queued behind it. Two photos at once are not one (the second just
      // waits for the first), so a small drop starts no worker and fetches nothing.
      onBacklog: () => {
        if (this.queuedCalls >= 2) this.helpers.boot();
      },
      onIdle: () => this.helpers.scheduleRetire(),
    });
    this.helpers = new BatchHelpers({
      lanes: this.lanes,
      wanted: () => this.helpersWanted(),
      start: () => this.startHelper(),
      idleMs: options.helperIdleMs ?? 30_000,
    });
  }

  /**
   * How many classify calls a batch should keep in flight to keep every worker busy: one per worker it may use, plus
   * one waiting so that a worker that finishes starts its next photo at once. Fewer than 3 never starts the helpers.
   */
  get concurrency(): number {
    return Math.max(2, this.batchWorkers + 1);
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
    return this.current && toModelDetails(this.current.details);
  }

  private setStatus(status: ModelLoadStatus): void {
    this.status = status;
    notifyEach(this.listeners, status);
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
      await this.lanes.whenIdle();
      // Helpers hold the model being replaced; let them go before a new one takes memory.
      this.helpers.reset();
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

  /** With `thumbnail`, the result carries the card's thumbnail, which the worker makes after answering. */
  classify(photo: Blob, options: ClassifyOptions = {}): Promise<ClassifyResult> {
    const { signal, topK = 5 } = options;
    const t0 = performance.now();
    if (this.disposed) return Promise.reject(new ClassifyError('no-model', 'the classifier was disposed'));
    if (signal?.aborted) return Promise.reject(aborted());
    // The queue only hands out lanes, in order; the call itself runs outside it, beside calls on other lanes.
    this.queuedCalls++;
    const task = this.enqueue(async () => {
      try {
        if (signal?.aborted) throw aborted();
        this.helpers.keep();
        return await this.lanes.acquire(signal, aborted);
      } finally {
        this.queuedCalls--;
      }
    }).then((lease) => this.classifyOn(lease, photo, { topK, thumbnail: options.thumbnail }, t0, signal));
    if (!signal) return task;
    // A call still waiting in the queue rejects as soon as it is aborted (it will then not run).
    return new Promise<ClassifyResult>((resolve, reject) => {
      const onAbort = () => reject(aborted());
      signal.addEventListener('abort', onAbort, { once: true });
      task.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async classifyOn(
    lease: Lease<WorkerHandle>,
    photo: Blob,
    { topK, thumbnail }: { topK: number; thumbnail?: boolean },
    t0: number,
    signal: AbortSignal | undefined,
  ): Promise<ClassifyResult> {
    let held = lease;
    try {
      // A worker that dies mid-call (crash, self.close(), killed by the browser) gets the photo once more: the death
      // may have nothing to do with the photo. A second death on the same photo is reported.
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw aborted();
        const handle = held.lane.kind === 'helper' ? held.lane.handle : await this.ensureWorker();
        // The work starts here: what came before was waiting (earlier photos, a restart), reported apart.
        const started = performance.now();
        const request = thumbnail ? THUMBNAIL_REQUEST : undefined;
        const call = handle.api.classify(photo, topK, request) as Promise<ClassifyOutcome>;
        const outcome = await guarded(handle, call, this.callTimeoutMs, signal);
        switch (outcome.kind) {
          case 'ok': {
            const r = outcome.value;
            if (!r.ok) throw new ClassifyError(r.code, r.message);
            const { thumbnailTicket: ticket, ...result } = r.result;
            const timings = { ...result.timings, totalMs: performance.now() - started, queueMs: started - t0 };
            if (ticket === undefined) return { ...result, timings };
            return { ...result, timings, thumbnail: takeThumbnail(handle, ticket, this.callTimeoutMs) };
          }
          case 'aborted':
            this.drop(handle, 'aborted');
            throw aborted();
          case 'timeout':
            this.drop(handle, 'timeout');
            throw new ClassifyError(
              'worker-crashed',
              `The worker did not answer within ${Math.round(this.callTimeoutMs / 1000)} s; it has been restarted`,
            );
          case 'dead':
            this.drop(handle, 'crash');
            if (this.disposed) {
              throw new ClassifyError('worker-crashed', `The worker stopped (${outcome.error.message})`);
            }
            if (attempt >= 2) {
              throw new ClassifyError(
                'worker-crashed',
                `The worker stopped twice on this photo (${outcome.error.message}); it has been restarted`,
              );
            }
            // A dead helper is gone for good: the retry waits for the next free lane. The primary restarts in place.
            if (held.lane.kind === 'helper') {
              held.release();
              held = await this.lanes.acquire(signal, aborted);
            }
        }
      }
    } finally {
      held.release();
    }
  }

  /**
   * The spec editor's live check: `photo` through the loaded model with `spec` (the draft) in place of its own, in
   * turn with the photos. Photo problems come back as `problem`; a dead worker rejects as classify does.
   */
  preview(photo: Blob, spec: ModelSpec, topK = 3): Promise<SpecPreview> {
    if (this.disposed) return Promise.reject(new ClassifyError('no-model', 'the classifier was disposed'));
    // In turn with the photos: the preview takes a lane like a classify call, so no worker runs two calls at once.
    return this.enqueue(() => this.lanes.acquire()).then(async (lease) => {
      try {
        const handle = lease.lane.kind === 'helper' ? lease.lane.handle : await this.ensureWorker();
        const outcome = await guarded(handle, handle.api.preview(photo, spec, topK), this.callTimeoutMs);
        if (outcome.kind === 'ok') return outcome.value;
        this.drop(handle, outcome.kind === 'dead' ? 'crash' : outcome.kind);
        throw new ClassifyError(
          'worker-crashed',
          'The worker stopped while checking the settings; it has been restarted',
        );
      } finally {
        lease.release();
      }
    });
  }

  dispose(): void {
    this.disposed = true;
    this.handle?.terminate();
    this.handle = undefined;
    this.helpers.dispose();
    this.listeners.clear();
  }

  /** For tests and diagnostics: make the current worker hang or crash. */
  async debugWorker(action: 'hang' | 'crash'): Promise<void> {
    const handle = this.handle;
    if (handle) void handle.api.debug(action).catch(() => undefined);
  }

  private newWorker(): WorkerHandle {
    return new WorkerHandle(this.createWorker(), { locks: this.locks });
  }

  private drop(handle: WorkerHandle, why: string): void {
    handle.terminate(new Error(why));
    if (this.handle === handle) this.handle = undefined;
    else this.lanes.removeHelper(handle);
  }

  private helpersWanted(): number {
    return helpersFor(this.current?.model, this.batchWorkers);
  }

  /** A helper: a fresh worker with the current model on WASM, one thread. */
  private async startHelper(): Promise<WorkerHandle> {
    const current = this.current;
    if (!current || this.disposed) throw new Error('no model to load');
    const { handle } = await this.startOn(current.source, {
      backend: 'wasm',
      reason: current.model.backendReason,
      threads: 1,
    });
    return handle;
  }

  /** The live worker with the current model, restarting and reloading it if needed. */
  private async ensureWorker(): Promise<WorkerHandle> {
    if (this.disposed) throw new ClassifyError('no-model', 'the classifier was disposed');
    if (this.handle?.isAlive) return this.handle;
    this.handle = undefined;
    const current = this.current;
    if (!current) throw new ClassifyError('no-model', 'No model is loaded');
    try {
      const attempt = this.backendChoice.reloadAttempt(current.backend, current.model.backendReason);
      const { handle } = await this.startOn(current.source, attempt);
      this.handle = handle;
      return handle;
    } catch (e) {
      throw new ClassifyError('worker-crashed', `The worker could not be restarted: ${errorMessage(e)}`);
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
    const handle = options.handle ?? this.newWorker();
    const request: WorkerLoadRequest = {
      source,
      backend: attempt.backend,
      backendReason: attempt.reason,
      compareWithWasm: attempt.compareWithWasm,
      threads: attempt.threads,
      ...this.loadOptions,
    };
    const progress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
    const outcome = await guarded<LoadOutcome>(handle, handle.api.loadModel(request, progress), this.loadTimeoutMs);
    if (outcome.kind === 'ok' && outcome.value.ok) return { handle, model: outcome.value.model };
    handle.terminate();
    throw loadFailure(outcome, this.loadTimeoutMs);
  }

  /** Loads `source` on the backend that backend-choice settles on, trying each backend in a worker of its own. */
  private start(
    source: WorkerModelSource,
    onProgress: (p: LoadProgress) => void,
  ): Promise<{ handle: WorkerHandle; model: WorkerLoaded }> {
    let probed: WorkerHandle | undefined;
    return this.backendChoice.load({
      probeGpu: async () => {
        probed = this.newWorker();
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
