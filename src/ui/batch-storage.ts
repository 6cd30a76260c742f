/**
 * Keeping a batch's results on the device (ResultsDb, IndexedDB), within a storage budget, for the batch store.
 * Writes run one after another in the order asked (so a photo's "done" never lands before its "pending"), never
 * block the page, and a failed one is reported once in plain words rather than thrown. Where IndexedDB cannot be used
 * (some private modes), or once the budget is reached, thumbnails stay in memory for this session.
 */

import type { PhotoResult } from '../batch';
import { estimateRecordBytes, type ResultsDb, type StoredPhoto } from '../batch/results-db';
import { errorMessage } from '../error-message';

/** Results are saved in one transaction per this many milliseconds rather than one per photo. */
export const SAVE_DELAY_MS = 250;

/** Room for about 30,000 photos' thumbnails (~6 KB each) and results; the browser's own quota is usually far more. */
export const STORAGE_BUDGET_BYTES = 200 * 1000 * 1000;

export interface StorageStatus {
  /** True while the database is being opened (nothing to say yet). */
  opening: boolean;
  /** False when results cannot be kept on this device: they last until the page closes. */
  available: boolean;
  /** Estimated bytes of the saved results and thumbnails. */
  bytes: number;
  budget: number;
  /** The budget is reached: new thumbnails are kept for this session only (results are still saved). */
  full: boolean;
  /** What went wrong with saving, in plain words. */
  problem?: string;
}

/** What a "Clear all" took away, to put back on undo. */
export interface ClearedStorage {
  records: StoredPhoto[];
  sizes: Map<string, Sizes>;
  memory: Map<string, Blob>;
}

interface Sizes {
  record: number;
  thumbnail: number;
}

export class BatchStorage {
  private db: ResultsDb | undefined;
  private readonly opened: Promise<ResultsDb | undefined>;
  private writes: Promise<void> = Promise.resolve();
  /** Saves waiting for the next write, by photo id (the latest record, and its new thumbnail if any). */
  private buffer = new Map<string, { photo: PhotoResult; thumbnail?: Blob }>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly sizes = new Map<string, Sizes>();
  private bytes = 0;
  /** Thumbnails not in the database (no database, or over budget). */
  private readonly memory = new Map<string, Blob>();
  private problem: string | undefined;
  private full = false;
  private opening = true;

  constructor(
    open: (() => Promise<ResultsDb>) | undefined,
    private readonly onChange: () => void,
    private readonly budget = STORAGE_BUDGET_BYTES,
  ) {
    this.opened = (open ? open() : Promise.resolve(undefined)).then(
      (db) => {
        this.db = db;
        this.opening = false;
        this.onChange();
        return db;
      },
      (error: unknown) => {
        this.opening = false;
        this.report(
          `Results can’t be kept on this device (${errorMessage(error)}); they last until you close the page.`,
        );
        return undefined;
      },
    );
  }

