/**
 * The contract between the UI and the inference layer. The UI only sees these types; everything behind them (the
 * worker, ORT, backends, restarts) lives in `src/inference/`.
 */
import type { ModelSpec } from '../model/spec';
import type { PartialModelSpec } from '../model/types';
import type { Prediction } from '../vision/prediction';

/**
 * `PartialModelSpec`: `overrides` on a {@link ModelSource}, spec fields that beat everything the model and its files
 * say (the user's corrections from the spec editor); `id` names the loaded model (e.g. a saved model's id).
 * `Prediction`: defined by the vision layer, which produces it; re-exported so the UI keeps one contract module.
 */
export type { PartialModelSpec, Prediction };

/** `wasm` = onnxruntime-web's CPU build (SIMD, threads when crossOriginIsolated); `webgpu` = its WebGPU build. */
export type Backend = 'wasm' | 'webgpu';
/** What the user (or `?backend=`) asked for; `auto` picks WebGPU only on a real adapter that verifiably helps. */
export type BackendPreference = 'auto' | Backend;

export interface Timings {
  /** File bytes → pixels (createImageBitmap / decoder). */
  decodeMs: number;
  /** Pixels → input tensor (resize, crop, normalise, layout). */
  preprocessMs: number;
  /** session.run. */
  inferenceMs: number;
  /** Output tensor → ranked predictions. */
  postprocessMs: number;
  /**
   * The work on this photo: from handing it to the worker to its answer back, i.e. decode + preprocess + inference +
   * postprocess and the transfers. Time spent waiting for its turn is not in it (see `queueMs`).
   */
  totalMs: number;
  /** Waiting before the work started: photos queued ahead of it, a worker restart. Absent where nothing queues. */
  queueMs?: number;
}

export interface ClassifyResult {
  predictions: Prediction[];
  timings: Timings;
  /** Decoded photo size, after EXIF orientation. */
  width: number;
  height: number;
  /** Why the result may mean little (a tiny or very thin picture), in plain words; absent when there is no doubt. */
  warning?: string;
  /**
   * With `thumbnail: true`: the card's thumbnail, made by the worker from the pixels it decoded, after the answer.
   * Never rejects; `undefined` where the worker could not make one (the page then draws it itself).
   */
  thumbnail?: Promise<Blob | undefined>;
}

/**
 * The spec editor's live check: a sample photo through the loaded model with the settings being edited (nothing is
 * kept). `seen` is the model's input drawn back as a picture, with the range of its numbers.
 */
export interface SpecPreview {
  seen?: { data: Uint8ClampedArray; width: number; height: number; min: number; max: number };
  predictions: Prediction[];
  /** Why there is no answer, or why the settings look wrong for this model, in plain words. */
  problem?: string;
}

/** Where a model comes from. */
export type ModelSource =
  | { kind: 'url'; url: string; id?: string; overrides?: PartialModelSpec }
  /** A model file the user picked or dropped, with companions (labels.txt, config.json, metadata.json...). */
  | { kind: 'files'; files: File[]; id?: string; overrides?: PartialModelSpec };

export interface LoadedModel {
  /** The model's id (from the spec, or the file name). */
  id: string;
  spec: ModelSpec;
  backend: Backend;
  threads: number;
  /** Size of the model file in bytes. */
  bytes: number;
  /** Why the backend in use was chosen (e.g. "WebGPU adapter is a software fallback"). */
  backendReason: string;
}

export type ModelLoadPhase = 'idle' | 'downloading' | 'initialising' | 'ready' | 'error';

/** Progress of the current model load, for a progress bar. */
export interface ModelLoadStatus {
  phase: ModelLoadPhase;
  /** Bytes received so far while downloading. */
  loadedBytes?: number;
  /** Total bytes, when the server said (Content-Length). */
  totalBytes?: number;
  /** Set while phase is `error`. */
  error?: string;
  /** Set once phase is `ready`. */
  model?: LoadedModel;
}

/** Why a classify call failed; the UI shows `message` on the photo's own card. */
export type ClassifyErrorCode =
  | 'empty' // zero-byte file
  | 'not-image' // a file whose type or bytes are not an image
  | 'undecodable' // claims to be an image but the browser cannot decode it (corrupt, truncated, unsupported)
  | 'too-large' // beyond the pixel budget we accept
  | 'no-model' // no model loaded
  | 'aborted' // the caller aborted
  | 'worker-crashed' // the worker died or hung; it has been restarted
  | 'inference-failed'; // session.run threw

export class ClassifyError extends Error {
  readonly code: ClassifyErrorCode;
  constructor(code: ClassifyErrorCode, message: string) {
    super(message);
    this.name = 'ClassifyError';
    this.code = code;
  }
}
