/**
 * The training worker's backbone: the loaded model read again from where the page loaded it, cut at its feature
 * point, run in its own onnxruntime-web session (ORT through ort-runtime's dynamic import: the pthread trap of
 * notes/platform.md), and photos embedded through it with the inference worker's decode, each embedding cached by
 * backbone id + content hash.
 */
import { errorMessage } from '../error-message';
import { readModelFile } from '../inference/model-fetch';
import { createSession, type OrtSession, startRuntime, workerThreadCount } from '../inference/ort-runtime';
import { decodePhoto } from '../inference/photo-decode';
import type { ModelSpec } from '../model/spec';
import { adaptOrtSession, type TensorSession } from '../vision/pipeline';
import { type BackboneCut, cutBackbone, NoFeaturePointError } from './backbone-cut';
import { embedPixels, mirrorPixels } from './embed';
import { backboneIdOf, type EmbeddingCache, sha256Hex } from './embedding-cache';
import type { BackboneRequest, TrainingFailure } from './training-protocol';
import type { EmbedResult } from './training-run';

/** Where a run's time went in the worker (for the summary and the bench): photos decoded and run, or cached. */
export interface EmbedTimings {
  decodeMs: number;
  runMs: number;
  embedded: number;
  fromCache: number;
}

export const noTimings = (): EmbedTimings => ({ decodeMs: 0, runMs: 0, embedded: 0, fromCache: 0 });

export interface OpenBackbone {
  backboneId: string;
  cut: BackboneCut;
  spec: ModelSpec;
  raw: OrtSession;
  session: TensorSession;
  /** One `session.run` at a time; decoding the next photo overlaps it. */
  runLock: Promise<unknown>;
}

let current: OpenBackbone | undefined;

/** Part of the cache key: bump it when cutBackbone changes which features it gives (2: the residual tap appended). */
const CUT_VERSION = 2;

/** The backbone for `request`, reusing the open one when its id (bytes + preprocessing) is the same. */
export async function openBackbone(request: BackboneRequest): Promise<OpenBackbone | TrainingFailure> {
  const read = await readModelFile(request.source);
  if (!read.ok) return { ok: false, code: 'model', message: `Could not read the model: ${read.message}` };
  const bytes = read.file.bytes;
  const backboneId = await backboneIdOf(bytes, { input: request.spec.input, cut: CUT_VERSION });
  if (current?.backboneId === backboneId) return current;
  let cut: BackboneCut;
  try {
    cut = cutBackbone(bytes);
  } catch (e) {
    const code = e instanceof NoFeaturePointError ? 'no-feature-point' : 'model';
    const message =
      e instanceof NoFeaturePointError
        ? `${request.spec.name} cannot be trained on: ${e.message.replace(/^cannot use this model as a backbone: /, '')}. Choose a model that ends in a classifier on pooled features (for example the default model or a MobileNet).`
        : `Could not read the model's graph: ${errorMessage(e)}`;
    return { ok: false, code, message };
  }
  const started = await startRuntime('wasm', workerThreadCount(undefined));
  if (!started.ok) return { ok: false, code: 'model', message: started.failure.message };
  let raw: OrtSession;
  try {
    raw = await createSession(started.ort, cut.bytes, 'wasm');
  } catch (e) {
    return { ok: false, code: 'model', message: `The model's features could not be run: ${errorMessage(e)}` };
  }
  const previous = current;
  current = {
    backboneId,
    cut,
    spec: request.spec,
    raw,
    session: adaptOrtSession(started.ort, raw),
    runLock: Promise.resolve(),
  };
  await previous?.raw.release().catch(() => undefined);
  return current;
}

/**
 * One photo's features (of its mirror image with `mirror`): from the cache, else decoded and run through the backbone
 * (and cached). The key is the photo's content hash either way.
 */
export async function embedBlob(
  backbone: OpenBackbone,
  cache: EmbeddingCache,
  photo: Blob,
  mirror = false,
  timings: EmbedTimings = noTimings(),
): Promise<EmbedResult> {
  let key: string;
  try {
    key = await sha256Hex(await photo.arrayBuffer());
  } catch (e) {
    return { ok: false, message: `This file could not be read: ${errorMessage(e)}` };
  }
  const cacheKey = mirror ? `${key}:mirror` : key;
  const cached = await cache.get(backbone.backboneId, cacheKey);
  if (cached) {
    timings.fromCache++;
    return { ok: true, features: cached, key };
  }
  const t0 = performance.now();
  // Decoded as classifying decodes (small, to about the model's input): the features the exported model sees later.
  const decoded = await decodePhoto(photo, { input: backbone.spec.input });
  timings.decodeMs += performance.now() - t0;
  if (!decoded.ok) return { ok: false, message: decoded.message };
  const pixels = mirror ? mirrorPixels(decoded.pixels) : decoded.pixels;
  const run = backbone.runLock.then(async () => {
    const t1 = performance.now();
    const features = await embedPixels(backbone.session, backbone.spec, pixels);
    timings.runMs += performance.now() - t1;
    return features;
  });
  backbone.runLock = run.catch(() => undefined);
  try {
    const features = await run;
    timings.embedded++;
    await cache.put(backbone.backboneId, cacheKey, features);
    return { ok: true, features, key };
  } catch (e) {
    return { ok: false, message: `The model failed on this photo: ${errorMessage(e)}` };
  }
}
