/**
 * A batch's results and thumbnails kept in IndexedDB, so they survive a reload and work offline. The photos
 * themselves are not kept (3,000 photos would be gigabytes): after a reload a pending photo cannot be resumed
 * without picking its folder again.
 *
 * Two stores: `results` (small records, loaded in pages at start-up) and `thumbnails` (Blobs, read one at a time for
 * the rows on screen), so loading 10,000 results never touches the thumbnail bytes.
 */
import { type DBSchema, deleteDB, type IDBPDatabase, openDB } from 'idb';
import type { PhotoResult } from './photo-result';

export const RESULTS_DB_NAME = 'onsight-batch';
const DB_VERSION = 1;

/** A saved result: the record plus the size of its thumbnail (0 without one), kept here so that the storage
 * estimate does not have to read every Blob. */
export interface StoredPhoto extends PhotoResult {
  thumbnailBytes: number;
}

interface BatchDbSchema extends DBSchema {
  results: { key: string; value: StoredPhoto };
  thumbnails: { key: string; value: Blob };
}

export interface ResultsDbUsage {
  photos: number;
  /** Sum of the thumbnails' sizes. */
  thumbnailBytes: number;
  /** Estimated size of the result records (see {@link estimateRecordBytes}). */
  recordBytes: number;
  totalBytes: number;
}

/** What one record costs besides its JSON text: keys, the serialiser's framing, the database's own bookkeeping.
 * A rough figure; the point is a number to show against a budget, not an exact one. */
export const RECORD_OVERHEAD_BYTES = 100;

/** Estimated bytes a result record takes on disk: its JSON text (UTF-8) plus {@link RECORD_OVERHEAD_BYTES}. */
export function estimateRecordBytes(photo: PhotoResult): number {
  return new TextEncoder().encode(JSON.stringify(toStored(photo, 0))).length + RECORD_OVERHEAD_BYTES;
}

export class ResultsDb {
  private constructor(private readonly db: IDBPDatabase<BatchDbSchema>) {}

  /** Opens (creating on first use) the database. Rejects where IndexedDB is unavailable (some private modes): the
   * batch then simply lives in memory. */
  static async open(name = RESULTS_DB_NAME): Promise<ResultsDb> {
    const db = await openDB<BatchDbSchema>(name, DB_VERSION, {
      upgrade(database) {
        database.createObjectStore('results', { keyPath: 'id' });
        database.createObjectStore('thumbnails');
      },
      // Another tab wants a newer schema: let it, rather than block it until this tab closes.
      blocking() {
        db.close();
      },
    });
    return new ResultsDb(db);
  }

  /** Deletes the whole database (for tests, or a "forget everything" button). */
  static delete(name = RESULTS_DB_NAME): Promise<void> {
    return deleteDB(name);
  }

  /** Saves a photo's record, and its thumbnail when given; without one, a thumbnail saved earlier is kept. */
  async put(photo: PhotoResult, thumbnail?: Blob): Promise<void> {
    const tx = this.db.transaction(['results', 'thumbnails'], 'readwrite');
    const results = tx.objectStore('results');
    let thumbnailBytes: number;
    if (thumbnail) {
      thumbnailBytes = thumbnail.size;
      void tx.objectStore('thumbnails').put(thumbnail, photo.id);
    } else {
      thumbnailBytes = (await results.get(photo.id))?.thumbnailBytes ?? 0;
    }
    void results.put(toStored(photo, thumbnailBytes));
    await tx.done;
  }

  /** Saves many records in one transaction (a whole folder's pending photos at once); thumbnails saved earlier are
   * kept. */
  async putMany(photos: Iterable<PhotoResult>): Promise<void> {
    const tx = this.db.transaction('results', 'readwrite');
    const results = tx.objectStore('results');
    const pending: Promise<unknown>[] = [];
    for (const photo of photos) {
      pending.push(results.get(photo.id).then((old) => results.put(toStored(photo, old?.thumbnailBytes ?? 0))));
    }
    await Promise.all([...pending, tx.done]);
  }

  /** Saves several photos in one transaction, each like {@link put}: with its new thumbnail when it has one, else
   * keeping the thumbnail saved earlier. One transaction for a frame's worth of results rather than one each. */
  async putEach(entries: Iterable<{ photo: PhotoResult; thumbnail?: Blob }>): Promise<void> {
    const tx = this.db.transaction(['results', 'thumbnails'], 'readwrite');
    const results = tx.objectStore('results');
    const thumbnails = tx.objectStore('thumbnails');
    const pending: Promise<unknown>[] = [];
    for (const { photo, thumbnail } of entries) {
      if (thumbnail) {
        pending.push(thumbnails.put(thumbnail, photo.id), results.put(toStored(photo, thumbnail.size)));
      } else {
        pending.push(results.get(photo.id).then((old) => results.put(toStored(photo, old?.thumbnailBytes ?? 0))));
      }
    }
    await Promise.all([...pending, tx.done]);
  }

