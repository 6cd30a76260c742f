/**
 * The head trainer in Node on synthetic data: its gradients against finite differences, softmax regression against
 * an independent Newton solution of the same L2-regularised logistic regression, ~100 % on separable data, the
 * seed's determinism, early stopping restoring the best epoch, cancellation, and the standardisation folded into the
 * result. The 1,000 × 1,440 timing is printed, never asserted.
 */
import { describe, expect, it } from 'vitest';
import { createLayers, createWorkspace, forwardBackward, weightPenalty } from '../../src/train/head-backprop';
import { evaluateHead, type LabelledEmbeddings, predictHead } from '../../src/train/head-model';
import { type EpochReport, trainHead } from '../../src/train/head-trainer';
import { createRandom } from '../../src/train/random';
import { splitByClass } from '../../src/train/split';

/** Gaussian samples from a seeded generator (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `perClass` points per class around the given centres, with isotropic noise. */
function blobs(centres: number[][], perClass: number, noise: number, seed: number): LabelledEmbeddings {
  const random = createRandom(seed);
  const size = (centres[0] as number[]).length;
  const count = centres.length * perClass;
  const vectors = new Float32Array(count * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % centres.length;
    labels[i] = c;
    for (let k = 0; k < size; k++)
      vectors[i * size + k] = ((centres[c] as number[])[k] as number) + noise * gaussian(random);
  }
  return { vectors, count, size, labels, classCount: centres.length };
}

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('head trainer: the mathematics', () => {
  it('gradients of mean cross-entropy + L2 match central finite differences (hidden ReLU layer)', () => {
    const random = createRandom(7);
    const [d, h, c, rows, decay] = [5, 4, 3, 7, 0.3];
    const layers = createLayers(d, h, c, random);
    for (const l of layers) for (let j = 0; j < l.bias.length; j++) l.bias[j] = random() - 0.5;
    const x = Float64Array.from({ length: rows * d }, () => gaussian(random));
    const labels = Int32Array.from({ length: rows }, (_, i) => i % c);
    const ws = createWorkspace(layers, rows);
    const objective = () =>
      forwardBackward(layers, x, labels, rows, 0, ws).crossEntropySum / rows + weightPenalty(layers, decay);
    forwardBackward(layers, x, labels, rows, decay, ws);
    const analytic = layers.flatMap((l) => [Float64Array.from(l.weightGrad), Float64Array.from(l.biasGrad)]);
    const params = layers.flatMap((l) => [l.weights, l.bias]);
    let worst = 0;
    params.forEach((p, pi) => {
      for (let k = 0; k < p.length; k++) {
        const keep = p[k] as number;
        const step = 1e-6;
        p[k] = keep + step;
        const up = objective();
        p[k] = keep - step;
        const down = objective();
        p[k] = keep;
        const numeric = (up - down) / (2 * step);
        const exact = (analytic[pi] as Float64Array)[k] as number;
        worst = Math.max(worst, Math.abs(numeric - exact) / Math.max(1e-6, Math.abs(numeric) + Math.abs(exact)));
      }
    });
    expect(worst).toBeLessThan(1e-6);
  });

  it('softmax regression converges to the Newton solution of the same penalised logistic regression', async () => {
    // Two overlapping classes in 2-D: not separable, so the optimum is finite and unique.
    const data = blobs(
      [
        [0, 0],
        [1, 1],
      ],
      30,
      1,
      3,
    );
    const decay = 0.1;
    const rows = all(data.count);
    const result = await trainHead(
      data,
      { train: rows, validation: new Int32Array(0) },
      {
        hiddenUnits: 0,
        standardize: false,
        weightDecay: decay,
        batchSize: data.count,
        learningRate: 0.05,
        maxEpochs: 3000,
        schedule: 'cosine',
      },
    );
    // With w0 = −w1 at the optimum (the CE gradients of the two classes sum to zero), the model is logistic
    // regression on v = w1 − w0 with penalty λ/2·(|w0|² + |w1|²) = λ/4·|v|². Newton's method on that, in float64:
    const x = Array.from({ length: data.count }, (_, i) => [
      data.vectors[2 * i] as number,
      data.vectors[2 * i + 1] as number,
      1,
    ]);
    const y = Array.from(data.labels);
    const beta = [0, 0, 0];
    for (let iter = 0; iter < 50; iter++) {
      const g = [0, 0, 0];
      const hess = [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ];
      x.forEach((xi, i) => {
        const p = 1 / (1 + Math.exp(-xi.reduce((s, v, k) => s + v * (beta[k] as number), 0)));
        for (let a = 0; a < 3; a++) {
          g[a] = (g[a] as number) + ((p - (y[i] as number)) * (xi[a] as number)) / data.count;
          const row = hess[a] as number[];
          for (let b = 0; b < 3; b++)
            row[b] = (row[b] as number) + (p * (1 - p) * (xi[a] as number) * (xi[b] as number)) / data.count;
        }
      });
      for (let a = 0; a < 2; a++) {
        g[a] = (g[a] as number) + (decay / 2) * (beta[a] as number);
        (hess[a] as number[])[a] = ((hess[a] as number[])[a] as number) + decay / 2;
      }
      const step = solve3(hess, g);
      for (let a = 0; a < 3; a++) beta[a] = (beta[a] as number) - (step[a] as number);
    }
    const probabilities = predictHead(result.head, data);
    let worst = 0;
    x.forEach((xi, i) => {
      const p = 1 / (1 + Math.exp(-xi.reduce((s, v, k) => s + v * (beta[k] as number), 0)));
      worst = Math.max(worst, Math.abs((probabilities[2 * i + 1] as number) - p));
    });
    expect(worst).toBeLessThan(1e-4);
    // Not separable, so not everything is right: a real optimum, not a memorised training set.
    expect(result.train.accuracy).toBeGreaterThan(0.6);
    expect(result.train.accuracy).toBeLessThan(0.95);
  });
});

