/**
 * The batch keeps p(actual) (`actualScore`) beyond the top K, so that an evaluation of a 1,000-label model can give a
 * wrong photo its loss; it survives a save and reload, and is dropped when the result it came from is.
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { BatchResults, ResultsDb } from '../../src/batch';
import { probabilityOfActual } from '../../src/evaluate/evaluation';

const ranked = [
  { label: 'brown bear', score: 0.6 },
  { label: 'ice bear', score: 0.2 },
  { label: 'teddy', score: 0.15 },
  { label: 'American black bear', score: 0.05 },
];

it('complete keeps the true class probability when it is past topK, and fail/reset drop it', () => {
  const results = new BatchResults(2);
  results.add([
    { id: 'a', path: 'bears/black/1.jpg', actual: 'American black bear' },
    { id: 'b', path: 'bears/x/2.jpg' },
  ]);
  const a = results.complete('a', ranked, 'zoo');
  expect(a.top.map(({ label }) => label)).toEqual(['brown bear', 'ice bear']);
  expect(a.actualScore).toEqual({ label: 'American black bear', score: 0.05 });
  expect(probabilityOfActual(a)).toBe(0.05);
  // In the kept top: read from there, not stored twice.
  results.add([{ id: 'c', path: 'bears/grizzly/3.jpg', actual: 'brown bear' }]);
  const c = results.complete('c', ranked, 'zoo');
  expect(c.actualScore).toBeUndefined();
  expect(probabilityOfActual(c)).toBe(0.6);
  // No true class: nothing to keep.
  expect(results.complete('b', ranked, 'zoo').actualScore).toBeUndefined();
  // Predictions that do not include the true class (topK passed to the classifier): none kept, loss unknown.
  const again = results.complete('a', ranked.slice(0, 2), 'zoo');
  expect(again.actualScore).toBeUndefined();
  expect(probabilityOfActual(again)).toBeUndefined();
  results.complete('a', ranked, 'zoo');
  expect(results.fail('a', 'broken', 'zoo').actualScore).toBeUndefined();
  results.complete('a', ranked, 'zoo');
  expect(results.reset('a').actualScore).toBeUndefined();
});

it('an actualScore for another class no longer speaks once the true class changes', () => {
  const results = new BatchResults(2);
  results.add([{ id: 'a', path: 'bears/black/1.jpg', actual: 'American black bear' }]);
  results.complete('a', ranked, 'zoo');
  const pActual = () => {
    const record = results.get('a');
    if (!record) throw new Error('the record is gone');
    return probabilityOfActual(record);
  };
  results.assignActuals(() => 'teddy');
  expect(pActual()).toBeUndefined();
  results.assignActuals(() => 'ice bear');
  expect(pActual()).toBe(0.2);
  results.assignActuals(() => 'American black bear');
  expect(pActual()).toBe(0.05);
});

it('actualScore is saved and restored with the record', async () => {
  const results = new BatchResults(1);
  results.add([{ id: 'a', path: 'bears/black/1.jpg', actual: 'American black bear' }]);
  const db = await ResultsDb.open('actual-score-test');
  await db.put(results.complete('a', ranked, 'zoo'));
  const saved = [];
  for await (const page of db.loadPages()) saved.push(...page);
  expect(saved[0]?.actualScore).toEqual({ label: 'American black bear', score: 0.05 });
  db.close();
  await ResultsDb.delete('actual-score-test');
});
