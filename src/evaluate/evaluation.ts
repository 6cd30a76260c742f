/**
 * How good a model is on photos whose true class is known (fastai's `ClassificationInterpretation`): accuracy,
 * precision / recall per class, a confusion matrix (actual rows × predicted columns), the most-confused pairs and the
 * top losses. One pass over the photos, O(n + k) beyond sorting the losses: the matrix is kept sparse (its non-empty
 * cells) over only the classes that occur, so a 1,000-label model on 10,000 photos never touches a million cells;
 * {@link confusionCounts} makes the dense k × k table for a grid small enough to draw.
 *
 * What the page must keep per photo (see `PhotoResult`): `actual`, the top-1 in `top`, and the probability the model
 * gave `actual`: read from `top` when it is there, else from `actualScore` (kept by `BatchResults.complete` when it
 * is given every prediction). A photo whose p(actual) is known neither way still counts for accuracy and the matrix;
 * it is left out of the losses and listed in `lossUnknown`, to be classified again.
 */
import { compareKeyed, naturalKey, type PhotoResult, sortNatural } from '../batch/photo-result';

/** Probabilities are clamped here before the log, so that a float32 softmax that underflowed to 0 gives a large,
 * finite loss (≈ 34.5) that still sorts and prints. */
export const MIN_PROBABILITY = 1e-15;

export interface EvaluationOptions {
  /** The model's labels: the order of classes in the matrix and the report (classes not among them follow, in
   * natural order). */
  labels: readonly string[];
  /** Classes to list even when no photo has them (an empty class folder the user mapped). */
  include?: readonly string[];
}

export interface ClassReport {
  label: string;
  /** Photos whose true class this is (the row's sum; fastai's "support"). */
  count: number;
  /** Photos the model put in this class (the column's sum). */
  predicted: number;
  /** Photos of this class the model got right (the diagonal cell). */
  correct: number;
  /** correct / predicted; `undefined` when the model never predicted this class (no prediction to be right about). */
  precision: number | undefined;
  /** correct / count; `undefined` when no photo has this class (nothing to find). */
  recall: number | undefined;
  /** Harmonic mean of the two; `undefined` when either is, 0 when both are 0. */
  f1: number | undefined;
}

export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
  /** count / the photos of class `actual`: the cell in the row-normalised view. */
  share: number;
}

/** One photo in fastai's `plot_top_losses`: prediction / actual / loss / probability. */
export interface PhotoLoss {
  id: string;
  path: string;
  actual: string;
  predicted: string;
  /** −ln p(actual) (cross-entropy, natural log as in PyTorch). */
  loss: number;
  /** The probability of the predicted class (what fastai prints beside the loss). */
  probability: number;
  /** The probability of the true class. */
  pActual: number;
}

export interface Evaluation {
  /** Photos with a true class and a result: the denominator of `accuracy`. */
  n: number;
  correct: number;
  /** correct / n; `undefined` when n is 0. */
  accuracy: number | undefined;
  /** The matrix's axis, rows and columns alike. */
  classes: string[];
  /** One per class in `classes`. */
  perClass: ClassReport[];
  /** The non-empty cells, row by row (in `classes` order). */
  cells: ConfusionCell[];
  /** Every photo with a known loss, highest loss first; equal losses in natural path order, then by id. */
  losses: PhotoLoss[];
  /** Mean of `losses` (fastai's validation loss); `undefined` when there are none. */
  meanLoss: number | undefined;
  /** Ids of evaluated photos whose p(actual) is unknown (classify them again with every prediction kept). */
  lossUnknown: string[];
}

/** The true class's probability: from `top`, else from `actualScore` while it still speaks for `actual`. */
export function probabilityOfActual(photo: PhotoResult): number | undefined {
  const { actual } = photo;
  if (actual === undefined || photo.status !== 'done') return undefined;
  const inTop = photo.top.find(({ label }) => label === actual);
  if (inTop) return inTop.score;
  return photo.actualScore?.label === actual ? photo.actualScore.score : undefined;
}

/** −ln p, with p clamped to [{@link MIN_PROBABILITY}, 1]. */
export function lossOf(probability: number): number {
  const p = Math.min(1, Math.max(MIN_PROBABILITY, probability));
  return p === 1 ? 0 : -Math.log(p);
}

/** Whether a photo takes part in an evaluation: it has a true class and a top-1. */
export function isEvaluated(photo: PhotoResult): photo is PhotoResult & { actual: string } {
  return photo.actual !== undefined && photo.status === 'done' && photo.top.length > 0;
}

