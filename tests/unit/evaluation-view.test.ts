/**
 * The evaluation panel's derivation (src/ui/evaluation/evaluation-view.ts): the view from a batch's results and the
 * folder mapping, reused while nothing changed and at most every interval while photos arrive; the grid's filter
 * for a matrix cell (`ResultsQuery.where`); the plan and the helpers of the cleaner; and the scale figure the
 * throttle is for (10,000 photos).
 */
import { describe, expect, it } from 'vitest';
import { BatchResults } from '../../src/batch/batch-results';
import { EMPTY_MAPPING, mapFolder, selectionFilter } from '../../src/evaluate';
import {
  decisionValue,
  deletedIds,
  describeOutcomes,
  duplicatesToDelete,
  parseDecisionValue,
  planForBatch,
} from '../../src/ui/evaluation/cleaner-view';
import {
  commonRoot,
  deriveEvaluationView,
  EvaluationDeriver,
  hasEvaluation,
  percent,
} from '../../src/ui/evaluation/evaluation-view';

const LABELS = ['cat', 'dog', 'bird'];

/** A batch: `path → [predicted, p(predicted)]`, the rest of the probability on the other labels. */
function batchOf(photos: Record<string, [string, number]>, labels: readonly string[] = LABELS): BatchResults {
  const results = new BatchResults(5);
  const entries = Object.entries(photos);
  results.add(
    entries.map(([path], i) => {
      const folder = path.split('/').at(-2) ?? '';
      const actual = labels.includes(folder) ? folder : undefined;
      return actual === undefined ? { id: `p${i}`, path } : { id: `p${i}`, path, actual };
    }),
  );
  entries.forEach(([, [label, score]], i) => {
    const others = labels.filter((l) => l !== label);
    const top = [{ label, score }, ...others.map((l) => ({ label: l, score: (1 - score) / others.length }))];
    results.complete(`p${i}`, top, 'm');
  });
  return results;
}

const TREE: Record<string, [string, number]> = {
  'Set/cat/1.jpg': ['cat', 0.9],
  'Set/cat/2.jpg': ['dog', 0.8],
  'Set/dog/1.jpg': ['dog', 0.7],
  'Set/dog/2.jpg': ['dog', 0.6],
  'Set/kitten/1.jpg': ['cat', 0.95],
  'loose.jpg': ['bird', 0.5],
};

describe('deriveEvaluationView', () => {
  it('evaluates the photos in class folders; lists the folder that names no label; the mapping brings it in', () => {
    const results = batchOf(TREE);
    const view = deriveEvaluationView(results, LABELS, EMPTY_MAPPING);
    expect(view.evaluation.n).toBe(4);
    expect(view.evaluation.accuracy).toBe(3 / 4);
    expect(view.evaluation.cells.map((c) => `${c.actual}>${c.predicted}=${c.count}`)).toEqual([
      'cat>cat=1',
      'cat>dog=1',
      'dog>dog=2',
    ]);
    expect(view.confused.map((c) => `${c.actual}>${c.predicted}`)).toEqual(['cat>dog']);
    expect(view.evaluation.losses[0]?.path).toBe('Set/cat/2.jpg');
    expect(view.evaluation.losses[0]?.loss).toBeCloseTo(-Math.log(0.1), 10);
    expect(view.folders.unmatched.map((row) => row.folder)).toEqual(['kitten']);
    expect(view.folders.outside).toBe(1);
    expect(hasEvaluation(view)).toBe(true);

    // The page's flow: the mapping goes to the results (assignActuals), then the view is derived again.
    const mapping = mapFolder(EMPTY_MAPPING, 'kitten', 'cat');
    results.assignActuals((path) =>
      path.includes('/kitten/') ? 'cat' : results.all().find((p) => p.path === path)?.actual,
    );
    const mapped = deriveEvaluationView(results, LABELS, mapping);
    expect(mapped.evaluation.n).toBe(5);
    expect(mapped.evaluation.accuracy).toBe(4 / 5);
    expect(mapped.folders.unmatched).toEqual([]);
    expect(mapped.folders.folders.find((row) => row.folder === 'kitten')?.state).toBe('mapped');
  });

  it('a batch with no class folder has nothing to evaluate', () => {
    const view = deriveEvaluationView(batchOf({ 'a.jpg': ['cat', 0.9] }), LABELS, EMPTY_MAPPING);
    expect(hasEvaluation(view)).toBe(false);
    expect(view.evaluation.n).toBe(0);
    expect(view.evaluation.accuracy).toBeUndefined();
  });

  it('a matrix cell filters the grid through ResultsQuery.where, with the other filters', () => {
    const results = batchOf(TREE);
    const where = selectionFilter({ kind: 'cell', actual: 'dog', predicted: 'dog' });
    expect(results.query({ where }).map((p) => p.path)).toEqual(['Set/dog/1.jpg', 'Set/dog/2.jpg']);
    expect(results.query({ where, minScore: 0.65 }).map((p) => p.path)).toEqual(['Set/dog/1.jpg']);
    const pair = selectionFilter({ kind: 'class', label: 'dog', by: 'either' });
    expect(results.query({ where: pair }).map((p) => p.path)).toEqual([
      'Set/cat/2.jpg',
      'Set/dog/1.jpg',
      'Set/dog/2.jpg',
    ]);
  });
});

