/**
 * The floor's photo tensors (bench/pages/floor-input-spec.ts): made with the input spec embedded in the model, they
 * must be the very tensor the app's pipeline feeds for the same pixels, or `floor.run.photo` would time another input.
 * Real models and photos; the tensors compared bit for bit.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { embeddedInputSpec } from '../../bench/pages/floor-input-spec';
import { decodeImageFile, loadNodeModel } from '../../src/node/classify-file';
import { preprocess } from '../../src/vision/pipeline';
import { Preprocessor } from '../../src/vision/preprocess';

vi.setConfig({ testTimeout: 60_000 });

const repo = fileURLToPath(new URL('../..', import.meta.url));
const shared = process.env.ONSIGHT_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const haveShared = existsSync(`${shared}/photos/dog.jpg`);
if (!haveShared && process.env.CI === 'true') throw new Error(`CI: the shared test data is missing (${shared})`);
const defaultModel = `${repo}/public/models/default/model.onnx`;

describe('floor input spec', () => {
  it.skipIf(!haveShared)('the default model: the floor makes the tensor the app makes', async () => {
    const bytes = new Uint8Array(await readFile(defaultModel));
    const input = embeddedInputSpec(bytes);
    if (typeof input === 'string') throw new Error(input);
    const app = await loadNodeModel(defaultModel);
    for (const photo of ['dog', 'eagle']) {
      const pixels = await decodeImageFile(`${shared}/photos/${photo}.jpg`);
      const floor = new Preprocessor(input).run(pixels);
      const ours = preprocess(app.spec, pixels);
      expect(floor.dims).toEqual(ours.dims);
      expect(floor.type).toBe(ours.type);
      expect(Buffer.from(floor.data.buffer).equals(Buffer.from(ours.data.buffer))).toBe(true);
    }
    await app.ort.release();
  });

  it.skipIf(!existsSync(`${shared}/models/imagenet-mobilenetv2-zoo/model.onnx`))(
    'a plain ONNX file (no OnSight spec) says why there is no photo tensor',
    async () => {
      const bytes = new Uint8Array(await readFile(`${shared}/models/imagenet-mobilenetv2-zoo/model.onnx`));
      expect(embeddedInputSpec(bytes)).toBe('the model has no onsight.spec metadata');
    },
  );
});
