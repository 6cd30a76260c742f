/**
 * Messages between the page (training-client.ts) and the training worker (training-worker.ts), over comlink.
 * Failures come back as values with a code, not thrown errors (comlink keeps only an Error's message).
 */
import type { ModelSource } from '../inference/types';
import type { ModelSpec } from '../model/spec';
import type { HeadHyperParameters } from './head-trainer';
import type { EmbedResult, TrainingProgress, TrainingSummary } from './training-run';

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

/** Where a run's time went in the worker, ms: reading the model and opening it, decoding, the backbone's runs. */
export interface TrainTimings {
  setupMs: number;
  decodeMs: number;
  runMs: number;
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
  /** Each photo's pooled features through `backbone` cut at its feature point (cached by content hash). */
  embed(backbone: BackboneRequest, photos: Blob[], onProgress?: (p: EmbedProgress) => void): Promise<EmbedOutcome>;
  train(request: TrainRequest, onProgress?: (p: TrainingProgress) => void): Promise<TrainOutcome>;
  /** Stops the embed or train call in progress; it answers `cancelled`. */
  cancel(): Promise<void>;
}
