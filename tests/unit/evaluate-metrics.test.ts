/**
 * Evaluation arithmetic on hand-made results, where every number is known: accuracy over photos with a true class and
 * a result, the matrix cell by cell, precision/recall edge cases, most-confused order, and the order of top losses
 * with ties. The same functions on real model output: evaluate-real-model.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PhotoResult } from '../../src/batch/photo-result';
import {
  confusionCounts,
  evaluate,
  lossOf,
  MIN_PROBABILITY,
  mostConfused,
  rowNormalised,
  topLosses,
} from '../../src/evaluate/evaluation';
import { describeSelection, selectionFilter } from '../../src/evaluate/selection';

const LABELS = ['cat', 'dog', 'fox', 'owl'];

/** A classified photo; `scores` best first. */
function photo(path: string, actual: string | undefined, scores: Array<[string, number]>): PhotoResult {
  return {
    id: `id:${path}`,
    path,
    status: 'done',
    top: scores.map(([label, score]) => ({ label, score })),
    modelId: 'm',
    ...(actual === undefined ? {} : { actual }),
  };
}

const set: PhotoResult[] = [
  photo('cat/1.jpg', 'cat', [
    ['cat', 0.9],
    ['dog', 0.1],
  ]),
  photo('cat/2.jpg', 'cat', [
    ['cat', 0.6],
    ['dog', 0.4],
  ]),
  photo('cat/10.jpg', 'cat', [
    ['dog', 0.7],
    ['cat', 0.3],
  ]),
  photo('cat/3.jpg', 'cat', [
    ['dog', 0.7],
    ['cat', 0.3],
  ]),
  photo('dog/1.jpg', 'dog', [
    ['dog', 0.8],
    ['cat', 0.2],
  ]),
  photo('dog/2.jpg', 'dog', [
    ['cat', 0.5],
    ['dog', 0.5],
  ]),
  // fox: never predicted → precision undefined; its photos all go to cat/dog.
  photo('fox/1.jpg', 'fox', [
    ['dog', 0.95],
    ['cat', 0.04],
  ]), // p(fox) not kept: loss unknown
  photo('fox/2.jpg', 'fox', [
    ['cat', 0.5],
    ['fox', 0.0],
  ]), // p = 0: a large, finite loss
  // Not evaluated: no true class, pending, failed.
  photo('misc/1.jpg', undefined, [['cat', 1]]),
  { id: 'p', path: 'cat/pending.jpg', status: 'pending', top: [], actual: 'cat' },
  { id: 'e', path: 'cat/broken.jpg', status: 'error', top: [], error: 'could not decode', actual: 'cat' },
];

