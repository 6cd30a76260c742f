/**
 * A model's bytes, from a URL (streamed, with download progress) or from the files the user picked, together with
 * the file name and the companion files that came with it.
 *
 * A model file is sized up and its first bytes checked before the rest is read: a file over the ceiling
 * ({@link DEFAULT_MAX_MODEL_BYTES}, or the client's `maxModelBytes`) or one that is not ONNX is refused without
 * reading it, with a message naming its size and the limit, instead of failing halfway through with whatever the
 * browser says when it runs out of memory.
 */
import { errorMessage } from '../error-message';
import { checkOnnxHeader, NotOnnxError } from '../onnx/read-onnx-metadata';
import type { LoadFailure, LoadProgress, WorkerModelSource } from './protocol';

/** The model file as read: bytes, its name, and the files picked with it (labels.txt, config.json...). */
export interface ModelFile {
  bytes: Uint8Array;
  fileName: string;
  companions: File[];
}

/**
 * The largest model file read by default: 2 GiB − 1 byte, the most one ONNX (protobuf) file can hold. Bigger models
 * keep their weights in external data files, which OnSight does not read; browsers also refuse to read a file this
 * large into one buffer.
 */
export const DEFAULT_MAX_MODEL_BYTES = 2 ** 31 - 1;
/** Bytes looked at before the rest of a file is read. */
const HEAD_BYTES = 64;

/** A size for messages: "2.5 GB", "3.7 MB", "900 kB", "12 bytes" (decimal units, as file managers show them). */
export function describeSize(bytes: number): string {
  const units: [number, string][] = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) {
    // One decimal at most, none when it is 0: "2.5 GB", "5 kB".
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** The refusal of a model file over the ceiling, naming both sizes (the caller names the file). */
export function tooLargeMessage(bytes: number | undefined, maxBytes: number): string {
  const why =
    maxBytes === DEFAULT_MAX_MODEL_BYTES
      ? ' (the most one ONNX file can hold; models this big keep their weights in separate files, which OnSight cannot load)'
      : '';
  // Without a size (a download with no Content-Length), all that is known is that it went past the limit.
  if (bytes === undefined)
    return `the file is larger than the ${describeSize(maxBytes)} limit for a model file${why}; the download was stopped`;
  return `the file is ${describeSize(bytes)}, larger than the ${describeSize(maxBytes)} limit for a model file${why}; it was not read`;
}

/** A model file refused with a message of its own: over the ceiling (stage `model`) or unreadable (`fetch`). */
class ModelFileRefusal extends Error {
  constructor(
    readonly stage: 'model' | 'fetch',
    message: string,
  ) {
    super(message);
  }
}

const tooLarge = (bytes: number | undefined, maxBytes: number) =>
  new ModelFileRefusal('model', tooLargeMessage(bytes, maxBytes));

/** Why reading a picked file failed, in words: Chromium's own text for a file too big to read blames "permission problems". */
function readFailure(file: File, error: unknown): ModelFileRefusal {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotReadableError' || name === 'NotFoundError') {
    return new ModelFileRefusal(
      'fetch',
      `the browser could not read the file (${describeSize(file.size)}): it may be too large for the memory this page may use, or it was moved or changed after it was picked`,
    );
  }
  if (error instanceof RangeError) {
    return new ModelFileRefusal('fetch', `there is not enough memory to read the file (${describeSize(file.size)})`);
  }
  return new ModelFileRefusal('fetch', `could not read the file: ${errorMessage(error)}`);
}

export interface FetchLimits {
  /** Refuse a body larger than this: from Content-Length before any byte is read, else once the count passes it. */
  maxBytes?: number;
  /** Looks at the first bytes (up to 64) and the announced size before the rest is downloaded; throws to refuse. */
  checkHead?: (head: Uint8Array, totalBytes: number | undefined) => void;
}

