// @ts-check
/** Small statistics helpers: every figure is a median with its min, max and n. */

/**
 * @typedef {{ median: number | null, min: number | null, max: number | null, n: number }} Summary
 */

/** @param {number[]} values @returns {Summary} */
export function summarize(values) {
  const clean = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = clean.length;
  if (n === 0) return { median: null, min: null, max: null, n: 0 };
  const mid = Math.floor(n / 2);
  const at = (/** @type {number} */ i) => /** @type {number} */ (clean[i]);
  const median = n % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { median, min: /** @type {number} */ (clean[0]), max: /** @type {number} */ (clean[n - 1]), n };
}

/** Ratio of two medians, or null when either is missing. @param {number | null | undefined} a @param {number | null | undefined} b */
export function ratio(a, b) {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}
