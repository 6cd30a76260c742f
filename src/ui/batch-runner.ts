/**
 * Classifying a batch's photos (for the batch store): a few at a time through the classifier (BatchQueue), each
 * result recorded and saved, a thumbnail once per classified photo, pause / resume / cancel, the rate and time left,
 * and the announcements: each result for a small run, one summary for a big one.
 *
 * The thumbnail comes from the worker, drawn from the pixels it decoded for the model, so the page decodes nothing.
 * Only where the worker could not make one does the page draw it from the file (`makeThumbnail`), one at a time, so
 * that those decodes do not crowd out the worker's.
 */
import { BatchQueue, type BatchResults, type PhotoResult, ThroughputMeter } from '../batch';
import { describeResult } from '../vision/not-sure';
import type { BatchStorage } from './batch-storage';
import type { BatchEnvironment } from './batch-types';
import type { PhotoDetails, PhotoWait, ThumbnailFrom } from './card-photo';
import { formatPercent } from './format';
import type { ThumbnailCache } from './thumbnail-cache';
import { userMessage } from './user-message';

/** Predictions kept per photo. */
export const TOP_K = 5;
/** A run of up to this many photos has each result announced; a bigger one gets one summary at its end. */
export const ANNOUNCE_EACH_UP_TO = 5;
/**
 * How long the page waits for a run's first result before it draws the run's pending cards (see ViewNotifier.hold):
 * about the longest a wait still feels instant, and more than a photo takes on a 2-core laptop (~40 ms).
 */
export const FIRST_RESULT_GRACE_MS = 100;
/**
 * The performance mark of the latest answer in the page's hands, before its card is drawn (`detail`: the file's name):
 * DevTools shows it ahead of the card's render, and the bench compares it with peers that draw nothing.
 */
export const ANSWER_MARK = 'onsight:answer';

/** What the runner needs of the store. */
export interface RunnerDeps {
  env: BatchEnvironment;
  results: BatchResults;
  storage: BatchStorage;
  thumbnails: ThumbnailCache;
  /** The photo's file, while this page has it. */
  fileOf(id: string): File | undefined;
  /** Something the summary or a card shows changed. */
  changed(): void;
  /** A photo's result or error is in (shown sooner than other changes). */
  resultLanded(): void;
  /** Changes may wait up to `ms` for the first result (a run starts). */
  holdViews(ms: number): void;
}

interface ThumbnailTask {
  id: string;
  file: File;
  size: { width: number; height: number };
}

/** A run: the photos queued since the queue was last idle. */
interface Run {
  photos: number;
  done: number;
  errors: number;
  skipped: number;
}

export class BatchRunner {
  private readonly queue: BatchQueue<string>;
  private readonly thumbnailQueue: BatchQueue<ThumbnailTask>;
  private readonly meter = new ThroughputMeter();
  /** Waiting or running. */
  private readonly queued = new Set<string>();
  private readonly inFlight = new Map<string, AbortController>();
  private readonly cancelled = new Set<string>();
  /** When each queued photo was queued (performance.now()): its card's "Waited" is the time until its work began. */
  private readonly queuedAt = new Map<string, number>();
  /** Timings and sizes of the photos classified on this page. */
  readonly details = new Map<string, PhotoDetails>();
  private run?: Run;

  constructor(private readonly deps: RunnerDeps) {
    this.queue = new BatchQueue<string>({
      run: (id, signal) => this.classifyOne(id, signal),
      onIdle: () => this.ended(),
      // Enough calls in flight for the client's batch helper workers (fewer than 3 never starts them).
      concurrency: deps.env.concurrency,
    });
    this.thumbnailQueue = new BatchQueue<ThumbnailTask>({ run: (task) => this.thumbnailOne(task), concurrency: 1 });
  }

  /** Queues photos (pending, with a file) for classifying. */
  enqueue(ids: string[]): void {
    if (ids.length === 0) return;
    if (!this.run) {
      this.run = { photos: 0, done: 0, errors: 0, skipped: 0 };
      this.meter.reset();
      if (this.queue.paused) this.meter.pause();
      else this.deps.holdViews(FIRST_RESULT_GRACE_MS);
    }
    this.run.photos += ids.length;
    const now = performance.now();
    for (const id of ids) {
      this.queued.add(id);
      this.queuedAt.set(id, now);
      this.cancelled.delete(id);
    }
    this.queue.enqueue(ids);
    this.deps.changed();
  }

