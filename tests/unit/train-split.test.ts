/** The validation split: ceil(15 %) per class, seeded, order-independent with keys, duplicates kept together. */
import { describe, expect, it } from 'vitest';
import { countPerClass, splitByClass, withMirroredTrainRows } from '../../src/train/split';

const labelsOf = (counts: number[]) => Int32Array.from(counts.flatMap((n, c) => Array.from({ length: n }, () => c)));

describe('splitByClass', () => {
  it('holds out ceil(15 %) of each class, keeps at least one training photo, and covers every photo once', () => {
    const labels = labelsOf([100, 8, 10, 2, 1]);
    const split = splitByClass(labels, 5, { seed: 1 });
    expect(countPerClass(labels, split.validation, 5)).toEqual([15, 2, 2, 1, 0]);
    expect(countPerClass(labels, split.train, 5)).toEqual([85, 6, 8, 1, 1]);
    const seen = [...split.train, ...split.validation].sort((a, b) => a - b);
    expect(seen).toEqual([...labels.keys()]);
  });

  it('is the same for the same seed and differs for another', () => {
    const labels = labelsOf([40, 40]);
    expect(splitByClass(labels, 2, { seed: 3 })).toEqual(splitByClass(labels, 2, { seed: 3 }));
    expect(splitByClass(labels, 2, { seed: 4 }).validation).not.toEqual(
      splitByClass(labels, 2, { seed: 3 }).validation,
    );
  });

  it('with keys, a photo stays on its side whatever the order, and duplicates share a side', () => {
    const keys = Array.from({ length: 30 }, (_, i) => `hash-${i % 25}`); // photos 25..29 duplicate 0..4
    const labels = Int32Array.from(keys, (k) => Number(k.slice(5)) % 2);
    const a = splitByClass(labels, 2, { seed: 9, keys });
    const sideOf = (split: typeof a, ks: readonly string[]) =>
      new Map(ks.map((k, i) => [k, split.validation.includes(i) ? 'validation' : 'train']));
    const order = [...keys.keys()].reverse();
    const b = splitByClass(
      Int32Array.from(order, (i) => labels[i] as number),
      2,
      { seed: 9, keys: order.map((i) => keys[i] as string) },
    );
    expect(
      sideOf(
        b,
        order.map((i) => keys[i] as string),
      ),
    ).toEqual(sideOf(a, keys));
    for (let i = 0; i < 5; i++) expect(a.validation.includes(i)).toBe(a.validation.includes(i + 25));
    // Adding photos moves at most a couple of the others: sides follow each key's hash, only the per-class count grows.
    const more = [...keys, 'hash-new-1', 'hash-new-2'];
    const c = splitByClass(Int32Array.from([...labels, 0, 1]), 2, { seed: 9, keys: more });
    const moved = keys.filter((_key, i) => c.validation.includes(i) !== a.validation.includes(i));
    expect(moved.length).toBeLessThanOrEqual(2);
  });

  it('says what is wrong with its input', () => {
    expect(() => splitByClass([0, 1, 2], 2)).toThrow('label 2 of photo 2 is not a class index in [0, 2)');
    expect(() => splitByClass([0, 1], 2, { keys: ['a'] })).toThrow('keys has 1 entries for 2 photos');
    expect(() => splitByClass([0, 1], 2, { validationFraction: 1 })).toThrow('validationFraction must be in [0, 1)');
  });

  it('mirrored rows join training only', () => {
    const split = { train: Int32Array.from([0, 2]), validation: Int32Array.from([1]) };
    expect(withMirroredTrainRows(split, 3)).toEqual({
      train: Int32Array.from([0, 2, 3, 5]),
      validation: split.validation,
    });
  });
});
