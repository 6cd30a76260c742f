/**
 * The inference worker's entry: wires the worker's jobs to comlink. It decodes photos, runs the model with
 * onnxruntime-web and returns ranked predictions; each job lives in its own module (ort-runtime, load-model,
 * model-fetch, model-sidecars, model-session, photo-decode, classify-photo, pixel-thumbnail, preview-photo, gpu-probe,
 * debug-hooks).
 *
 * Trap (see notes/platform.md): ORT starts its pthreads with `new Worker(import.meta.url, { name: 'em-pthread…' })`,
 * which re-loads the script that started them. ORT is therefore loaded only through dynamic `import()` (its own
 * chunk, which is what the threads load; see ort-runtime), and this entry exposes its API only when it is not a
 * pthread.
 */
import * as Comlink from 'comlink';
import { classifyPhoto } from './classify-photo';
import { debugWorker } from './debug-hooks';
import { probeGpu } from './gpu-probe';
import { holdLifeLock } from './life-lock';
import { type ActiveModel, loadModel } from './load-model';
import { thumbnailOfDecoded } from './pixel-thumbnail';
import { prestartRequestOf } from './prestart';
import { previewPhoto } from './preview-photo';
import type { WorkerApi } from './protocol';
import { ThumbnailTickets } from './thumbnail-tickets';
import { prestartRuntime } from './worker-prestart';

/** The model classify uses; replaced only by a load that succeeded. */
let active: ActiveModel | undefined;
/** Thumbnails made after their photo's answer, until the client takes them. */
const thumbnails = new ThumbnailTickets(thumbnailOfDecoded);

const isPthread = self.name?.startsWith('em-pthread') === true;
// The page's first worker says in its name which ORT build to start: start it now, before the load request arrives.
const prestartRequest = isPthread ? undefined : prestartRequestOf(self.name);
const prestartedProbe = prestartRequest ? prestartRuntime(prestartRequest) : undefined;

const api: WorkerApi = {
  // Under `auto` the prestart probed already; the client's probe gets that answer (and ORT's start matches it).
  probeGpu: () => prestartedProbe ?? probeGpu(),
  async loadModel(request, onProgress) {
    const loaded = await loadModel(request, onProgress);
    if (!loaded.ok) return loaded;
    const previous = active;
    active = loaded.active;
    if (previous && previous.raw !== active.raw) await previous.raw.release().catch(() => undefined);
    return { ok: true, model: loaded.model };
  },
  classify: (photo, topK, thumbnail) =>
    classifyPhoto(active, photo, topK, thumbnail ? { request: thumbnail, tickets: thumbnails } : undefined),
  thumbnail: (ticket) => thumbnails.take(ticket),
  preview: (photo, spec, topK) => previewPhoto(active, photo, spec, topK),
  holdLifeLock: (name) => holdLifeLock(name),
  async debug(action) {
    debugWorker(action);
  },
};

if (!isPthread) Comlink.expose(api);
