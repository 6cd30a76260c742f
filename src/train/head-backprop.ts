/**
 * Forward and backward passes of the head being trained (float64 parameters on standardised features), and the
 * Adam update. The objective is mean cross-entropy + (weightDecay / 2)·Σ w² over the weights (not the biases): a
 * well-defined optimum, so the trainer can be checked against a closed-form/Newton reference and by finite
 * differences (`tests/unit/train-head.test.ts`).
 */
import { denseForward, denseInputGradient, denseWeightGradient, reluInPlace, softmaxRows } from './dense-math';
import { MIN_PROBABILITY } from './head-model';
import type { Random } from './random';

/** One layer's parameters and gradients while training. */
export interface TrainingLayer {
  inSize: number;
  outSize: number;
  relu: boolean;
  weights: Float64Array;
  bias: Float64Array;
  weightGrad: Float64Array;
  biasGrad: Float64Array;
}

/**
 * Layers for D features → [hidden ReLU] → classes. Hidden weights start Glorot-uniform (as Keras's Dense) from the
 * seeded generator; softmax regression starts at zero, its unique convex starting point.
 */
export function createLayers(featureSize: number, hiddenUnits: number, classCount: number, random: Random) {
  const sizes = hiddenUnits > 0 ? [featureSize, hiddenUnits, classCount] : [featureSize, classCount];
  const layers: TrainingLayer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const inSize = sizes[i] as number;
    const outSize = sizes[i + 1] as number;
    const weights = new Float64Array(inSize * outSize);
    if (hiddenUnits > 0) {
      const limit = Math.sqrt(6 / (inSize + outSize));
      for (let k = 0; k < weights.length; k++) weights[k] = (random() * 2 - 1) * limit;
    }
    layers.push({
      inSize,
      outSize,
      relu: i + 2 < sizes.length,
      weights,
      bias: new Float64Array(outSize),
      weightGrad: new Float64Array(inSize * outSize),
      biasGrad: new Float64Array(outSize),
    });
  }
  return layers;
}

/** Buffers for one batch size, reused across steps so training allocates nothing per step. */
export interface Workspace {
  rows: number;
  /** Activations of each layer's output (the last one holds probabilities after a forward pass). */
  outputs: Float64Array[];
  /** Gradient with respect to each layer's pre-activation output. */
  deltas: Float64Array[];
}

export function createWorkspace(layers: readonly TrainingLayer[], rows: number): Workspace {
  return {
    rows,
    outputs: layers.map((l) => new Float64Array(rows * l.outSize)),
    deltas: layers.map((l) => new Float64Array(rows * l.outSize)),
  };
}

/** Forward pass on `rows` rows of x (rows × D); leaves probabilities in the last output and returns them. */
export function forward(layers: readonly TrainingLayer[], x: Float64Array, rows: number, ws: Workspace): Float64Array {
  let input = x;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i] as TrainingLayer;
    const out = ws.outputs[i] as Float64Array;
    denseForward(input, rows, layer.inSize, layer.weights, layer.outSize, layer.bias, out);
    if (layer.relu) reluInPlace(out, rows * layer.outSize);
    else softmaxRows(out, rows, layer.outSize);
    input = out;
  }
  return ws.outputs[layers.length - 1] as Float64Array;
}

export interface BatchLoss {
  /** Sum over the rows of −log p(label) (divide by rows for the mean). */
  crossEntropySum: number;
  correct: number;
}

/**
 * Forward and backward pass: fills each layer's gradients with those of mean cross-entropy over the rows plus the
 * weight-decay term, and returns the summed data loss and the number of correct predictions.
 */
