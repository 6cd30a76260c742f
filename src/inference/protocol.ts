/**
 * Messages between ClassifierClient (main thread) and the inference worker, over comlink. Failures come back as
 * values (`{ ok: false, code, message }`), not thrown errors, because comlink keeps only an Error's message.
 */
import type { ModelSpec } from '../model/spec';
import type { ThumbnailRequest } from './pixel-thumbnail';
import type { Backend, ClassifyErrorCode, ClassifyResult, LoadedModel, ModelSource, SpecPreview } from './types';

/** A model source as the worker receives it: the client's ModelSource with URLs already absolute (the worker's base URL is its script's). */
export type WorkerModelSource = ModelSource;

export interface WorkerLoadRequest {
  source: WorkerModelSource;
  backend: Backend;
  /** Why this backend (echoed into the result unless a comparison changes the choice). */
  backendReason: string;
  /** With backend webgpu: also build a WASM session, check both agree and keep the faster (`auto`). */
  compareWithWasm?: boolean;
  /**
   * ORT's WASM thread count (1..16). The worker uses it only where `crossOriginIsolated` allows threads (else 1);
   * absent, it picks min(4, cores).
   */
  threads?: number;
  /** Model files larger than this are refused before they are read (default: model-fetch's DEFAULT_MAX_MODEL_BYTES). */
  maxModelBytes?: number;
  /** Decode every photo at full size, never reduced (exact against the Node pipeline; slower on large photos). */
  fullSizeDecode?: boolean;
}

/** What the client hands the UI as LoadedModel, plus details of how the load went. */
export interface WorkerLoaded extends LoadedModel {
  /** How the spec was found and what the user should check. */
  specSummary: string;
  warnings: string[];
  /** InferenceSession.create, ms. */
  createMs: number;
  /** First run on a synthetic image, ms; 0 on WASM, whose warm-up runs after the load (model-session's warmUpAfterReady). */
  warmupMs: number;
}

/**
 * Where the load failed. `runtime`: onnxruntime-web itself could not be loaded or its backend could not start (its
 * .wasm, memory or thread pool), before the model was looked at. `session`: ORT could not build a session for this
 * model on the backend. Only `runtime` and `session` failures on WebGPU are worth retrying on WASM, and only a
 * `runtime` failure with threads is worth retrying with one thread.
 */
export type LoadStage = 'fetch' | 'model' | 'runtime' | 'session' | 'spec';

export type LoadOutcome =
  | { ok: true; model: WorkerLoaded }
  | {
      ok: false;
      stage: LoadStage;
      message: string;
      /** With `runtime`: the thread count ORT was started with. */
      threads?: number;
      /** With `runtime`: the underlying error's own text, e.g. `RangeError: Out of memory`. */
      cause?: string;
    };

/** A load that failed, with its stage. */
export type LoadFailure = Extract<LoadOutcome, { ok: false }>;

export type ClassifyOutcome =
  | {
      ok: true;
      result: Omit<ClassifyResult, 'timings' | 'thumbnail'> & {
        timings: Omit<ClassifyResult['timings'], 'totalMs' | 'queueMs'>;
        /** With a thumbnail asked for: what `WorkerApi.thumbnail` takes it with. */
        thumbnailTicket?: number;
      };
    }
  | { ok: false; code: ClassifyErrorCode; message: string };

/** A classify call that failed, with its code. */
export type ClassifyFailure = Extract<ClassifyOutcome, { ok: false }>;

export interface LoadProgress {
  phase: 'downloading' | 'initialising';
  loadedBytes?: number;
  totalBytes?: number;
}

export interface GpuProbe {
  /** A WebGPU adapter exists and is not a software fallback. */
  usable: boolean;
  reason: string;
}

export interface WorkerApi {
  probeGpu(): Promise<GpuProbe>;
  loadModel(request: WorkerLoadRequest, onProgress?: (p: LoadProgress) => void): Promise<LoadOutcome>;
  /** With `thumbnail`, the photo's thumbnail is made after the answer, from the pixels decoded for the model. */
  classify(photo: Blob, topK: number, thumbnail?: ThumbnailRequest): Promise<ClassifyOutcome>;
  /** The thumbnail of a classify answer's `thumbnailTicket`, once; undefined where the worker could not make it. */
  thumbnail(ticket: number): Promise<Blob | undefined>;
  /** `photo` through the loaded session with `spec` instead of the model's own (the spec editor's draft). */
  preview(photo: Blob, spec: ModelSpec, topK: number): Promise<SpecPreview>;
  /** Takes the Web Lock `name` for the worker's life (see life-lock.ts); false where there are no locks. */
  holdLifeLock(name: string): Promise<boolean>;
  /** For tests: make the worker hang or die. */
  debug(action: 'hang' | 'crash'): Promise<void>;
}

/** Photos with more pixels than this are refused (`too-large`): 100 MP decodes to 400 MB of RGBA. */
export const MAX_PIXELS = 100_000_000;
