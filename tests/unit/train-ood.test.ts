/**
 * "Unlike the photos this model was trained on" (#16): the format-2 subspace statistics on real embeddings (the
 * default backbone on pets-small, through the Node pipeline, cached) flag pictures no cat/dog model was trained on
 * while passing held-out pets, where the format-1 class-mean statistics flagged almost nothing; both formats' JSON.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/classify-file';
import { embedPixels } from '../../src/train/embed';
import type { LabelledEmbeddings } from '../../src/train/head-model';
import { computeOodStats, judgeFeatures, oodStatsFromJson, oodStatsToJson } from '../../src/train/ood';
import { classMeanOodStatsToJson, computeClassMeanOodStats, judgeClassMeans } from '../../src/train/ood-class-means';
import { splitByClass } from '../../src/train/split';
import { syntheticOodImages } from '../helpers/ood-images';
import { haveSharedModels } from '../helpers/shared-data';
import { embedFolder, haveDataset, listPhotoFolder, loadBackbone, sharedRoot } from '../helpers/train-backbones';

const rowOf = (data: LabelledEmbeddings, r: number) => data.vectors.subarray(r * data.size, (r + 1) * data.size);

/** Rows near a 3-dimensional subspace of a 40-dimensional space, two classes. */
function nearSubspace(count: number): LabelledEmbeddings {
  const d = 40;
  let s = 3;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const vectors = new Float32Array(count * d);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    labels[r] = r % 2;
    const [a, b, c] = [random() * 4 + (r % 2) * 3, random() * 4, random() * 4];
    for (let k = 0; k < d; k++) vectors[r * d + k] = a * Math.sin(k) + b * Math.cos(k) + c * (k % 3) + random() * 0.1;
  }
  return { vectors, count, size: d, labels, classCount: 2 };
}

describe('subspace statistics (synthetic)', () => {
  const data = nearSubspace(120);
  const all = Int32Array.from({ length: data.count }, (_, i) => i);

  it('pass most of the training rows, flag a row off their subspace, and check the feature count', () => {
    const stats = computeOodStats(data, all);
    expect(stats.componentCount).toBe(16);
    const flagged = [...all].filter((r) => judgeFeatures(stats, rowOf(data, r)).unlike).length;
    expect(flagged / data.count).toBeLessThan(0.1);
    const off = Float32Array.from({ length: data.size }, (_, k) => (k % 2 ? 1 : -1));
    expect(judgeFeatures(stats, off)).toMatchObject({ unlike: true });
    expect(() => judgeFeatures(stats, new Float32Array(3))).toThrow(`expected ${data.size} features, got 3`);
  });

  it('round-trip through the metadata JSON, and say what is wrong with bad or unknown JSON', () => {
    const stats = computeOodStats(data, all);
    const back = oodStatsFromJson(JSON.parse(JSON.stringify(oodStatsToJson(stats))));
    expect(back).toEqual(stats);
    expect(() => oodStatsFromJson({ format: 3 })).toThrow('onsight.ood: unknown format 3 (made by a newer OnSight?)');
    expect(() => oodStatsFromJson({ ...oodStatsToJson(stats), components: 'AAAAAA==' })).toThrow(
      'onsight.ood: components has the wrong size',
    );
    expect(() => oodStatsFromJson({ ...oodStatsToJson(stats), threshold: 0 })).toThrow('threshold must be a positive');
  });

  it('a format-1 model (class means) still loads and judges as it did', () => {
    const old = computeClassMeanOodStats(data, all);
    const read = oodStatsFromJson(JSON.parse(JSON.stringify(classMeanOodStatsToJson(old))));
    expect(read.format).toBe(1);
    for (const r of [0, 7, 50]) {
      expect(judgeFeatures(read, rowOf(data, r))).toEqual(judgeClassMeans(old, rowOf(data, r)));
    }
  });

  it('a tiny training set (two photos) still gives a usable threshold', () => {
    const stats = computeOodStats(data, [0, 1]);
    expect(stats.threshold).toBeGreaterThan(0);
    expect(judgeFeatures(stats, rowOf(data, 0)).unlike).toBe(false);
  });
});

const enabled = haveSharedModels() && haveDataset('pets-small');

describe.skipIf(!enabled)('subspace statistics on real embeddings (default backbone, pets-small)', () => {
  let pets: LabelledEmbeddings;
  let trainRows: number[];
  let heldOut: number[];
  const unlike: Record<string, Float32Array[]> = {};

  beforeAll(async () => {
    const backbone = await loadBackbone('default');
    const folder = await embedFolder(backbone, listPhotoFolder('pets-small'), false);
    pets = folder.data;
    const split = splitByClass(pets.labels, pets.classCount, { seed: 1, keys: folder.keys });
    trainRows = [...split.train];
    heldOut = [...split.validation];
    for (const [kind, images] of Object.entries(syntheticOodImages())) {
      unlike[kind] = [];
      for (const image of images) unlike[kind]?.push(await embedPixels(backbone.session, backbone.spec, image));
    }
    unlike.photos = [];
    for (const name of ['eagle.jpg', 'giraffe.jpg', 'horses.jpg']) {
      const pixels = await decodeImageFile(join(sharedRoot, 'photos', name));
      unlike.photos.push(await embedPixels(backbone.session, backbone.spec, pixels));
    }
  }, 600_000);

  it('flag noise, flat colours and gradients, pass held-out pets; the class means flagged few of them', () => {
    const stats = computeOodStats(pets, trainRows);
    const old = computeClassMeanOodStats(pets, trainRows);
    const falseAlarms = heldOut.filter((r) => judgeFeatures(stats, rowOf(pets, r)).unlike).length;
    expect(falseAlarms / heldOut.length).toBeLessThanOrEqual(0.05);
    const synthetic = ['noise', 'block noise', 'flat colour', 'gradient'].flatMap((kind) => unlike[kind] ?? []);
    expect(synthetic.length).toBe(20);
    const flagged = synthetic.filter((f) => judgeFeatures(stats, f).unlike).length;
    const flaggedBefore = synthetic.filter((f) => judgeClassMeans(old, f).unlike).length;
    expect(flagged).toBe(synthetic.length);
    expect(flaggedBefore).toBeLessThan(synthetic.length / 2);
  });

  it('score photos of other animals higher than held-out pets', () => {
    const stats = computeOodStats(pets, trainRows);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const pets50 = median(heldOut.map((r) => judgeFeatures(stats, rowOf(pets, r)).ratio));
    const animals = (unlike.photos ?? []).map((f) => judgeFeatures(stats, f).ratio);
    expect(Math.min(...animals)).toBeGreaterThan(pets50);
  });
});