  /**
   * Every saved record, `pageSize` at a time (in id order), each page read in its own short transaction: the caller
   * may render between pages without the transaction expiring, and 10,000 records never arrive in one lump.
   */
  async *loadPages(pageSize = 500): AsyncGenerator<StoredPhoto[]> {
    let after: string | undefined;
    for (;;) {
      const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
      const page = await this.db.getAll('results', range, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.id;
    }
  }

  /** All records at once (collects {@link loadPages}). */
  async loadAll(pageSize = 500): Promise<StoredPhoto[]> {
    const all: StoredPhoto[] = [];
    for await (const page of this.loadPages(pageSize)) all.push(...page);
    return all;
  }

  getThumbnail(id: string): Promise<Blob | undefined> {
    return this.db.get('thumbnails', id);
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['results', 'thumbnails'], 'readwrite');
    await Promise.all([tx.objectStore('results').delete(id), tx.objectStore('thumbnails').delete(id), tx.done]);
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(['results', 'thumbnails'], 'readwrite');
    await Promise.all([tx.objectStore('results').clear(), tx.objectStore('thumbnails').clear(), tx.done]);
  }

  /** Deletes every record but keeps the thumbnails, so that a "Clear all" can still be undone ({@link putStored});
   * {@link deleteThumbnails} finishes the job, and {@link orphanThumbnails} finds what a closed page left. */
  async clearRecords(): Promise<void> {
    await this.db.clear('results');
  }

  /** Puts records back exactly as they were saved (thumbnail sizes included), e.g. to undo a clear. */
  async putStored(photos: Iterable<StoredPhoto>): Promise<void> {
    const tx = this.db.transaction('results', 'readwrite');
    const results = tx.objectStore('results');
    await Promise.all([...Array.from(photos, (photo) => results.put(toStored(photo, photo.thumbnailBytes))), tx.done]);
  }

  async deleteThumbnails(ids: Iterable<string>): Promise<void> {
    const tx = this.db.transaction('thumbnails', 'readwrite');
    const thumbnails = tx.objectStore('thumbnails');
    await Promise.all([...Array.from(ids, (id) => thumbnails.delete(id)), tx.done]);
  }

  /** Ids of thumbnails whose record is gone (keys only: no Blob is read). */
  async orphanThumbnails(): Promise<string[]> {
    const tx = this.db.transaction(['results', 'thumbnails'], 'readonly');
    const [recordIds, thumbnailIds] = await Promise.all([
      tx.objectStore('results').getAllKeys(),
      tx.objectStore('thumbnails').getAllKeys(),
      tx.done,
    ]);
    const kept = new Set(recordIds);
    return thumbnailIds.filter((id) => !kept.has(id));
  }

  /** What the batch takes on disk, estimated from the saved records (paged, like loading). */
  async usage(): Promise<ResultsDbUsage> {
    const usage: ResultsDbUsage = { photos: 0, thumbnailBytes: 0, recordBytes: 0, totalBytes: 0 };
    for await (const page of this.loadPages()) {
      for (const stored of page) {
        usage.photos += 1;
        usage.thumbnailBytes += stored.thumbnailBytes;
        usage.recordBytes += estimateRecordBytes(stored);
      }
    }
    usage.totalBytes = usage.thumbnailBytes + usage.recordBytes;
    return usage;
  }

  close(): void {
    this.db.close();
  }
}

/** The record as saved: only the known fields (a caller's extra properties stay out), no `undefined` values. */
function toStored(photo: PhotoResult, thumbnailBytes: number): StoredPhoto {
  return {
    id: photo.id,
    path: photo.path,
    status: photo.status,
    top: photo.top.map(({ label, score }) => ({ label, score })),
    ...(photo.error === undefined ? {} : { error: photo.error }),
    ...(photo.modelId === undefined ? {} : { modelId: photo.modelId }),
    ...(photo.actual === undefined ? {} : { actual: photo.actual }),
    ...(photo.actualScore === undefined
      ? {}
      : { actualScore: { label: photo.actualScore.label, score: photo.actualScore.score } }),
    thumbnailBytes,
  };
}
