/**
 * Trains a classifier head on cached embeddings, as Teachable Machine trains on its frozen MobileNet's features:
 * softmax regression or one hidden ReLU layer, cross-entropy, Adam, weight decay, mini-batches, features
 * standardised (and the standardisation folded into the result's first layer), early stopping on the validation
 * rows with the best epoch's weights restored. Seeded: the same data, split and options give the same head.
 *
 * Plain TypeScript on typed arrays, for a worker: it yields to the event loop every few tens of milliseconds (so a
 * cancel message gets through), stops with the signal's reason when `signal` aborts, and reports every epoch.
 */
import {
  adamStep,
  createAdam,
  createLayers,
  createWorkspace,
  forward,
  forwardBackward,
  restore,
  snapshot,
  type TrainingLayer,
  type Workspace,
} from './head-backprop';
import {
  computeStandardization,
  type DenseLayer,
  type Evaluation,
  evaluateHead,
  foldStandardization,
  type LabelledEmbeddings,
  MIN_PROBABILITY,
  type Standardization,
  type TrainedHead,
} from './head-model';
import { createRandom, shuffleInPlace } from './random';
import type { DataSplit } from './split';

export interface HeadHyperParameters {
  /** Units of the hidden ReLU layer; 0 trains softmax regression (one dense layer). Teachable Machine uses 100. */
  hiddenUnits: number;
  /** Most epochs to run; early stopping usually ends sooner. */
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 coefficient λ of the objective mean CE + λ/2·Σw² (weights only, not biases). */
  weightDecay: number;
  /** Stop after this many epochs without a better validation loss (0: never stop early). */
  patience: number;
  /** Standardise each feature with the training rows' mean and std (folded into the exported weights). */
  standardize: boolean;
  /** Learning-rate schedule over maxEpochs: constant, or cosine decay to zero. */
  schedule: 'constant' | 'cosine';
  seed: number;
}

/**
 * Measured on pets-small and bears with three backbones (see src/train/README.md): what trained best there. A strong
 * L2 penalty trained close to its optimum (cosine decay, no early stop; the best validation epoch is still kept)
 * beat early-stopped weak decay on few photos with thousands of standardised features: pets-small over 24 splits,
 * default backbone 0.84 → 0.86, ImageNet MobileNetV2 0.95 → 0.98, Teachable Machine unchanged (0.96).
 */
export const DEFAULT_HYPERPARAMETERS: Readonly<HeadHyperParameters> = Object.freeze({
  hiddenUnits: 0,
  maxEpochs: 60,
  batchSize: 32,
  learningRate: 1e-2,
  weightDecay: 0.5,
  patience: 0,
  standardize: true,
  schedule: 'cosine',
  seed: 1,
});

/** One epoch, for live curves. */
export interface EpochReport {
  /** 1-based. */
  epoch: number;
  maxEpochs: number;
  /** Mean cross-entropy and accuracy over the epoch's mini-batches (as Keras reports them). */
  trainLoss: number;
  trainAccuracy: number;
  /** Null when there are no validation rows. */
  validationLoss: number | null;
  validationAccuracy: number | null;
  learningRate: number;
  /** The lowest validation loss so far (these weights are kept). */
  best: boolean;
}

export interface HeadTrainingOptions extends Partial<HeadHyperParameters> {
  /** Called after each epoch (awaited); for curves and progress. */
  onEpoch?: (report: EpochReport) => void | Promise<void>;
  /** Aborting stops training at the next step with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
}

export interface TrainingResult {
  /** On raw features: standardisation folded in. */
  head: TrainedHead;
  /** The training rows' feature statistics (identity when `standardize` is off): for `ood.ts`. */
  standardization: Standardization;
  history: EpochReport[];
  /** The epoch whose weights were kept (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** The kept head evaluated on the training and validation rows. */
  train: Evaluation;
  validation: Evaluation | null;
  hyperParameters: HeadHyperParameters;
  elapsedMs: number;
}

/** Validation loss must improve by this much to count as better. */
const MIN_IMPROVEMENT = 1e-4;
/** Longest stretch of work between two yields to the event loop. */
const YIELD_EVERY_MS = 40;

