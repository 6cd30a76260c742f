import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PhotoResult } from '../../src/batch/photo-result';
import { estimateRecordBytes, RECORD_OVERHEAD_BYTES, ResultsDb } from '../../src/batch/results-db';

let dbCount = 0;
const opened: Array<{ db: ResultsDb; name: string }> = [];
/** A fresh database per test. */
async function freshDb(): Promise<{ db: ResultsDb; name: string }> {
  const name = `onsight-batch-test-${dbCount++}`;
  const db = await ResultsDb.open(name);
  opened.push({ db, name });
  return { db, name };
}
afterEach(async () => {
  for (const { db, name } of opened.splice(0)) {
    db.close();
    await ResultsDb.delete(name);
  }
});

const photo = (id: string, extra: Partial<PhotoResult> = {}): PhotoResult => ({
  id,
  path: `folder/${id}.jpg`,
  status: 'done',
  top: [{ label: 'cat', score: 0.9 }],
  modelId: 'm1',
  ...extra,
});
const thumb = (bytes: number) => new Blob([new Uint8Array(bytes).fill(7)], { type: 'image/webp' });

describe('ResultsDb', () => {
  it('keeps records and thumbnails across a reopen', async () => {
    const { db, name } = await freshDb();
    await db.put(photo('a', { actual: 'cat' }), thumb(300));
    await db.put({ id: 'b', path: 'b.jpg', status: 'error', top: [], error: 'bad', modelId: 'm1' });
    db.close();

    const again = await ResultsDb.open(name);
    opened.push({ db: again, name });
    expect(await again.loadAll()).toEqual([
      { ...photo('a', { actual: 'cat' }), thumbnailBytes: 300 },
      { id: 'b', path: 'b.jpg', status: 'error', top: [], error: 'bad', modelId: 'm1', thumbnailBytes: 0 },
    ]);
    const saved = await again.getThumbnail('a');
    expect(saved?.type).toBe('image/webp');
    expect(new Uint8Array((await saved?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(new Uint8Array(300).fill(7));
    expect(await again.getThumbnail('b')).toBeUndefined();
  });

  it('saves only the known fields', async () => {
    const { db } = await freshDb();
    const withExtras = { ...photo('a'), element: { not: 'saved' }, error: undefined } as PhotoResult;
    await db.put(withExtras);
    const [stored] = await db.loadAll();
    expect(Object.keys(stored ?? {}).sort()).toEqual(['id', 'modelId', 'path', 'status', 'thumbnailBytes', 'top']);
  });

  it('an update without a thumbnail keeps the saved one (put and putMany)', async () => {
    const { db } = await freshDb();
    await db.put(photo('a', { status: 'pending', top: [] }), thumb(120));
    await db.put(photo('a'));
    await db.putMany([photo('a', { status: 'error', top: [], error: 'x' }), photo('new')]);
    const byId = new Map((await db.loadAll()).map((stored) => [stored.id, stored]));
    expect(byId.get('a')).toMatchObject({ status: 'error', error: 'x', thumbnailBytes: 120 });
    expect(byId.get('new')?.thumbnailBytes).toBe(0);
    expect((await db.getThumbnail('a'))?.size).toBe(120);
    // A new thumbnail replaces the old one and its size.
    await db.put(photo('a'), thumb(50));
    expect((await db.loadAll()).find((stored) => stored.id === 'a')?.thumbnailBytes).toBe(50);
    expect((await db.getThumbnail('a'))?.size).toBe(50);
  });

  it('putEach saves many photos in one go, each with its new thumbnail or keeping the old one', async () => {
    const { db } = await freshDb();
    await db.put(photo('a', { status: 'pending', top: [] }), thumb(120));
    await db.putEach([{ photo: photo('a') }, { photo: photo('b'), thumbnail: thumb(40) }, { photo: photo('c') }]);
    const byId = new Map((await db.loadAll()).map((stored) => [stored.id, stored]));
    expect(byId.get('a')).toMatchObject({ status: 'done', thumbnailBytes: 120 });
    expect(byId.get('b')).toMatchObject({ status: 'done', thumbnailBytes: 40 });
    expect(byId.get('c')).toMatchObject({ thumbnailBytes: 0 });
    expect((await db.getThumbnail('b'))?.size).toBe(40);
  });

  it('loads in pages, each in its own transaction, so the caller can wait between them', async () => {
    const { db } = await freshDb();
    await db.putMany(Array.from({ length: 1234 }, (_, i) => photo(`p${String(i).padStart(5, '0')}`)));
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of db.loadPages(500)) {
      sizes.push(page.length);
      ids.push(...page.map((stored) => stored.id));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(sizes).toEqual([500, 500, 234]);
    expect(new Set(ids).size).toBe(1234);

    await db.delete('p01233');
    await db.delete('p01232');
    const exact: number[] = [];
    for await (const page of db.loadPages(616)) exact.push(page.length);
    expect(exact).toEqual([616, 616]);
  });

  it('delete removes a record and its thumbnail; clear removes everything', async () => {
    const { db } = await freshDb();
    await db.put(photo('a'), thumb(10));
    await db.put(photo('b'), thumb(10));
    await db.delete('a');
    expect((await db.loadAll()).map((stored) => stored.id)).toEqual(['b']);
    expect(await db.getThumbnail('a')).toBeUndefined();
    await db.clear();
    expect(await db.loadAll()).toEqual([]);
    expect(await db.getThumbnail('b')).toBeUndefined();
  });

  it('clearRecords keeps thumbnails for an undo (putStored); deleteThumbnails and orphanThumbnails finish it', async () => {
    const { db } = await freshDb();
    await db.put(photo('a'), thumb(10));
    await db.put(photo('b'));
    const saved = await db.loadAll();
    await db.clearRecords();
    expect(await db.loadAll()).toEqual([]);
    expect(await db.orphanThumbnails()).toEqual(['a']);
    await db.putStored(saved);
    expect(await db.loadAll()).toEqual(saved);
    expect(await db.orphanThumbnails()).toEqual([]);
    expect((await db.getThumbnail('a'))?.size).toBe(10);
    await db.clearRecords();
    await db.deleteThumbnails(await db.orphanThumbnails());
    expect(await db.getThumbnail('a')).toBeUndefined();
    expect(await db.orphanThumbnails()).toEqual([]);
  });

  it('usage: thumbnail sizes plus an estimate per record', async () => {
    const { db } = await freshDb();
    expect(await db.usage()).toEqual({ photos: 0, thumbnailBytes: 0, recordBytes: 0, totalBytes: 0 });
    await db.put(photo('a'), thumb(1000));
    await db.put(photo('é', { path: 'fotos/é.jpg' }), thumb(24));
    const usage = await db.usage();
    const records = estimateRecordBytes(photo('a')) + estimateRecordBytes(photo('é', { path: 'fotos/é.jpg' }));
    expect(usage).toEqual({ photos: 2, thumbnailBytes: 1024, recordBytes: records, totalBytes: 1024 + records });
    // UTF-8 bytes, not characters: "é" twice in the record costs 2 bytes more than "e" would.
    expect(
      estimateRecordBytes(photo('é', { path: 'fotos/é.jpg' })) -
        estimateRecordBytes(photo('e', { path: 'fotos/e.jpg' })),
    ).toBe(2);
    expect(estimateRecordBytes(photo('a'))).toBeGreaterThan(RECORD_OVERHEAD_BYTES);
  });

  it('10,000 records: saved in one transaction and loaded in pages', async () => {
    const { db } = await freshDb();
    const photos = Array.from({ length: 10_000 }, (_, i) =>
      photo(crypto.randomUUID(), { path: `Folder ${i % 50}/IMG_${i}.jpg`, actual: 'cat' }),
    );
    let started = performance.now();
    await db.putMany(photos);
    const saveMs = performance.now() - started;
    started = performance.now();
    let pages = 0;
    let loaded = 0;
    for await (const page of db.loadPages(500)) {
      pages++;
      loaded += page.length;
    }
    console.log(
      `results-db (fake-indexeddb): 10,000 records saved in ${saveMs.toFixed(0)} ms, loaded in ${pages} pages in ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect([pages, loaded]).toEqual([20, 10_000]);
  });
});
