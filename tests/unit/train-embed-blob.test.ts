/**
 * The training worker's per-photo step (src/train/worker-backbone.ts `embedBlob`) in Node with the real default
 * backbone: a photo prepared elsewhere (as the photo-prep worker does: decoded, mirrored, preprocessed into a tensor)
 * gives exactly the features embedPixels gives for the same pixels, the tensor's buffer is reused, the features are
 * cached under the content hash (the mirror under its own key), and a photo that cannot be prepared says why.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/classify-file';
import { embedPixels, mirrorPixels } from '../../src/train/embed';
import type { EmbeddingCache } from '../../src/train/embedding-cache';
import { embedBlob, noTimings, type OpenBackbone, type PhotoPrep } from '../../src/train/worker-backbone';
import { preprocess } from '../../src/vision/pipeline';
import { type Backbone, haveDataset, listPhotoFolder, loadBackbone } from '../helpers/train-backbones';

describe.skipIf(!haveDataset('pets-small'))('embedBlob with a prepared tensor (default backbone)', () => {
  let backbone: Backbone;
  let open: OpenBackbone;
  let path: string;

  beforeAll(async () => {
    backbone = await loadBackbone('default');
    open = {
      backboneId: 'test',
      cut: backbone.cut,
      spec: backbone.spec,
      raw: undefined as never,
      session: backbone.session,
      runLock: Promise.resolve(),
      setup: { readMs: 0, cutMs: 0, runtimeMs: 0, sessionMs: 0 },
      request: { source: { kind: 'url', url: 'test.onnx' }, spec: backbone.spec },
    };
    path = (listPhotoFolder('pets-small').files[0] as { path: string }).path;
  }, 120_000);

  it('gives embedPixels features, caches them by content hash, and mirrors under their own key', async () => {
    const stored = new Map<string, Float32Array>();
    const cache: EmbeddingCache = {
      get: async (_, key) => stored.get(key),
      put: async (_, key, features) => void stored.set(key, features),
    };
    const pixels = await decodeImageFile(path);
    const prepare: PhotoPrep = async (_photo, spec, mirror) => ({
      ok: true,
      tensor: preprocess(spec, mirror ? mirrorPixels(pixels) : pixels),
    });
    const photo = new Blob([readFileSync(path)]);
    const timings = noTimings();
    const plain = await embedBlob(open, cache, photo, false, timings, prepare);
    const mirrored = await embedBlob(open, cache, photo, true, timings, prepare);
    expect(plain.ok && mirrored.ok).toBe(true);
    if (!plain.ok || !mirrored.ok) return;
    expect(Array.from(plain.features)).toEqual(Array.from(await embedPixels(backbone.session, backbone.spec, pixels)));
    const mirrorWant = await embedPixels(backbone.session, backbone.spec, mirrorPixels(pixels));
    expect(Array.from(mirrored.features)).toEqual(Array.from(mirrorWant));
    expect(mirrored.key).toBe(plain.key);
    expect([...stored.keys()]).toEqual([plain.key, `${plain.key}:mirror`]);
    expect(timings).toMatchObject({ embedded: 2, fromCache: 0 });
    expect(timings.firstRunMs).toBeGreaterThan(0);
    const again = await embedBlob(open, cache, photo, false, timings, prepare);
    expect(again.ok && Array.from(again.features)).toEqual(Array.from(plain.features));
    expect(timings).toMatchObject({ embedded: 2, fromCache: 1 });
  }, 120_000);

  it('passes on why a photo could not be prepared, and caches nothing for it', async () => {
    const stored = new Map<string, Float32Array>();
    const cache: EmbeddingCache = {
      get: async (_, key) => stored.get(key),
      put: async (_, key, features) => void stored.set(key, features),
    };
    const broken: PhotoPrep = async () => ({ ok: false, message: 'This JPEG is damaged or incomplete' });
    const result = await embedBlob(open, cache, new Blob(['not a photo']), false, noTimings(), broken);
    expect(result).toEqual({ ok: false, message: 'This JPEG is damaged or incomplete' });
    expect(stored.size).toBe(0);
  });
});
