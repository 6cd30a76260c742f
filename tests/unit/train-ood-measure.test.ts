/**
 * Measures "unlike the training photos" statistics on real embeddings (slow, opt-in:
 * `ONSIGHT_OOD_MEASURE=1 npx vitest run tests/unit/train-ood-measure.test.ts`). A cats/dogs model on pets-small with
 * the default backbone, 8 seeded splits: statistics from the training rows, judged on the held-out photos (false
 * alarms) and on photos unlike them (../shared/photos but the dog, the bears, noise, flat colours, gradients).
 */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { decodeImageFile } from '../../src/node/classify-file';
import { embedPixels } from '../../src/train/embed';
import type { LabelledEmbeddings } from '../../src/train/head-model';
import { trainHead } from '../../src/train/head-trainer';
import { computeOodStats, judgeFeatures } from '../../src/train/ood';
import { computeClassMeanOodStats, judgeClassMeans } from '../../src/train/ood-class-means';
import { splitByClass } from '../../src/train/split';
import { syntheticOodImages } from '../helpers/ood-images';
import { haveSharedModels } from '../helpers/shared-data';
import { embedFolder, haveDataset, listPhotoFolder, loadBackbone, sharedRoot } from '../helpers/train-backbones';

const enabled = process.env.ONSIGHT_OOD_MEASURE === '1' && haveSharedModels() && haveDataset('pets-small');
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

type Scorer = (features: Float32Array) => number;
/** Builds a scorer from training rows; the score is ≥ 1 for "unlike". */
type Candidate = (data: LabelledEmbeddings, rows: number[], logits?: (f: Float32Array) => Float64Array) => Scorer;

function rowOf(data: LabelledEmbeddings, r: number): Float32Array {
  return data.vectors.subarray(r * data.size, (r + 1) * data.size);
}

function quantile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
}

/** Standardise (mean/std of rows), optionally L2-normalise. */
function transformer(data: LabelledEmbeddings, rows: number[], normalise: boolean) {
  const d = data.size;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const r of rows) {
    const v = rowOf(data, r);
    for (let k = 0; k < d; k++) {
      mean[k] = (mean[k] as number) + (v[k] as number) / rows.length;
      sq[k] = (sq[k] as number) + (v[k] as number) ** 2 / rows.length;
    }
  }
  let meanVar = 0;
  for (let k = 0; k < d; k++) meanVar += Math.max(0, (sq[k] as number) - (mean[k] as number) ** 2) / d;
  const n = rows.length;
  const std = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const v = Math.max(0, (sq[k] as number) - (mean[k] as number) ** 2);
    std[k] = Math.sqrt((n * v + 20 * meanVar) / (n + 20)) || 1;
  }
  return (f: Float32Array): Float64Array => {
    const out = new Float64Array(d);
    let norm = 0;
    for (let k = 0; k < d; k++) {
      out[k] = ((f[k] as number) - (mean[k] as number)) / (std[k] as number);
      norm += (out[k] as number) ** 2;
    }
    if (normalise) {
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < d; k++) out[k] = (out[k] as number) / norm;
    }
    return out;
  };
}

function dist(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += ((a[k] as number) - (b[k] as number)) ** 2;
  return Math.sqrt(s);
}

const P = 0.99;

function knn(normalise: boolean, k: number, p = P): Candidate {
  return (data, rows) => {
    const t = transformer(data, rows, normalise);
    const xs = rows.map((r) => t(rowOf(data, r)));
    const kth = (x: Float64Array, skip: number) => {
      const ds = xs.map((y, i) => (i === skip ? Infinity : dist(x, y))).sort((a, b) => a - b);
      return ds[k - 1] as number;
    };
    const threshold = quantile(
      xs.map((x, i) => kth(x, i)),
      p,
    );
    return (f) => kth(t(f), -1) / threshold;
  };
}

