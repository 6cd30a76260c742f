/**
 * The "unlike the training photos" subspace fitted in the rows' space (src/train/ood-subspace.ts) gives what the
 * plain orthogonal iteration in feature space gives (the reference below, the fit as it was first written), from the
 * same start: the same directions and the same residuals, also when there are fewer distinct rows than directions.
 */
import { describe, expect, it } from 'vitest';
import { fitRowSubspace, gramMatrix, rowResidual, subspaceDirections } from '../../src/train/ood-subspace';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let q = 0; q < a.length; q++) s += (a[q] as number) * (b[q] as number);
  return s;
};

/** Orthogonal iteration on XᵀX with Gram–Schmidt, in feature space. */
function referenceDirections(xs: Float64Array[], start: Float64Array[], iterations: number): Float64Array[] {
  const d = start[0]?.length ?? 0;
  let basis = start.map((v) => Float64Array.from(v));
  for (let it = 0; it < iterations; it++) {
    const next = basis.map(() => new Float64Array(d));
    for (const x of xs) {
      basis.forEach((b, j) => {
        const a = dot(x, b);
        const nj = next[j] as Float64Array;
        for (let q = 0; q < d; q++) nj[q] = (nj[q] as number) + a * (x[q] as number);
      });
    }
    next.forEach((nj, j) => {
      for (let i = 0; i < j; i++) {
        const ni = next[i] as Float64Array;
        const a = dot(nj, ni);
        for (let q = 0; q < d; q++) nj[q] = (nj[q] as number) - a * (ni[q] as number);
      }
      const norm = Math.sqrt(dot(nj, nj));
      for (let q = 0; q < d; q++) nj[q] = norm > 1e-12 ? (nj[q] as number) / norm : 0;
    });
    basis = next;
  }
  return basis;
}

const residualOf = (x: Float64Array, directions: ArrayLike<number>[]) =>
  Math.max(0, dot(x, x) - directions.reduce((s, v) => s + dot(x, v) ** 2, 0));

/** `count` rows of `d` features near a `rank`-dimensional subspace, plus a little noise. */
function rowsNearSubspace(count: number, d: number, rank: number, seed: number): Float64Array[] {
  const random = seeded(seed);
  const basis = Array.from({ length: rank }, () => Float64Array.from({ length: d }, random));
  return Array.from({ length: count }, () => {
    const c = basis.map((_, j) => random() * (rank - j) * 3);
    return Float64Array.from(
      { length: d },
      (_, q) => random() * 0.2 + c.reduce((s, a, j) => s + a * (basis[j]?.[q] ?? 0), 0),
    );
  });
}

describe('the principal subspace fitted in the rows space', () => {
  it('equals orthogonal iteration in feature space: directions and held-out residuals', () => {
    const d = 60;
    const xs = rowsNearSubspace(50, d, 8, 5);
    const fit = xs.flatMap((_, i) => (i % 5 !== 2 ? [i] : []));
    const random = seeded(11);
    const start = Array.from({ length: 6 }, () => Float64Array.from({ length: d }, random));
    const gram = gramMatrix(xs, d);
    const subspace = fitRowSubspace(xs, gram, fit, start, 8, d);
    const expected = referenceDirections(
      fit.map((i) => xs[i] as Float64Array),
      start,
      8,
    );
    const got = subspaceDirections(xs, subspace, d);
    expected.forEach((v, j) => {
      v.forEach((value, q) => {
        expect(got[j * d + q]).toBeCloseTo(value, 5);
      });
    });
    for (let i = 2; i < xs.length; i += 5) {
      const want = residualOf(xs[i] as Float64Array, expected);
      expect(rowResidual(gram, i, subspace)).toBeCloseTo(want, 6);
      expect(want).toBeGreaterThan(0.01);
    }
  });

  it('leaves directions beyond the distinct rows at zero, as the reference does', () => {
    const d = 20;
    const [a, b] = rowsNearSubspace(2, d, 2, 3) as [Float64Array, Float64Array];
    const xs = [a, b, a, b];
    const random = seeded(2);
    const start = Array.from({ length: 3 }, () => Float64Array.from({ length: d }, random));
    const gram = gramMatrix(xs, d);
    const subspace = fitRowSubspace(xs, gram, [0, 1, 2, 3], start, 8, d);
    const got = subspaceDirections(xs, subspace, d);
    const expected = referenceDirections(xs, start, 8);
    expect(dot(expected[2] as Float64Array, expected[2] as Float64Array)).toBe(0);
    expect(Array.from(got.subarray(2 * d))).toEqual(new Array(d).fill(0));
    for (let i = 0; i < 4; i++) expect(rowResidual(gram, i, subspace)).toBeCloseTo(0, 9);
  });
});
