import { describe, expect, it } from 'vitest';
import { actualFromPath, labelKey, matchLabel } from '../../src/batch/actual-label';
import { BatchResults, type PhotoResult, type ResultsQuery } from '../../src/batch/batch-results';
import { comparePaths, isCorrect, sortNatural } from '../../src/batch/photo-result';

const paths = (rows: PhotoResult[]) => rows.map((row) => row.path);

/** A batch of `path → [label, score] | 'error' | 'pending'`, classified by `model`. */
function batchOf(
  photos: Record<string, [string, number] | 'error' | 'pending'>,
  model = 'm1',
  actuals: Record<string, string> = {},
) {
  const results = new BatchResults();
  results.add(Object.keys(photos).map((path) => ({ id: path, path, actual: actuals[path] })));
  for (const [path, outcome] of Object.entries(photos)) {
    if (outcome === 'error') results.fail(path, 'could not decode', model);
    else if (outcome !== 'pending') results.complete(path, [{ label: outcome[0], score: outcome[1] }], model);
  }
  return results;
}

describe('matchLabel / actualFromPath: the true class from the folder name', () => {
  const labels = ['grizzly bear', 'black bear', 'teddy', 'tench, Tinca tinca', 'crane', 'crane, bird'];

  it.each([
    ['Grizzly_Bear', 'grizzly bear'],
    ['grizzly-bear', 'grizzly bear'],
    ['GRIZZLYBEAR', 'grizzly bear'],
    ['  black   bear ', 'black bear'],
    ['teddy', 'teddy'],
    ['Ｔｅｄｄｙ', 'teddy'],
    ['tench', 'tench, Tinca tinca'],
    ['tinca_tinca', 'tench, Tinca tinca'],
  ])('%s → %s', (folder, label) => {
    expect(matchLabel(folder, labels)).toBe(label);
  });

  it('no match, or a name two labels share, gives no class', () => {
    expect(matchLabel('bears', labels)).toBeUndefined();
    expect(matchLabel('', labels)).toBeUndefined();
    // "crane" is a whole label: the whole-label match wins over the alias of "crane, bird".
    expect(matchLabel('crane', labels)).toBe('crane');
    expect(matchLabel('cat', ['cat', 'Cat'])).toBeUndefined();
  });

  it('labelKey drops case, _, - and whitespace', () => {
    expect(labelKey('A_b-C d\te')).toBe('abcde');
  });

  it('reads the folder the photo sits in, not the root or the file', () => {
    expect(actualFromPath('Test/Grizzly_Bear/IMG_1.jpg', labels)).toBe('grizzly bear');
    expect(actualFromPath('teddy/IMG_1.jpg', labels)).toBe('teddy');
    expect(actualFromPath('teddy/misc/IMG_1.jpg', labels)).toBeUndefined();
    expect(actualFromPath('teddy.jpg', labels)).toBeUndefined();
  });
});

