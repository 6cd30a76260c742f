/**
 * Messages between the page (training-client.ts) and the training worker (training-worker.ts), over comlink.
 * Failures come back as values with a code, not thrown errors (comlink keeps only an Error's message).
 */
import type { ModelSource } from '../inference/types';
import type { ModelSpec } from '../model/spec';
import type { HeadHyperParameters } from './head-trainer';
import type { EmbedResult, RunPhaseTimings, TrainingProgress, TrainingSummary } from './training-run';

/** The loaded model as a backbone: where its bytes are (as the page loaded it) and its resolved spec. */
export interface BackboneRequest {
  source: ModelSource;
  spec: ModelSpec;
}

/**
 * Why a call failed. `no-feature-point`: the model has no pooled features feeding a classifier (it cannot be a
 * backbone); `model`: its bytes could not be read or run; `input`: too few usable photos (the message says which
 * class); `cancelled`: the user stopped it; `failed`: anything else.
 */
export type TrainingFailureCode = 'no-feature-point' | 'model' | 'input' | 'cancelled' | 'failed';

export interface TrainingFailure {
  ok: false;
  code: TrainingFailureCode;
  message: string;
}

export type EmbedOutcome =
  | { ok: true; backboneId: string; featureSize: number; results: EmbedResult[] }
  | TrainingFailure;

export interface TrainRequest {
  backbone: BackboneRequest;
  /** Class names, in output order. */
  classNames: string[];
  photos: { file: Blob; label: number }[];
  /** The new model's name. */
  name: string;
  hyperParameters?: Partial<HeadHyperParameters>;
  /** Also train on each training photo's mirror image (embeds every photo twice). */
  flipAugmentation?: boolean;
}

/** Where opening the backbone went, ms: reading the model, cutting it, starting ORT, creating the session. */
export interface SetupTimings {
  readMs: number;
  cutMs: number;
  runtimeMs: number;
  sessionMs: number;
}

/**
 * Where a run's time went in the worker, ms: reading the model and opening it (`setup`, its parts), the backbone's
 * runs (the first apart), the backbone idle waiting for pixels, decoding (overlapped with the runs: not on the
 * clock), and the phases after the embeddings.
 */
export interface TrainTimings extends RunPhaseTimings {
  setupMs: number;
  setup: SetupTimings;
  decodeMs: number;
  runMs: number;
  firstRunMs: number;
  idleMs: number;
  firstIdleMs: number;
  /** Photos (and mirrors) run through the backbone, and taken from the cache. */
  embedded: number;
  fromCache: number;
  /** The whole call in the worker. */
  workerMs: number;
}

export type TrainOutcome =
  | {
      ok: true;
      bytes: Uint8Array;
      spec: ModelSpec;
      summary: TrainingSummary;
      backboneId: string;
      timings: TrainTimings;
    }
  | TrainingFailure;

export type EmbedProgress = Extract<TrainingProgress, { stage: 'embedding' }>;

export interface TrainingWorkerApi {
  /**
   * Opens `backbone` (reads and cuts the model, starts ORT, creates the session, one warm-up run) and the embedding
   * cache ahead of a train or embed call, which then finds them open: ~1 s off the Train click. Never fails.
   */
  prepare(backbone: BackboneRequest): Promise<void>;
  /** Each photo's pooled features through `backbone` cut at its feature point (cached by content hash). */
  embed(backbone: BackboneRequest, photos: Blob[], onProgress?: (p: EmbedProgress) => void): Promise<EmbedOutcome>;
  train(request: TrainRequest, onProgress?: (p: TrainingProgress) => void): Promise<TrainOutcome>;
  /** Stops the embed or train call in progress; it answers `cancelled`. */
  cancel(): Promise<void>;
}
