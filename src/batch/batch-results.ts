/**
 * The results of a batch as data: one record per photo, updated in O(1) by id, with counts and a class histogram
 * kept up to date as results arrive, and a query (sort + filters, see results-query) fast enough to run on every
 * keystroke for 10,000 photos. Records are replaced, never mutated, so a view can tell a changed row by identity.
 */
import type { SkipReason } from './photo-filter';
import { isCorrect, type NewPhoto, type PhotoResult, type ScoredLabel, sortNatural, top1 } from './photo-result';
import {
  compareRowsByName,
  mergeSorted,
  type QueryRow,
  queryRow,
  type ResultsQuery,
  rankRows,
  rowFilter,
  setRowResult,
} from './results-query';

export type { NewPhoto, PhotoResult, PhotoStatus, ScoredLabel } from './photo-result';
export type { ResultsQuery, SortKey } from './results-query';

export interface ResultCounts {
  total: number;
  pending: number;
  done: number;
  errors: number;
  /** Files and folders left out at intake. */
  skipped: number;
  /** Done photos with a known true class, and how many of those the model got right (top-1). */
  labelled: number;
  correct: number;
}

export interface HistogramBar {
  label: string;
  count: number;
}

export class BatchResults {
  private readonly rows = new Map<string, QueryRow>();
  private nextSeq = 0;
  private readonly statusCounts = { pending: 0, done: 0, error: 0 };
  private labelled = 0;
  private correct = 0;
  private readonly top1Counts = new Map<string, number>();
  private skippedEntries: Array<{ path: string; reason: SkipReason }> = [];
  private readonly listeners = new Set<() => void>();

  /** Name order is kept across result updates (only adds and removals change it); new rows wait in `unsorted`
   * and are merged in on the next query. */
  private byName: QueryRow[] = [];
  private unsorted: QueryRow[] = [];
  private removedSinceSort = false;
  /** Class/confidence orders, valid while `version` is unchanged. */
  private sortCache = new Map<string, { version: number; rows: QueryRow[] }>();

  /** Bumped on every change; cheap to compare for memoising derived views. */
  version = 0;

  /** @param topK how many labels to keep per photo. */
  constructor(readonly topK = 5) {}

  /** Adds photos as pending. A duplicate id is a caller bug and throws. */
  add(photos: Iterable<NewPhoto>): void {
    for (const { id, path, actual } of photos) {
      if (this.rows.has(id)) throw new Error(`photo id ${id} is already in the batch`);
      this.insert({ id, path, status: 'pending', top: [], ...(actual === undefined ? {} : { actual }) });
    }
    this.changed();
  }

  /** Puts back records as they were saved (from IndexedDB after a reload); replaces records with the same id. */
  restore(records: Iterable<PhotoResult>): void {
    for (const record of records) {
      const existing = this.rows.get(record.id);
      if (existing && existing.result.path === record.path) {
        this.replace(record.id, () => record);
        continue;
      }
      if (existing) this.drop(existing);
      this.insert(record);
    }
    this.changed();
  }

  /** Records a result: `top` best first (trimmed to `topK`). Pass every prediction (`topK` 0 to the classifier) for a
   * photo with a true class, so that its `actualScore` is kept beyond the top K. Returns the new record. Like `fail`
   * and `reset`, throws for an id not in the batch (check `has` first where a row may have been removed while its
   * photo ran). */
  complete(id: string, top: readonly ScoredLabel[], modelId: string): PhotoResult {
    return this.update(id, ({ error: _, actualScore: __, ...rest }) => {
      const kept = top.slice(0, this.topK).map(({ label, score }) => ({ label, score }));
      // Only needed when the true class fell out of the kept top K.
      const actualScore =
        rest.actual === undefined || kept.some(({ label }) => label === rest.actual)
          ? undefined
          : top.find(({ label }) => label === rest.actual);
      return {
        ...rest,
        status: 'done',
        top: kept,
        modelId,
        ...(actualScore === undefined ? {} : { actualScore: { label: actualScore.label, score: actualScore.score } }),
      };
    });
  }

  /** `modelId` is left out when no model was loaded (the error then says so). */
  fail(id: string, error: string, modelId?: string): PhotoResult {
    return this.update(id, ({ modelId: _, actualScore: __, ...old }) => ({
      ...old,
      status: 'error',
      top: [],
      error,
      ...(modelId === undefined ? {} : { modelId }),
    }));
  }

  /** Back to pending, e.g. to run it again with another model. */
  reset(id: string): PhotoResult {
    return this.update(id, ({ error: _, modelId: __, actualScore: ___, ...rest }) => ({
      ...rest,
      status: 'pending',
      top: [],
    }));
  }

  /** Re-reads every photo's true class, e.g. with `actualFromPath(path, newModel.labels)` after a model switch. */
  assignActuals(actualOf: (path: string) => string | undefined): void {
    for (const row of this.rows.values()) {
      const actual = actualOf(row.result.path);
      if (actual === row.result.actual) continue;
      this.replace(row.result.id, ({ actual: _, ...rest }) => (actual === undefined ? rest : { ...rest, actual }));
    }
    this.changed();
  }