  status(): StorageStatus {
    return {
      opening: this.opening,
      available: this.db !== undefined,
      bytes: this.bytes,
      budget: this.budget,
      full: this.full,
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  /** The saved records, a page at a time; thumbnails left behind by a page closed mid-"Clear all" are deleted. */
  async *restore(): AsyncGenerator<StoredPhoto[]> {
    const db = await this.opened;
    if (!db) return;
    try {
      for await (const page of db.loadPages()) {
        for (const stored of page) this.tally(stored.id, estimateRecordBytes(stored), stored.thumbnailBytes);
        yield page;
      }
      const orphans = await db.orphanThumbnails();
      if (orphans.length > 0) this.write((open) => open.deleteThumbnails(orphans), false);
    } catch (error) {
      this.report(`Your earlier results could not be read: ${errorMessage(error)}`);
    }
  }

  hasThumbnail(id: string): boolean {
    return this.memory.has(id) || (this.sizes.get(id)?.thumbnail ?? 0) > 0;
  }

  async getThumbnail(id: string): Promise<Blob | undefined> {
    return this.memory.get(id) ?? (await this.opened)?.getThumbnail(id);
  }

  /** Photos just added (pending). */
  saveNew(records: PhotoResult[]): void {
    if (records.length === 0) return;
    for (const record of records) this.tally(record.id, estimateRecordBytes(record), undefined);
    this.write((db) => db.putMany(records));
  }

  /** A photo's new state, with its thumbnail when one was just made. */
  save(record: PhotoResult, thumbnail?: Blob): void {
    let keep = thumbnail;
    if (thumbnail) {
      const old = this.sizes.get(record.id)?.thumbnail ?? 0;
      if (!this.db || this.bytes - old + thumbnail.size > this.budget) {
        this.memory.set(record.id, thumbnail);
        keep = undefined;
        if (this.db && !this.full) {
          this.full = true;
          this.onChange();
        }
      }
    }
    this.tally(record.id, estimateRecordBytes(record), keep?.size);
    const thumbnailToSave = keep ?? this.buffer.get(record.id)?.thumbnail;
    this.buffer.set(record.id, thumbnailToSave ? { photo: record, thumbnail: thumbnailToSave } : { photo: record });
    this.flushTimer ??= setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  remove(id: string): void {
    this.untally(id);
    this.memory.delete(id);
    this.buffer.delete(id);
    this.write((db) => db.delete(id));
  }

  /** Forgets every record now, but keeps the thumbnails on disk until {@link finishClear}, so {@link undoClear}
   * can put everything back. */
  clear(records: PhotoResult[]): ClearedStorage {
    const cleared: ClearedStorage = {
      records: records.map((record) => ({ ...record, thumbnailBytes: this.sizes.get(record.id)?.thumbnail ?? 0 })),
      sizes: new Map(this.sizes),
      memory: new Map(this.memory),
    };
    this.sizes.clear();
    this.memory.clear();
    this.bytes = 0;
    this.full = false;
    this.write((db) => db.clearRecords());
    return cleared;
  }

  undoClear(cleared: ClearedStorage): void {
    for (const [id, sizes] of cleared.sizes) this.tally(id, sizes.record, sizes.thumbnail);
    for (const [id, blob] of cleared.memory) this.memory.set(id, blob);
    this.write((db) => db.putStored(cleared.records));
  }

  finishClear(cleared: ClearedStorage): void {
    const ids = cleared.records.filter((record) => record.thumbnailBytes > 0).map((record) => record.id);
    if (ids.length > 0) this.write((db) => db.deleteThumbnails(ids));
  }

  /** Starts the saves waiting in the buffer now (the page calls this when it is being hidden or closed). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.buffer.size === 0) return;
    const entries = [...this.buffer.values()];
    this.buffer = new Map();
    this.write((db) => db.putEach(entries), false);
  }

  /** Resolves once every write asked for so far has finished (or failed). */
  flushed(): Promise<void> {
    this.flush();
    return this.writes;
  }

  close(): void {
    void this.flushed().then(() => this.db?.close());
  }

  /** Queues a write; the buffered saves go first (unless this is their own write), so order is kept. */
  private write(job: (db: ResultsDb) => Promise<void>, flushFirst = true): void {
    if (flushFirst) this.flush();
    this.writes = this.writes
      .then(() => this.opened)
      .then((db) => (db ? job(db) : undefined))
      .catch((error: unknown) => {
        const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
        this.report(
          quota
            ? 'This device has no room left for more results. The ones on screen stay until you close the page: export them to keep them.'
            : `Results could not be saved on this device: ${errorMessage(error)}`,
        );
      });
  }

  /** Keeps `thumbnail` as it was when `undefined`. */
  private tally(id: string, record: number, thumbnail: number | undefined): void {
    const old = this.sizes.get(id);
    const next = { record, thumbnail: thumbnail ?? old?.thumbnail ?? 0 };
    this.bytes += next.record + next.thumbnail - (old ? old.record + old.thumbnail : 0);
    this.sizes.set(id, next);
  }

  private untally(id: string): void {
    const old = this.sizes.get(id);
    if (!old) return;
    this.bytes -= old.record + old.thumbnail;
    this.sizes.delete(id);
  }

  private report(problem: string): void {
    if (this.problem === problem) return;
    this.problem = problem;
    this.onChange();
  }
}
