/**
 * A model's bytes, from a URL (streamed, with download progress) or from the files the user picked, together with
 * the file name and the companion files that came with it.
 */
import { errorMessage } from '../error-message';
import type { LoadFailure, LoadProgress, WorkerModelSource } from './protocol';

/** The model file as read: bytes, its name, and the files picked with it (labels.txt, config.json...). */
export interface ModelFile {
  bytes: Uint8Array;
  fileName: string;
  companions: File[];
}

/** Fetches `url`, reporting `downloading` progress at most every 50 ms. Rejects on HTTP errors. */
export async function fetchWithProgress(url: string, onProgress?: (p: LoadProgress) => void): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} for ${url}`);
  const header = Number(res.headers.get('Content-Length'));
  // With Content-Encoding the header counts compressed bytes; the body yields more. Report no total then.
  let total: number | undefined = header > 0 && !res.headers.get('Content-Encoding') ? header : undefined;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  onProgress?.({ phase: 'downloading', loadedBytes: 0, totalBytes: total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    if (total !== undefined && loaded > total) total = undefined;
    const t = performance.now();
    if (t - lastReport > 50) {
      lastReport = t;
      onProgress?.({ phase: 'downloading', loadedBytes: loaded, totalBytes: total });
    }
  }
  onProgress?.({ phase: 'downloading', loadedBytes: loaded, totalBytes: total ?? loaded });
  const bytes = new Uint8Array(loaded);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.byteLength;
  }
  return bytes;
}

/** The last path segment of a model URL, decoded; `model.onnx` when there is none. */
export function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || 'model.onnx');
  } catch {
    return 'model.onnx';
  }
}

/**
 * Reads the model `source` names. Picked files: the `.onnx` one (or the only one) is the model, the rest are its
 * companions. Fails with stage `model` when there is no model among the files, `fetch` when it cannot be read.
 */
export async function readModelFile(
  source: WorkerModelSource,
  onProgress?: (p: LoadProgress) => void,
): Promise<{ ok: true; file: ModelFile } | LoadFailure> {
  try {
    if (source.kind === 'url') {
      const bytes = await fetchWithProgress(source.url, onProgress);
      return { ok: true, file: { bytes, fileName: fileNameOf(source.url), companions: [] } };
    }
    const model =
      source.files.find((f) => /\.onnx$/i.test(f.name)) ?? (source.files.length === 1 ? source.files[0] : undefined);
    if (!model) return { ok: false, stage: 'model', message: 'no .onnx file among the files given' };
    const companions = source.files.filter((f) => f !== model);
    const bytes = new Uint8Array(await model.arrayBuffer());
    return { ok: true, file: { bytes, fileName: model.name, companions } };
  } catch (e) {
    return { ok: false, stage: 'fetch', message: `could not load the model: ${errorMessage(e)}` };
  }
}
