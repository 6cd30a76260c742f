import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import {
  actualFromPath,
  BatchQueue,
  BatchResults,
  collectIntake,
  parseCsv,
  ResultsDb,
  resultsToCsv,
  ThroughputMeter,
} from '../../src/batch';

/** A File as `<input webkitdirectory>` gives it. */
function pickedFile(relativePath: string): File {
  const file = new File([relativePath], relativePath.split('/').pop() ?? '', { type: 'image/jpeg' });
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

it('a folder goes through intake, queue, results, IndexedDB and back after a "reload", then to CSV', async () => {
  const labels = ['cat', 'dog'];
  const files = ['Pets/cat/1.jpg', 'Pets/cat/2.jpg', 'Pets/dog/10.jpg', 'Pets/dog/broken.jpg', 'Pets/.DS_Store'];
  /** Stands in for the classifier client (its predictions carry an index too): "sees" a dog in every photo, fails on
   * broken ones. */
  const classify = async (file: File): Promise<Array<{ index: number; label: string; score: number }>> => {
    if (file.name.startsWith('broken')) throw new Error('could not decode the photo');
    return [
      { index: 1, label: 'dog', score: 0.75 },
      { index: 0, label: 'cat', score: 0.25 },
    ];
  };

  const results = new BatchResults(2);
  const meter = new ThroughputMeter();
  const db = await ResultsDb.open('pipeline-test');
  const { photos, skipped } = await collectIntake(files.map(pickedFile));
  const added = photos.map(({ file, path }, i) => ({ id: `id${i}`, path, file, actual: actualFromPath(path, labels) }));
  results.add(added);
  results.addSkipped(skipped);
  await db.putMany(results.all());

  const queue = new BatchQueue<(typeof added)[number]>({
    run: async ({ id, file }) => {
      try {
        await db.put(results.complete(id, await classify(file), 'toy'), new Blob(['thumb']));
      } catch (error) {
        await db.put(results.fail(id, (error as Error).message, 'toy'));
      } finally {
        meter.record();
      }
    },
  });
  queue.enqueue(added);
  await queue.whenIdle();
  expect(results.counts()).toEqual({ total: 4, pending: 0, done: 3, errors: 1, skipped: 1, labelled: 3, correct: 1 });
  expect(meter.done).toBe(4);
  db.close();

  // After a reload: a new store filled from the database gives the same rows.
  const reopened = await ResultsDb.open('pipeline-test');
  const restored = new BatchResults(2);
  for await (const page of reopened.loadPages(2)) restored.restore(page);
  expect(restored.counts()).toMatchObject({ done: 3, errors: 1, correct: 1 });
  expect((await reopened.getThumbnail('id0'))?.size).toBe(5);

  const csv = parseCsv(resultsToCsv(restored.query({ sort: 'confidence', direction: 'desc' })));
  expect(csv.map((row) => [row[0], row[2], row[3], row[6], row[9]])).toEqual([
    ['path', 'label', 'score', 'error', 'correct'],
    ['Pets/cat/1.jpg', 'dog', '0.75', '', 'false'],
    ['Pets/cat/2.jpg', 'dog', '0.75', '', 'false'],
    ['Pets/dog/10.jpg', 'dog', '0.75', '', 'true'],
    ['Pets/dog/broken.jpg', '', '', 'could not decode the photo', ''],
  ]);
  reopened.close();
  await ResultsDb.delete('pipeline-test');
});