/** Fetches `url`, reporting `downloading` progress at most every 50 ms. Rejects on HTTP errors and on `limits`. */
export async function fetchWithProgress(
  url: string,
  onProgress?: (p: LoadProgress) => void,
  limits: FetchLimits = {},
): Promise<Uint8Array> {
  const { maxBytes = Number.POSITIVE_INFINITY, checkHead } = limits;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText} for ${url}`);
  const header = Number(res.headers.get('Content-Length'));
  // With Content-Encoding the header counts compressed bytes; the body yields more. Report no total then.
  let total: number | undefined = header > 0 && !res.headers.get('Content-Encoding') ? header : undefined;
  if (total !== undefined && total > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(total, maxBytes);
  }
  if (!res.body) return checked(new Uint8Array(await res.arrayBuffer()), limits);
  const reader = res.body.getReader();
  // With a known size, one buffer filled in place; otherwise chunks, joined once at the end.
  const whole = total !== undefined ? new Uint8Array(total) : undefined;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let headChecked = false;
  let lastReport = 0;
  onProgress?.({ phase: 'downloading', loadedBytes: 0, totalBytes: total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(undefined, maxBytes);
    }
    if (whole && loaded + value.byteLength <= whole.byteLength) whole.set(value, loaded);
    else chunks.push(value);
    loaded += value.byteLength;
    if (checkHead && !headChecked && (loaded >= HEAD_BYTES || total === loaded)) {
      headChecked = true;
      checkHead(firstBytes(whole, chunks, loaded), total);
    }
    if (total !== undefined && loaded > total) total = undefined;
    const t = performance.now();
    if (t - lastReport > 50) {
      lastReport = t;
      onProgress?.({ phase: 'downloading', loadedBytes: loaded, totalBytes: total });
    }
  }
  onProgress?.({ phase: 'downloading', loadedBytes: loaded, totalBytes: total ?? loaded });
  if (whole && chunks.length === 0 && loaded === whole.byteLength) return whole;
  // The server sent more or less than it announced: join what came.
  const parts = whole ? [whole.subarray(0, Math.min(loaded, whole.byteLength)), ...chunks] : chunks;
  const bytes = joinChunks(parts, loaded);
  // A body too short to reach HEAD_BYTES has not been looked at yet.
  return headChecked ? bytes : checked(bytes, limits);
}

function checked(bytes: Uint8Array, { maxBytes = Number.POSITIVE_INFINITY, checkHead }: FetchLimits): Uint8Array {
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes);
  checkHead?.(bytes.subarray(0, HEAD_BYTES), bytes.byteLength);
  return bytes;
}

function firstBytes(whole: Uint8Array | undefined, chunks: Uint8Array[], loaded: number): Uint8Array {
  if (whole && chunks.length === 0) return whole.subarray(0, Math.min(loaded, HEAD_BYTES));
  return joinChunks(whole ? [whole.subarray(0, loaded), ...chunks] : chunks, loaded).subarray(0, HEAD_BYTES);
}

function joinChunks(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]?.byteLength === length) return chunks[0];
  const bytes = new Uint8Array(length);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c.subarray(0, length - off), off);
    off += Math.min(c.byteLength, length - off);
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

/** Reads a picked model file: its size and first bytes are checked before the rest is read. */
async function readPickedModel(model: File, maxBytes: number): Promise<Uint8Array> {
  if (model.size > maxBytes) throw tooLarge(model.size, maxBytes);
  let head: Uint8Array;
  try {
    head = new Uint8Array(await model.slice(0, HEAD_BYTES).arrayBuffer());
  } catch (e) {
    throw readFailure(model, e);
  }
  checkOnnxHeader(head, model.size);
  try {
    return new Uint8Array(await model.arrayBuffer());
  } catch (e) {
    throw readFailure(model, e);
  }
}

/**
 * Reads the model `source` names. Picked files: the `.onnx` one (or the only one) is the model, the rest are its
 * companions. Fails with stage `model` when there is no model among the files, when the file is over `maxBytes` or is
 * not ONNX (both known before it is read); `fetch` when it cannot be read.
 */
export async function readModelFile(
  source: WorkerModelSource,
  onProgress?: (p: LoadProgress) => void,
  maxBytes = DEFAULT_MAX_MODEL_BYTES,
): Promise<{ ok: true; file: ModelFile } | LoadFailure> {
  try {
    if (source.kind === 'url') {
      const bytes = await fetchWithProgress(source.url, onProgress, {
        maxBytes,
        checkHead: (head, total) => checkOnnxHeader(head, total ?? head.byteLength),
      });
      return { ok: true, file: { bytes, fileName: fileNameOf(source.url), companions: [] } };
    }
    const model =
      source.files.find((f) => /\.onnx$/i.test(f.name)) ?? (source.files.length === 1 ? source.files[0] : undefined);
    if (!model) return { ok: false, stage: 'model', message: 'no .onnx file among the files given' };
    const companions = source.files.filter((f) => f !== model);
    const bytes = await readPickedModel(model, maxBytes);
    return { ok: true, file: { bytes, fileName: model.name, companions } };
  } catch (e) {
    if (e instanceof ModelFileRefusal) return { ok: false, stage: e.stage, message: e.message };
    if (e instanceof NotOnnxError) return { ok: false, stage: 'model', message: e.message };
    return { ok: false, stage: 'fetch', message: `could not load the model: ${errorMessage(e)}` };
  }
}
