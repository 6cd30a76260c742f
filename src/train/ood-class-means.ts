/**
 * The first "unlike the photos this model was trained on" statistics (`onsight.ood` format 1), kept so that models
 * exported with them still warn as they did: per-class means and distance thresholds. Replaced by the subspace
 * statistics of `ood.ts` (format 2) because on realistic training sets it flagged nothing (200 pets photos: eagles,
 * bears, noise and flat colours all well inside the thresholds; see src/train/README.md).
 *
 * Each class keeps its mean feature vector and a distance threshold: the given percentile (99 % by default) of its
 * training photos' leave-one-out distances to the class mean. A photo farther than the threshold from every class
 * mean is unlike the training photos. Leave-one-out (each photo's distance to the mean of the *other* photos, which
 * for a mean is exactly the in-sample distance × n/(n−1)) keeps small classes from getting a threshold so tight
 * that new photos of the class trip it.
 *
 * Distances are Euclidean on the raw features divided by the training set's overall spread (root of the summed
 * per-feature variances), so they read around 1 whatever the backbone; no per-feature scaling, which with a few
 * photos per class would blow up the noise of near-constant features.
 */
import type { LabelledEmbeddings } from './head-model';
import { base64ToFloat32, float32ToBase64, type OodJudgement } from './ood-codec';

const CLASS_MEAN_PERCENTILE = 0.99;

export interface ClassMeanOodStats {
  format: 1;
  featureSize: number;
  classCount: number;
  /** Distances are divided by this (the training rows' root total variance). */
  scale: number;
  /** Class means, classCount × featureSize, row-major. */
  classMeans: Float32Array;
  /** Per class: the percentile of its training photos' leave-one-out distances. */
  thresholds: Float32Array;
  percentile: number;
  /** Training photos per class the statistics come from. */
  counts: number[];
}

/** The pth quantile by the nearest-rank method (for p = 0.99 and 8 values, the largest). */
function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * Per-class statistics of the given rows (normally every labelled photo, not their mirrored copies). A class with no
 * rows is left out of judgements; a class with one photo, which says nothing about its spread, borrows the median
 * threshold of the other classes.
 */
export function computeClassMeanOodStats(
  data: LabelledEmbeddings,
  rows: ArrayLike<number>,
  percentile = CLASS_MEAN_PERCENTILE,
): ClassMeanOodStats {
  const d = data.size;
  const classes = data.classCount;
  const sums = new Float64Array(classes * d);
  const counts = new Array<number>(classes).fill(0);
  const overall = new Float64Array(d);
  const overallSq = new Float64Array(d);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number;
    const label = data.labels[row] as number;
    counts[label] = (counts[label] ?? 0) + 1;
    for (let k = 0; k < d; k++) {
      const v = data.vectors[row * d + k] as number;
      sums[label * d + k] = (sums[label * d + k] as number) + v;
      overall[k] = (overall[k] as number) + v;
      overallSq[k] = (overallSq[k] as number) + v * v;
    }
  }
  let totalVariance = 0;
  const n = Math.max(1, rows.length);
  for (let k = 0; k < d; k++)
    totalVariance += Math.max(0, (overallSq[k] as number) / n - ((overall[k] as number) / n) ** 2);
  const scale = Math.sqrt(totalVariance) || 1;
  const classMeans = new Float32Array(classes * d);
  for (let c = 0; c < classes; c++) {
    const count = counts[c] as number;
    if (count > 0) for (let k = 0; k < d; k++) classMeans[c * d + k] = (sums[c * d + k] as number) / count;
  }
  const distances: number[][] = Array.from({ length: classes }, () => []);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number;
    const label = data.labels[row] as number;
    const count = counts[label] as number;
    if (count < 2) continue;
    const inSample = distance(data.vectors, row * d, classMeans, label * d, d) / scale;
    (distances[label] as number[]).push((inSample * count) / (count - 1));
  }
  const thresholds = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    thresholds[c] = nearestRank(
      (distances[c] as number[]).sort((a, b) => a - b),
      percentile,
    );
  }
  // One photo says nothing about a class's spread: borrow the typical threshold of the others.
  const known = [...thresholds].filter((t, c) => (counts[c] as number) >= 2 && t > 0).sort((a, b) => a - b);
  const fallback = known.length ? (known[Math.floor(known.length / 2)] as number) : 0;
  for (let c = 0; c < classes; c++) if (counts[c] === 1) thresholds[c] = fallback;
  return { format: 1, featureSize: d, classCount: classes, scale, classMeans, thresholds, percentile, counts };
}