  remove(id: string): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.drop(row);
    this.changed();
  }

  clear(): void {
    this.rows.clear();
    this.byName = [];
    this.unsorted = [];
    this.skippedEntries = [];
    this.top1Counts.clear();
    Object.assign(this.statusCounts, { pending: 0, done: 0, error: 0 });
    this.labelled = 0;
    this.correct = 0;
    this.changed();
  }

  /** Files and folders left out at intake (counted, and listed for a "what was skipped" panel). */
  addSkipped(entries: Iterable<{ path: string; reason: SkipReason }>): void {
    for (const { path, reason } of entries) this.skippedEntries.push({ path, reason });
    this.changed();
  }

  get skipped(): ReadonlyArray<{ path: string; reason: SkipReason }> {
    return this.skippedEntries;
  }

  /** Whether the photo is (still) in the batch: a result that arrives after its row was removed has nowhere to go. */
  has(id: string): boolean {
    return this.rows.has(id);
  }

  get(id: string): PhotoResult | undefined {
    return this.rows.get(id)?.result;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Every record, in the order added. */
  all(): PhotoResult[] {
    return Array.from(this.rows.values(), (row) => row.result);
  }

  counts(): ResultCounts {
    const { pending, done, error } = this.statusCounts;
    return {
      total: this.rows.size,
      pending,
      done,
      errors: error,
      skipped: this.skippedEntries.length,
      labelled: this.labelled,
      correct: this.correct,
    };
  }

  /** Top-1 label → number of done photos, most frequent first (ties by label). */
  histogram(): HistogramBar[] {
    // Natural label order first; the stable sort by count then keeps it among equal counts.
    return sortNatural(this.top1Counts.keys())
      .map((label) => ({ label, count: this.top1Counts.get(label) ?? 0 }))
      .sort((a, b) => b.count - a.count);
  }

  /** Called after every change (synchronously: throttle rendering on the caller's side). Returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The photos to show, filtered and sorted. Sorted orders are cached, so changing only a filter does not sort. */
  query(query: ResultsQuery = {}): PhotoResult[] {
    const sort = query.sort ?? 'name';
    const descending = query.direction === 'desc';
    const keep = rowFilter(query);
    const out: PhotoResult[] = [];
    if (sort === 'name' || sort === 'added') {
      const ordered = sort === 'name' ? this.nameOrder() : this.addedOrder();
      for (let i = 0; i < ordered.length; i++) {
        const row = ordered[descending ? ordered.length - 1 - i : i] as QueryRow;
        if (keep(row)) out.push(row.result);
      }
    } else {
      for (const row of this.rankedOrder(sort, descending)) if (keep(row)) out.push(row.result);
    }
    return out;
  }

  private rankedOrder(key: 'class' | 'confidence', descending: boolean): QueryRow[] {
    const cacheKey = `${key}:${descending}`;
    const cached = this.sortCache.get(cacheKey);
    if (cached && cached.version === this.version) return cached.rows;
    const rows = rankRows(this.nameOrder(), key, descending, this.top1Counts.keys());
    this.sortCache.set(cacheKey, { version: this.version, rows });
    return rows;
  }

  /** Rows in the order added: the map keeps insertion order, and `restore` replaces a record in place. */
  private addedOrder(): QueryRow[] {
    const cached = this.sortCache.get('added');
    if (cached && cached.version === this.version) return cached.rows;
    const rows = Array.from(this.rows.values());
    this.sortCache.set('added', { version: this.version, rows });
    return rows;
  }

  private nameOrder(): QueryRow[] {
    if (this.removedSinceSort) {
      this.byName = this.byName.filter((row) => this.rows.get(row.result.id) === row);
      this.removedSinceSort = false;
    }
    if (this.unsorted.length > 0) {
      const fresh = this.unsorted.filter((row) => this.rows.get(row.result.id) === row).sort(compareRowsByName);
      this.byName = mergeSorted(this.byName, fresh, compareRowsByName);
      this.unsorted = [];
    }
    return this.byName;
  }

  private drop(row: QueryRow): void {
    this.untally(row.result);
    this.rows.delete(row.result.id);
    this.removedSinceSort = true;
  }

  private insert(result: PhotoResult): void {
    const row = queryRow(result, this.nextSeq++);
    this.rows.set(result.id, row);
    this.unsorted.push(row);
    this.tally(result, 1);
  }

  private update(id: string, change: (old: PhotoResult) => PhotoResult): PhotoResult {
    const next = this.replace(id, change);
    this.changed();
    return next;
  }

  /** Swaps a record in place (same Row object, so the name order stays valid) and re-tallies it. */
  private replace(id: string, change: (old: PhotoResult) => PhotoResult): PhotoResult {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no photo with id ${id} in the batch`);
    const next = change(row.result);
    if (next.path !== row.result.path) throw new Error('a photo keeps its path');
    this.untally(row.result);
    setRowResult(row, next);
    this.tally(next, 1);
    return next;
  }

  private untally(result: PhotoResult): void {
    this.tally(result, -1);
  }

  private tally(result: PhotoResult, sign: 1 | -1): void {
    this.statusCounts[result.status] += sign;
    const label = top1(result)?.label;
    if (label !== undefined) {
      const count = (this.top1Counts.get(label) ?? 0) + sign;
      if (count === 0) this.top1Counts.delete(label);
      else this.top1Counts.set(label, count);
    }
    const correct = isCorrect(result);
    if (correct !== undefined) {
      this.labelled += sign;
      if (correct) this.correct += sign;
    }
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
