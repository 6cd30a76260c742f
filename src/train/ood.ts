/**
 * "Unlike the photos this model was trained on": statistics of the training embeddings, carried inside the exported
 * model (`onsight.ood`), and a pure judgement of a new photo's features against them.
 *
 * Format 2 (today's): how far a photo's features lie outside the subspace where the training photos vary. The
 * features are standardised as the head standardises them (shrunk per-feature std); the top
 * {@link OOD_COMPONENTS} principal directions of the training rows span that subspace; a photo's score is the squared
 * length of what is left of its standardised features after projecting them onto it. The threshold is a percentile
 * of the training photos' own scores, each computed out of fold (the subspace fitted without that photo), because
 * in-sample scores are smaller than a new photo's and gave 10 % false alarms.
 *
 * Why this and not distances to class means (format 1, still read: `ood-class-means.ts`): measured on pets-small with
 * the default backbone (8 seeded splits; `ONSIGHT_OOD_MEASURE=1 npx vitest run tests/unit/train-ood-measure.test.ts`,
 * table in src/train/README.md), the class-mean distance flagged none of the eagle, giraffe and horses photos, none
 * of the bears and only 13–34 % of noise, flat colours and gradients; in 1,440 dimensions an odd photo is not much
 * farther from a class mean than a typical one, but its features point where no training photo's do.
 */
import { computeStandardization, type Embeddings } from './head-model';
import { type ClassMeanOodStats, classMeanOodStatsFromJson, judgeClassMeans } from './ood-class-means';
import { base64ToFloat32, float32ToBase64, type OodJudgement } from './ood-codec';
import { fitRowSubspace, gramMatrix, rowResidual, subspaceDirections } from './ood-subspace';

export type { ClassMeanOodStats, OodJudgement };

/** Principal directions kept: 8–32 measured alike (out-of-fold thresholds); 16 costs 16 × D floats in the model. */
export const OOD_COMPONENTS = 16;
/**
 * The percentile of the training photos' out-of-fold scores that is the threshold. 0.99 flagged no real photo at all
 * (the out-of-fold scores have a long tail: the 99th is ~3× the 95th); 0.95 gave 3 % false alarms on held-out pets.
 */
export const DEFAULT_OOD_PERCENTILE = 0.95;
/** Folds for the out-of-fold scores (each photo scored by a subspace fitted on the other four fifths). */
export const OOD_FOLDS = 5;
/** Training rows the statistics are fitted on at most (evenly spread): bounds the cost for thousands of photos. */
export const OOD_MAX_ROWS = 400;
/** Orthogonal iterations: 8 and 20 flagged the same photos (pets-small, default backbone). */
const ITERATIONS = 8;

export interface SubspaceOodStats {
  format: 2;
  featureSize: number;
  /** Standardisation of the features (as the head's): mean and shrunk std, featureSize each. */
  mean: Float32Array;
  std: Float32Array;
  componentCount: number;
  /** Orthonormal principal directions of the standardised training rows, componentCount × featureSize. */
  components: Float32Array;
  /** The percentile of the training photos' out-of-fold residuals: a photo scoring above it is unlike them. */
  threshold: number;
  percentile: number;
  /** Training photos the statistics come from. */
  rowCount: number;
}

/** Format 2, or format 1 read from an older model. */
export type OodStats = SubspaceOodStats | ClassMeanOodStats;

function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] as number;
}

/** A small seeded generator: the same photos give the same statistics. */
function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** The orthogonal iteration's start: k seeded random D-vectors (the same rows give the same statistics). */
function startVectors(k: number, rows: number, d: number): Float64Array[] {
  const random = seededRandom(k * 7919 + rows);
  return Array.from({ length: k }, () => Float64Array.from({ length: d }, random));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let q = 0; q < d; q++) s += (a[q] as number) * (b[q] as number);
  return s;
}

/** Squared length of x (standardised) outside the span of the (orthonormal) directions. */
function residual(x: ArrayLike<number>, directions: readonly ArrayLike<number>[], d: number): number {
  let total = dot(x, x, d);
  for (const v of directions) {
    const a = dot(x, v, d);
    total -= a * a;
  }
  return Math.max(0, total);
}

function standardize(features: ArrayLike<number>, mean: Float32Array, std: Float32Array): Float64Array {
  const d = mean.length;
  const x = new Float64Array(d);
  for (let q = 0; q < d; q++) x[q] = ((features[q] as number) - (mean[q] as number)) / (std[q] as number);
  return x;
}

/** Directions a fit on n rows can have: fewer than n, so a held-out row is never trivially inside the span. */
function componentsFor(n: number): number {
  return Math.max(0, Math.min(OOD_COMPONENTS, n - 1));
}

/**
 * Statistics of the given rows (normally every labelled photo, not their mirrored copies); at most
 * {@link OOD_MAX_ROWS} of them, evenly spread, are used.
 */