function headScore(kind: 'maxlogit' | 'energy' | 'maxprob', p = P): Candidate {
  return (data, rows, logits) => {
    if (!logits) throw new Error('logits needed');
    const score = (f: Float32Array) => {
      const z = logits(f);
      const max = Math.max(...z);
      if (kind === 'maxlogit') return max;
      const lse = max + Math.log([...z].reduce((s, v) => s + Math.exp(v - max), 0));
      return kind === 'energy' ? lse : Math.exp(max - lse);
    };
    // Lower score = less like the training photos; the threshold is the (1−p) quantile of the training scores.
    const scores = rows.map((r) => score(rowOf(data, r)));
    const threshold = quantile(scores, 1 - p);
    const spread = quantile(scores, 0.5) - threshold || 1;
    return (f) => 1 + (threshold - score(f)) / spread;
  };
}

/** Top-k principal directions of the standardised training rows (orthogonal iteration); score = Mahalanobis in them
 * plus the residual's squared norm over its mean per dimension (ViM/PCA-style), threshold the p quantile of LOO-free
 * training scores. */
function fitResidual(xs: Float64Array[], k: number, d: number): (x: Float64Array) => number {
  let seed = 9;
  const rnd = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  let v = Array.from({ length: k }, () => Float64Array.from({ length: d }, rnd));
  for (let it = 0; it < 30; it++) {
    const next = v.map(() => new Float64Array(d));
    for (const x of xs) {
      for (let j = 0; j < k; j++) {
        let dot = 0;
        const vj = v[j] as Float64Array;
        for (let q = 0; q < d; q++) dot += (x[q] as number) * (vj[q] as number);
        const nj = next[j] as Float64Array;
        for (let q = 0; q < d; q++) nj[q] = (nj[q] as number) + dot * (x[q] as number);
      }
    }
    for (let j = 0; j < k; j++) {
      const nj = next[j] as Float64Array;
      for (let i = 0; i < j; i++) {
        const ni = next[i] as Float64Array;
        let dot = 0;
        for (let q = 0; q < d; q++) dot += (nj[q] as number) * (ni[q] as number);
        for (let q = 0; q < d; q++) nj[q] = (nj[q] as number) - dot * (ni[q] as number);
      }
      let norm = 0;
      for (let q = 0; q < d; q++) norm += (nj[q] as number) ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let q = 0; q < d; q++) nj[q] = (nj[q] as number) / norm;
    }
    v = next;
  }
  return (x) => {
    let total = 0;
    for (let q = 0; q < d; q++) total += (x[q] as number) ** 2;
    for (const vj of v) {
      let dot = 0;
      for (let q = 0; q < d; q++) dot += (x[q] as number) * (vj[q] as number);
      total -= dot * dot;
    }
    return total;
  };
}

/** Squared distance from the top-k principal subspace of the standardised training rows; the threshold is the p
 * quantile of the training rows' residuals, in-sample or (crossFit folds) out-of-fold. */
function pca(k: number, p = P, crossFit = 0): Candidate {
  return (data, rows) => {
    const t = transformer(data, rows, false);
    const xs = rows.map((r) => t(rowOf(data, r)));
    const residual = fitResidual(xs, k, data.size);
    let calibration: number[];
    if (crossFit > 1) {
      calibration = [];
      for (let fold = 0; fold < crossFit; fold++) {
        const foldResidual = fitResidual(
          xs.filter((_, i) => i % crossFit !== fold),
          k,
          data.size,
        );
        for (let i = fold; i < xs.length; i += crossFit) calibration.push(foldResidual(xs[i] as Float64Array));
      }
    } else calibration = xs.map(residual);
    const threshold = quantile(calibration, p);
    return (f) => residual(t(f)) / threshold;
  };
}

function rawCosKnn(k: number, p = P): Candidate {
  return (data, rows) => {
    const unit = (f: Float32Array) => {
      let n = 0;
      for (let q = 0; q < f.length; q++) n += (f[q] as number) ** 2;
      n = Math.sqrt(n) || 1;
      return Float64Array.from(f, (a) => a / n);
    };
    const xs = rows.map((r) => unit(rowOf(data, r)));
    const kth = (x: Float64Array, skip: number) =>
      xs.map((y, i) => (i === skip ? Infinity : dist(x, y))).sort((a, b) => a - b)[k - 1] as number;
    const threshold = quantile(
      xs.map((x, i) => kth(x, i)),
      p,
    );
    return (f) => kth(unit(f), -1) / threshold;
  };
}