describe('EvaluationDeriver', () => {
  it('reuses a view while nothing changed; while running, for the interval; at once when idle or remapped', () => {
    let now = 0;
    const deriver = new EvaluationDeriver(() => now, 500);
    const results = batchOf(TREE);
    const first = deriver.view(results, LABELS, EMPTY_MAPPING, true);
    expect(deriver.view(results, LABELS, EMPTY_MAPPING, true)).toBe(first);

    results.remove('p0');
    now = 100;
    expect(deriver.view(results, LABELS, EMPTY_MAPPING, true), 'running: within the interval').toBe(first);
    const idle = deriver.view(results, LABELS, EMPTY_MAPPING, false);
    expect(idle, 'idle: derived at once').not.toBe(first);
    expect(idle.evaluation.n).toBe(3);

    results.remove('p1');
    now = 700;
    const later = deriver.view(results, LABELS, EMPTY_MAPPING, true);
    expect(later.evaluation.n, 'running: after the interval').toBe(2);

    const remapped = deriver.view(results, LABELS, mapFolder(EMPTY_MAPPING, 'kitten', null), true);
    expect(remapped, 'a new mapping is never stale').not.toBe(later);
  });

  // How long this takes is measured by tools/measure-evaluation.ts, not asserted here.
  it('10,000 photos in 10 classes of a 1,000-label model: every photo counted, only the classes seen', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => `class ${i}`);
    const photos: Record<string, [string, number]> = {};
    for (let i = 0; i < 10_000; i++)
      photos[`Set/class ${i % 10}/IMG_${i}.jpg`] = [`class ${(i * 7) % 12}`, 0.3 + (i % 7) / 10];
    const results = new BatchResults(5);
    const entries = Object.entries(photos);
    results.add(entries.map(([path], i) => ({ id: `p${i}`, path, actual: path.split('/')[1] as string })));
    for (const [i, [, [label, score]]] of entries.entries()) {
      results.complete(
        `p${i}`,
        [
          { label, score },
          { label: 'class 999', score: 1 - score },
        ],
        'm',
      );
    }
    const view = deriveEvaluationView(results, labels, EMPTY_MAPPING);
    expect(view.evaluation.n).toBe(10_000);
    expect(view.folders.labelled).toBe(10_000);
    expect(view.evaluation.classes.length).toBe(12);
    // p(actual) is known where the prediction kept it (the right ones); the rest wait to be classified again.
    expect(view.evaluation.losses).toHaveLength(view.evaluation.correct);
    expect(view.evaluation.losses.length + view.evaluation.lossUnknown.length).toBe(10_000);
  });
});

