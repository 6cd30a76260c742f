/**
 * The page's side of the conversion worker: hands it the user's files, relays its progress, and returns the converted
 * ONNX file. Each conversion gets a worker of its own, terminated when it is done, so nothing of the converter stays
 * in memory; a worker that dies or hangs ends the conversion with a message instead of leaving the page waiting.
 */
import * as Comlink from 'comlink';
import type { ModelSpec } from '../model/spec';
import type { ConversionOutcome, ConversionProgress, ConversionWorkerApi } from './conversion-protocol';

/** The converted model as a file to load like any .onnx, with what the conversion found out. */
export interface ConvertedModelFile {
  file: File;
  spec: ModelSpec;
  summary: string;
  warnings: string[];
}

export interface ConvertOptions {
  onProgress?: (p: ConversionProgress) => void;
  /** Default: 5 minutes (a large model on a slow phone). */
  timeoutMs?: number;
  createWorker?: () => Worker;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./conversion-worker.ts', import.meta.url), { type: 'module', name: 'onsight-conversion' });
}

/** Converts a TF.js layers model (its files, a folder's files, or a .zip) to ONNX in a worker. Rejects with the reason. */
export async function convertInWorker(
  files: readonly File[],
  options: ConvertOptions = {},
): Promise<ConvertedModelFile> {
  const worker = (options.createWorker ?? defaultWorker)();
  const api = Comlink.wrap<ConversionWorkerApi>(worker);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const failed = new Promise<never>((_, reject) => {
      const onError = (event: Event) => {
        event.preventDefault();
        const message = event instanceof ErrorEvent && event.message ? event.message : 'the conversion worker failed';
        reject(new Error(`the conversion stopped: ${message}`));
      };
      worker.addEventListener('error', onError);
      worker.addEventListener('messageerror', onError);
      const timeoutMs = options.timeoutMs ?? 300_000;
      timer = setTimeout(
        () => reject(new Error(`the conversion took longer than ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
    });
    const request = files.map((file) => ({ file, path: file.webkitRelativePath || undefined }));
    const progress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
    const outcome: ConversionOutcome = await Promise.race([api.convert(request, progress), failed]);
    if (!outcome.ok) throw new Error(outcome.message);
    const { fileName, onnx, spec, summary, warnings } = outcome;
    return { file: new File([onnx as Uint8Array<ArrayBuffer>], fileName), spec, summary, warnings };
  } finally {
    clearTimeout(timer);
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
