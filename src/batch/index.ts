/**
 * Whole folders (issue #10): the pure core of classifying a folder of thousands of photos. No UI here; the pieces
 * are wired by the app roughly like this (main thread):
 *
 *   // drop: take the entries synchronously, inside the handler; an <input webkitdirectory> gives `input.files`.
 *   const items = itemsFromDrop(event.dataTransfer.items);
 *   for await (const { photos, skipped } of walkIntake(items)) {
 *     const added = photos.map(({ file, path }) => ({ id: crypto.randomUUID(), path, file,
 *       actual: actualFromPath(path, model.spec.labels) }));
 *     results.add(added);                      // BatchResults: pending rows appear at once
 *     results.addSkipped(skipped);             // skipped[i].file is there for a model file dropped alongside
 *     void db.putMany(added.map(({ id }) => results.get(id)!));
 *     queue.enqueue(added);                    // BatchQueue: 2 in flight; pause/resume/cancel
 *     meter.resume();
 *   }
 *
 *   // the queue's run: classify, record, persist
 *   run: async ({ id, file }, signal) => {
 *     try {
 *       const r = await client.classify(file, { signal, topK: results.topK });
 *       if (!results.has(id)) return;          // the row was removed meanwhile
 *       const record = results.complete(id, r.predictions, model.id);
 *       void db.put(record, await makeThumbnail(file, { sourceSize: r }));   // r has the oriented width/height
 *     } catch (error) {
 *       if (signal.aborted || !results.has(id)) return;   // cancelled: the row stays pending
 *       void db.put(results.fail(id, errorMessage(error), model.id));
 *     } finally { meter.record(); }
 *   }
 *
 *   // start-up: results come back from IndexedDB; their photos do not (pending ones need the folder again)
 *   for await (const page of db.loadPages()) results.restore(page);
 *
 *   // view: results.subscribe(render) (throttle to a frame); rows = results.query(query), virtualised with
 *   // @tanstack/virtual-core; thumbnails for visible rows from db.getThumbnail(id); results.counts(),
 *   // results.histogram(), meter.perSecond(), formatDuration(meter.etaMs(counts.pending) ?? 0)
 *
 *   // export what is on screen
 *   new Blob([resultsToCsv(results.query(query))], { type: CSV_MIME_TYPE }), exportFileName('csv')
 */
export { actualFromPath, labelMatcher, matchLabel } from './actual-label';
export { BatchQueue, type BatchQueueOptions } from './batch-queue';
export { BatchResults, type HistogramBar, type ResultCounts } from './batch-results';
export { CSV_MIME_TYPE, parseCsv } from './csv';
export {
  type ExportedPhoto,
  type ExportedResults,
  exportFileName,
  JSON_MIME_TYPE,
  resultsToCsv,
  resultsToJson,
} from './export-results';
export {
  collectIntake,
  type DataTransferItemLike,
  type EntryLike,
  type IntakeBatch,
  type IntakeItem,
  type IntakePhoto,
  type IntakeResult,
  itemsFromDrop,
  type SkippedEntry,
  walkIntake,
} from './folder-intake';
export { photoVerdict, type SkipReason } from './photo-filter';
export {
  comparePaths,
  isCorrect,
  type NewPhoto,
  type PhotoResult,
  type PhotoStatus,
  type ScoredLabel,
} from './photo-result';
export { formatDuration, ThroughputMeter } from './rate';
export { ResultsDb, type ResultsDbUsage, type StoredPhoto } from './results-db';
export type { ResultsQuery, SortKey } from './results-query';
export { makeThumbnail, type ThumbnailOptions, thumbnailFromBitmap, thumbnailSize } from './thumbnail';