/** Solves a 3×3 system by Cramer's rule. */
function solve3(m: number[][], b: number[]): number[] {
  const det = (a: number[][]) =>
    (a[0]?.[0] as number) *
      ((a[1]?.[1] as number) * (a[2]?.[2] as number) - (a[1]?.[2] as number) * (a[2]?.[1] as number)) -
    (a[0]?.[1] as number) *
      ((a[1]?.[0] as number) * (a[2]?.[2] as number) - (a[1]?.[2] as number) * (a[2]?.[0] as number)) +
    (a[0]?.[2] as number) *
      ((a[1]?.[0] as number) * (a[2]?.[1] as number) - (a[1]?.[1] as number) * (a[2]?.[0] as number));
  const d = det(m);
  return [0, 1, 2].map((col) => det(m.map((row, r) => row.map((v, c) => (c === col ? (b[r] as number) : v)))) / d);
}

describe('head trainer: training runs', () => {
  const centres = [0, 1, 2].map((c) => Array.from({ length: 20 }, (_, k) => (k === c ? 3 : k === c + 10 ? -3 : 0)));
  const separable = blobs(centres, 50, 0.5, 11);
  const split = splitByClass(separable.labels, 3, { seed: 1 });

  for (const hiddenUnits of [0, 100]) {
    it(`separable data → 100 % validation accuracy (hidden units: ${hiddenUnits})`, async () => {
      const result = await trainHead(separable, split, { hiddenUnits, seed: 1 });
      expect(split.validation.length).toBe(24); // ceil(15 % of 50) = 8 per class
      expect(result.validation?.accuracy).toBe(1);
      expect(result.train.accuracy).toBe(1);
      expect(result.head.layers.map((l) => l.outSize)).toEqual(hiddenUnits ? [100, 3] : [3]);
    });
  }

  it('is deterministic for a seed, and another seed trains another head', async () => {
    const options = { hiddenUnits: 16, seed: 5, maxEpochs: 5 };
    const a = await trainHead(separable, split, options);
    const b = await trainHead(separable, split, options);
    const c = await trainHead(separable, split, { ...options, seed: 6 });
    expect(b.head).toEqual(a.head);
    expect(b.history).toEqual(a.history);
    expect(c.head.layers[0]?.weights).not.toEqual(a.head.layers[0]?.weights);
  });

  it('stops early when validation loss stops improving, keeping the best epoch, with standardisation folded in', async () => {
    // Labels unrelated to the features: the hidden layer memorises and validation loss climbs.
    const noise = blobs([Array.from({ length: 40 }, () => 0), Array.from({ length: 40 }, () => 0)], 60, 1, 5);
    const noiseSplit = splitByClass(noise.labels, 2, { seed: 3 });
    const reports: EpochReport[] = [];
    const result = await trainHead(noise, noiseSplit, {
      hiddenUnits: 64,
      learningRate: 1e-2,
      patience: 5,
      maxEpochs: 200,
      seed: 2,
      onEpoch: (r) => {
        reports.push(r);
      },
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(result.bestEpoch + 5);
    expect(reports).toEqual(result.history);
    const losses = result.history.map((r) => r.validationLoss as number);
    const best = Math.min(...losses);
    expect(losses[result.bestEpoch - 1]).toBe(best);
    expect(result.history.at(-1)?.trainLoss).toBeLessThan(result.history[0]?.trainLoss as number);
    // The returned head is the best epoch's, on raw features (standardisation folded into the first layer).
    const again = evaluateHead(result.head, noise, noiseSplit.validation);
    expect(Math.abs(again.loss - best)).toBeLessThan(1e-5);
    expect(Math.abs((result.validation?.loss as number) - best)).toBeLessThan(1e-5);
  });

  it('stops when the signal aborts, with an AbortError', async () => {
    const controller = new AbortController();
    let epochs = 0;
    const run = trainHead(separable, split, {
      maxEpochs: 50,
      patience: 0,
      signal: controller.signal,
      onEpoch: () => {
        epochs++;
        if (epochs === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(epochs).toBe(2);
  });

  it('refuses bad input with a plain message', async () => {
    const oneClass = { ...separable, classCount: 1 };
    await expect(trainHead(oneClass, split)).rejects.toThrow('training needs at least 2 classes, got 1');
    const broken = { ...separable, vectors: separable.vectors.slice() };
    broken.vectors[45] = Number.NaN;
    await expect(trainHead(broken, split)).rejects.toThrow('embedding 2 holds a non-finite value (NaN)');
    await expect(trainHead(separable, { train: new Int32Array(0), validation: split.validation })).rejects.toThrow(
      'there are no training photos',
    );
    const { head } = await trainHead(separable, split, { maxEpochs: 1 });
    expect(() => predictHead(head, { ...separable, size: 19 })).toThrow(
      'the head takes 20 features, the embeddings have 19',
    );
  });

  it('trains 1,000 photos × 1,440 features, the default backbone D (timing printed, not asserted)', async () => {
    const wide = blobs(
      [0, 1, 2].map((c) => Array.from({ length: 1440 }, (_, k) => (k % 3 === c ? 0.4 : 0))),
      334,
      1,
      9,
    );
    const data = { ...wide, count: 1000 };
    const wideSplit = splitByClass(data.labels.subarray(0, 1000), 3, { seed: 1 });
    // The default head to the end; the hidden layer for 5 epochs only, for its cost per epoch.
    for (const options of [{ hiddenUnits: 0 }, { hiddenUnits: 100, maxEpochs: 5 }]) {
      const cpu = process.cpuUsage();
      const result = await trainHead(data, wideSplit, { ...options, seed: 1 });
      const spent = process.cpuUsage(cpu);
      const used = (spent.user + spent.system) / 1000;
      const epochs = result.history.length;
      console.log(
        `train-head: 1000 × 1440, hidden ${options.hiddenUnits}: ${result.elapsedMs.toFixed(0)} ms wall, ` +
          `${used.toFixed(0)} ms CPU, ${epochs} epochs (${(used / epochs).toFixed(0)} ms CPU each), ` +
          `validation accuracy ${result.validation?.accuracy.toFixed(3)}`,
      );
      expect(result.validation?.accuracy).toBeGreaterThan(0.9);
    }
  });
});