describe('BatchResults: updates and derived counts', () => {
  it('add → complete / fail / reset, with counts, histogram and accuracy kept up to date', () => {
    const results = new BatchResults(2);
    results.add([
      { id: 'a', path: 'cats/a.jpg', actual: 'cat' },
      { id: 'b', path: 'cats/b.jpg', actual: 'cat' },
      { id: 'c', path: 'c.jpg' },
    ]);
    results.addSkipped([{ path: '.DS_Store', reason: 'system' }]);
    expect(results.counts()).toEqual({
      total: 3,
      pending: 3,
      done: 0,
      errors: 0,
      skipped: 1,
      labelled: 0,
      correct: 0,
    });

    const before = results.get('a');
    const done = results.complete(
      'a',
      [
        { label: 'cat', score: 0.9 },
        { label: 'dog', score: 0.05 },
        { label: 'fox', score: 0.01 },
      ],
      'm1',
    );
    expect(done).toEqual({
      id: 'a',
      path: 'cats/a.jpg',
      status: 'done',
      top: [
        { label: 'cat', score: 0.9 },
        { label: 'dog', score: 0.05 },
      ],
      modelId: 'm1',
      actual: 'cat',
    });
    expect(results.get('a')).not.toBe(before);
    results.complete('b', [{ label: 'dog', score: 0.6 }], 'm1');
    results.fail('c', 'not an image', 'm1');
    expect(results.counts()).toMatchObject({ pending: 0, done: 2, errors: 1, labelled: 2, correct: 1 });
    expect(results.histogram()).toEqual([
      { label: 'cat', count: 1 },
      { label: 'dog', count: 1 },
    ]);

    // A re-run changes b's class: the histogram moves it, accuracy follows.
    results.complete('b', [{ label: 'cat', score: 0.7 }], 'm2');
    expect(results.histogram()).toEqual([{ label: 'cat', count: 2 }]);
    expect(results.counts()).toMatchObject({ labelled: 2, correct: 2 });

    // A failure cleared by success loses its error; reset loses result and model.
    expect(results.complete('c', [{ label: 'fox', score: 0.5 }], 'm2').error).toBeUndefined();
    expect(results.reset('a')).toEqual({ id: 'a', path: 'cats/a.jpg', status: 'pending', top: [], actual: 'cat' });
    expect(results.counts()).toMatchObject({ pending: 1, done: 2, errors: 0, labelled: 1, correct: 1 });
    expect(results.histogram()).toEqual([
      { label: 'cat', count: 1 },
      { label: 'fox', count: 1 },
    ]);
  });

  it('refuses a duplicate id and an unknown one', () => {
    const results = new BatchResults();
    results.add([{ id: 'x', path: 'x.jpg' }]);
    expect(() => results.add([{ id: 'x', path: 'other.jpg' }])).toThrow(/already/);
    expect(() => results.complete('nope', [], 'm')).toThrow(/no photo/);
    expect([results.has('x'), results.has('nope')]).toEqual([true, false]);
  });

  it('remove and clear take photos out of counts, histogram and queries', () => {
    const results = batchOf({ 'a.jpg': ['cat', 0.9], 'b.jpg': ['dog', 0.8], 'c.jpg': 'error' });
    expect(paths(results.query())).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    results.remove('a.jpg');
    expect(paths(results.query({ sort: 'confidence' }))).toEqual(['b.jpg', 'c.jpg']);
    expect(paths(results.query())).toEqual(['b.jpg', 'c.jpg']);
    expect(results.histogram()).toEqual([{ label: 'dog', count: 1 }]);
    results.clear();
    expect(results.counts()).toMatchObject({ total: 0, done: 0, errors: 0, skipped: 0 });
    expect(results.query()).toEqual([]);
  });

  it('restore puts saved records back as they were, replacing same ids', () => {
    const results = batchOf({ 'a.jpg': 'pending' });
    results.restore([
      { id: 'a.jpg', path: 'a.jpg', status: 'done', top: [{ label: 'cat', score: 1 }], modelId: 'm', actual: 'cat' },
      { id: 'z', path: 'z.jpg', status: 'error', top: [], error: 'boom', modelId: 'm' },
    ]);
    expect(results.counts()).toMatchObject({ total: 2, pending: 0, done: 1, errors: 1, correct: 1 });
    expect(paths(results.query({ failedOnly: true }))).toEqual(['z.jpg']);
  });

  it('assignActuals re-reads true classes for a new label list', () => {
    const results = batchOf({ 'Cat/a.jpg': ['cat', 0.9], 'dog/b.jpg': ['cat', 0.8], 'cats/c.jpg': ['cat', 0.8] });
    const labels = ['cat', 'dog'];
    results.assignActuals((path) => actualFromPath(path, labels));
    expect(results.get('Cat/a.jpg')?.actual).toBe('cat');
    expect(results.get('cats/c.jpg')).not.toHaveProperty('actual');
    expect(results.counts()).toMatchObject({ labelled: 2, correct: 1 });
    results.assignActuals(() => undefined);
    expect(results.get('Cat/a.jpg')).not.toHaveProperty('actual');
    expect(results.counts()).toMatchObject({ labelled: 0, correct: 0 });
  });

  it('tells subscribers about every change until they unsubscribe', () => {
    const results = new BatchResults();
    let calls = 0;
    const unsubscribe = results.subscribe(() => calls++);
    results.add([{ id: 'a', path: 'a.jpg' }]);
    results.complete('a', [{ label: 'x', score: 1 }], 'm');
    const version = results.version;
    unsubscribe();
    results.remove('a');
    expect(calls).toBe(2);
    expect(results.version).toBe(version + 1);
  });
});