  /** Files skipped by the intake that goes with the current run (for its summary). */
  noteSkipped(count: number): void {
    if (this.run) this.run.skipped += count;
  }

  pause(): void {
    this.queue.pause();
    this.meter.pause();
    this.deps.changed();
  }

  resume(): void {
    this.queue.resume();
    this.meter.resume();
    this.deps.changed();
  }

  /** Stops the run: waiting photos stay pending (with their files) until {@link classifyRest}. */
  cancel(): void {
    const stopped = [...this.queued];
    this.queue.cancel();
    for (const id of stopped) {
      this.queued.delete(id);
      this.queuedAt.delete(id);
      if (this.deps.results.get(id)?.status === 'pending') this.cancelled.add(id);
    }
    if (stopped.length > 0) this.deps.env.announce(`Cancelled: ${count(this.cancelled.size, 'photo')} not classified.`);
    this.ended();
    this.deps.changed();
  }

  /** Queues the photos a cancel left pending. */
  classifyRest(): void {
    const { results, fileOf } = this.deps;
    const ids = [...this.cancelled].filter((id) => results.get(id)?.status === 'pending' && fileOf(id));
    this.cancelled.clear();
    this.enqueue(ids);
  }

  /** Stops working on a photo (removed, or cleared): aborts it if it is being classified. */
  forget(id: string): void {
    this.inFlight.get(id)?.abort();
    this.queued.delete(id);
    this.cancelled.delete(id);
    this.queuedAt.delete(id);
    this.details.delete(id);
  }

  /** Drops everything queued and aborts what runs ("Clear all"). Thumbnails being made for photos that are gone
   * are skipped when their turn comes. */
  stopAll(): string[] {
    const stopped = [...this.queued, ...this.cancelled];
    this.queue.cancel();
    for (const controller of this.inFlight.values()) controller.abort();
    this.queued.clear();
    this.cancelled.clear();
    this.queuedAt.clear();
    this.details.clear();
    this.run = undefined;
    return stopped;
  }

  /** Why a pending photo is not being classified right now (`undefined`: it is, or it is not pending). */
  waitingOf(record: PhotoResult): PhotoWait | undefined {
    if (record.status !== 'pending' || this.inFlight.has(record.id)) return undefined;
    if (this.queued.has(record.id)) return this.queue.paused ? 'paused' : 'queued';
    if (this.cancelled.has(record.id)) return 'cancelled';
    return this.deps.fileOf(record.id) ? undefined : 'reload';
  }

  state(): { phase?: 'running' | 'paused'; queued: number; cancelled: number; perSecond?: number; etaMs?: number } {
    const remaining = this.queue.pending + this.queue.running;
    const perSecond = this.run ? this.meter.perSecond() : undefined;
    const etaMs = this.run ? this.meter.etaMs(remaining) : undefined;
    return {
      ...(this.queued.size > 0 ? { phase: this.queue.paused ? 'paused' : 'running' } : {}),
      queued: this.queued.size,
      cancelled: this.cancelled.size,
      ...(perSecond === undefined ? {} : { perSecond }),
      ...(etaMs === undefined ? {} : { etaMs }),
    };
  }

  dispose(): void {
    this.queue.cancel();
    this.thumbnailQueue.cancel();
  }

