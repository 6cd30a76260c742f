/**
 * The page's side of a batch (issue #10): photos and folders in, results kept as compact records (BatchResults) and
 * on the device (BatchStorage), classified by the BatchRunner (queue, pause/resume/cancel, thumbnails made once,
 * announcements), removal, an undoable "Clear all", photos from an earlier visit finished when their folder comes
 * again, and re-running results another model made.
 *
 * Scale is the point: the store keeps a few hundred bytes per photo (its record, its File while this page lives, its
 * timings), reads a file only when classifying it, and tells its listeners at most once per animation frame, so
 * 3,000 results cost 3,000 tiny updates and a few hundred renders, not 3,000 renders of 3,000 cards.
 */
import {
  BatchResults,
  type IntakeItem,
  type IntakePhoto,
  type NewPhoto,
  type PhotoResult,
  type SkippedEntry,
  walkIntake,
} from '../batch';
import { errorMessage } from '../error-message';
import { actualResolver, type LabelMapping } from '../evaluate';
import type { LoadedModel } from '../inference/types';
import { BatchRunner, count, TOP_K } from './batch-runner';
import { BatchStorage, type ClearedStorage } from './batch-storage';
import type { BatchEnvironment, BatchProgress } from './batch-types';
import { type Photo, toPhoto } from './card-photo';
import { loadLabelMapping, saveLabelMapping } from './evaluation/mapping-storage';
import { PhotoIds, RestoredPhotos } from './photo-identity';
import { ThumbnailCache } from './thumbnail-cache';
import { ViewNotifier } from './view-notifier';

export { ANNOUNCE_EACH_UP_TO, TOP_K } from './batch-runner';
export type { BatchEnvironment, BatchPhase, BatchProgress } from './batch-types';

/** How long "Clear all" can be undone. */
export const UNDO_MS = 15_000;

/** Picked files taken per task (see `add`). */
const CHOSEN_SLICE = 250;
export class BatchStore {
  readonly results = new BatchResults(TOP_K);
  readonly thumbnails: ThumbnailCache;
  private readonly storage: BatchStorage;
  private readonly runner: BatchRunner;
  /** This page's files, by photo id: read when classified, kept (as handles, not bytes) for a re-run. */
  private readonly files = new Map<string, File>();
  private readonly ids = new PhotoIds();
  private readonly restored = new RestoredPhotos();
  private scanned?: number;
  private walks = 0;
  /** Bumped by "Clear all": a folder walk still running stops adding what it finds. */
  private walkGeneration = 0;
  private undo?: {
    records: PhotoResult[];
    skipped: SkippedEntry[];
    storage: ClearedStorage;
    files: Map<string, File>;
    timer: ReturnType<typeof setTimeout>;
  };
  private readonly views: ViewNotifier;
  /** The photo {@link sampleFile} gave last. */
  private sampleId?: string;
  private staleMemo?: { version: number; model: string | undefined; count: number; rerunnable: number };
  /** The user's folder-to-label choices (#15): true classes come from folder names through it. */
  private labelMapping: LabelMapping = loadLabelMapping();

  constructor(private readonly env: BatchEnvironment) {
    this.views = new ViewNotifier({ requestFrame: env.requestFrame });
    this.storage = new BatchStorage(env.openResultsDb, () => this.changed(), env.storageBudget);
    this.thumbnails = new ThumbnailCache({
      load: (id) => this.storage.getThumbnail(id),
      createObjectURL: env.createObjectURL,
      revokeObjectURL: env.revokeObjectURL,
      onLoaded: () => this.changed(),
    });
    this.runner = new BatchRunner({
      env,
      results: this.results,
      storage: this.storage,
      thumbnails: this.thumbnails,
      fileOf: (id) => this.files.get(id),
      changed: () => this.changed(),
      resultLanded: () => this.views.resultLanded(),
      holdViews: (ms) => this.views.hold(ms),
    });
    this.results.subscribe(() => this.changed());
  }

  /** Puts back the results kept on this device. */
  async start(): Promise<void> {
    for await (const page of this.storage.restore()) {
      this.results.restore(page);
      for (const record of page) if (!this.files.has(record.id)) this.restored.remember(record.path, record.id);
    }
  }

  /** Tells `listener` about changes, at most once per animation frame. */
  subscribe(listener: () => void): () => void {
    return this.views.subscribe(listener);
  }