describe('BatchResults.query: sorting', () => {
  const results = batchOf({
    'b/img10.jpg': ['dog', 0.5],
    'b/IMG2.jpg': ['cat', 0.9],
    'a/img1.jpg': ['dog', 0.95],
    'a/img3.jpg': 'error',
    'c.jpg': ['cat', 0.3],
    'd.jpg': 'pending',
    'e.jpg': ['ant', 0.5],
  });

  it('by name: natural and case-insensitive, folders included; desc reverses', () => {
    const byName = ['a/img1.jpg', 'a/img3.jpg', 'b/IMG2.jpg', 'b/img10.jpg', 'c.jpg', 'd.jpg', 'e.jpg'];
    expect(paths(results.query())).toEqual(byName);
    expect(paths(results.query({ sort: 'name', direction: 'desc' }))).toEqual([...byName].reverse());
  });

  it('by class: label, then most confident, then name; no result last', () => {
    expect(paths(results.query({ sort: 'class' }))).toEqual([
      'e.jpg',
      'b/IMG2.jpg',
      'c.jpg',
      'a/img1.jpg',
      'b/img10.jpg',
      'a/img3.jpg',
      'd.jpg',
    ]);
    expect(paths(results.query({ sort: 'class', direction: 'desc' }))).toEqual([
      'a/img1.jpg',
      'b/img10.jpg',
      'b/IMG2.jpg',
      'c.jpg',
      'e.jpg',
      'a/img3.jpg',
      'd.jpg',
    ]);
  });

  it('by confidence: ties by name; no result last in both directions', () => {
    expect(paths(results.query({ sort: 'confidence' }))).toEqual([
      'c.jpg',
      'b/img10.jpg',
      'e.jpg',
      'b/IMG2.jpg',
      'a/img1.jpg',
      'a/img3.jpg',
      'd.jpg',
    ]);
    expect(paths(results.query({ sort: 'confidence', direction: 'desc' }))).toEqual([
      'a/img1.jpg',
      'b/IMG2.jpg',
      'b/img10.jpg',
      'e.jpg',
      'c.jpg',
      'a/img3.jpg',
      'd.jpg',
    ]);
  });

  it('in the order added (a removal keeps the rest in place); desc reverses; filters apply', () => {
    const added = ['b/img10.jpg', 'b/IMG2.jpg', 'a/img1.jpg', 'a/img3.jpg', 'c.jpg', 'd.jpg', 'e.jpg'];
    expect(paths(results.query({ sort: 'added' }))).toEqual(added);
    expect(paths(results.query({ sort: 'added', direction: 'desc' }))).toEqual([...added].reverse());
    expect(paths(results.query({ sort: 'added', classes: ['dog'] }))).toEqual(['b/img10.jpg', 'a/img1.jpg']);
    const live = batchOf({ 'z.jpg': ['x', 0.2], 'a.jpg': 'pending', 'm.jpg': ['x', 0.4] });
    live.remove('a.jpg');
    live.complete('z.jpg', [{ label: 'y', score: 0.5 }], 'm1');
    live.add([{ id: 'b.jpg', path: 'b.jpg' }]);
    expect(paths(live.query({ sort: 'added' }))).toEqual(['z.jpg', 'm.jpg', 'b.jpg']);
  });

  it('a failure without a loaded model names no model', () => {
    const live = batchOf({ 'a.jpg': ['x', 0.2] });
    expect(live.fail('a.jpg', 'No model is loaded.')).toEqual({
      id: 'a.jpg',
      path: 'a.jpg',
      status: 'error',
      top: [],
      error: 'No model is loaded.',
    });
  });

  it('follows changes: a new result re-ranks, a new photo takes its place by name', () => {
    const live = batchOf({ 'a.jpg': ['x', 0.2], 'b.jpg': ['x', 0.4] });
    expect(paths(live.query({ sort: 'confidence' }))).toEqual(['a.jpg', 'b.jpg']);
    live.complete('a.jpg', [{ label: 'x', score: 0.6 }], 'm1');
    expect(paths(live.query({ sort: 'confidence' }))).toEqual(['b.jpg', 'a.jpg']);
    expect(paths(live.query())).toEqual(['a.jpg', 'b.jpg']);
    live.add([{ id: 'a2', path: 'a2.jpg' }]);
    live.add([{ id: 'a10', path: 'a10.jpg' }]);
    expect(paths(live.query())).toEqual(['a.jpg', 'a2.jpg', 'a10.jpg', 'b.jpg']);
    expect(paths(live.query({ sort: 'confidence' }))).toEqual(['b.jpg', 'a.jpg', 'a2.jpg', 'a10.jpg']);
  });
});

