/**
 * One training run from photos to an ONNX file, as the training worker does it: embed every photo (through a function
 * the caller gives, so the worker decodes and caches while Node tests pass decoded pixels), drop the photos that
 * could not be used, split 15 % per class, train the head, score the validation photos per class, compute the
 * "unlike the training photos" statistics and export. Pure: no DOM, no worker API.
 */
import type { ModelSpec } from '../model/spec';
import type { BackboneCut } from './backbone-cut';
import { EmbeddingMatrix } from './embed';
import { describeHead, exportTrainedModel } from './export-model';
import { type LabelledEmbeddings, predictHead } from './head-model';
import { type EpochReport, type HeadHyperParameters, trainHead } from './head-trainer';
import { folderProblem, MIN_PHOTOS_PER_CLASS } from './labelled-folder';
import { lapTimer } from './lap-timer';
import { computeOodStats } from './ood';
import { countPerClass, splitByClass, withMirroredTrainRows } from './split';

/**
 * A photo's features, with a key that is the same for the same bytes (its content hash: duplicates stay on one side
 * of the split), or why the photo cannot be used.
 */
export type EmbedResult = { ok: true; features: Float32Array; key: string } | { ok: false; message: string };

export type TrainingProgress =
  | { stage: 'embedding'; done: number; total: number }
  | { stage: 'training'; epoch: EpochReport };

/** A class's photos and how its validation photos fared. */
export interface ClassReport {
  label: string;
  train: number;
  validation: number;
  validationCorrect: number;
  /** Photos of this class that could not be used (not decodable...). */
  skipped: number;
}

export interface TrainingSummary {
  /** Null when no photo was held out. */
  validationAccuracy: number | null;
  trainCount: number;
  validationCount: number;
  classes: ClassReport[];
  epochs: EpochReport[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Photos left out, by their index in the request, with the reason. */
  skipped: { index: number; message: string }[];
  featureSize: number;
  /** e.g. "Dense 2 softmax". */
  head: string;
  /** Time spent training the head (the embeddings are most of a run). */
  headMs: number;
  /** The kept head's probabilities for each validation photo (by its index in the request), for the evaluation
   * views: which held-out photos it got wrong, and how wrong. */
  validationPredictions: ValidationPrediction[];
}

/** One held-out photo: its index in the request and the head's probability for each class, in class order. */
export interface ValidationPrediction {
  index: number;
  probabilities: number[];
}

/** Where a run's time went after opening the backbone, ms (wall clock, in order). */
export interface RunPhaseTimings {
  /** Every photo embedded (decoded and run, or from the cache). */
  embedMs: number;
  /** Training the head and scoring the validation photos. */
  headMs: number;
  /** The "unlike the training photos" statistics. */
  oodMs: number;
  /** Writing the ONNX file. */
  exportMs: number;
}

export interface TrainingRunOutput {
  bytes: Uint8Array;
  spec: ModelSpec;
  summary: TrainingSummary;
  phases: RunPhaseTimings;
}

export interface TrainingRunOptions {
  classNames: string[];
  /** Each photo's class index. */
  labels: readonly number[];
  /** Features of photo `index` (in `labels`), or why it cannot be used. */
  embed: (index: number) => Promise<EmbedResult>;
  /**
   * Flip augmentation: features of photo `index` mirrored left–right. Given, each training photo also trains as its
   * mirror image (validation photos do not), at the cost of embedding every photo twice.
   */
  embedMirrored?: (index: number) => Promise<EmbedResult>;
  cut: BackboneCut;
  backboneSpec: ModelSpec;
  /** The new model's name (its id is made from it). */
  name: string;
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
  hyperParameters?: Partial<HeadHyperParameters>;
  minPerClass?: number;
  date?: Date;
}

/** A run refused for a reason the user can fix (too few usable photos); the message says which. */
export class TrainingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingInputError';
  }
}

/** Photos embedded ahead of the one awaited, so decoding the next overlaps the backbone's run on this one. */
const LOOKAHEAD = 2;

/** A photo embedded: its row in the matrix and its key, or why it could not be used. */
type EmbeddedRow = { ok: true; row: number; key: string } | { ok: false; message: string };

/**
 * Embeds photos `indices` in order (a few ahead) into `matrix` (each vector copied in as it comes, so none is kept
 * twice); progress counts on from `done` out of `total`.
 */
async function embedAll(
  o: TrainingRunOptions,
  embed: (index: number) => Promise<EmbedResult>,
  indices: readonly number[],
  progress: { done: number; total: number },
  matrix: EmbeddingMatrix,
): Promise<EmbeddedRow[]> {
  const results: EmbeddedRow[] = [];
  const pending = new Map<number, Promise<EmbedResult>>();
  const start = (k: number) => {
    const index = indices[k];
    if (index !== undefined && !pending.has(k)) pending.set(k, embed(index));
  };
  for (let k = 0; k < indices.length; k++) {
    o.signal?.throwIfAborted();
    for (let j = k; j <= k + LOOKAHEAD; j++) start(j);
    const result = await (pending.get(k) as Promise<EmbedResult>);
    pending.delete(k);
    results.push(result.ok ? { ok: true, row: matrix.push(result.features), key: result.key } : result);
    o.onProgress?.({ stage: 'embedding', done: progress.done + k + 1, total: progress.total });
  }
  return results;
}

