/**
 * The page's side of the training worker (training-worker.ts), over comlink. One worker per client, started on first
 * use and kept (with its open backbone and ORT session) until `dispose`; a worker that dies ends the call in progress
 * with a message instead of leaving the page waiting.
 *
 * `embed(backbone, photos)` is also the way other features get pooled features of photos (e.g. near-duplicates for
 * the cleaner of #15): one `Float32Array` per photo (the backbone's D values, the same for the same bytes and
 * backbone, cached on the device) with the photo's content hash as `key`, or the reason it could not be used.
 */
import * as Comlink from 'comlink';
import type {
  BackboneRequest,
  EmbedOutcome,
  EmbedProgress,
  TrainingWorkerApi,
  TrainOutcome,
  TrainRequest,
} from './training-protocol';
import type { TrainingProgress } from './training-run';

export type { BackboneRequest, EmbedOutcome, TrainOutcome, TrainRequest };

function defaultWorker(): Worker {
  return new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module', name: 'onsight-training' });
}

/** What the trainer's UI store needs (tests pass a stand-in). */
export interface TrainingClientLike {
  /** Opens the backbone in the worker ahead of `train` (a hint: nothing is reported). */
  prepare?(backbone: BackboneRequest): void;
  train(request: TrainRequest, onProgress?: (p: TrainingProgress) => void): Promise<TrainOutcome>;
  cancel(): void;
  dispose(): void;
}

export class TrainingClient implements TrainingClientLike {
  private worker?: Worker;
  private api?: Comlink.Remote<TrainingWorkerApi>;
  /** Rejects the call in progress when the worker dies. */
  private died?: Promise<never>;

  constructor(private readonly createWorker: () => Worker = defaultWorker) {}

  private connect(): { api: Comlink.Remote<TrainingWorkerApi>; died: Promise<never> } {
    if (!this.api || !this.died) {
      const worker = this.createWorker();
      this.worker = worker;
      this.api = Comlink.wrap<TrainingWorkerApi>(worker);
      this.died = new Promise<never>((_, reject) => {
        const onError = (event: Event) => {
          event.preventDefault();
          const message = event instanceof ErrorEvent && event.message ? event.message : 'the training worker stopped';
          this.reset();
          reject(new Error(message));
        };
        worker.addEventListener('error', onError);
        worker.addEventListener('messageerror', onError);
      });
      this.died.catch(() => undefined);
    }
    return { api: this.api, died: this.died };
  }

  /** Runs a worker call; a dead worker answers `failed`. (Comlink's types make a union of promises: hence `unknown`.) */
  private async call(run: (api: Comlink.Remote<TrainingWorkerApi>) => Promise<unknown>): Promise<unknown> {
    const { api, died } = this.connect();
    try {
      return await Promise.race([run(api), died]);
    } catch (e) {
      return { ok: false, code: 'failed', message: `Training stopped: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /** Starts the worker and opens `backbone` in it before the photos come (see TrainingWorkerApi.prepare). */
  prepare(backbone: BackboneRequest): void {
    void this.call((api) => api.prepare(backbone));
  }

  /** Pooled features of each photo through `backbone` (see the file's comment). */
  async embed(
    backbone: BackboneRequest,
    photos: Blob[],
    onProgress?: (p: EmbedProgress) => void,
  ): Promise<EmbedOutcome> {
    const progress = onProgress ? Comlink.proxy(onProgress) : undefined;
    return (await this.call((api) => api.embed(backbone, photos, progress))) as EmbedOutcome;
  }

  /** Embeds the photos, trains the head and exports the model; progress per photo and per epoch. */
  async train(request: TrainRequest, onProgress?: (p: TrainingProgress) => void): Promise<TrainOutcome> {
    const progress = onProgress ? Comlink.proxy(onProgress) : undefined;
    return (await this.call((api) => api.train(request, progress))) as TrainOutcome;
  }

  cancel(): void {
    void this.api?.cancel().catch(() => undefined);
  }

  private reset(): void {
    this.api?.[Comlink.releaseProxy]();
    this.worker?.terminate();
    this.api = undefined;
    this.worker = undefined;
    this.died = undefined;
  }

  dispose(): void {
    this.reset();
  }
}
