/** What the batch store needs from the page, and what it tells the summary bar. */
import type { ResultCounts } from '../batch';
import type { ResultsDb } from '../batch/results-db';
import type { ClassifyResult, LoadedModel } from '../inference/types';
import type { StorageStatus } from './batch-storage';

export interface BatchEnvironment {
  /** With `thumbnail`, the result may carry the card's thumbnail (made by the worker). */
  classify(photo: Blob, options: { signal: AbortSignal; topK: number; thumbnail?: boolean }): Promise<ClassifyResult>;
  /** Classify calls to keep in flight (the classifier's `concurrency`; default 2). */
  concurrency?: number;
  /** Resolves once a model load in progress is over, with the model then loaded (if any). */
  modelReady(): Promise<LoadedModel | undefined>;
  currentModel(): LoadedModel | undefined;
  /** Says something in the page's live region. */
  announce(text: string): void;
  /** Where results are kept; without it (or when it fails) they last until the page closes. */
  openResultsDb?: () => Promise<ResultsDb>;
  /** A small thumbnail of a classified photo (`size`: its oriented size, which the classifier reports). */
  makeThumbnail?: (file: File, size: { width: number; height: number }) => Promise<Blob>;
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  /** Runs a callback before the next paint (requestAnimationFrame on the page). */
  requestFrame?: (callback: () => void) => void;
  /** Bytes the results may take on the device (default STORAGE_BUDGET_BYTES). */
  storageBudget?: number;
}

export type BatchPhase = 'idle' | 'scanning' | 'running' | 'paused';

/** What the summary bar shows. */
export interface BatchProgress {
  counts: ResultCounts;
  phase: BatchPhase;
  /** Files looked at by the folder walks in progress. */
  scanned?: number;
  /** Photos per second, once there is a rate. */
  perSecond?: number;
  etaMs?: number;
  /** Pending photos whose run was cancelled (they still have their file). */
  cancelled: number;
  /** Pending photos saved before a reload, without their file. */
  needFolder: number;
  storage: StorageStatus;
  /** Set while a "Clear all" can be undone: how many results it took away. */
  undo?: number;
}