const CANDIDATES: Record<string, Candidate> = {
  'class means (format 1)': (data, rows) => {
    const stats = computeClassMeanOodStats(data, rows);
    return (f) => judgeClassMeans(stats, f).ratio;
  },
  'subspace (format 2)': (data, rows) => {
    const stats = computeOodStats(data, rows);
    return (f) => judgeFeatures(stats, f).ratio;
  },
  'kNN1 std p95': knn(false, 1, 0.95),
  'kNN1 raw-cos p99': rawCosKnn(1),
  'pca8 residual cf5 p95': pca(8, 0.95, 5),
  'pca32 residual cf5 p95': pca(32, 0.95, 5),
  'pca16 residual cf5 p97': pca(16, 0.97, 5),
  'pca16 residual cf5 p99': pca(16, 0.99, 5),
  'pca16 residual in-sample p95': pca(16, 0.95),
  'max logit': headScore('maxlogit'),
  energy: headScore('energy'),
};

describe.skipIf(!enabled)('"unlike" statistics on real embeddings (measurement)', () => {
  it('prints false alarms on held-out pets and detection on unlike photos', { timeout: 1_800_000 }, async () => {
    const backbone = await loadBackbone('default');
    const pets = await embedFolder(backbone, listPhotoFolder('pets-small'), false);
    const bears = await embedFolder(backbone, listPhotoFolder('bears'), false);
    const embed = async (pixels: Parameters<typeof embedPixels>[2]) =>
      embedPixels(backbone.session, backbone.spec, pixels);
    const groups: Record<string, Float32Array[]> = { 'photos (eagle, giraffe, horses)': [], 'dog.jpg': [] };
    for (const name of ['eagle.jpg', 'giraffe.jpg', 'horses.jpg']) {
      groups['photos (eagle, giraffe, horses)']?.push(
        await embed(await decodeImageFile(join(sharedRoot, 'photos', name))),
      );
    }
    groups['dog.jpg']?.push(await embed(await decodeImageFile(join(sharedRoot, 'photos', 'dog.jpg'))));
    groups.bears = Array.from({ length: bears.photoCount }, (_, i) => rowOf(bears.data, i).slice());
    for (const [kind, images] of Object.entries(syntheticOodImages())) {
      groups[kind] = [];
      for (const image of images) groups[kind]?.push(await embed(image));
    }
    const tally = new Map<string, Map<string, { hit: number; n: number; ratios: number[] }>>();
    for (const seed of SEEDS) {
      const data = pets.data;
      const split = splitByClass(data.labels, data.classCount, { seed, keys: pets.keys });
      const trainRows = [...split.train];
      const training = await trainHead(data, split);
      const layer = training.head.layers[0];
      if (!layer) throw new Error('no layer');
      const logits = (f: Float32Array) => {
        const z = new Float64Array(layer.outSize);
        for (let j = 0; j < layer.outSize; j++) {
          let s = layer.bias[j] as number;
          for (let k = 0; k < layer.inSize; k++)
            s += (f[k] as number) * (layer.weights[k * layer.outSize + j] as number);
          z[j] = s;
        }
        return z;
      };
      const held = [...split.validation].map((r) => rowOf(data, r));
      for (const [name, candidate] of Object.entries(CANDIDATES)) {
        const scorer = candidate(data, trainRows, logits);
        const row = tally.get(name) ?? new Map();
        tally.set(name, row);
        for (const [group, features] of Object.entries({ 'held-out pets': held, ...groups })) {
          const cell = row.get(group) ?? { hit: 0, n: 0, ratios: [] };
          row.set(group, cell);
          for (const f of features) {
            const ratio = scorer(f);
            cell.n++;
            if (ratio >= 1) cell.hit++;
            cell.ratios.push(ratio);
          }
        }
      }
    }
    const lines: string[] = [];
    for (const [name, row] of tally) {
      const cells = [...row.entries()].map(
        ([group, c]) => `${group}: ${((100 * c.hit) / c.n).toFixed(0)}% (med ${quantile(c.ratios, 0.5).toFixed(2)})`,
      );
      lines.push(`${name.padEnd(22)} | ${cells.join(' | ')}`);
    }
    console.log(lines.join('\n'));
  });
});