function checkInputs(data: LabelledEmbeddings, split: DataSplit, hp: HeadHyperParameters): void {
  if (data.classCount < 2) throw new Error(`training needs at least 2 classes, got ${data.classCount}`);
  if (split.train.length === 0) throw new Error('there are no training photos');
  if (data.vectors.length < data.count * data.size || data.labels.length < data.count) {
    throw new Error(`the embeddings hold fewer than ${data.count} rows of ${data.size} values with labels`);
  }
  for (const rows of [split.train, split.validation]) {
    for (const row of rows) {
      if (row < 0 || row >= data.count) throw new Error(`row ${row} is outside the ${data.count} embeddings`);
      const label = data.labels[row] as number;
      if (label < 0 || label >= data.classCount) throw new Error(`row ${row} has label ${label}, not a class index`);
    }
  }
  for (let i = 0; i < data.count * data.size; i++) {
    if (!Number.isFinite(data.vectors[i])) {
      throw new Error(`embedding ${Math.floor(i / data.size)} holds a non-finite value (${data.vectors[i]})`);
    }
  }
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  if (!Number.isInteger(hp.hiddenUnits) || hp.hiddenUnits < 0)
    throw new Error('hiddenUnits must be a whole number ≥ 0');
  if (!Number.isInteger(hp.batchSize) || hp.batchSize < 1) throw new Error('batchSize must be a whole number ≥ 1');
  if (!Number.isInteger(hp.maxEpochs) || hp.maxEpochs < 1) throw new Error('maxEpochs must be a whole number ≥ 1');
  if (!positive(hp.learningRate)) throw new Error('learningRate must be a positive number');
  if (!(hp.weightDecay >= 0)) throw new Error('weightDecay must be ≥ 0');
}

/** Copies rows into a dense float64 block, standardised: the batch the kernels read contiguously. */
function gatherRows(
  data: LabelledEmbeddings,
  rows: ArrayLike<number>,
  from: number,
  count: number,
  stats: Standardization,
  x: Float64Array,
  labels: Int32Array,
): void {
  const d = data.size;
  for (let i = 0; i < count; i++) {
    const row = rows[from + i] as number;
    const src = row * d;
    const dst = i * d;
    for (let k = 0; k < d; k++) {
      x[dst + k] = ((data.vectors[src + k] as number) - (stats.mean[k] as number)) / (stats.std[k] as number);
    }
    labels[i] = data.labels[row] as number;
  }
}

/** Mean cross-entropy and accuracy of the training-time layers on some rows, in batches. */
function evaluateRows(
  layers: readonly TrainingLayer[],
  data: LabelledEmbeddings,
  rows: ArrayLike<number>,
  stats: Standardization,
  x: Float64Array,
  labels: Int32Array,
  ws: Workspace,
): Evaluation {
  const classes = data.classCount;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < rows.length; start += ws.rows) {
    const n = Math.min(ws.rows, rows.length - start);
    gatherRows(data, rows, start, n, stats, x, labels);
    const p = forward(layers, x, n, ws);
    for (let r = 0; r < n; r++) {
      const o = r * classes;
      const label = labels[r] as number;
      let best = 0;
      for (let j = 1; j < classes; j++) if ((p[o + j] as number) > (p[o + best] as number)) best = j;
      if (best === label) correct++;
      loss -= Math.log(Math.max(MIN_PROBABILITY, p[o + label] as number));
    }
  }
  const count = rows.length;
  return { loss: count ? loss / count : 0, accuracy: count ? correct / count : 0, count };
}

