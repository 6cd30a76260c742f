/**
 * Photos in, a deployable ONNX model out, on real data in the default run: 24 photos of ../shared/datasets/pets-small
 * embedded through the Teachable Machine backbone (converted, cut), a head trained on them, exported, and the export
 * run through onnxruntime-web: its probabilities equal the in-app head's within 1e-5 and its features the
 * embeddings; the spec resolves as the page resolves it; `model:add` takes the file unchanged; the OOD statistics
 * travel inside it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSession, resolveModelSpec } from '../../src/model/resolve-spec';
import { decodeImageFile } from '../../src/node/classify-file';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { FEATURES_OUTPUT } from '../../src/train/backbone-cut';
import { embedPixels, mirrorPixels, stackEmbeddings } from '../../src/train/embed';
import {
  exportTrainedModel,
  PROBABILITIES_OUTPUT,
  readTrainedModelExtras,
  TRAINED_PRODUCER,
} from '../../src/train/export-model';
import { type LabelledEmbeddings, predictHead } from '../../src/train/head-model';
import { trainHead } from '../../src/train/head-trainer';
import { computeOodStats, judgeFeatures } from '../../src/train/ood';
import { countPerClass, splitByClass } from '../../src/train/split';
import { preprocess } from '../../src/vision/pipeline';
import type { PixelBuffer } from '../../src/vision/resize';
import { main as modelAdd } from '../../tools/model-add';
import { ort } from '../helpers/ort-node';
import { haveSharedModels } from '../helpers/shared-data';
import { type Backbone, haveDataset, listPhotoFolder, loadBackbone } from '../helpers/train-backbones';

const ready = haveSharedModels() && haveDataset('pets-small');
const out = mkdtempSync(join(tmpdir(), 'onsight-train-export-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!ready)('a trained model exported from real photos', () => {
  let backbone: Backbone;
  let pixels: PixelBuffer[];
  let data: LabelledEmbeddings;
  let keys: string[];
  const classes = ['cats', 'dogs'];

  beforeAll(async () => {
    backbone = await loadBackbone('teachable-machine');
    const folder = listPhotoFolder('pets-small');
    const files = [0, 1].flatMap((label) => folder.files.filter((f) => f.label === label).slice(0, 12));
    pixels = await Promise.all(files.map((f) => decodeImageFile(f.path)));
    const vectors: Float32Array[] = [];
    for (const p of pixels) vectors.push(await embedPixels(backbone.session, backbone.spec, p));
    data = { ...stackEmbeddings(vectors), labels: Int32Array.from(files.map((f) => f.label)), classCount: 2 };
    keys = files.map((f) => f.key);
  });

  /** The exported model run on the same photos, all in one batch. */
  async function runExported(bytes: Uint8Array) {
    const session = await ort.InferenceSession.create(new Uint8Array(bytes));
    const tensors = pixels.map((p) => preprocess(backbone.spec, p));
    const one = tensors[0]?.data.length ?? 0;
    const batch = new Float32Array(one * tensors.length);
    tensors.forEach((t, i) => {
      batch.set(t.data as Float32Array, i * one);
    });
    const dims = [tensors.length, ...(tensors[0]?.dims.slice(1) ?? [])];
    const result = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', batch, dims) });
    const io = describeSession(session);
    await session.release();
    return { result: result as Record<string, ort.Tensor>, io };
  }

  for (const hiddenUnits of [0, 100]) {
    it(`hidden units ${hiddenUnits}: the ONNX model's probabilities equal the in-app head's within 1e-5`, async () => {
      const split = splitByClass(data.labels, 2, { seed: 1, keys });
      const training = await trainHead(data, split, { hiddenUnits, seed: 1 });
      const ood = computeOodStats(
        data,
        Int32Array.from({ length: data.count }, (_, i) => i),
      );
      const exported = exportTrainedModel({
        cut: backbone.cut,
        backboneSpec: backbone.spec,
        training,
        labels: classes,
        name: 'Cats and dogs',
        photosPerClass: {
          train: countPerClass(data.labels, split.train, 2),
          validation: countPerClass(data.labels, split.validation, 2),
        },
        flipAugmentation: false,
        ood,
        date: new Date('2025-01-02T03:04:05Z'),
      });
      const { result, io } = await runExported(exported.bytes);
      expect(io.outputs.map((o) => [o.name, o.shape])).toEqual([
        [PROBABILITIES_OUTPUT, ['batch', 2]],
        [FEATURES_OUTPUT, ['batch', 1336]], // 1,280 pooled + 56 of the residual-stream tap
      ]);
      const probabilities = result[PROBABILITIES_OUTPUT]?.data as Float32Array;
      const expected = predictHead(training.head, data);
      expect(probabilities).toHaveLength(expected.length);
      let worst = 0;
      for (let i = 0; i < expected.length; i++)
        worst = Math.max(worst, Math.abs((probabilities[i] as number) - (expected[i] as number)));
      expect(worst).toBeLessThanOrEqual(1e-5);
      // Trained, not constant: it tells the training photos apart.
      expect(training.train.accuracy).toBeGreaterThan(0.9);
      const features = result[FEATURES_OUTPUT]?.data as Float32Array;
      let featureDiff = 0;
      for (let i = 0; i < features.length; i++)
        featureDiff = Math.max(featureDiff, Math.abs((features[i] as number) - (data.vectors[i] as number)));
      expect(featureDiff).toBeLessThanOrEqual(1e-5);

      // The page's resolver reads everything from the file itself: nothing guessed.
      const resolved = await resolveModelSpec({ modelFileName: 'cats-and-dogs.onnx', modelBytes: exported.bytes, io });
      expect(resolved.spec).toEqual(exported.spec);
      expect(resolved.spec.labels).toEqual(classes);
      expect(resolved.spec.input).toEqual({ ...backbone.spec.input, name: backbone.cut.inputName });
      expect(resolved.spec.output).toEqual({ name: PROBABILITIES_OUTPUT, kind: 'probabilities' });
      expect(resolved.spec.source?.license).toBe(backbone.spec.source?.license || 'NOASSERTION');
      expect(resolved.summary).not.toMatch(/please check/);
      expect(resolved.warnings).toEqual([]);

      const extras = readTrainedModelExtras(exported.bytes);
      expect(extras.training).toMatchObject({
        date: '2025-01-02T03:04:05.000Z',
        backbone: { featureSize: 1336, featureTensor: backbone.cut.featureTensor },
        classes: [
          { label: 'cats', train: 10, validation: 2 },
          { label: 'dogs', train: 10, validation: 2 },
        ],
        hyperParameters: { hiddenUnits, flipAugmentation: false },
      });
      expect(extras.training?.validation?.accuracy).toBe(training.validation?.accuracy);
      expect(extras.ood).toEqual(ood);
    });
  }

  it('npm run model:add registers the exported file unchanged', async () => {
    const split = splitByClass(data.labels, 2, { seed: 2, keys });
    const training = await trainHead(data, split, { seed: 2 });
    const exported = exportTrainedModel({
      cut: backbone.cut,
      backboneSpec: backbone.spec,
      training,
      labels: classes,
      name: 'Cats and dogs',
      photosPerClass: { train: [10, 10], validation: [2, 2] },
      flipAugmentation: false,
    });
    const file = join(out, 'cats-and-dogs.onnx');
    writeFileSync(file, exported.bytes);
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      const added = await modelAdd([file, '--out', join(out, 'models')]);
      expect(added?.spec).toEqual(exported.spec);
      expect(added?.warnings).toEqual([]);
    } finally {
      process.stderr.write = stderr;
    }
    expect(exported.spec.id).toBe('cats-and-dogs');
    expect(readTrainedModelExtras(exported.bytes).training?.head).toBe('Dense 2 softmax');
    expect(readOnnxMetadata(exported.bytes).producerName).toBe(TRAINED_PRODUCER);
  });

  it('the OOD statistics accept the training photos and flag features unlike them', () => {
    const d = data.size;
    const rows = Int32Array.from({ length: data.count }, (_, i) => i);
    const ood = computeOodStats(data, rows);
    for (let i = 0; i < data.count; i++) {
      const judgement = judgeFeatures(ood, data.vectors.subarray(i * d, (i + 1) * d));
      expect(judgement.unlike).toBe(false);
    }
    const far = data.vectors.subarray(0, d).map((v) => v * 6 + 1);
    expect(judgeFeatures(ood, far)).toMatchObject({ unlike: true });
    expect(() => judgeFeatures(ood, new Float32Array(3))).toThrow(`expected ${d} features, got 3`);
  });

  it('mirroring twice gives the photo back, and the mirrored photo embeds differently', async () => {
    const p = pixels[0] as PixelBuffer;
    const back = mirrorPixels(mirrorPixels(p));
    expect(Buffer.compare(Buffer.from(back.data), Buffer.from(p.data))).toBe(0);
    expect(Buffer.compare(Buffer.from(mirrorPixels(p).data), Buffer.from(p.data))).not.toBe(0);
    const mirrored = await embedPixels(backbone.session, backbone.spec, mirrorPixels(p));
    expect(mirrored).not.toEqual(data.vectors.subarray(0, data.size));
  });
});
