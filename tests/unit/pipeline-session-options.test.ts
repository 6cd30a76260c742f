/**
 * The app's ORT session options (src/inference/ort-runtime.ts createSession, with SESSION_CONFIG: ORT's intra-op
 * threads stop spinning when a run returns) change when threads idle, never what a model computes: real models, real
 * photos, every score bit for bit against a session with ORT's defaults. Also that ORT takes the config entries as
 * given (a session is created with them, not refused).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { describe, expect, it, vi } from 'vitest';
import { createSession, type Ort, SESSION_CONFIG } from '../../src/inference/ort-runtime';
import { decodeImageFile, loadNodeModel } from '../../src/node/classify-file';
import { adaptOrtSession, classifyPixels } from '../../src/vision/pipeline';

ort.env.wasm.numThreads = 1;
vi.setConfig({ testTimeout: 120_000 });

const repo = fileURLToPath(new URL('../..', import.meta.url));
const shared = process.env.ONSIGHT_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const haveShared = existsSync(`${shared}/models/imagenet-mobilenetv2-zoo/model.onnx`);
if (!haveShared && process.env.CI === 'true') throw new Error(`CI: the shared test data is missing (${shared})`);

describe('session options', () => {
  it('asks ORT to stop spinning its threads between runs', () => {
    expect(SESSION_CONFIG).toEqual({ session: { force_spinning_stop: '1' } });
  });

  it.skipIf(!haveShared).each([
    { name: 'default', path: `${repo}/public/models/default/model.onnx` },
    { name: 'zoo', path: `${shared}/models/imagenet-mobilenetv2-zoo/model.onnx` },
  ])('$name model: the same scores as ORT defaults, bit for bit', async ({ path }) => {
    const reference = await loadNodeModel(path);
    const bytes = new Uint8Array(await readFile(path));
    const raw = await createSession(ort as unknown as Ort, bytes, 'wasm');
    const app = adaptOrtSession(ort, raw);
    for (const photo of ['dog', 'eagle']) {
      const pixels = await decodeImageFile(`${shared}/photos/${photo}.jpg`);
      // Twice on the app's session: the second run starts after ORT stopped the threads' spinning.
      for (let i = 0; i < 2; i++) {
        const ours = await classifyPixels(app, reference.spec, pixels, 0);
        const theirs = await classifyPixels(reference.session, reference.spec, pixels, 0);
        expect(ours.predictions).toEqual(theirs.predictions);
      }
    }
    await raw.release();
    await reference.ort.release();
  });
});
