/**
 * What the UI store needs from the world, as interfaces: the page hands in the real classifier, model list and
 * model store (src/main.tsx); tests hand in fakes and drive the store without a browser.
 */

import type { ResultsDb } from '../batch';
import type { ConvertedModelFile } from '../convert/conversion-client';
import type { ConversionProgress } from '../convert/conversion-protocol';
import type { ClassifyResult, LoadedModel, ModelLoadStatus, ModelSource } from '../inference/types';
import type { LoadedUserModel, SavedUserModel } from '../model/model-store';
import type { ModelIndex } from './site-models';

/** The part of `ClassifierClient` (src/inference/classifier-client.ts) the UI uses. */
export interface ClassifierLike {
  onLoadStatus(listener: (status: ModelLoadStatus) => void): () => void;
  readonly loadStatus: ModelLoadStatus;
  loadModel(source: ModelSource): Promise<LoadedModel>;
  classify(
    photo: Blob,
    options?: { signal?: AbortSignal; topK?: number; thumbnail?: boolean },
  ): Promise<ClassifyResult>;
  /** How many classify calls a batch should keep in flight (ClassifierClient: its workers plus one waiting). */
  readonly concurrency?: number;
  dispose(): void;
  /** How the loaded model's spec was found (ClassifierClient has it). */
  readonly modelDetails?: { specSummary: string; warnings: string[] };
}

/** The user's saved models (src/model/model-store.ts). */
export interface UserModelStore {
  list(): Promise<SavedUserModel[]>;
  save(files: readonly File[], spec: LoadedModel['spec']): Promise<SavedUserModel>;
  load(id: string): Promise<LoadedUserModel | undefined>;
  remove(id: string): Promise<boolean>;
  rename(id: string, name: string): Promise<SavedUserModel>;
}

/** Everything the store reaches outside itself. */
export interface AppEnvironment {
  client: ClassifierLike;
  /** Reads the deployment's model list. */
  fetchModelIndex: () => Promise<ModelIndex>;
  /** Turns a model URL from the index (relative to the app's base) into one the client can fetch. */
  resolveModelUrl: (url: string) => string;
  createObjectURL: (blob: Blob) => string;
  revokeObjectURL: (url: string) => void;
  /** Where user models are kept offline; without it they work until the page closes. */
  userModels?: UserModelStore;
  /**
   * Converts a TF.js layers model (Teachable Machine export: its files, a folder's files or the .zip) to an ONNX file
   * carrying its spec (src/convert/conversion-client.ts, in a worker); rejects with the reason in words.
   */
  convertModel?: (files: readonly File[], onProgress: (p: ConversionProgress) => void) => Promise<ConvertedModelFile>;
  /** Keeps the chosen model in the address bar (`?model=`), so a reload comes back to it. */
  rememberModel?: (id: string | undefined) => void;
  /** Where results are kept across reloads (IndexedDB); without it they last until the page closes. */
  openResultsDb?: () => Promise<ResultsDb>;
  /** A small thumbnail of a classified photo; without it cards show a placeholder. */
  makeThumbnail?: (file: File, size: { width: number; height: number }) => Promise<Blob>;
  /** Runs a callback before the next paint (requestAnimationFrame); renders are throttled to it. */
  requestFrame?: (callback: () => void) => void;
}