export function evaluate(photos: Iterable<PhotoResult>, options: EvaluationOptions): Evaluation {
  const evaluated: Array<PhotoResult & { actual: string }> = [];
  const seen = new Set<string>(options.include);
  for (const photo of photos) {
    if (!isEvaluated(photo)) continue;
    evaluated.push(photo);
    seen.add(photo.actual);
    seen.add(photo.top[0]?.label as string);
  }
  const classes = classOrder(seen, options.labels);
  const k = classes.length;
  const index = new Map(classes.map((label, i) => [label, i]));
  const rowSums = new Array<number>(k).fill(0);
  const columnSums = new Array<number>(k).fill(0);
  const diagonal = new Array<number>(k).fill(0);
  /** actual × k + predicted → count. */
  const cellCounts = new Map<number, number>();

  const losses: Array<PhotoLoss & { pathKey: string }> = [];
  const lossUnknown: string[] = [];
  for (const photo of evaluated) {
    const predicted = photo.top[0] as { label: string; score: number };
    const a = index.get(photo.actual) as number;
    const p = index.get(predicted.label) as number;
    cellCounts.set(a * k + p, (cellCounts.get(a * k + p) ?? 0) + 1);
    rowSums[a] = (rowSums[a] as number) + 1;
    columnSums[p] = (columnSums[p] as number) + 1;
    if (a === p) diagonal[a] = (diagonal[a] as number) + 1;
    const pActual = probabilityOfActual(photo);
    if (pActual === undefined) lossUnknown.push(photo.id);
    else {
      losses.push({
        id: photo.id,
        path: photo.path,
        actual: photo.actual,
        predicted: predicted.label,
        loss: lossOf(pActual),
        probability: predicted.score,
        pActual,
        pathKey: naturalKey(photo.path),
      });
    }
  }
  const correct = diagonal.reduce((a, b) => a + b, 0);
  const cells = [...cellCounts]
    .sort((x, y) => x[0] - y[0])
    .map(([key, count]) => {
      const a = Math.floor(key / k);
      return {
        actual: classes[a] as string,
        predicted: classes[key % k] as string,
        count,
        share: count / (rowSums[a] as number),
      };
    });
  const lossOrder = sortLosses(losses);
  const n = evaluated.length;
  return {
    n,
    correct,
    accuracy: n === 0 ? undefined : correct / n,
    classes,
    perClass: classes.map((label, i) =>
      classReport(label, rowSums[i] as number, columnSums[i] as number, diagonal[i] as number),
    ),
    cells,
    losses: lossOrder,
    meanLoss:
      lossOrder.length === 0 ? undefined : lossOrder.reduce((sum, { loss }) => sum + loss, 0) / lossOrder.length,
    lossUnknown,
  };
}

/** The dense matrix, counts[actual][predicted] with indices into `classes` (k × k: for a grid small enough to draw). */
export function confusionCounts(evaluation: Evaluation): number[][] {
  const { classes, cells } = evaluation;
  const index = new Map(classes.map((label, i) => [label, i]));
  const counts = classes.map(() => new Array<number>(classes.length).fill(0));
  for (const { actual, predicted, count } of cells) {
    (counts[index.get(actual) as number] as number[])[index.get(predicted) as number] = count;
  }
  return counts;
}

/** Each row divided by its sum (the share of a class's photos in each predicted class); a row with no photos stays 0s. */
export function rowNormalised(counts: readonly (readonly number[])[]): number[][] {
  return counts.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((count) => (sum === 0 ? 0 : count / sum));
  });
}

/** fastai's `most_confused`: the off-diagonal cells with at least `minCount` photos, most first; ties in matrix order
 * (actual, then predicted). */
export function mostConfused(evaluation: Evaluation, minCount = 1): ConfusionCell[] {
  return evaluation.cells
    .filter((cell) => cell.actual !== cell.predicted && cell.count >= minCount)
    .map((cell, order) => ({ cell, order }))
    .sort((a, b) => b.cell.count - a.cell.count || a.order - b.order)
    .map(({ cell }) => cell);
}

/** The `k` highest losses (fastai's `top_losses(k)`); all of them when `k` is left out. */
export function topLosses(evaluation: Evaluation, k?: number): PhotoLoss[] {
  return k === undefined ? evaluation.losses : evaluation.losses.slice(0, Math.max(0, k));
}

function classOrder(seen: ReadonlySet<string>, labels: readonly string[]): string[] {
  const ordered = labels.filter((label) => seen.has(label));
  const inLabels = new Set(ordered);
  const others = sortNatural([...seen].filter((label) => !inLabels.has(label)));
  return [...ordered, ...others];
}

function classReport(label: string, count: number, predicted: number, correct: number): ClassReport {
  const precision = predicted === 0 ? undefined : correct / predicted;
  const recall = count === 0 ? undefined : correct / count;
  const f1 =
    precision === undefined || recall === undefined
      ? undefined
      : precision + recall === 0
        ? 0
        : (2 * precision * recall) / (precision + recall);
  return { label, count, predicted, correct, precision, recall, f1 };
}

/** Highest loss first; ties by natural path order, then id, so the order never depends on arrival. */
function sortLosses(losses: Array<PhotoLoss & { pathKey: string }>): PhotoLoss[] {
  return losses
    .sort(
      (a, b) =>
        b.loss - a.loss ||
        compareKeyed(a.pathKey, a.path, b.pathKey, b.path) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map(({ pathKey: _, ...loss }) => loss);
}