/** Embeds, trains and exports; throws {@link TrainingInputError} when too few photos could be used, or the signal's reason. */
export async function runTraining(o: TrainingRunOptions): Promise<TrainingRunOutput> {
  const lap = lapTimer();
  const classCount = o.classNames.length;
  const count = o.labels.length;
  const total = o.embedMirrored ? 2 * count : count;
  const matrix = new EmbeddingMatrix(total);
  const results = await embedAll(
    o,
    o.embed,
    o.labels.map((_, i) => i),
    { done: 0, total },
    matrix,
  );
  const labels: number[] = [];
  const keys: string[] = [];
  const skipped: { index: number; message: string }[] = [];
  const skippedPerClass = new Array<number>(classCount).fill(0);
  results.forEach((result, index) => {
    const label = o.labels[index] as number;
    if (!result.ok) {
      skipped.push({ index, message: result.message });
      skippedPerClass[label] = (skippedPerClass[label] ?? 0) + 1;
      return;
    }
    labels.push(label);
    keys.push(result.key);
  });
  const usable = o.classNames.map((name, c) => ({ name, photos: labels.filter((l) => l === c) }));
  const problem = folderProblem(usable, o.minPerClass ?? MIN_PHOTOS_PER_CLASS);
  if (problem) {
    const why = skipped.length ? ` (${skipped.length} photo${skipped.length === 1 ? '' : 's'} could not be read)` : '';
    throw new TrainingInputError(`${problem}${why}`);
  }

  // Rows 0..photoCount−1 are the usable photos in order (the failed ones took no row); row → request index.
  const photoCount = matrix.count;
  const requestIndex = results.flatMap((r, i) => (r.ok ? [i] : []));
  const seed = o.hyperParameters?.seed ?? 1;
  const photoSplit = splitByClass(labels, classCount, { seed, keys });
  let split = photoSplit;
  if (o.embedMirrored) {
    // Rows photoCount..2·photoCount−1 are the mirrors, in the same order (the layout withMirroredTrainRows expects).
    // A photo that decoded once decodes twice; should its mirror still fail, its original (row k) stands in for it.
    const rowOf = new Map(requestIndex.map((i, k) => [i, k]));
    const mirror = o.embedMirrored;
    const orStandIn = async (i: number): Promise<EmbedResult> => {
      const r = await mirror(i);
      return r.ok ? r : { ok: true, features: matrix.row(rowOf.get(i) as number).slice(), key: '' };
    };
    await embedAll(o, orStandIn, requestIndex, { done: count, total }, matrix);
    labels.push(...labels.slice(0, photoCount));
    split = withMirroredTrainRows(photoSplit, photoCount);
  }
  const data: LabelledEmbeddings = { ...matrix.toEmbeddings(), labels: Int32Array.from(labels), classCount };
  const embedMs = lap();
  const training = await trainHead(data, split, {
    ...o.hyperParameters,
    signal: o.signal,
    onEpoch: (epoch) => o.onProgress?.({ stage: 'training', epoch }),
  });

  const validationCorrect = new Array<number>(classCount).fill(0);
  const probabilities = predictHead(training.head, data, split.validation);
  const validationPredictions: ValidationPrediction[] = [];
  split.validation.forEach((row, r) => {
    validationPredictions.push({
      index: requestIndex[row] as number,
      probabilities: Array.from(probabilities.subarray(r * classCount, (r + 1) * classCount)),
    });
    let best = 0;
    for (let j = 1; j < classCount; j++)
      if ((probabilities[r * classCount + j] as number) > (probabilities[r * classCount + best] as number)) best = j;
    const label = data.labels[row] as number;
    if (best === label) validationCorrect[label] = (validationCorrect[label] ?? 0) + 1;
  });
  // Counts, like the statistics, are of the photos themselves, not their mirrors.
  const train = countPerClass(data.labels, photoSplit.train, classCount);
  const validation = countPerClass(data.labels, photoSplit.validation, classCount);
  const allRows = Int32Array.from({ length: photoCount }, (_, i) => i);
  const headMs = lap();
  const ood = computeOodStats(data, allRows);
  const oodMs = lap();
  const exported = exportTrainedModel({
    cut: o.cut,
    backboneSpec: o.backboneSpec,
    training,
    labels: o.classNames,
    name: o.name,
    photosPerClass: { train, validation },
    flipAugmentation: o.embedMirrored !== undefined,
    ood,
    date: o.date,
  });
  const phases = { embedMs, headMs, oodMs, exportMs: lap() };
  return {
    phases,
    bytes: exported.bytes,
    spec: exported.spec,
    summary: {
      validationAccuracy: training.validation?.accuracy ?? null,
      trainCount: photoSplit.train.length,
      validationCount: photoSplit.validation.length,
      classes: o.classNames.map((label, c) => ({
        label,
        train: train[c] ?? 0,
        validation: validation[c] ?? 0,
        validationCorrect: validationCorrect[c] ?? 0,
        skipped: skippedPerClass[c] ?? 0,
      })),
      epochs: training.history,
      bestEpoch: training.bestEpoch,
      stoppedEarly: training.stoppedEarly,
      skipped,
      featureSize: data.size,
      head: describeHead(training.head),
      headMs: training.elapsedMs,
      validationPredictions,
    },
  };
}
