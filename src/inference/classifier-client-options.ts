/** ClassifierClient's options, its default worker and the small pure helpers it uses, so the client is about lanes. */
import { THUMBNAIL_MAX_SIDE, THUMBNAIL_QUALITY } from '../batch/thumbnail';
import { LoadError } from './backend-choice';
import type { LockManagerLike } from './life-lock';
import type { ThumbnailRequest } from './pixel-thumbnail';
import { INFERENCE_WORKER_NAME } from './prestart';
import type { LoadOutcome, WorkerLoaded } from './protocol';
import { type BackendPreference, ClassifyError, type LoadedModel } from './types';
import type { Outcome } from './worker-handle';

export interface ClassifierClientOptions {
  backend?: BackendPreference;
  /** ORT's WASM thread count; used only where the page is crossOriginIsolated. Default: min(4, cores). */
  threads?: number;
  /** Decode every photo at full size, never reduced (`?decode=full`). */
  fullSizeDecode?: boolean;
  createWorker?: () => Worker;
  /** How long a classify call may take before the worker is declared hung (default 60 s). */
  callTimeoutMs?: number;
  /** How long a model load may take, download included (default 5 min). */
  loadTimeoutMs?: number;
  /** Model files larger than this are refused before they are read (default: the 2 GiB an ONNX file can hold). */
  maxModelBytes?: number;
  /** Web Locks for the watchdog that notices a worker gone without an error; default `navigator.locks`, null: none. */
  locks?: LockManagerLike | null;
  /**
   * How many one-thread workers a batch may run on (WASM only; the model's own worker counts as one when it has a
   * single thread). 0 or 1: the model's own worker only. Default: min(4, cores).
   */
  batchWorkers?: number;
  /** Helpers without a call for this long are terminated, freeing their memory (default 30 s). */
  helperIdleMs?: number;
}

export interface ClassifyOptions {
  signal?: AbortSignal;
  /** Predictions wanted (default 5; 0: all). */
  topK?: number;
  /** Also the card's thumbnail ({@link THUMBNAIL_REQUEST}), made by the worker after the answer (`result.thumbnail`). */
  thumbnail?: boolean;
}

/** The thumbnail the cards, the table and IndexedDB use: as the page's own (../batch/thumbnail.ts) makes it. */
export const THUMBNAIL_REQUEST: ThumbnailRequest = { maxSide: THUMBNAIL_MAX_SIDE, quality: THUMBNAIL_QUALITY };

export interface ModelDetails {
  /** One line on where the spec came from, e.g. "labels from labels.txt; preprocessing from defaults — please check". */
  specSummary: string;
  warnings: string[];
  /** InferenceSession.create in the worker, ms. */
  createMs: number;
  /** First run on a synthetic image, ms (includes one-off kernel/shader setup). */
  warmupMs: number;
}

/** The inference worker; `name` may carry a prestart request (./prestart.ts). */
export function defaultWorker(name = INFERENCE_WORKER_NAME): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
}

export const aborted = () => new ClassifyError('aborted', 'cancelled');

export function defaultBatchWorkers(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return Math.min(4, cores || 1);
}

export function absoluteUrl(url: string): string {
  try {
    return new URL(url, typeof document !== 'undefined' ? document.baseURI : undefined).href;
  } catch {
    return url;
  }
}

export function toLoadedModel(m: WorkerLoaded): LoadedModel {
  return {
    id: m.id,
    spec: m.spec,
    backend: m.backend,
    threads: m.threads,
    bytes: m.bytes,
    backendReason: m.backendReason,
  };
}

export function toModelDetails(m: WorkerLoaded): ModelDetails {
  return { specSummary: m.specSummary, warnings: [...m.warnings], createMs: m.createMs, warmupMs: m.warmupMs };
}

/** Calls every listener with `value`; one that throws is logged and does not stop the others. */
export function notifyEach<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (e) {
      console.error('OnSight: a load-status listener threw', e);
    }
  }
}

/** Why a worker's model load failed, as the LoadError that backend-choice decides on. */
export function loadFailure(outcome: Outcome<LoadOutcome>, loadTimeoutMs: number): LoadError {
  if (outcome.kind === 'ok' && !outcome.value.ok) {
    const { stage, message, threads, cause } = outcome.value;
    return new LoadError(stage, message, { threads, cause });
  }
  if (outcome.kind === 'timeout') {
    return new LoadError('session', `loading the model took longer than ${Math.round(loadTimeoutMs / 1000)} s`);
  }
  const why = outcome.kind === 'dead' ? outcome.error.message : outcome.kind;
  return new LoadError('session', `the worker crashed while loading the model (${why})`);
}