describe('evaluate', () => {
  const ev = evaluate(set, { labels: LABELS });

  it('counts accuracy over photos with a true class and a result', () => {
    expect(ev.n).toBe(8);
    expect(ev.correct).toBe(3);
    expect(ev.accuracy).toBe(3 / 8);
  });

  it('builds the matrix over the classes that occur, in the model label order', () => {
    expect(ev.classes).toEqual(['cat', 'dog', 'fox']);
    expect(confusionCounts(ev)).toEqual([
      [2, 2, 0],
      [1, 1, 0],
      [1, 1, 0],
    ]);
    expect(ev.cells).toEqual([
      { actual: 'cat', predicted: 'cat', count: 2, share: 0.5 },
      { actual: 'cat', predicted: 'dog', count: 2, share: 0.5 },
      { actual: 'dog', predicted: 'cat', count: 1, share: 0.5 },
      { actual: 'dog', predicted: 'dog', count: 1, share: 0.5 },
      { actual: 'fox', predicted: 'cat', count: 1, share: 0.5 },
      { actual: 'fox', predicted: 'dog', count: 1, share: 0.5 },
    ]);
    expect(rowNormalised(confusionCounts(ev))).toEqual([
      [0.5, 0.5, 0],
      [0.5, 0.5, 0],
      [0.5, 0.5, 0],
    ]);
  });

  it('reports precision and recall per class; a class never predicted has no precision', () => {
    const byLabel = Object.fromEntries(ev.perClass.map((c) => [c.label, c]));
    expect(byLabel.cat).toEqual({
      label: 'cat',
      count: 4,
      predicted: 4,
      correct: 2,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
    expect(byLabel.dog).toMatchObject({ count: 2, predicted: 4, correct: 1, precision: 0.25, recall: 0.5 });
    expect(byLabel.dog?.f1).toBeCloseTo(1 / 3, 12);
    expect(byLabel.fox).toEqual({
      label: 'fox',
      count: 2,
      predicted: 0,
      correct: 0,
      precision: undefined,
      recall: 0,
      f1: undefined,
    });
  });

  it('lists the most-confused pairs, most first, ties in matrix order, above a minimum', () => {
    expect(mostConfused(ev).map(({ actual, predicted, count }) => `${actual}>${predicted}:${count}`)).toEqual([
      'cat>dog:2',
      'dog>cat:1',
      'fox>cat:1',
      'fox>dog:1',
    ]);
    expect(mostConfused(ev, 2)).toEqual([{ actual: 'cat', predicted: 'dog', count: 2, share: 0.5 }]);
  });

  it('orders top losses highest first; equal losses in natural path order (3 before 10)', () => {
    expect(topLosses(ev).map(({ path, loss }) => [path, Number(loss.toFixed(4))])).toEqual([
      ['fox/2.jpg', Number((-Math.log(MIN_PROBABILITY)).toFixed(4))],
      ['cat/3.jpg', 1.204],
      ['cat/10.jpg', 1.204],
      ['dog/2.jpg', Number(Math.LN2.toFixed(4))],
      ['cat/2.jpg', 0.5108],
      ['dog/1.jpg', 0.2231],
      ['cat/1.jpg', 0.1054],
    ]);
    expect(topLosses(ev, 2).map(({ path }) => path)).toEqual(['fox/2.jpg', 'cat/3.jpg']);
    expect(topLosses(ev)[1]).toEqual({
      id: 'id:cat/3.jpg',
      path: 'cat/3.jpg',
      actual: 'cat',
      predicted: 'dog',
      loss: -Math.log(0.3),
      probability: 0.7,
      pActual: 0.3,
    });
  });

  it('does not depend on the order photos arrive in', () => {
    const reversed = evaluate([...set].reverse(), { labels: LABELS });
    expect(reversed.losses).toEqual(ev.losses);
    expect(reversed.cells).toEqual(ev.cells);
  });

  it('lists photos whose p(actual) is unknown instead of guessing a loss, and averages the known ones', () => {
    expect(ev.lossUnknown).toEqual(['id:fox/1.jpg']);
    const known = ev.losses.map(({ loss }) => loss);
    expect(ev.meanLoss).toBeCloseTo(known.reduce((a, b) => a + b) / known.length, 12);
  });
});

describe('evaluate: edge cases', () => {
  it('no labelled photo: n 0, accuracy undefined, nothing in the matrix', () => {
    const ev = evaluate([photo('a.jpg', undefined, [['cat', 1]])], { labels: LABELS });
    expect(ev).toMatchObject({ n: 0, correct: 0, accuracy: undefined, classes: [], cells: [], meanLoss: undefined });
  });

  it('an empty class the user named is listed, with no recall', () => {
    const ev = evaluate([photo('cat/1.jpg', 'cat', [['cat', 1]])], { labels: LABELS, include: ['owl'] });
    expect(ev.classes).toEqual(['cat', 'owl']);
    expect(ev.perClass[1]).toEqual({
      label: 'owl',
      count: 0,
      predicted: 0,
      correct: 0,
      precision: undefined,
      recall: undefined,
      f1: undefined,
    });
    expect(ev.accuracy).toBe(1);
    expect(ev.losses[0]?.loss).toBe(0);
  });

  it('a class predicted but never present has precision 0 and no recall; unknown labels sort after the model labels', () => {
    const ev = evaluate(
      [
        photo('cat/1.jpg', 'cat', [
          ['owl', 0.6],
          ['cat', 0.4],
        ]),
        photo('x/1.jpg', 'zebra', [['cat', 1]]),
      ],
      {
        labels: LABELS,
      },
    );
    expect(ev.classes).toEqual(['cat', 'owl', 'zebra']);
    expect(ev.perClass.find((c) => c.label === 'owl')).toMatchObject({ precision: 0, recall: undefined });
    expect(ev.perClass.find((c) => c.label === 'cat')).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('a loss is −ln p, clamped so that p = 0 stays finite', () => {
    expect(lossOf(1)).toBe(0);
    expect(lossOf(Math.E ** -2)).toBeCloseTo(2, 12);
    expect(lossOf(0)).toBe(-Math.log(MIN_PROBABILITY));
    expect(Number.isFinite(lossOf(0))).toBe(true);
  });

  it('reads p(actual) from actualScore when the true class is past the top K', () => {
    const kept: PhotoResult = {
      ...photo('owl/1.jpg', 'owl', [['cat', 0.9]]),
      actualScore: { label: 'owl', score: 0.01 },
    };
    const stale: PhotoResult = { ...kept, id: 'stale', path: 'owl/2.jpg', actualScore: { label: 'fox', score: 0.5 } };
    const ev = evaluate([kept, stale], { labels: LABELS });
    expect(ev.losses.map(({ path, pActual }) => [path, pActual])).toEqual([['owl/1.jpg', 0.01]]);
    expect(ev.lossUnknown).toEqual(['stale']);
  });
});

describe('selection filters', () => {
  const byPath = (selection: Parameters<typeof selectionFilter>[0]) =>
    set.filter(selectionFilter(selection)).map(({ path }) => path);

  it('a cell, a class, a pair, the wrong ones', () => {
    expect(byPath({ kind: 'cell', actual: 'cat', predicted: 'dog' })).toEqual(['cat/10.jpg', 'cat/3.jpg']);
    expect(byPath({ kind: 'class', label: 'fox', by: 'actual' })).toEqual(['fox/1.jpg', 'fox/2.jpg']);
    expect(byPath({ kind: 'class', label: 'cat', by: 'predicted' })).toEqual([
      'cat/1.jpg',
      'cat/2.jpg',
      'dog/2.jpg',
      'fox/2.jpg',
    ]);
    expect(byPath({ kind: 'class', label: 'dog', by: 'either' })).toEqual([
      'cat/10.jpg',
      'cat/3.jpg',
      'dog/1.jpg',
      'dog/2.jpg',
      'fox/1.jpg',
    ]);
    expect(byPath({ kind: 'pair', a: 'dog', b: 'cat' })).toEqual(['cat/10.jpg', 'cat/3.jpg', 'dog/2.jpg']);
    expect(byPath({ kind: 'wrong' })).toHaveLength(5);
  });

  it('never selects photos without a true class or a result', () => {
    expect(byPath({ kind: 'class', label: 'cat', by: 'either' })).not.toContain('misc/1.jpg');
    expect(byPath({ kind: 'class', label: 'cat', by: 'actual' })).not.toContain('cat/pending.jpg');
  });

  it('describes a selection in words', () => {
    expect(describeSelection({ kind: 'cell', actual: 'cat', predicted: 'dog' })).toBe('cat predicted as dog');
    expect(describeSelection({ kind: 'cell', actual: 'cat', predicted: 'cat' })).toBe('cat predicted correctly');
  });
});
