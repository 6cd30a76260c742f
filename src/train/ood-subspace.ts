/**
 * The principal subspace of the "unlike the training photos" statistics (ood.ts), fitted in the n-dimensional space
 * of the rows instead of the D-dimensional space of the features.
 *
 * Why: the fit is orthogonal iteration on XᵀX with Gram–Schmidt, six times per run (five folds and the final fit).
 * In feature space each iteration costs rows × components × D twice, ~0.8 G multiply-adds for 400 rows of 1,600
 * features (1–3 s in the worker). Every iterate after the first lies in the span of the rows, so it can be kept as
 * coefficients C (a direction is Xᵀc) and iterated with the Gram matrix G = XXᵀ, computed once for all six fits
 * (a fold's G is a sub-matrix): XᵀX·Xᵀc = Xᵀ(Gc), and ⟨Xᵀa, Xᵀb⟩ = aᵀGb. Same iteration, same start, same
 * result up to rounding, for a quarter of the work.
 */

/** The rows' Gram matrix XXᵀ (n × n, row-major, symmetric). */
export function gramMatrix(xs: readonly Float64Array[], d: number): Float64Array {
  const n = xs.length;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = xs[i] as Float64Array;
    for (let j = i; j < n; j++) {
      const b = xs[j] as Float64Array;
      let s = 0;
      for (let q = 0; q < d; q++) s += (a[q] as number) * (b[q] as number);
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  return g;
}

/** Top-k principal directions of some rows, as coefficients over those rows: direction j is Σᵢ c[j][i]·x(rows[i]). */
export interface RowSubspace {
  /** Indices (into the Gram matrix) of the rows fitted. */
  rows: readonly number[];
  coefficients: Float64Array[];
}

/**
 * Orthogonal iteration for the top-k directions of rows `fit`, started from `start` (k random D-vectors), as
 * {@link RowSubspace} coefficients. `iterations` multiplications by XᵀX, each followed by Gram–Schmidt; a direction
 * with nothing left (fewer distinct rows than k) stays zero and removes nothing.
 */
export function fitRowSubspace(
  xs: readonly Float64Array[],
  gram: Float64Array,
  fit: readonly number[],
  start: readonly Float64Array[],
  iterations: number,
  d: number,
): RowSubspace {
  const n = Math.sqrt(gram.length);
  const m = fit.length;
  const k = start.length;
  const g = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) g[a * m + b] = gram[(fit[a] as number) * n + (fit[b] as number)] as number;
  // The first product XᵀX·B = Xᵀ(XB): its coefficients are each row's dot with each start vector.
  let c = start.map((v) => Float64Array.from(fit, (row) => dot(xs[row] as Float64Array, v, d)));
  let p = c.map(() => new Float64Array(m));
  for (let it = 0; it < iterations; it++) {
    if (it > 0) [c, p] = [p, c];
    for (let j = 0; j < k; j++) multiply(g, c[j] as Float64Array, p[j] as Float64Array, m);
    // Gram–Schmidt in the metric of G, P = G·C updated alongside C (it is linear in C).
    for (let j = 0; j < k; j++) {
      const cj = c[j] as Float64Array;
      const pj = p[j] as Float64Array;
      for (let i = 0; i < j; i++) {
        const a = dot(cj, p[i] as Float64Array, m);
        axpy(-a, c[i] as Float64Array, cj, m);
        axpy(-a, p[i] as Float64Array, pj, m);
      }
      const norm = Math.sqrt(Math.max(0, dot(cj, pj, m)));
      const scale = norm > 1e-12 ? 1 / norm : 0;
      for (let q = 0; q < m; q++) {
        cj[q] = (cj[q] as number) * scale;
        pj[q] = (pj[q] as number) * scale;
      }
    }
  }
  return { rows: fit, coefficients: c };
}

/** Squared length of row `row` (an index into the Gram matrix) outside the span of `subspace`. */
export function rowResidual(gram: Float64Array, row: number, subspace: RowSubspace): number {
  const n = Math.sqrt(gram.length);
  let total = gram[row * n + row] as number;
  for (const c of subspace.coefficients) {
    let a = 0;
    subspace.rows.forEach((r, i) => {
      a += (c[i] as number) * (gram[row * n + r] as number);
    });
    total -= a * a;
  }
  return Math.max(0, total);
}

/** The directions themselves, k × D (float32, as the model carries them). */
export function subspaceDirections(xs: readonly Float64Array[], subspace: RowSubspace, d: number): Float32Array {
  const out = new Float32Array(subspace.coefficients.length * d);
  const v = new Float64Array(d);
  subspace.coefficients.forEach((c, j) => {
    v.fill(0);
    subspace.rows.forEach((r, i) => {
      axpy(c[i] as number, xs[r] as Float64Array, v, d);
    });
    out.set(v, j * d);
  });
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let q = 0; q < d; q++) s += (a[q] as number) * (b[q] as number);
  return s;
}

/** y += a·x */
function axpy(a: number, x: Float64Array, y: Float64Array, d: number): void {
  for (let q = 0; q < d; q++) y[q] = (y[q] as number) + a * (x[q] as number);
}

/** out = G·v for the m × m matrix G. */
function multiply(g: Float64Array, v: Float64Array, out: Float64Array, m: number): void {
  for (let a = 0; a < m; a++) {
    let s = 0;
    const at = a * m;
    for (let b = 0; b < m; b++) s += (g[at + b] as number) * (v[b] as number);
    out[a] = s;
  }
}
