/**
 * The training worker's entry (#16): embeds photos through the loaded model cut at its features, trains a head and
 * exports the ONNX file, off the page's thread and beside the inference worker (which keeps classifying).
 *
 * Trap (notes/platform.md): ORT's pthreads re-load the script that started them, so ORT is loaded only through
 * ort-runtime's dynamic import and this entry exposes its API only when it is not a pthread.
 */
import * as Comlink from 'comlink';
import { errorMessage } from '../error-message';
import { type EmbeddingCache, openEmbeddingCache } from './embedding-cache';
import { type PhotoPrepApi, preparePhoto } from './photo-prep';
import type { TrainingFailure, TrainingWorkerApi } from './training-protocol';
import { runTraining, TrainingInputError } from './training-run';
import { embedBlob, noTimings, type OpenBackbone, openBackbone, type PhotoPrep, warmUp } from './worker-backbone';

let cachePromise: Promise<EmbeddingCache> | undefined;
let photoPrep: PhotoPrep | undefined;
/** The call in progress, for cancel. */
let running: AbortController | undefined;

const cache = () => {
  cachePromise ??= openEmbeddingCache();
  return cachePromise;
};

/**
 * Photos decoded and preprocessed in a worker of their own, beside this one's `session.run`; where it cannot start
 * (no nested workers) or stops answering, in this thread as before (the same code: the same tensors).
 */
function prepareInWorker(): PhotoPrep {
  if (photoPrep) return photoPrep;
  let remote: Comlink.Remote<PhotoPrepApi> | undefined;
  // Rejects when the worker fails (its script did not load, or it crashed): the calls waiting on it end too.
  let died: Promise<never> = new Promise(() => undefined);
  try {
    const worker = new Worker(new URL('./photo-prep-worker.ts', import.meta.url), {
      type: 'module',
      name: 'onsight-photo-prep',
    });
    remote = Comlink.wrap<PhotoPrepApi>(worker);
    died = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        remote = undefined;
        reject(new Error('the photo-prep worker stopped'));
      });
    });
    died.catch(() => undefined);
  } catch {
    remote = undefined;
  }
  photoPrep = async (photo, spec, mirror) => {
    if (remote) {
      try {
        return await Promise.race([remote.prepare(photo, spec, mirror), died]);
      } catch {
        remote = undefined;
      }
    }
    return preparePhoto(photo, spec, mirror);
  };
  return photoPrep;
}

function failure(error: unknown, signal: AbortSignal): TrainingFailure {
  if (signal.aborted) return { ok: false, code: 'cancelled', message: 'Training was cancelled.' };
  if (error instanceof TrainingInputError) return { ok: false, code: 'input', message: error.message };
  return { ok: false, code: 'failed', message: `Training failed: ${errorMessage(error)}` };
}

function begin(): AbortController {
  running?.abort();
  running = new AbortController();
  return running;
}

const isFailure = (value: OpenBackbone | TrainingFailure): value is TrainingFailure => 'ok' in value;

const api: TrainingWorkerApi = {
  async prepare(backboneRequest) {
    prepareInWorker();
    try {
      const [backbone] = await Promise.all([openBackbone(backboneRequest), cache()]);
      if (isFailure(backbone)) return;
      await warmUp(backbone);
    } catch {
      // The train or embed call that follows opens it again and reports what went wrong.
    }
  },

  async embed(backboneRequest, photos, onProgress) {
    const controller = begin();
    try {
      const backbone = await openBackbone(backboneRequest);
      if (isFailure(backbone)) return backbone;
      const store = await cache();
      const results = [];
      for (const [i, photo] of photos.entries()) {
        controller.signal.throwIfAborted();
        results.push(await embedBlob(backbone, store, photo));
        onProgress?.({ stage: 'embedding', done: i + 1, total: photos.length });
      }
      const featureSize = results.find((r) => r.ok)?.features.length ?? backbone.cut.featureSize ?? 0;
      return { ok: true, backboneId: backbone.backboneId, featureSize, results };
    } catch (e) {
      return failure(e, controller.signal);
    } finally {
      if (running === controller) running = undefined;
    }
  },

  async train(request, onProgress) {
    const controller = begin();
    try {
      const started = performance.now();
      // The embedding cache (IndexedDB) opens while the model is read and cut.
      const [backbone, store] = await Promise.all([openBackbone(request.backbone), cache()]);
      if (isFailure(backbone)) return backbone;
      const setupMs = performance.now() - started;
      const timings = noTimings();
      const prepare = prepareInWorker();
      const output = await runTraining({
        classNames: request.classNames,
        labels: request.photos.map((p) => p.label),
        embed: (i) => embedBlob(backbone, store, request.photos[i]?.file as Blob, false, timings, prepare),
        embedMirrored: request.flipAugmentation
          ? (i) => embedBlob(backbone, store, request.photos[i]?.file as Blob, true, timings, prepare)
          : undefined,
        cut: backbone.cut,
        backboneSpec: backbone.spec,
        name: request.name,
        signal: controller.signal,
        onProgress,
        hyperParameters: request.hyperParameters,
      });
      const workerMs = performance.now() - started;
      const { phases, ...result } = output;
      const { idleSince: _, ...embedTimings } = timings;
      const outcome = {
        ok: true as const,
        ...result,
        backboneId: backbone.backboneId,
        timings: { ...embedTimings, ...phases, setupMs, setup: backbone.setup, workerMs },
      };
      return Comlink.transfer(outcome, [output.bytes.buffer]);
    } catch (e) {
      return failure(e, controller.signal);
    } finally {
      if (running === controller) running = undefined;
    }
  },

  async cancel() {
    running?.abort();
  },
};

if (!self.name?.startsWith('em-pthread')) Comlink.expose(api);