export function forwardBackward(
  layers: readonly TrainingLayer[],
  x: Float64Array,
  labels: ArrayLike<number>,
  rows: number,
  weightDecay: number,
  ws: Workspace,
): BatchLoss {
  const probabilities = forward(layers, x, rows, ws);
  const last = layers[layers.length - 1] as TrainingLayer;
  const classes = last.outSize;
  const delta = ws.deltas[layers.length - 1] as Float64Array;
  let crossEntropySum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    const label = labels[r] as number;
    let best = 0;
    for (let j = 0; j < classes; j++) {
      const p = probabilities[o + j] as number;
      if (p > (probabilities[o + best] as number)) best = j;
      // d(mean CE)/dz = (p − onehot) / rows
      delta[o + j] = (p - (j === label ? 1 : 0)) / rows;
    }
    if (best === label) correct++;
    crossEntropySum -= Math.log(Math.max(MIN_PROBABILITY, probabilities[o + label] as number));
  }
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as TrainingLayer;
    const input = i === 0 ? x : (ws.outputs[i - 1] as Float64Array);
    const dz = ws.deltas[i] as Float64Array;
    denseWeightGradient(input, rows, layer.inSize, dz, layer.outSize, layer.weightGrad, layer.biasGrad);
    if (weightDecay > 0) {
      const { weights, weightGrad } = layer;
      for (let k = 0; k < weights.length; k++)
        weightGrad[k] = (weightGrad[k] as number) + weightDecay * (weights[k] as number);
    }
    if (i > 0) {
      const below = layers[i - 1] as TrainingLayer;
      const dx = ws.deltas[i - 1] as Float64Array;
      denseInputGradient(dz, rows, layer.outSize, layer.weights, layer.inSize, dx);
      // Through the ReLU: no gradient where the unit was off.
      const activation = ws.outputs[i - 1] as Float64Array;
      if (below.relu) for (let k = 0; k < rows * below.outSize; k++) if ((activation[k] as number) <= 0) dx[k] = 0;
    }
  }
  return { crossEntropySum, correct };
}

/** The regulariser's value, (weightDecay / 2)·Σ w², for reporting the full objective. */
export function weightPenalty(layers: readonly TrainingLayer[], weightDecay: number): number {
  let s = 0;
  for (const l of layers) for (let k = 0; k < l.weights.length; k++) s += (l.weights[k] as number) ** 2;
  return (weightDecay / 2) * s;
}

/** Adam's moment estimates for every parameter array. */
export interface AdamState {
  step: number;
  moments: { m: Float64Array; v: Float64Array }[];
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7; // Keras's default, as Teachable Machine trains with it

export function createAdam(layers: readonly TrainingLayer[]): AdamState {
  const moments = layers
    .flatMap((l) => [l.weights, l.bias])
    .map((p) => ({
      m: new Float64Array(p.length),
      v: new Float64Array(p.length),
    }));
  return { step: 0, moments };
}

/** One Adam step (bias-corrected) on every layer with its current gradients. */
export function adamStep(layers: readonly TrainingLayer[], adam: AdamState, learningRate: number): void {
  adam.step++;
  const c1 = 1 - BETA1 ** adam.step;
  const c2 = 1 - BETA2 ** adam.step;
  const rate = (learningRate * Math.sqrt(c2)) / c1;
  const eps = EPSILON * Math.sqrt(c2);
  let m = 0;
  for (const layer of layers) {
    for (const [param, grad] of [
      [layer.weights, layer.weightGrad],
      [layer.bias, layer.biasGrad],
    ] as const) {
      const state = adam.moments[m++] as AdamState['moments'][number];
      const mm = state.m;
      const vv = state.v;
      for (let k = 0; k < param.length; k++) {
        const g = grad[k] as number;
        const mk = BETA1 * (mm[k] as number) + (1 - BETA1) * g;
        const vk = BETA2 * (vv[k] as number) + (1 - BETA2) * g * g;
        mm[k] = mk;
        vv[k] = vk;
        param[k] = (param[k] as number) - (rate * mk) / (Math.sqrt(vk) + eps);
      }
    }
  }
}

/** A copy of every layer's parameters (for restoring the best epoch). */
export function snapshot(layers: readonly TrainingLayer[]): Float64Array[] {
  return layers.flatMap((l) => [l.weights.slice(), l.bias.slice()]);
}

export function restore(layers: readonly TrainingLayer[], saved: readonly Float64Array[]): void {
  layers.forEach((l, i) => {
    l.weights.set(saved[2 * i] as Float64Array);
    l.bias.set(saved[2 * i + 1] as Float64Array);
  });
}