function distance(a: ArrayLike<number>, aFrom: number, b: ArrayLike<number>, bFrom: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const diff = (a[aFrom + k] as number) - (b[bFrom + k] as number);
    s += diff * diff;
  }
  return Math.sqrt(s);
}

/** Judges one feature vector against the class means: unlike when beyond every class's threshold. */
export function judgeClassMeans(stats: ClassMeanOodStats, features: ArrayLike<number>): OodJudgement {
  let best: OodJudgement | undefined;
  for (let c = 0; c < stats.classCount; c++) {
    const threshold = stats.thresholds[c] as number;
    if ((stats.counts[c] ?? 0) === 0) continue;
    const dist = distance(features, 0, stats.classMeans, c * stats.featureSize, stats.featureSize) / stats.scale;
    const ratio = threshold > 0 ? dist / threshold : Infinity;
    if (!best || ratio < best.ratio) best = { unlike: ratio > 1, score: dist, threshold, ratio };
  }
  return best ?? { unlike: true, score: Infinity, threshold: 0, ratio: Infinity };
}

/** JSON form of the statistics (float arrays as base64 little-endian float32), for the model's metadata. */
export interface ClassMeanOodStatsJson {
  format: 1;
  featureSize: number;
  classCount: number;
  scale: number;
  percentile: number;
  counts: number[];
  thresholds: number[];
  /** base64 of classCount × featureSize little-endian float32 values. */
  classMeans: string;
}

export function classMeanOodStatsToJson(stats: ClassMeanOodStats): ClassMeanOodStatsJson {
  return {
    format: 1,
    featureSize: stats.featureSize,
    classCount: stats.classCount,
    scale: stats.scale,
    percentile: stats.percentile,
    counts: [...stats.counts],
    thresholds: [...stats.thresholds],
    classMeans: float32ToBase64(stats.classMeans),
  };
}

/** Reads format-1 statistics back from their JSON form; throws a message naming what is wrong. */
export function classMeanOodStatsFromJson(json: unknown): ClassMeanOodStats {
  const o = json as Partial<ClassMeanOodStatsJson> | null;
  const fail = (what: string): never => {
    throw new Error(`onsight.ood: ${what}`);
  };
  if (!o || typeof o !== 'object' || o.format !== 1) return fail('not format 1 statistics');
  const { featureSize, classCount, scale, percentile, counts, thresholds, classMeans } = o;
  if (!Number.isInteger(featureSize) || !Number.isInteger(classCount)) return fail('featureSize/classCount missing');
  if (typeof scale !== 'number' || !(scale > 0)) return fail('scale must be a positive number');
  if (!Array.isArray(thresholds) || thresholds.length !== classCount) return fail('one threshold per class expected');
  if (!Array.isArray(counts) || counts.length !== classCount) return fail('one count per class expected');
  if (typeof classMeans !== 'string') return fail('classMeans must be base64 text');
  const means = base64ToFloat32(classMeans, 'classMeans');
  if (means.length !== (featureSize as number) * (classCount as number)) return fail('classMeans has the wrong size');
  return {
    format: 1,
    featureSize: featureSize as number,
    classCount: classCount as number,
    scale,
    classMeans: means,
    thresholds: Float32Array.from(thresholds),
    percentile: typeof percentile === 'number' ? percentile : CLASS_MEAN_PERCENTILE,
    counts,
  };
}