  /**
   * Adds photos: files the user chose one by one (picker, paste, camera, a file dropped by itself) are each taken as
   * a photo, whatever their type, so that a wrong one gets its own error; folders (dropped entries, or a folder
   * input's files, which carry a relative path) are walked, and what is not a photo in them is skipped and counted.
   */
  async add(items: Iterable<IntakeItem>): Promise<void> {
    const chosen: IntakePhoto[] = [];
    const folders: IntakeItem[] = [];
    for (const item of items) {
      if (isChosenFile(item)) chosen.push({ file: item, path: item.name || 'photo' });
      else folders.push(item);
    }
    // Thousands of picked files are taken a slice at a time, so the page paints and answers between slices (one
    // slice of records, index and storage writes is a few tens of ms; all at once was a long task).
    const generation = this.walkGeneration;
    for (let i = 0; i < chosen.length; i += CHOSEN_SLICE) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      if (generation !== this.walkGeneration) return;
      this.addPhotos(chosen.slice(i, i + CHOSEN_SLICE), []);
    }
    if (folders.length > 0) await this.walk(folders);
  }

  private async walk(items: IntakeItem[]): Promise<void> {
    this.walks++;
    this.scanned ??= 0;
    let seen = 0;
    let photos = 0;
    let skipped = 0;
    const generation = this.walkGeneration;
    try {
      for await (const batch of walkIntake(items)) {
        if (generation !== this.walkGeneration) return;
        this.scanned = (this.scanned ?? 0) + batch.scanned - seen;
        seen = batch.scanned;
        photos += this.addPhotos(batch.photos, batch.skipped);
        skipped += batch.skipped.length;
      }
      if (photos === 0) {
        this.env.announce(
          skipped > 0 ? `No photos there: ${count(skipped, 'file')} skipped (not photos).` : 'That folder is empty.',
        );
      }
    } catch (error) {
      this.env.announce(`The folder could not be read completely: ${errorMessage(error)}`);
    } finally {
      if (--this.walks === 0) this.scanned = undefined;
      this.changed();
    }
  }

  /** Returns how many photos were added or taken up again. */
  private addPhotos(photos: IntakePhoto[], skipped: SkippedEntry[]): number {
    const labels = this.env.currentModel()?.spec.labels;
    const actualOf = labels ? actualResolver(labels, this.labelMapping) : undefined;
    const fresh: NewPhoto[] = [];
    const toRun: string[] = [];
    let found = 0;
    for (const { file, path } of photos) {
      found++;
      const earlierId = this.restored.take(path, (id) => this.results.has(id) && !this.files.has(id));
      const earlier = earlierId === undefined ? undefined : this.results.get(earlierId);
      if (earlier) {
        this.files.set(earlier.id, file);
        if (earlier.status === 'done') continue; // already classified: kept (a model change offers a re-run)
        if (earlier.status === 'error') this.storage.save(this.results.reset(earlier.id));
        toRun.push(earlier.id);
        continue;
      }
      const id = this.ids.next();
      const actual = actualOf?.(path);
      fresh.push(actual === undefined ? { id, path } : { id, path, actual });
      this.files.set(id, file);
      toRun.push(id);
    }
    if (fresh.length > 0) {
      this.results.add(fresh);
      this.storage.saveNew(fresh.map(({ id }) => this.results.get(id) as PhotoResult));
    }
    this.runner.enqueue(toRun);
    if (skipped.length > 0) {
      this.results.addSkipped(skipped);
      this.runner.noteSkipped(skipped.length);
    }
    return found;
  }

  pause(): void {
    this.runner.pause();
  }

  resume(): void {
    this.runner.resume();
  }

  /** Stops the run: waiting photos stay pending (with their files) and "Classify the rest" takes them up again. */
  cancel(): void {
    this.runner.cancel();
  }

  classifyRest(): void {
    this.runner.classifyRest();
  }

  remove(id: string): void {
    this.runner.forget(id);
    this.files.delete(id);
    this.thumbnails.forget(id);
    this.results.remove(id);
    this.storage.remove(id);
  }

  /** Removes every result at once; {@link undoClear} puts them back for {@link UNDO_MS}. */
  clearAll(): void {
    const records = this.results.all();
    const skipped = this.results.skipped.map(({ path, reason }) => ({ path, reason, kind: 'file' as const }));
    if (records.length === 0 && skipped.length === 0) return;
    this.finishUndo();
    this.walkGeneration++;
    this.runner.stopAll();
    const files = new Map(this.files);
    const storage = this.storage.clear(records);
    this.files.clear();
    this.restored.clear();
    this.thumbnails.clear();
    this.results.clear();
    const timer = setTimeout(() => this.finishUndo(), UNDO_MS);
    this.undo = { records, skipped, storage, files, timer };
    this.env.announce(`Cleared ${count(records.length, 'result')}. You can undo this for a few seconds.`);
  }

  undoClear(): void {
    const undo = this.undo;
    if (!undo) return;
    clearTimeout(undo.timer);
    this.undo = undefined;
    this.storage.undoClear(undo.storage);
    this.results.restore(undo.records);
    if (undo.skipped.length > 0) this.results.addSkipped(undo.skipped);
    const unfinished: string[] = [];
    for (const record of undo.records) {
      const file = undo.files.get(record.id);
      if (file) this.files.set(record.id, file);
      else this.restored.remember(record.path, record.id);
      if (file && record.status === 'pending') unfinished.push(record.id);
    }
    this.runner.enqueue(unfinished);
    this.env.announce(`Restored ${count(undo.records.length, 'result')}.`);
  }

  private finishUndo(): void {
    const undo = this.undo;
    if (!undo) return;
    clearTimeout(undo.timer);
    this.undo = undefined;
    this.storage.finishClear(undo.storage);
    this.changed();
  }

  /** A new model: true classes are re-read against its labels; results by the old one show as such. */
  modelChanged(model: LoadedModel): void {
    this.results.assignActuals(actualResolver(model.spec.labels, this.labelMapping));
  }

  get mapping(): LabelMapping {
    return this.labelMapping;
  }

  /** The user mapped a folder to a label (or ignored it): every photo's true class is read again. */
  setMapping(mapping: LabelMapping): void {
    this.labelMapping = mapping;
    saveLabelMapping(mapping);
    const labels = this.env.currentModel()?.spec.labels;
    if (labels) this.results.assignActuals(actualResolver(labels, mapping));
  }

  /** The photo's file while this page has it (the cleaner hashes it to find exact duplicates). */
  fileOf(id: string): File | undefined {
    return this.files.get(id);
  }

  /** Results made by a model other than the current one, and how many of them can be re-run (file still here). */
  otherModel(): { count: number; rerunnable: number } {
    const model = this.env.currentModel()?.id;
    const memo = this.staleMemo;
    if (memo && memo.version === this.results.version && memo.model === model) {
      return { count: memo.count, rerunnable: memo.rerunnable };
    }
    const stale = model === undefined ? [] : this.results.query({ sort: 'added', otherThanModel: model });
    const rerunnable = stale.reduce((sum, record) => sum + (this.files.has(record.id) ? 1 : 0), 0);
    this.staleMemo = { version: this.results.version, model, count: stale.length, rerunnable };
    return { count: stale.length, rerunnable };
  }

  /** Runs the current model on every result another model made, where the photo's file is still here. */
  rerunOtherModel(): number {
    const model = this.env.currentModel()?.id;
    if (model === undefined) return 0;
    return this.rerun(this.results.query({ sort: 'added', otherThanModel: model }).map((record) => record.id));
  }

  /** Classifies these photos again, where their file is still here (e.g. an evaluation's photos without a loss). */
  rerun(candidates: readonly string[]): number {
    const ids = candidates.filter((id) => this.results.has(id) && this.files.has(id));
    const reset = ids.map((id) => this.results.reset(id));
    this.storage.saveNew(reset);
    this.runner.enqueue(ids);
    return ids.length;
  }

  progress(): BatchProgress {
    const counts = this.results.counts();
    const run = this.runner.state();
    return {
      counts,
      phase: run.phase ?? (this.walks > 0 ? 'scanning' : 'idle'),
      ...(this.scanned === undefined ? {} : { scanned: this.scanned }),
      ...(run.perSecond === undefined ? {} : { perSecond: run.perSecond }),
      ...(run.etaMs === undefined ? {} : { etaMs: run.etaMs }),
      cancelled: run.cancelled,
      needFolder: Math.max(0, counts.pending - run.queued - run.cancelled),
      storage: this.storage.status(),
      ...(this.undo ? { undo: this.undo.records.length } : {}),
    };
  }

  /**
   * A classified photo whose file this page still has, for the spec editor's preview: the same one while it stays
   * (a preview is not re-run for every new result), else the first found.
   */
  sampleFile(): File | undefined {
    const kept = this.sampleId === undefined ? undefined : this.files.get(this.sampleId);
    if (kept && this.results.get(this.sampleId as string)?.status === 'done') return kept;
    this.sampleId = undefined;
    if (this.results.counts().done === 0) return undefined;
    for (const [id, file] of this.files) {
      if (this.results.get(id)?.status !== 'done') continue;
      this.sampleId = id;
      return file;
    }
    return undefined;
  }

  /** What a card shows of `record` (built for the cards in view only). */
  photo(record: PhotoResult): Photo {
    const { id } = record;
    return toPhoto(record, {
      url: this.storage.hasThumbnail(id) ? this.thumbnails.url(id) : undefined,
      details: this.runner.details.get(id),
      currentModelId: this.env.currentModel()?.id,
      waiting: this.runner.waitingOf(record),
    });
  }

  /** Resolves once every save asked for so far has reached the device (the page calls it on `pagehide`). */
  saved(): Promise<void> {
    return this.storage.flushed();
  }

  dispose(): void {
    this.runner.dispose();
    this.finishUndo();
    this.thumbnails.clear();
    this.storage.close();
    this.views.clear();
  }

  /** Bumped on every notification: a cheap "something changed" for views. */
  get revision(): number {
    return this.views.revision;
  }

  private changed(): void {
    this.views.changed();
  }
}

function isChosenFile(item: IntakeItem): item is File {
  return typeof (item as { isDirectory?: unknown }).isDirectory !== 'boolean' && !(item as File).webkitRelativePath;
}