describe('cleaner helpers', () => {
  it('decisions as select values and back', () => {
    for (const decision of [
      undefined,
      { kind: 'keep' as const },
      { kind: 'delete' as const },
      { kind: 'move' as const, to: 'a:b' },
    ]) {
      expect(parseDecisionValue(decisionValue(decision))).toEqual(decision);
    }
  });

  it('the plan: relative to the chosen folder, moves into the folder mapped to the class', () => {
    const results = batchOf({
      'bears/grizzly/1.jpg': ['cat', 0.9],
      'bears/black/1.jpg': ['dog', 0.9],
      'bears/black/2.jpg': ['dog', 0.9],
    });
    const mapping = mapFolder(mapFolder(EMPTY_MAPPING, 'grizzly', 'cat'), 'black', 'dog');
    const view = deriveEvaluationView(results, LABELS, mapping);
    const decisions = new Map([
      ['bears/grizzly/1.jpg', { kind: 'move' as const, to: 'dog' }],
      ['bears/black/2.jpg', { kind: 'delete' as const }],
    ]);
    const plan = planForBatch(decisions, results.all(), view.folders);
    expect(plan.root).toBe('bears');
    expect(plan.operations).toEqual([
      { kind: 'delete', path: 'black/2.jpg' },
      {
        kind: 'move',
        from: 'grizzly/1.jpg',
        to: 'black/1 (2).jpg',
        label: 'dog',
        renamed: { wanted: 'black/1.jpg', reason: '"black/1.jpg" is taken' },
      },
    ]);
  });

  it('the copies to delete keep each group’s first member; outcomes in words', () => {
    const a = { id: 'a', path: 'g/1.jpg' };
    const b = { id: 'b', path: 'g/1-Copy1.jpg' };
    const flags = new Map([
      ['a', { kind: 'exact' as const, of: a, members: [a, b] }],
      ['b', { kind: 'exact' as const, of: a, members: [a, b] }],
    ]);
    const items = [b, a].map((p) => ({ ...p, actual: 'cat' }));
    expect(duplicatesToDelete(items, flags)).toEqual(['g/1-Copy1.jpg']);
    const op = { kind: 'delete' as const, path: 'x' };
    expect(
      describeOutcomes(
        [
          { operation: op, status: 'done' },
          { operation: op, status: 'failed', reason: 'gone' },
        ],
        3,
      ),
    ).toBe('1 of 3 changes made, 1 failed, 1 not tried.');
  });

  it('the photos an Apply deleted: done deletions only, paths under the root', () => {
    const results = batchOf({
      'bears/g/1.jpg': ['cat', 0.9],
      'bears/g/2.jpg': ['cat', 0.9],
      'bears/g/3.jpg': ['cat', 0.9],
    });
    const outcomes = [
      { operation: { kind: 'delete' as const, path: 'g/1.jpg' }, status: 'done' as const },
      { operation: { kind: 'delete' as const, path: 'g/2.jpg' }, status: 'failed' as const, reason: 'gone' },
      { operation: { kind: 'move' as const, from: 'g/3.jpg', to: 'h/3.jpg', label: 'dog' }, status: 'done' as const },
    ];
    expect(deletedIds(outcomes, results.all(), 'bears')).toEqual(['p0']);
    expect(deletedIds(outcomes, results.all(), undefined)).toEqual([]);
  });

  it('commonRoot and percent', () => {
    expect(commonRoot(['a/b.jpg', 'a/c/d.jpg'])).toBe('a');
    expect(commonRoot(['a/b.jpg', 'b/c.jpg'])).toBeUndefined();
    expect(commonRoot(['a/b.jpg', 'c.jpg'])).toBeUndefined();
    expect(percent(0.8571)).toBe('85.7%');
    expect(percent(undefined)).toBe('—');
  });
});