export function computeOodStats(
  data: Embeddings,
  rows: ArrayLike<number>,
  percentile = DEFAULT_OOD_PERCENTILE,
): SubspaceOodStats {
  const d = data.size;
  const step = Math.max(1, rows.length / OOD_MAX_ROWS);
  const used: number[] = [];
  for (let i = 0; i < rows.length && used.length < OOD_MAX_ROWS; i++) {
    const at = Math.floor(i * step);
    if (at >= rows.length) break;
    used.push(rows[at] as number);
  }
  const { mean, std } = computeStandardization(data, used);
  const xs = used.map((r) => standardize(data.vectors.subarray(r * d, (r + 1) * d), mean, std));
  const folds = Math.min(OOD_FOLDS, xs.length);
  // Fitted in the rows' space (ood-subspace.ts): one Gram matrix serves the folds and the final fit.
  const gram = gramMatrix(xs, d);
  const fitOf = (rows: number[]) =>
    fitRowSubspace(xs, gram, rows, startVectors(componentsFor(rows.length), rows.length, d), ITERATIONS, d);
  const outOfFold: number[] = [];
  for (let fold = 0; fold < folds && folds > 1; fold++) {
    const subspace = fitOf(xs.flatMap((_, i) => (i % folds !== fold ? [i] : [])));
    for (let i = fold; i < xs.length; i += folds) outOfFold.push(rowResidual(gram, i, subspace));
  }
  const all = fitOf(xs.map((_, i) => i));
  const components = subspaceDirections(xs, all, d);
  const componentCount = all.coefficients.length;
  // One photo (no out-of-fold score) or identical photos (all zero): any difference at all is unlike them.
  const threshold = nearestRank(
    outOfFold.sort((a, b) => a - b),
    percentile,
  );
  return {
    format: 2,
    featureSize: d,
    mean,
    std,
    componentCount,
    components,
    threshold: threshold > 0 ? threshold : Number.MIN_VALUE,
    percentile,
    rowCount: xs.length,
  };
}

/** Judges one feature vector (the exported model's "features" output for a photo) against the statistics. */
export function judgeFeatures(stats: OodStats, features: ArrayLike<number>): OodJudgement {
  if (features.length !== stats.featureSize) {
    throw new Error(`expected ${stats.featureSize} features, got ${features.length}`);
  }
  if (stats.format === 1) return judgeClassMeans(stats, features);
  const d = stats.featureSize;
  const directions = Array.from({ length: stats.componentCount }, (_, j) =>
    stats.components.subarray(j * d, (j + 1) * d),
  );
  const score = residual(standardize(features, stats.mean, stats.std), directions, d);
  const ratio = score / stats.threshold;
  return { unlike: ratio > 1, score, threshold: stats.threshold, ratio };
}

/** JSON form of format-2 statistics (float arrays as base64 little-endian float32), for the model's metadata. */
export interface OodStatsJson {
  format: 2;
  featureSize: number;
  componentCount: number;
  threshold: number;
  percentile: number;
  rowCount: number;
  mean: string;
  std: string;
  components: string;
}

export function oodStatsToJson(stats: SubspaceOodStats): OodStatsJson {
  return {
    format: 2,
    featureSize: stats.featureSize,
    componentCount: stats.componentCount,
    threshold: stats.threshold,
    percentile: stats.percentile,
    rowCount: stats.rowCount,
    mean: float32ToBase64(stats.mean),
    std: float32ToBase64(stats.std),
    components: float32ToBase64(stats.components),
  };
}

/**
 * Reads statistics back from their JSON form: format 2, or format 1 from a model exported before it (judged as it
 * was then); throws a message naming what is wrong, or the unknown format (a newer OnSight's model).
 */
export function oodStatsFromJson(json: unknown): OodStats {
  const o = json as Partial<OodStatsJson> | { format?: unknown } | null;
  const fail = (what: string): never => {
    throw new Error(`onsight.ood: ${what}`);
  };
  if (!o || typeof o !== 'object') return fail('not an object');
  if (o.format === 1) return classMeanOodStatsFromJson(o);
  if (o.format !== 2) return fail(`unknown format ${JSON.stringify(o.format)} (made by a newer OnSight?)`);
  const { featureSize, componentCount, threshold, percentile, rowCount, mean, std, components } =
    o as Partial<OodStatsJson>;
  if (!Number.isInteger(featureSize) || !((featureSize as number) > 0)) return fail('featureSize missing');
  if (!Number.isInteger(componentCount) || (componentCount as number) < 0) return fail('componentCount missing');
  if (typeof threshold !== 'number' || !(threshold > 0)) return fail('threshold must be a positive number');
  if (typeof mean !== 'string' || typeof std !== 'string' || typeof components !== 'string') {
    return fail('mean, std and components must be base64 text');
  }
  const d = featureSize as number;
  const meanValues = base64ToFloat32(mean, 'mean');
  const stdValues = base64ToFloat32(std, 'std');
  const componentValues = base64ToFloat32(components, 'components');
  if (meanValues.length !== d || stdValues.length !== d) return fail('mean and std need one value per feature');
  if (componentValues.length !== (componentCount as number) * d) return fail('components has the wrong size');
  if (stdValues.some((s) => !(s > 0))) return fail('std must be positive');
  return {
    format: 2,
    featureSize: d,
    mean: meanValues,
    std: stdValues,
    componentCount: componentCount as number,
    components: componentValues,
    threshold,
    percentile: typeof percentile === 'number' ? percentile : DEFAULT_OOD_PERCENTILE,
    rowCount: typeof rowCount === 'number' ? rowCount : 0,
  };
}
