/**
 * The training worker's backbone: the loaded model read again from where the page loaded it, cut at its feature
 * point, run in its own onnxruntime-web session (ORT through ort-runtime's dynamic import: the pthread trap of
 * notes/platform.md), and photos embedded through it with the inference worker's decode, each embedding cached by
 * backbone id + content hash.
 */
import { errorMessage } from '../error-message';
import { readModelFile } from '../inference/model-fetch';
import { createSession, type OrtSession, startRuntime, workerThreadCount } from '../inference/ort-runtime';
import type { ModelSpec } from '../model/spec';
import { adaptOrtSession, preprocessorFor, type TensorSession } from '../vision/pipeline';
import type { PixelBuffer } from '../vision/resize';
import { type BackboneCut, cutBackbone, NoFeaturePointError } from './backbone-cut';
import { embedPixels, embedTensor } from './embed';
import { backboneIdOf, type EmbeddingCache, sha256Hex } from './embedding-cache';
import { lapTimer } from './lap-timer';
import { type PreparedPhoto, preparePhoto } from './photo-prep';
import type { BackboneRequest, SetupTimings, TrainingFailure } from './training-protocol';
import type { EmbedResult } from './training-run';

/** Where a run's time went in the worker (for the summary and the bench): photos decoded and run, or cached. */
export interface EmbedTimings {
  /** Decoding, summed per photo; it overlaps the backbone's runs (photos are decoded ahead), so it is not on the clock. */
  decodeMs: number;
  runMs: number;
  /** The first `session.run` of the run (a fresh session's first is slower). */
  firstRunMs: number;
  /** The backbone idle between runs, waiting for the next photo's pixels (hash, cache, decode not yet overlapped). */
  idleMs: number;
  /** Of which before the first run (the first photo hashed, looked up and decoded with nothing to overlap). */
  firstIdleMs: number;
  embedded: number;
  fromCache: number;
  /** When the backbone last finished (or the embedding started): where the next idle time counts from. */
  idleSince: number;
}

export const noTimings = (): EmbedTimings => ({
  decodeMs: 0,
  runMs: 0,
  firstRunMs: 0,
  idleMs: 0,
  firstIdleMs: 0,
  embedded: 0,
  fromCache: 0,
  idleSince: performance.now(),
});

export interface OpenBackbone {
  backboneId: string;
  cut: BackboneCut;
  spec: ModelSpec;
  raw: OrtSession;
  session: TensorSession;
  /** One `session.run` at a time; decoding the next photo overlaps it. */
  runLock: Promise<unknown>;
  /** What opening it cost (only `readMs` when the open one was reused, nothing when its source was the same). */
  setup: SetupTimings;
  /** What it was opened for (its model source and spec). */
  request: BackboneRequest;
}

let current: OpenBackbone | undefined;

/** Part of the cache key: bump it when cutBackbone changes which features it gives (2: the residual tap appended). */
const CUT_VERSION = 2;

/** The open in progress: opens run one after another, so a train call during a prepare reuses its session. */
let opening: Promise<unknown> = Promise.resolve();

/** The backbone for `request`, reusing the open one when its id (bytes + preprocessing) is the same. */
export function openBackbone(request: BackboneRequest): Promise<OpenBackbone | TrainingFailure> {
  const next = opening.then(() => openNow(request));
  opening = next.catch(() => undefined);
  return next;
}

/**
 * One `session.run` on a blank photo, so the first real photo does not pay for the session's first run (measured
 * 137 ms against ~65 ms for the next ones); for a backbone opened ahead of the Train click.
 */
export async function warmUp(backbone: OpenBackbone): Promise<void> {
  const blank: PixelBuffer = { data: new Uint8Array(8 * 8 * 4).fill(128), width: 8, height: 8, channels: 4 };
  const run = backbone.runLock.then(() => embedPixels(backbone.session, backbone.spec, blank));
  backbone.runLock = run.catch(() => undefined);
  await run;
}

/**
 * The same model as the open backbone's, without reading it again: the same URL (the page loaded it from there once;
 * the backbone must be what the page classifies with), or the same picked files (name, size and date: a File is a
 * snapshot), and the same input spec. Reading and hashing it cost 20 ms–1 s a Train click here.
 */
function sameSource(open: OpenBackbone, request: BackboneRequest): boolean {
  const [a, b] = [open.request.source, request.source];
  if (JSON.stringify(open.request.spec.input) !== JSON.stringify(request.spec.input)) return false;
  if (a.kind === 'url' || b.kind === 'url') return a.kind === 'url' && b.kind === 'url' && a.url === b.url;
  const signature = (files: File[]) => files.map((f) => `${f.name}/${f.size}/${f.lastModified}`).join('|');
  return signature(a.files) === signature(b.files);
}

async function openNow(request: BackboneRequest): Promise<OpenBackbone | TrainingFailure> {
  if (current && sameSource(current, request)) {
    current.setup = { readMs: 0, cutMs: 0, runtimeMs: 0, sessionMs: 0 };
    return current;
  }
  const lap = lapTimer();
  const read = await readModelFile(request.source);
  if (!read.ok) return { ok: false, code: 'model', message: `Could not read the model: ${read.message}` };
  const bytes = read.file.bytes;
  const backboneId = await backboneIdOf(bytes, { input: request.spec.input, cut: CUT_VERSION });
  const setup: SetupTimings = { readMs: lap(), cutMs: 0, runtimeMs: 0, sessionMs: 0 };
  if (current?.backboneId === backboneId) {
    current.setup = setup;
    current.request = request;
    return current;
  }
  let cut: BackboneCut;
  try {
    cut = cutBackbone(bytes);
    setup.cutMs = lap();
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
  setup.runtimeMs = lap();
  let raw: OrtSession;
  try {
    raw = await createSession(started.ort, cut.bytes, 'wasm');
    setup.sessionMs = lap();
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
    setup,
    request,
  };
  await previous?.raw.release().catch(() => undefined);
  return current;
}

/** Decodes and preprocesses a photo: {@link preparePhoto} here, or the same in the photo-prep worker. */
export type PhotoPrep = (photo: Blob, spec: ModelSpec, mirror: boolean) => Promise<PreparedPhoto>;

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
  prepare: PhotoPrep = preparePhoto,
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
  const prepared = await prepare(photo, backbone.spec, mirror);
  timings.decodeMs += performance.now() - t0;
  if (!prepared.ok) return { ok: false, message: prepared.message };
  const { tensor } = prepared;
  const run = backbone.runLock.then(async () => {
    const t1 = performance.now();
    const idle = Math.max(0, t1 - timings.idleSince);
    timings.idleMs += idle;
    if (timings.firstRunMs === 0) timings.firstIdleMs = idle;
    const features = await embedTensor(backbone.session, backbone.spec, tensor);
    // Its buffer serves the next photo prepared in this thread.
    preprocessorFor(backbone.spec).release(tensor);
    const t2 = performance.now();
    if (timings.firstRunMs === 0) timings.firstRunMs = t2 - t1;
    timings.runMs += t2 - t1;
    timings.idleSince = t2;
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
