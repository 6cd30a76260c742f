/**
 * The spec editor's live check in the worker (previewPhoto), through real onnxruntime-web on a tiny in-memory model:
 * the draft's input drawn back, its top classes, and plain words when the draft does not fit the model. Only what
 * Node lacks is stubbed: `self`, and createImageBitmap/OffscreenCanvas for the decode.
 */
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ActiveModel, loadModel } from '../../src/inference/load-model';
import { previewPhoto } from '../../src/inference/preview-photo';
import type { ModelSpec } from '../../src/model/spec';
import { buildTinyClassifier } from '../helpers/tiny-models';

ort.env.wasm.numThreads = 1;

/** What the stubbed canvas reads back: the decode keeps its canvas between photos, so the stub reads this at call time. */
let stubPixels = new Uint8ClampedArray();

/** A decoder yielding a width×height photo in three bands: the left quarter red, the middle green, the right blue. */
function stubDecoder(width: number, height: number) {
  stubPixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    stubPixels.set(x < width / 4 ? [255, 0, 0, 255] : x < (width * 3) / 4 ? [0, 255, 0, 255] : [0, 0, 255, 255], i * 4);
  }
  vi.stubGlobal('createImageBitmap', async () => ({ width, height, close() {} }));
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      getContext() {
        return { clearRect() {}, drawImage() {}, getImageData: () => ({ data: stubPixels }) };
      }
    },
  );
}

const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0])], { type: 'image/jpeg' });
let active: ActiveModel;
let spec: ModelSpec;

beforeAll(async () => {
  vi.stubGlobal('self', { crossOriginIsolated: false, name: '' });
  const tiny = buildTinyClassifier({ output: 'probabilities', height: 8, width: 8 });
  const files = [new File([new Uint8Array(tiny.bytes)], 'tiny.onnx'), new File(['red\ngreen\nblue'], 'labels.txt')];
  const loaded = await loadModel({ source: { kind: 'files', files }, backend: 'wasm', backendReason: 'test' });
  if (!loaded.ok) throw new Error(loaded.message);
  active = loaded.active;
  spec = loaded.model.spec;
});

afterAll(async () => {
  await active?.raw.release();
  vi.unstubAllGlobals();
});

describe('previewPhoto', () => {
  it('draws what the model sees and ranks the classes, with the draft in place of the model’s own spec', async () => {
    stubDecoder(40, 20);
    const squish = await previewPhoto(active, photo, { ...spec, input: { ...spec.input, resize: 'squish' } }, 3);
    expect(squish.problem).toBeUndefined();
    expect(squish.seen).toMatchObject({ width: 8, height: 8 });
    expect(squish.predictions.map((p) => p.label).sort()).toEqual(['blue', 'green', 'red']);
    // Squished, the whole photo is there: red on the left, blue on the right.
    const at = (x: number, y: number) =>
      Array.from(squish.seen?.data.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 3) ?? []);
    const [left, right] = [at(0, 4), at(7, 4)] as [number[], number[]];
    expect(left[0]).toBeGreaterThan((left[2] ?? 0) + 100);
    expect(right[2]).toBeGreaterThan((right[0] ?? 0) + 100);
    // A centre crop of the 2:1 photo keeps its green middle only.
    const crop = await previewPhoto(
      active,
      photo,
      { ...spec, input: { ...spec.input, resize: 'crop', cropFraction: 1 } },
      3,
    );
    for (const x of [0, 7]) {
      const [r, g, b] = Array.from(crop.seen?.data.subarray((4 * 8 + x) * 4, (4 * 8 + x) * 4 + 3) ?? []) as number[];
      expect(g, `x=${x}`).toBeGreaterThan(Math.max(r ?? 0, b ?? 0) + 100);
    }
  });

  it('says when the labels do not match the scores, and when the model does not take the input', async () => {
    stubDecoder(40, 20);
    const twoLabels = await previewPhoto(active, photo, { ...spec, labels: ['cat', 'dog'] }, 3);
    expect(twoLabels.problem).toBe('The model gives scores for 3 classes, but there are 2 labels');
    const wrongSize = await previewPhoto(active, photo, { ...spec, input: { ...spec.input, width: 16 } }, 3);
    expect(wrongSize.seen).toMatchObject({ width: 16, height: 8 });
    expect(wrongSize.predictions).toEqual([]);
    expect(wrongSize.problem).toMatch(/^The model does not take its input this way — check the size/);
  });

  it('a photo it cannot use, or no model, is said in plain words', async () => {
    expect(await previewPhoto(active, new Blob([]), spec, 3)).toEqual({
      predictions: [],
      problem: 'This file is empty',
    });
    stubDecoder(4, 4);
    expect((await previewPhoto(undefined, photo, spec, 3)).problem).toBe('No model is loaded yet');
  });
});