/** The trained layers as a head on raw features. */
function toTrainedHead(
  layers: readonly TrainingLayer[],
  stats: Standardization,
  featureSize: number,
  classCount: number,
): TrainedHead {
  const dense: DenseLayer[] = layers.map((layer, i) => {
    const activation = layer.relu ? 'relu' : 'softmax';
    if (i === 0) {
      const folded = foldStandardization(layer.weights, layer.bias, layer.inSize, layer.outSize, stats);
      return { inSize: layer.inSize, outSize: layer.outSize, activation, ...folded };
    }
    const weights = Float32Array.from(layer.weights);
    return { inSize: layer.inSize, outSize: layer.outSize, activation, weights, bias: Float32Array.from(layer.bias) };
  });
  return { featureSize, classCount, layers: dense };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains a head on `data`'s `split.train` rows, validating on `split.validation` (may be empty: then it runs
 * maxEpochs and keeps the last weights). Rejects with a plain message on bad input, or with the signal's reason.
 */
export async function trainHead(
  data: LabelledEmbeddings,
  split: DataSplit,
  options: HeadTrainingOptions = {},
): Promise<TrainingResult> {
  const started = performance.now();
  const { onEpoch, signal, ...given } = options;
  const hp: HeadHyperParameters = { ...DEFAULT_HYPERPARAMETERS };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) Object.assign(hp, { [key]: value });
  checkInputs(data, split, hp);
  signal?.throwIfAborted();

  const random = createRandom(hp.seed);
  const d = data.size;
  const stats: Standardization = hp.standardize
    ? computeStandardization(data, split.train)
    : { mean: new Float32Array(d), std: new Float32Array(d).fill(1) };
  const layers = createLayers(d, hp.hiddenUnits, data.classCount, random);
  const adam = createAdam(layers);
  const batch = Math.min(hp.batchSize, split.train.length);
  const ws = createWorkspace(layers, Math.max(batch, 64));
  const x = new Float64Array(ws.rows * d);
  const labels = new Int32Array(ws.rows);
  const order = Int32Array.from(split.train);
  const stepsPerEpoch = Math.ceil(order.length / batch);
  const totalSteps = stepsPerEpoch * hp.maxEpochs;
  const hasValidation = split.validation.length > 0;

  const history: EpochReport[] = [];
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let bestWeights = snapshot(layers);
  let stoppedEarly = false;
  let lastYield = performance.now();
  let learningRate = hp.learningRate;

  for (let epoch = 1; epoch <= hp.maxEpochs; epoch++) {
    shuffleInPlace(order, random);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < order.length; start += batch) {
      const n = Math.min(batch, order.length - start);
      gatherRows(data, order, start, n, stats, x, labels);
      const result = forwardBackward(layers, x, labels, n, hp.weightDecay, ws);
      lossSum += result.crossEntropySum;
      correct += result.correct;
      const progress = adam.step / totalSteps;
      learningRate =
        hp.schedule === 'cosine' ? hp.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress)) : hp.learningRate;
      adamStep(layers, adam, learningRate);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        signal?.throwIfAborted();
        lastYield = performance.now();
      }
    }
    const validation = hasValidation ? evaluateRows(layers, data, split.validation, stats, x, labels, ws) : null;
    const monitored = validation ? validation.loss : -epoch; // without validation the latest epoch is the best
    const best = monitored < bestLoss - MIN_IMPROVEMENT;
    if (best) {
      bestLoss = monitored;
      bestEpoch = epoch;
      bestWeights = snapshot(layers);
    }
    const report: EpochReport = {
      epoch,
      maxEpochs: hp.maxEpochs,
      trainLoss: lossSum / order.length,
      trainAccuracy: correct / order.length,
      validationLoss: validation ? validation.loss : null,
      validationAccuracy: validation ? validation.accuracy : null,
      learningRate,
      best,
    };
    history.push(report);
    await onEpoch?.(report);
    signal?.throwIfAborted();
    if (hasValidation && hp.patience > 0 && epoch - bestEpoch >= hp.patience) {
      stoppedEarly = epoch < hp.maxEpochs;
      break;
    }
  }
  restore(layers, bestWeights);
  const head = toTrainedHead(layers, stats, d, data.classCount);
  return {
    head,
    standardization: stats,
    history,
    bestEpoch,
    stoppedEarly,
    train: evaluateHead(head, data, split.train),
    validation: hasValidation ? evaluateHead(head, data, split.validation) : null,
    hyperParameters: hp,
    elapsedMs: performance.now() - started,
  };
}
