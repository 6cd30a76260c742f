/**
 * Messages between ClassifierClient (main thread) and the inference worker, over comlink. Failures come back as
 * values (`{ ok: false, code, message }`), not thrown errors, because comlink keeps only an Error's message.
 */
import type { ModelSpec } from '../model/spec';
import type { Backend, ClassifyErrorCode, ClassifyResult, ModelSource } from './types';

/** A model source as the worker receives it: the client's ModelSource with URLs already absolute (the worker's base URL is its script's). */
export type WorkerModelSource = ModelSource;

export interface WorkerLoadRequest {
  source: WorkerModelSource;
  backend: Backend;
  /** Why this backend (echoed into the result unless a comparison changes the choice). */
  backendReason: string;
  /** With backend webgpu: also build a WASM session, check both agree and keep the faster (`auto`). */
  compareWithWasm?: boolean;
}

export interface WorkerLoaded {
  id: string;
  spec: ModelSpec;
  backend: Backend;
  threads: number;
  bytes: number;
  backendReason: string;
  /** How the spec was found and what the user should check. */
  specSummary: string;
  warnings: string[];
  /** InferenceSession.create, ms. */
  createMs: number;
  /** First run on a synthetic image, ms. */
  warmupMs: number;
}

/** Where the load failed: only a `session` failure on WebGPU is worth retrying on WASM. */
export type LoadStage = 'fetch' | 'model' | 'session' | 'spec';

export type LoadOutcome = { ok: true; model: WorkerLoaded } | { ok: false; stage: LoadStage; message: string };

export type ClassifyOutcome =
  | { ok: true; result: Omit<ClassifyResult, 'timings'> & { timings: Omit<ClassifyResult['timings'], 'totalMs'> } }
  | { ok: false; code: ClassifyErrorCode; message: string };

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
  classify(photo: Blob, topK: number): Promise<ClassifyOutcome>;
  /** For tests: make the worker hang or die. */
  debug(action: 'hang' | 'crash'): Promise<void>;
}

/** Photos with more pixels than this are refused (`too-large`): 100 MP decodes to 400 MB of RGBA. */
export const MAX_PIXELS = 100_000_000;
