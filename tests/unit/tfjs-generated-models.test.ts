/**
 * TF.js layers models made here with @tensorflow/tfjs — Teachable Machine's topology around MobileNet v2 and v1 with
 * random weights, a grayscale export, a 96-px export, and a plain (non-TM) model in two shards with a labels.txt —
 * go through the page's conversion (src/convert/convert-user-model.ts) and then give TF.js's own outputs within 1e-4
 * on the same tensor in onnxruntime-web, with the spec their files describe.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { convertUserModel } from '../../src/convert/convert-user-model';
import { type ResolvedModelSpec, resolveModelSpec } from '../../src/model/resolve-spec';
import type { ModelSpec } from '../../src/model/spec';
import { createSession, ort } from '../helpers/ort-node';
import {
  exportFiles,
  given,
  mobileNetV1,
  mobileNetV2,
  teachableMachineMetadata,
  teachableMachineModel,
  testImages,
} from '../helpers/tfjs-models';

const LABELS = ['cat', 'dog', 'fish'];

/** Converts the files and runs ONNX Runtime and TF.js on the same images; returns the spec and the largest gap. */
async function convertAndCompare(
  model: tf.LayersModel,
  files: Record<string, string | Uint8Array>,
  images: number,
): Promise<{ spec: ModelSpec; summary: string; maxDiff: number; onThePage: ResolvedModelSpec }> {
  const converted = await convertUserModel(given(files, 'my_model'));
  const [, size, , channels] = (model.inputs[0]?.shape ?? []) as number[];
  if (!size || !channels) throw new Error('the model has no image input');
  const shape = [images, size, size, channels];
  const pixels = testImages(images, size, channels);

  const expected = (await (model.predict(tf.tensor(pixels, shape)) as tf.Tensor).data()) as Float32Array;
  const { session, io } = await createSession(converted.onnx);
  expect(io.inputs[0]?.shape).toEqual(['batch', size, size, channels]);
  const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', pixels, shape) });
  const actual = out[session.outputNames[0] as string]?.data as Float32Array;
  await session.release();
  // What the page makes of the converted file: its embedded spec, completed from the model's inputs/outputs.
  const onThePage = await resolveModelSpec({ modelFileName: converted.fileName, modelBytes: converted.onnx, io });

  expect(actual.length).toBe(expected.length);
  // The images must tell apart in TF.js's output, or agreeing on them would prove nothing.
  const perImage = expected.length / images;
  const gap = (k: number) => Math.abs((expected[k] as number) - (expected[k + perImage] as number));
  const spread = Math.max(...Array.from({ length: perImage }, (_, k) => gap(k)));
  expect(spread, 'TF.js gives the test images different outputs').toBeGreaterThan(1e-3);
  const maxDiff = Math.max(...actual.map((v, i) => Math.abs(v - (expected[i] as number))));
  expect(onThePage.spec).toEqual(converted.spec);
  return { spec: converted.spec, summary: converted.summary, maxDiff, onThePage };
}

describe('generated TF.js layers models convert to ONNX that matches TF.js within 1e-4', () => {
  it('Teachable Machine topology: MobileNetV2 (α 0.35) + GAP, Dense 100 relu → Dense 3 softmax without bias', async () => {
    const model = teachableMachineModel(mobileNetV2(224, 3, 0.35), 3);
    const { modelJson, weightsBin } = await exportFiles(model);
    const { spec, maxDiff } = await convertAndCompare(
      model,
      { 'model.json': modelJson, 'weights.bin': weightsBin, 'metadata.json': teachableMachineMetadata(LABELS) },
      2,
    );
    expect(maxDiff).toBeLessThan(1e-4);
    expect(spec).toMatchObject({ id: 'generated', name: 'Generated', labels: LABELS });
    expect(spec.input).toMatchObject({ layout: 'nhwc', width: 224, height: 224, scale: 1 / 127, mean: [1, 1, 1] });
    expect(spec.input.channels).toBeUndefined();
  }, 180_000);

  it('an older export: MobileNet v1 (α 0.25) under the same head', async () => {
    const model = teachableMachineModel(mobileNetV1(224, 3, 0.25), 3);
    const { modelJson, weightsBin } = await exportFiles(model);
    const { maxDiff } = await convertAndCompare(
      model,
      { 'model.json': modelJson, 'weights.bin': weightsBin, 'metadata.json': teachableMachineMetadata(LABELS) },
      2,
    );
    expect(maxDiff).toBeLessThan(1e-4);
  }, 180_000);

  it('a grayscale export (metadata.grayscale): one channel in, one luma channel fed', async () => {
    const model = teachableMachineModel(mobileNetV1(224, 1, 0.25), 2);
    const { modelJson, weightsBin } = await exportFiles(model);
    const metadata = teachableMachineMetadata(['dark', 'light'], { grayscale: true });
    const { spec, maxDiff } = await convertAndCompare(
      model,
      { 'model.json': modelJson, 'weights.bin': weightsBin, 'metadata.json': metadata },
      2,
    );
    expect(maxDiff).toBeLessThan(1e-4);
    expect(spec.input.channels).toBe(1);
    expect(spec.labels).toEqual(['dark', 'light']);
  }, 180_000);

  it('a 96-px export (metadata.imageSize 96)', async () => {
    const model = teachableMachineModel(mobileNetV2(96, 3, 0.35), 4);
    const { modelJson, weightsBin } = await exportFiles(model);
    const metadata = teachableMachineMetadata(['a', 'b', 'c', 'd'], { imageSize: 96 });
    const { spec, maxDiff } = await convertAndCompare(
      model,
      { 'model.json': modelJson, 'weights.bin': weightsBin, 'metadata.json': metadata },
      3,
    );
    expect(maxDiff).toBeLessThan(1e-4);
    expect(spec.input).toMatchObject({ width: 96, height: 96, resize: 'crop', cropFraction: 1 });
  }, 180_000);

  it('any TF.js layers model: weights in two shards, labels from labels.txt, preprocessing left to check', async () => {
    const model = teachableMachineModel(mobileNetV2(64, 3, 0.35), 3);
    const { modelJson, weightsBin } = await exportFiles(model);
    const half = Math.floor(weightsBin.byteLength / 2);
    const json = JSON.parse(modelJson);
    json.weightsManifest[0].paths = ['group1-shard1of2', 'group1-shard2of2'];
    const { spec, summary, maxDiff, onThePage } = await convertAndCompare(
      model,
      {
        'model.json': JSON.stringify(json),
        'group1-shard1of2': weightsBin.slice(0, half),
        'group1-shard2of2': weightsBin.slice(half),
        'labels.txt': 'red\ngreen\nblue\n',
      },
      2,
    );
    expect(maxDiff).toBeLessThan(1e-4);
    expect(spec).toMatchObject({ id: 'tf-js-model', name: 'TF.js model', labels: ['red', 'green', 'blue'] });
    expect(spec.source?.license).toBe('not stated');
    expect(summary).toContain('labels from labels.txt');
    expect(summary).toContain('preprocessing from defaults');
    expect(summary).toMatch(/please check$/);
    // Guesses are not written into the file as facts: the page still asks the user to check them.
    expect(onThePage.summary).toContain('preprocessing from defaults');
    expect(onThePage.summary).toMatch(/please check$/);
  }, 180_000);
});