  private async classifyOne(id: string, queueSignal: AbortSignal): Promise<void> {
    const { env, results, storage } = this.deps;
    const file = this.deps.fileOf(id);
    if (!file || results.get(id)?.status !== 'pending' || queueSignal.aborted) {
      this.queued.delete(id);
      this.queuedAt.delete(id);
      return;
    }
    const controller = new AbortController();
    const abort = () => controller.abort();
    queueSignal.addEventListener('abort', abort);
    this.inFlight.set(id, controller);
    this.deps.changed();
    const { signal } = controller;
    let outcome: 'done' | 'errors' | undefined;
    try {
      // A photo added while a model loads waits for it; with none loaded the client's own error lands on the card.
      await env.modelReady();
      if (signal.aborted) return;
      const waitedMs = performance.now() - (this.queuedAt.get(id) ?? performance.now());
      // Every prediction for a photo with a true class: its loss needs p(actual) even when that is not in the top K.
      const topK = results.get(id)?.actual === undefined ? TOP_K : 0;
      const classified = await env.classify(file, { signal, topK, thumbnail: true });
      if (signal.aborted || !results.has(id)) return;
      const { width, height, warning } = classified;
      // Its wait in this queue (photos ahead of it, a model still loading) and then in the classifier's.
      const timings = { ...classified.timings, queueMs: waitedMs + (classified.timings.queueMs ?? 0) };
      this.details.set(id, warning === undefined ? { timings, width, height } : { timings, width, height, warning });
      const record = results.complete(id, classified.predictions, env.currentModel()?.id ?? 'unknown');
      storage.save(record);
      outcome = 'done';
      markAnswer(file.name);
      this.deps.resultLanded();
      const fallback = { id, file, size: { width, height } };
      if (!classified.thumbnail) this.thumbnailQueue.enqueue([fallback]);
      else void classified.thumbnail.then((made) => this.workerThumbnail(fallback, made));
      this.announceOne(record);
    } catch (error) {
      if (signal.aborted || !results.has(id)) return;
      const record = results.fail(id, userMessage(error), env.currentModel()?.id);
      storage.save(record);
      outcome = 'errors';
      this.deps.resultLanded();
      this.announceOne(record);
    } finally {
      queueSignal.removeEventListener('abort', abort);
      this.inFlight.delete(id);
      this.queued.delete(id);
      this.queuedAt.delete(id);
      if (outcome) {
        this.meter.record();
        if (this.run) this.run[outcome]++;
      }
    }
  }

  /** The worker's thumbnail, or the page draws one where the worker could not. */
  private workerThumbnail(task: ThumbnailTask, made: Blob | undefined): void {
    if (made) this.keepThumbnail(task.id, made, 'worker');
    else this.thumbnailQueue.enqueue([task]);
  }

  /** The page's own thumbnail, from the file. */
  private async thumbnailOne({ id, file, size }: ThumbnailTask): Promise<void> {
    const { env, results } = this.deps;
    if (!results.has(id) || !env.makeThumbnail) return;
    let thumbnail: Blob;
    try {
      thumbnail = await env.makeThumbnail(file, size);
    } catch {
      return; // the photo classified but cannot be drawn here: its card keeps a placeholder
    }
    this.keepThumbnail(id, thumbnail, 'page');
  }

  private keepThumbnail(id: string, thumbnail: Blob, from: ThumbnailFrom): void {
    const record = this.deps.results.get(id);
    if (!record) return; // removed or cleared meanwhile
    const details = this.details.get(id);
    if (details) this.details.set(id, { ...details, thumbnailFrom: from });
    this.deps.thumbnails.put(id, thumbnail);
    this.deps.storage.save(record, thumbnail);
    this.deps.changed();
  }

  private announceOne(record: PhotoResult): void {
    if (!this.run || this.run.photos > ANNOUNCE_EACH_UP_TO) return;
    this.deps.env.announce(
      record.status === 'error'
        ? `${record.path}: ${record.error}`
        : `${record.path}: ${describeResult(record.top, formatPercent)}`,
    );
  }

  /** The queue has nothing left: one summary for a big run. */
  private ended(): void {
    const run = this.run;
    if (!run || this.queued.size > 0) return;
    this.run = undefined;
    this.meter.pause();
    this.deps.changed();
    if (run.photos > ANNOUNCE_EACH_UP_TO) this.deps.env.announce(runSummary(run));
  }
}

/** "Finished: 998 photos classified, 2 failed, 3 files skipped." */
export function runSummary(run: Run): string {
  const parts = [`${count(run.done, 'photo')} classified`];
  if (run.errors > 0) parts.push(`${run.errors} failed`);
  if (run.skipped > 0) parts.push(`${count(run.skipped, 'file')} skipped`);
  const left = run.photos - run.done - run.errors;
  if (left > 0) parts.push(`${left} not classified`);
  return `Finished: ${parts.join(', ')}.`;
}

/** "1 photo", "1,000 photos". */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/** Only the latest answer is kept: a batch of 10,000 photos leaves one mark, not 10,000. */
function markAnswer(fileName: string): void {
  performance.clearMarks(ANSWER_MARK);
  performance.mark(ANSWER_MARK, { detail: fileName });
}