describe('BatchResults.query: filters', () => {
  const results = batchOf(
    {
      'cats/IMG_1.jpg': ['cat', 0.9],
      'cats/IMG_2.jpg': ['dog', 0.6],
      'dogs/IMG_1.jpg': ['dog', 0.4],
      'dogs/broken.jpg': 'error',
      'misc/x.jpg': 'pending',
    },
    'm1',
    { 'cats/IMG_1.jpg': 'cat', 'cats/IMG_2.jpg': 'cat', 'dogs/IMG_1.jpg': 'dog' },
  );
  results.complete('cats/IMG_2.jpg', [{ label: 'dog', score: 0.6 }], 'm0');

  it.each<[string, ResultsQuery, string[]]>([
    ['classes', { classes: ['dog'] }, ['cats/IMG_2.jpg', 'dogs/IMG_1.jpg']],
    [
      'no classes = all',
      { classes: [] },
      ['cats/IMG_1.jpg', 'cats/IMG_2.jpg', 'dogs/broken.jpg', 'dogs/IMG_1.jpg', 'misc/x.jpg'],
    ],
    ['score range (inclusive)', { minScore: 0.4, maxScore: 0.6 }, ['cats/IMG_2.jpg', 'dogs/IMG_1.jpg']],
    ['min score only', { minScore: 0.61 }, ['cats/IMG_1.jpg']],
    ['failed only', { failedOnly: true }, ['dogs/broken.jpg']],
    ['text, any case', { text: ' img_1 ' }, ['cats/IMG_1.jpg', 'dogs/IMG_1.jpg']],
    ['text in folder', { text: 'DOGS/' }, ['dogs/broken.jpg', 'dogs/IMG_1.jpg']],
    ['made by another model', { otherThanModel: 'm1' }, ['cats/IMG_2.jpg']],
    ['correct', { correctness: 'correct' }, ['cats/IMG_1.jpg', 'dogs/IMG_1.jpg']],
    ['wrong', { correctness: 'wrong' }, ['cats/IMG_2.jpg']],
    ['combined', { classes: ['dog', 'cat'], text: 'cats', minScore: 0.7 }, ['cats/IMG_1.jpg']],
  ])('%s', (_, query, expected) => {
    expect(paths(results.query(query))).toEqual(expected);
  });
});

describe('comparePaths: natural order', () => {
  it.each([
    ['img2.jpg', 'img10.jpg'],
    ['IMG2.jpg', 'img10.jpg'],
    ['img2.jpg', 'IMG10.jpg'],
    ['img002.jpg', 'img10.jpg'],
    ['2024-1-9/a.jpg', '2024-1-10/a.jpg'],
    ['Day 1/z.jpg', 'Day 1 extra/a.jpg'],
    ['cafe1.jpg', 'café2.jpg'],
    ['café1.jpg', 'cafe2.jpg'],
    ['img9', 'img9a'],
    ['9.jpg', 'a.jpg'],
  ])('%s before %s', (first, second) => {
    expect(comparePaths(first, second)).toBeLessThan(0);
    expect(comparePaths(second, first)).toBeGreaterThan(0);
  });

  it('sortNatural agrees with comparePaths', () => {
    const texts = ['img10', 'IMG2', 'img1', 'img02', 'Zebra', 'apple', 'img2'];
    expect(sortNatural(texts)).toEqual([...texts].sort(comparePaths));
    expect(sortNatural(texts)).toEqual(['apple', 'img1', 'IMG2', 'img02', 'img2', 'img10', 'Zebra']);
  });

  it('is total: equal only for the same text', () => {
    expect(comparePaths('img02', 'img2')).not.toBe(0);
    expect(comparePaths('a', 'A')).not.toBe(0);
    expect(comparePaths('same', 'same')).toBe(0);
  });
});

describe('isCorrect', () => {
  it('is undefined without a truth or a result', () => {
    const base: PhotoResult = { id: 'a', path: 'a', status: 'done', top: [{ label: 'cat', score: 1 }] };
    expect(isCorrect(base)).toBeUndefined();
    expect(isCorrect({ ...base, actual: 'cat' })).toBe(true);
    expect(isCorrect({ ...base, actual: 'dog' })).toBe(false);
    expect(isCorrect({ ...base, actual: 'cat', status: 'error', top: [] })).toBeUndefined();
  });
});
