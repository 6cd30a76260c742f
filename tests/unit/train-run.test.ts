/**
 * One training run as the training worker does it (src/train/training-run.ts), on real photos of
 * ../shared/datasets/pets-small through the real default model cut at its features in onnxruntime-web: the summary's
 * counts add up, a photo that cannot be used is reported and left out, the exported model run by ORT agrees with the
 * summary's per-class validation results, too few usable photos are refused with the class named, and cancelling
 * stops the run. Also the embedding cache (fake-indexeddb) and the backbone id.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/classify-file';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { embedPixels, mirrorPixels } from '../../src/train/embed';
import { backboneIdOf, openEmbeddingCache, sha256Hex } from '../../src/train/embedding-cache';
import { PROBABILITIES_OUTPUT, readTrainedModelExtras } from '../../src/train/export-model';
import { classifyWithOod, oodStatsFromMetadata } from '../../src/train/ood-classify';
import { type EmbedResult, runTraining, TrainingInputError, type TrainingProgress } from '../../src/train/training-run';
import { adaptOrtSession, classifyPixels, preprocess } from '../../src/vision/pipeline';
import type { PixelBuffer } from '../../src/vision/resize';
import { ort } from '../helpers/ort-node';
import { type Backbone, haveDataset, listPhotoFolder, loadBackbone } from '../helpers/train-backbones';

const PER_CLASS = 14;

describe.skipIf(!haveDataset('pets-small'))('runTraining on real photos with the default backbone', () => {
  let backbone: Backbone;
  let pixels: PixelBuffer[];
  let labels: number[];
  let keys: string[];
  let embedded: Float32Array[];
  const classNames = ['cats', 'dogs'];

  beforeAll(async () => {
    backbone = await loadBackbone('default');
    const folder = listPhotoFolder('pets-small');
    const files = [0, 1].flatMap((label) => folder.files.filter((f) => f.label === label).slice(0, PER_CLASS));
    pixels = await Promise.all(files.map((f) => decodeImageFile(f.path)));
    labels = files.map((f) => f.label);
    keys = files.map((f) => f.key);
    embedded = [];
    for (const p of pixels) embedded.push(await embedPixels(backbone.session, backbone.spec, p));
  }, 120_000);

  const embedFromTable =
    (broken = new Set<number>()) =>
    async (i: number): Promise<EmbedResult> =>
      broken.has(i)
        ? { ok: false, message: 'This JPEG is damaged or incomplete' }
        : { ok: true, features: embedded[i] as Float32Array, key: keys[i] as string };

  it('trains, reports counts that add up, leaves out a broken photo, and the export agrees per class', async () => {
    const reports: TrainingProgress[] = [];
    const run = await runTraining({
      classNames,
      labels,
      embed: embedFromTable(new Set([3])),
      cut: backbone.cut,
      backboneSpec: backbone.spec,
      name: 'Pets',
      onProgress: (p) => reports.push(p),
      date: new Date('2025-01-02T00:00:00Z'),
    });
    const { summary } = run;
    expect(summary.skipped).toEqual([{ index: 3, message: 'This JPEG is damaged or incomplete' }]);
    expect(summary.trainCount + summary.validationCount).toBe(2 * PER_CLASS - 1);
    expect(summary.classes.map((c) => [c.label, c.train + c.validation, c.skipped])).toEqual([
      ['cats', PER_CLASS - 1, 1],
      ['dogs', PER_CLASS, 0],
    ]);
    // ceil(15 %) per class: 2 and 3.
    expect(summary.classes.map((c) => c.validation)).toEqual([2, 3]);
    const correct = summary.classes.reduce((sum, c) => sum + c.validationCorrect, 0);
    expect(summary.validationAccuracy).toBeCloseTo(correct / summary.validationCount, 12);
    expect(summary.featureSize).toBe(1280 + 160); // the head input and the residual tap (feature-taps.ts)
    expect(summary.epochs.length).toBeGreaterThan(1);
    // Each held-out photo's probabilities, by its request index (never the broken photo 3), agree with the counts.
    const held = summary.validationPredictions;
    expect(held).toHaveLength(summary.validationCount);
    expect(held.map((p) => p.index)).not.toContain(3);
    expect(held.map((p) => labels[p.index])).toEqual(expect.arrayContaining([0, 1]));
    const argmax = (ps: number[]) => ps.indexOf(Math.max(...ps));
    for (const p of held) expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(held.filter((p) => argmax(p.probabilities) === labels[p.index])).toHaveLength(correct);

    const embeddingReports = reports.filter((r) => r.stage === 'embedding');
    expect(embeddingReports).toHaveLength(2 * PER_CLASS);
    expect(embeddingReports.at(-1)).toEqual({ stage: 'embedding', done: 2 * PER_CLASS, total: 2 * PER_CLASS });
    expect(reports.filter((r) => r.stage === 'training')).toHaveLength(summary.epochs.length);

    // The exported model, run by ORT on every usable photo: top-1 accuracy on the training photos is high (it
    // learned), and the spec names the classes.
    expect(run.spec.labels).toEqual(classNames);
    const session = await ort.InferenceSession.create(new Uint8Array(run.bytes));
    let right = 0;
    let usable = 0;
    for (const [i, p] of pixels.entries()) {
      if (i === 3) continue;
      usable++;
      const input = preprocess(backbone.spec, p);
      const tensor = new ort.Tensor('float32', input.data as Float32Array, [...input.dims]);
      const out = await session.run({ [session.inputNames[0] as string]: tensor });
      const probabilities = out[PROBABILITIES_OUTPUT]?.data as Float32Array;
      expect((probabilities[0] as number) + (probabilities[1] as number)).toBeCloseTo(1, 5);
      const top = (probabilities[1] as number) > (probabilities[0] as number) ? 1 : 0;
      if (top === labels[i]) right++;
    }
    await session.release();
    expect(right / usable).toBeGreaterThan(0.8);
  }, 120_000);

  it('the trained model warns on a photo unlike its training photos, and answers as the plain pipeline does', async () => {
    const run = await runTraining({
      classNames,
      labels,
      embed: embedFromTable(),
      cut: backbone.cut,
      backboneSpec: backbone.spec,
      name: 'Pets',
    });
    const stats = oodStatsFromMetadata(readOnnxMetadata(run.bytes).metadata);
    expect(stats?.format).toBe(2);
    expect(oodStatsFromMetadata({ 'onsight.ood': '{"format": 2}' })).toBeUndefined();
    expect(oodStatsFromMetadata({})).toBeUndefined();
    const session = adaptOrtSession(ort, await ort.InferenceSession.create(new Uint8Array(run.bytes)));
    const spec = run.spec;
    // A flat mid-grey picture: no cat, no dog, nothing like the training photos.
    const grey: PixelBuffer = { data: new Uint8Array(64 * 64 * 4).fill(128), width: 64, height: 64, channels: 4 };
    for (const [picture, unlike] of [
      [pixels[0] as PixelBuffer, false],
      [grey, true],
    ] as const) {
      const judged = await classifyWithOod(session, spec, picture, 2, stats as NonNullable<typeof stats>);
      const plain = await classifyPixels(session, spec, picture, 2);
      expect(judged.unlike).toBe(unlike);
      expect(judged.predictions).toEqual(plain.predictions);
    }
  }, 120_000);

  it('with flip augmentation, trains on the mirrors of usable training photos too; counts stay photos', async () => {
    const mirroredAsked: number[] = [];
    const reports: TrainingProgress[] = [];
    const run = await runTraining({
      classNames,
      labels,
      embed: embedFromTable(new Set([3])),
      embedMirrored: async (i) => {
        mirroredAsked.push(i);
        const features = await embedPixels(backbone.session, backbone.spec, mirrorPixels(pixels[i] as PixelBuffer));
        return { ok: true, features, key: keys[i] as string };
      },
      cut: backbone.cut,
      backboneSpec: backbone.spec,
      name: 'Pets',
      onProgress: (p) => reports.push(p),
    });
    // Every usable photo is mirrored (index 3 could not be read), in order.
    expect(mirroredAsked).toEqual(labels.flatMap((_, i) => (i === 3 ? [] : [i])));
    const embedding = reports.filter((r) => r.stage === 'embedding');
    expect(embedding.at(-1)).toEqual({ stage: 'embedding', done: 4 * PER_CLASS - 1, total: 4 * PER_CLASS });
    expect(run.summary.trainCount + run.summary.validationCount).toBe(2 * PER_CLASS - 1);
    expect(run.summary.classes.map((c) => c.validation)).toEqual([2, 3]);
    const extras = readTrainedModelExtras(run.bytes);
    expect(extras.training?.hyperParameters.flipAugmentation).toBe(true);
    expect(extras.training?.classes.map((c) => c.train + c.validation)).toEqual([PER_CLASS - 1, PER_CLASS]);
  }, 120_000);

  it('refuses too few usable photos, naming the class', async () => {
    const brokenCats = new Set(labels.flatMap((l, i) => (l === 0 && i >= 2 ? [i] : [])));
    const run = runTraining({
      classNames,
      labels,
      embed: embedFromTable(brokenCats),
      cut: backbone.cut,
      backboneSpec: backbone.spec,
      name: 'Pets',
    });
    await expect(run).rejects.toBeInstanceOf(TrainingInputError);
    await expect(run).rejects.toThrow(/“cats” has 2.*could not be read/);
  });

  it('stops when cancelled, with the signal’s reason', async () => {
    const controller = new AbortController();
    const run = runTraining({
      classNames,
      labels,
      embed: async (i) => {
        if (i === 4) controller.abort();
        return embedFromTable()(i);
      },
      cut: backbone.cut,
      backboneSpec: backbone.spec,
      name: 'Pets',
      signal: controller.signal,
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the embedding cache', () => {
  it('keeps features by backbone id and content hash, as Float32Array', async () => {
    const cache = await openEmbeddingCache();
    const features = Float32Array.from([0.5, -1.25, 3]);
    await cache.put('backbone-a', 'hash-1', features);
    expect(await cache.get('backbone-a', 'hash-1')).toEqual(features);
    expect(await cache.get('backbone-b', 'hash-1')).toBeUndefined();
    expect(await cache.get('backbone-a', 'hash-2')).toBeUndefined();
  });

  it('names a backbone by its bytes and its preprocessing', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../../public/models/default/model.onnx', import.meta.url)));
    const a = await backboneIdOf(bytes, { width: 224, height: 224 });
    expect(await backboneIdOf(bytes, { width: 224, height: 224 })).toBe(a);
    expect(await backboneIdOf(bytes, { width: 256, height: 224 })).not.toBe(a);
    expect(await backboneIdOf(bytes.subarray(1), { width: 224, height: 224 })).not.toBe(a);
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
