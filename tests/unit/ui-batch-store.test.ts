/**
 * The page's batch store without a browser: folders in (skips counted, chosen files always tried), results kept in
 * IndexedDB (fake-indexeddb, the real ResultsDb) across a "reload", pending photos picked up again by path, pause /
 * resume / cancel, one announcement per big batch, an undoable "Clear all", re-running another model's results, and
 * the storage budget. The classifier is a stand-in here (this tests the store's bookkeeping, not inference: the
 * end-to-end tests run the real model through it).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultsDb } from '../../src/batch';
import { ClassifyError, type ClassifyResult, type LoadedModel } from '../../src/inference/types';
import { ANSWER_MARK, FIRST_RESULT_GRACE_MS } from '../../src/ui/batch-runner';
import { type BatchEnvironment, BatchStore } from '../../src/ui/batch-store';
import { tinySpec } from '../helpers/ui-fixtures';

const model = (id: string, labels = ['cat', 'dog']): LoadedModel => ({
  id,
  spec: tinySpec(id, labels),
  backend: 'wasm',
  threads: 1,
  bytes: 1,
  backendReason: '',
});

/** A File as `<input webkitdirectory>` gives it. */
function picked(relativePath: string, text = 'cat', type = 'image/jpeg'): File {
  const file = new File([text], relativePath.split('/').pop() ?? relativePath, { type });
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

let dbCount = 0;
const dbs: string[] = [];
afterEach(async () => {
  for (const name of dbs.splice(0)) await ResultsDb.delete(name);
});

interface Harness {
  store: BatchStore;
  announced: string[];
  classified: string[];
  aborted: string[];
  revoked: string[];
  setModel(next: LoadedModel): void;
  /** Holds every classify call until released. */
  hold(): void;
  release(): void;
}

/** A store over database `dbName` (a new one by default). The stand-in classifier "sees" the file's text as its
 * label ("bad" fails to decode). With `workerThumbnails` it hands back a thumbnail as the worker does, except for
 * "dog" photos (a worker that could not make one). */
function harness(
  dbName?: string,
  extra: Partial<BatchEnvironment> = {},
  options: { workerThumbnails?: boolean } = {},
): Harness {
  const name = dbName ?? `batch-store-${dbCount++}`;
  if (!dbName) dbs.push(name);
  let current = model('m1');
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let urls = 0;
  const h: Omit<Harness, 'store'> = {
    announced: [],
    classified: [],
    aborted: [],
    revoked: [],
    setModel: (next) => {
      current = next;
    },
    hold: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => {
      gate = undefined;
      open?.();
    },
  };
  const env: BatchEnvironment = {
    async classify(photo, { signal, thumbnail }): Promise<ClassifyResult> {
      const file = photo as File;
      signal.addEventListener('abort', () => h.aborted.push(file.name));
      if (gate) await gate;
      if (signal.aborted) throw new ClassifyError('aborted', 'Cancelled.');
      const text = await file.text();
      h.classified.push(`${file.name} with ${current.id}`);
      if (text === 'bad') throw new ClassifyError('undecodable', 'This photo could not be decoded.');
      if (text === '') throw new ClassifyError('empty', 'This file is empty.');
      return {
        predictions: [
          { index: 0, label: text, score: 0.75 },
          { index: 1, label: 'other', score: 0.25 },
        ],
        timings: { decodeMs: 1, preprocessMs: 1, inferenceMs: 1, postprocessMs: 0, totalMs: 3 },
        width: 4,
        height: 3,
        ...(text === 'tiny' ? { warning: 'tiny (1×1 pixels)' } : {}),
        ...(thumbnail && options.workerThumbnails
          ? { thumbnail: Promise.resolve(text === 'dog' ? undefined : new Blob([`worker thumbnail of ${file.name}`])) }
          : {}),
      };
    },
    modelReady: async () => current,
    currentModel: () => current,
    announce: (text) => h.announced.push(text),
    openResultsDb: () => ResultsDb.open(name),
    makeThumbnail: async (file) => new Blob([`thumbnail of ${file.name}`], { type: 'image/webp' }),
    createObjectURL: () => `blob:${++urls}`,
    revokeObjectURL: (url) => h.revoked.push(url),
    ...extra,
  };
  return { ...h, store: new BatchStore(env) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await tick();
  expect(predicate(), what).toBe(true);
}
const finished = (store: BatchStore) => () => {
  const { counts, phase } = store.progress();
  return counts.pending === 0 && phase === 'idle';
};
const byPath = (store: BatchStore) => new Map(store.results.all().map((record) => [record.path, record]));

describe('BatchStore', () => {
  it('a folder: photos classified, non-images skipped and counted (not failures), paths kept apart', async () => {
    const { store } = harness();
    await store.start();
    await store.add([
      picked('Trip/cat/IMG_1.jpg', 'cat'),
      picked('Trip/dog/IMG_1.jpg', 'dog'),
      picked('Trip/dog/broken.jpg', 'bad'),
      picked('Trip/.DS_Store', 'x', ''),
      picked('Trip/notes.txt', 'x', 'text/plain'),
      picked('Trip/clip.mp4', 'x', 'video/mp4'),
    ]);
    await until(finished(store));
    expect(store.results.counts()).toMatchObject({ total: 3, done: 2, errors: 1, pending: 0, skipped: 3 });
    const records = byPath(store);
    expect(records.get('Trip/cat/IMG_1.jpg')).toMatchObject({ status: 'done', actual: 'cat', modelId: 'm1' });
    expect(records.get('Trip/dog/IMG_1.jpg')?.top[0]).toEqual({ label: 'dog', score: 0.75 });
    expect(records.get('Trip/dog/broken.jpg')).toMatchObject({
      status: 'error',
      error: 'This photo could not be decoded.',
    });
    expect(store.results.counts()).toMatchObject({ labelled: 2, correct: 2 });
  });

  it('files chosen one by one are all tried, so a wrong one gets its own error rather than a skip', async () => {
    const { store, announced } = harness();
    await store.add([new File(['cat'], 'a.png'), new File(['bad'], 'notes.txt'), new File([], 'empty.jpg')]);
    await until(finished(store));
    const records = store.results.query({ sort: 'added' });
    expect(records.map((r) => [r.path, r.status, r.error])).toEqual([
      ['a.png', 'done', undefined],
      ['notes.txt', 'error', 'This photo could not be decoded.'],
      ['empty.jpg', 'error', 'This file is empty.'],
    ]);
    expect(store.results.counts().skipped).toBe(0);
    // A small batch: each result is announced.
    expect(announced).toEqual([
      'a.png: cat 75%',
      'notes.txt: This photo could not be decoded.',
      'empty.jpg: This file is empty.',
    ]);
  });

  it('a big batch is announced once, when it ends; a folder without photos says so', async () => {
    const { store, announced } = harness();
    await store.add([
      ...Array.from({ length: 20 }, (_, i) => picked(`F/${i}.jpg`)),
      picked('F/x.txt', 'x', 'text/plain'),
    ]);
    await until(finished(store));
    expect(announced).toEqual(['Finished: 20 photos classified, 1 file skipped.']);
    await store.add([picked('G/a.txt', 'x', 'text/plain'), picked('G/.DS_Store', 'x', '')]);
    expect(announced.at(-1)).toBe('No photos there: 2 files skipped (not photos).');
    expect(store.results.counts()).toMatchObject({ total: 20, skipped: 3 });
  });

  it('results, thumbnails included, survive a reload; a photo left pending is picked up when its folder comes again', async () => {
    const name = `batch-store-${dbCount++}`;
    dbs.push(name);
    const first = harness(name);
    await first.store.start();
    await first.store.add([picked('A/1.jpg', 'cat'), picked('A/2.jpg', 'bad')]);
    await until(finished(first.store));
    await until(() => first.store.photo(first.store.results.all()[0] as never).url !== undefined, 'thumbnail');
    first.hold(); // the next photo never finishes on this "page"
    await first.store.add([picked('A/3.jpg', 'dog')]);
    await first.store.saved();

    const again = harness(name);
    await again.store.start();
    const records = byPath(again.store);
    expect([...records.keys()]).toEqual(['A/1.jpg', 'A/2.jpg', 'A/3.jpg']);
    expect(again.store.results.query({ sort: 'added' }).map((r) => r.path)).toEqual(['A/1.jpg', 'A/2.jpg', 'A/3.jpg']);
    expect(records.get('A/1.jpg')).toMatchObject({ status: 'done', modelId: 'm1' });
    expect(records.get('A/1.jpg')?.top).toEqual([
      { label: 'cat', score: 0.75 },
      { label: 'other', score: 0.25 },
    ]);
    expect(records.get('A/2.jpg')).toMatchObject({ status: 'error' });
    const pending = again.store.photo(records.get('A/3.jpg') as never);
    expect(pending.waiting).toBe('reload');
    expect(again.store.progress().needFolder).toBe(1);
    // The thumbnail comes back from the database for the card in view.
    const done = records.get('A/1.jpg');
    if (!done) throw new Error('missing');
    expect(again.store.photo(done).url).toBeUndefined();
    await until(() => again.store.photo(done).url !== undefined, 'thumbnail from IndexedDB');

    // The same folder again: no duplicates; the pending and the failed photo run, the done one does not.
    await again.store.add([picked('A/1.jpg', 'cat'), picked('A/2.jpg', 'dog'), picked('A/3.jpg', 'dog')]);
    await until(finished(again.store));
    expect(again.classified.sort()).toEqual(['2.jpg with m1', '3.jpg with m1']);
    expect(again.store.results.counts()).toMatchObject({ total: 3, done: 3, errors: 0, pending: 0 });
    expect(again.store.progress().needFolder).toBe(0);
  });

  it("a run's first photo is drawn once, with its result; a slow one's pending card is drawn after the grace period", async () => {
    const seen = (store: BatchStore) => {
      const statuses: string[][] = [];
      store.subscribe(() => statuses.push(store.results.all().map((record) => record.status)));
      return statuses;
    };
    const quick = harness();
    const quickViews = seen(quick.store);
    await quick.store.add([picked('Q/cat.jpg')]);
    await until(finished(quick.store));
    await until(() => quickViews.length > 0, 'the views were told');
    expect(quickViews[0]).toEqual(['done']); // never drawn pending

    const slow = harness();
    const slowViews = seen(slow.store);
    slow.hold();
    await slow.store.add([picked('S/dog.jpg')]);
    await new Promise((resolve) => setTimeout(resolve, FIRST_RESULT_GRACE_MS / 2));
    expect(slowViews).toEqual([]);
    await until(() => slowViews.length > 0, 'the pending card after the grace period');
    expect(slowViews[0]).toEqual(['pending']);
    slow.release();
    await until(() => slowViews.at(-1)?.[0] === 'done', 'the result');
  });

  it('each answer is marked before its card is drawn, and only the latest mark is kept', async () => {
    performance.clearMarks(ANSWER_MARK);
    const { store } = harness();
    const marksWhenFirstDrawnDone: string[] = [];
    let drawnDone = false;
    store.subscribe(() => {
      if (drawnDone || !store.results.all().some((record) => record.status === 'done')) return;
      drawnDone = true;
      for (const mark of performance.getEntriesByName(ANSWER_MARK))
        marksWhenFirstDrawnDone.push(String((mark as PerformanceMark).detail));
    });
    await store.add([picked('M/cat.jpg'), picked('M/dog.jpg', 'dog'), picked('M/cow.jpg', 'cow')]);
    await until(finished(store));
    expect(marksWhenFirstDrawnDone).toHaveLength(1);
    expect(['cat.jpg', 'dog.jpg', 'cow.jpg']).toContain(marksWhenFirstDrawnDone[0]);
    const marks = performance.getEntriesByName(ANSWER_MARK);
    expect(marks).toHaveLength(1);
    expect(['cat.jpg', 'dog.jpg', 'cow.jpg']).toContain((marks[0] as PerformanceMark).detail);
  });

  it('pause holds the queue, resume goes on, cancel leaves the rest pending for "classify the rest"', async () => {
    const { store, hold, release, aborted } = harness();
    hold();
    await store.add(Array.from({ length: 6 }, (_, i) => picked(`P/${i}.jpg`)));
    await tick();
    expect(store.progress().phase).toBe('running');
    store.pause();
    expect(store.progress().phase).toBe('paused');
    release(); // the two in flight finish; nothing new starts
    await until(() => store.results.counts().done === 2);
    await tick();
    expect(store.results.counts().done).toBe(2);
    expect(store.photo(store.results.query({ sort: 'added' })[2] as never).waiting).toBe('paused');
    hold();
    store.resume();
    await until(() => aborted.length === 0 && store.progress().phase === 'running');
    store.cancel();
    await until(() => store.progress().phase === 'idle');
    expect(aborted.length).toBe(2); // the two in flight were aborted
    const progress = store.progress();
    expect(progress.counts).toMatchObject({ done: 2, pending: 4 });
    expect(progress.cancelled).toBe(4);
    expect(progress.needFolder).toBe(0);
    expect(store.photo(store.results.query({ sort: 'added' })[5] as never).waiting).toBe('cancelled');
    release();
    store.classifyRest();
    await until(finished(store));
    expect(store.results.counts()).toMatchObject({ done: 6, pending: 0 });
  });

  it('"Clear all" can be undone, in memory and on disk; a later clear makes the first one final', async () => {
    const name = `batch-store-${dbCount++}`;
    dbs.push(name);
    const { store, announced } = harness(name);
    await store.start();
    await store.add([picked('C/1.jpg'), picked('C/2.jpg')]);
    await until(finished(store));
    await until(() => store.progress().storage.bytes > 0 && store.results.all().every((r) => store.photo(r).url));
    store.clearAll();
    expect(store.results.size).toBe(0);
    expect(store.progress().undo).toBe(2);
    expect(announced.at(-1)).toMatch(/Cleared 2 results/);
    store.undoClear();
    expect(store.results.size).toBe(2);
    await store.saved();
    const db = await ResultsDb.open(name);
    expect((await db.loadAll()).map((r) => r.path).sort()).toEqual(['C/1.jpg', 'C/2.jpg']);
    expect(await db.orphanThumbnails()).toEqual([]);

    store.clearAll();
    await store.add([picked('D/1.jpg')]);
    store.clearAll(); // the first clear is final now: its thumbnails go
    await store.saved();
    expect(await db.loadAll()).toEqual([]);
    const left = await db.orphanThumbnails();
    expect(left.length).toBeLessThanOrEqual(1); // only D/1's, which the second clear may still undo
    db.close();
  });

  it('results by another model are marked, counted, and re-run with the current one where the file is here', async () => {
    const name = `batch-store-${dbCount++}`;
    dbs.push(name);
    const old = harness(name);
    await old.store.start();
    await old.store.add([picked('M/kept.jpg')]);
    await until(finished(old.store));
    await old.store.saved();

    const { store, setModel, classified } = harness(name);
    await store.start();
    await store.add([picked('M/new.jpg')]);
    await until(finished(store));
    setModel(model('m2'));
    const stale = store.otherModel();
    expect(stale).toEqual({ count: 2, rerunnable: 1 });
    const [kept] = store.results.all();
    expect(store.photo(kept as never).otherModel).toBe('m1');
    expect(store.rerunOtherModel()).toBe(1);
    await until(finished(store));
    expect(classified.at(-1)).toBe('new.jpg with m2');
    expect(byPath(store).get('M/new.jpg')?.modelId).toBe('m2');
    expect(store.otherModel()).toEqual({ count: 1, rerunnable: 0 });
  });

  it('a new model re-reads the true classes from the folders with its labels', async () => {
    const { store, setModel } = harness();
    await store.add([picked('L/puppy/1.jpg', 'dog')]);
    await until(finished(store));
    expect(store.results.all()[0]?.actual).toBeUndefined();
    const next = model('m2', ['kitten', 'puppy']);
    setModel(next);
    store.modelChanged(next);
    expect(store.results.all()[0]?.actual).toBe('puppy');
  });

  it('over the storage budget, thumbnails stay in memory and the summary says so; removal frees the space', async () => {
    const name = `batch-store-${dbCount++}`;
    dbs.push(name);
    const { store } = harness(name, { storageBudget: 400 });
    await store.start();
    await store.add([picked('B/1.jpg'), picked('B/2.jpg'), picked('B/3.jpg')]);
    await until(finished(store));
    await until(() => store.results.all().every((r) => store.photo(r).url !== undefined), 'thumbnails');
    const status = store.progress().storage;
    expect(status).toMatchObject({ available: true, full: true });
    await store.saved();
    const db = await ResultsDb.open(name);
    const saved = await db.loadAll();
    db.close();
    // The records are saved (they are small); the thumbnails past the budget are not.
    expect(saved.length).toBe(3);
    expect(saved.every((record) => record.thumbnailBytes === 0)).toBe(true);
    const [first] = store.results.all();
    store.remove(first?.id ?? '');
    expect(store.progress().storage.bytes).toBeLessThan(status.bytes);
  });

  it('thumbnails come from the worker; the page draws one only where the worker could not', async () => {
    const name = `batch-store-${dbCount++}`;
    dbs.push(name);
    const drawn: string[] = [];
    const makeThumbnail = async (file: File) => {
      drawn.push(file.name);
      return new Blob([`page thumbnail of ${file.name}`]);
    };
    const { store } = harness(name, { makeThumbnail }, { workerThumbnails: true });
    await store.start();
    await store.add([picked('W/1.jpg', 'cat'), picked('W/2.jpg', 'dog'), picked('W/3.jpg', 'bad')]);
    await until(finished(store));
    const [cat, dog, bad] = store.results.all();
    if (!cat || !dog || !bad) throw new Error('three records expected');
    await until(() => store.photo(cat).url !== undefined && store.photo(dog).url !== undefined, 'thumbnails');
    expect(drawn).toEqual(['2.jpg']);
    expect(store.photo(cat).result?.thumbnailFrom).toBe('worker');
    expect(store.photo(dog).result?.thumbnailFrom).toBe('page');
    // A photo that failed gets its error card and no thumbnail, as before.
    expect(store.photo(bad).status).toBe('error');
    expect(store.photo(bad).url).toBeUndefined();
    // Both are saved with the record, as the page's were (the storage budget counts them alike).
    await store.saved();
    const db = await ResultsDb.open(name);
    const saved = new Map((await db.loadAll()).map((record) => [record.path, record.thumbnailBytes]));
    expect(await (await db.getThumbnail(cat.id))?.text()).toBe('worker thumbnail of 1.jpg');
    db.close();
    expect(saved.get('W/1.jpg')).toBe('worker thumbnail of 1.jpg'.length);
    expect(saved.get('W/2.jpg')).toBe('page thumbnail of 2.jpg'.length);
    expect(saved.get('W/3.jpg')).toBe(0);
  });

  it('without IndexedDB results live in memory and the summary says they are not kept', async () => {
    const { store } = harness(undefined, { openResultsDb: () => Promise.reject(new Error('IndexedDB is disabled')) });
    await store.start();
    await store.add([picked('N/1.jpg')]);
    await until(finished(store));
    await until(() => store.photo(store.results.all()[0] as never).url !== undefined);
    expect(store.progress().storage).toMatchObject({ available: false });
    expect(store.progress().storage.problem).toMatch(/can’t be kept on this device \(IndexedDB is disabled\)/);
  });

  it('removing a photo while it is classified aborts it and drops its result', async () => {
    const { store, hold, release, aborted } = harness();
    hold();
    await store.add([picked('R/1.jpg'), picked('R/2.jpg')]);
    await tick();
    const [first] = store.results.all();
    store.remove(first?.id ?? '');
    expect(aborted).toEqual(['1.jpg']);
    release();
    await until(finished(store));
    expect(store.results.all().map((r) => r.path)).toEqual(['R/2.jpg']);
  });

  it('a card keeps its warning and its wait in the queue (the batch’s and the classifier’s)', async () => {
    const { store, hold, release } = harness();
    hold();
    await store.add([picked('W/1.jpg', 'tiny'), picked('W/2.jpg'), picked('W/3.jpg')]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    release();
    await until(finished(store));
    const cards = store.results.query({ sort: 'added' }).map((record) => store.photo(record));
    expect(cards.map((card) => card.result?.warning)).toEqual(['tiny (1×1 pixels)', undefined, undefined]);
    // Two run at once: the third waited for a place while the first two were held.
    expect(cards[0]?.result?.timings?.queueMs).toBeLessThan(100);
    expect(cards[2]?.result?.timings?.queueMs).toBeGreaterThanOrEqual(140);
  });

  it('the spec preview’s sample: a classified photo still in memory, the same one while it stays', async () => {
    const { store, hold, release } = harness();
    hold();
    await store.add([new File(['bad'], 'broken.jpg'), new File(['cat'], 'a.jpg'), new File(['dog'], 'b.jpg')]);
    expect(store.sampleFile()).toBeUndefined();
    release();
    await until(finished(store));
    expect(store.sampleFile()?.name).toBe('a.jpg');
    await store.add([new File(['cat'], 'c.jpg')]);
    await until(finished(store));
    expect(store.sampleFile()?.name).toBe('a.jpg');
    store.remove(store.results.query({ sort: 'added' })[1]?.id ?? '');
    expect(store.sampleFile()?.name).toBe('b.jpg');
    store.clearAll();
    expect(store.sampleFile()).toBeUndefined();
  });
});
