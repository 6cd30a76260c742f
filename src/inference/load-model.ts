/**
 * Loading a model in the worker, as a sequence of steps. Each step returns a failure outcome with its stage instead of
 * throwing, so the first failure ends the load and reaches the client as a value (comlink keeps only an Error's
 * message).
 */

import { errorMessage } from '../error-message';
import { describeSession, type ResolvedModelSpec, resolveModelSpec } from '../model/resolve-spec';
import { type ModelSpec, SPEC_METADATA_KEY } from '../model/spec';
import { NotOnnxError, readOnnxMetadata } from '../onnx/read-onnx-metadata';
import { keepCoreCopies } from '../pwa/core-copy';
import type { OodStats } from '../train/ood';
import { oodStatsFromMetadata } from '../train/ood-classify';
import { type ModelFile, readModelFile } from './model-fetch';
import { type ModelSession, openSession, type WarmedUp, warmUp, warmUpAfterReady } from './model-session';
import { fetchSidecars } from './model-sidecars';
import { type OrtSession, startRuntime, workerThreadCount } from './ort-runtime';
import type { LoadFailure, LoadProgress, WorkerLoaded, WorkerLoadRequest } from './protocol';

/** The model a worker has loaded: its session and spec, what classify needs. */
export interface ActiveModel extends ModelSession {
  spec: ModelSpec;
  /** Decode every photo at full size (the load request's `fullSizeDecode`). */
  fullSizeDecode: boolean;
  /** A model OnSight trained: its training photos' statistics, for the "unlike the training photos" warning. */
  ood?: OodStats;
}

type OnnxMetadata = ReturnType<typeof readOnnxMetadata>;

/** Is it ONNX? ORT's own error for a non-ONNX file is unhelpful, so the file's header is read first. */
function readMetadata(bytes: Uint8Array): { ok: true; metadata: OnnxMetadata } | LoadFailure {
  try {
    return { ok: true, metadata: readOnnxMetadata(bytes) };
  } catch (e) {
    const message = e instanceof NotOnnxError ? e.message : `could not read the model: ${errorMessage(e)}`;
    return { ok: false, stage: 'model', message };
  }
}

/** A deployed model without an embedded spec may have its spec and labels beside it on the server. */
async function companionsOf(request: WorkerLoadRequest, file: ModelFile, metadata: OnnxMetadata): Promise<File[]> {
  const { source } = request;
  if (source.kind !== 'url' || metadata.metadata[SPEC_METADATA_KEY] !== undefined) return file.companions;
  return fetchSidecars(source.url, file.fileName);
}

/** The spec from the model's metadata, its companions and the session's inputs/outputs; releases `raw` on failure. */
async function resolveSpec(
  request: WorkerLoadRequest,
  file: ModelFile,
  metadata: OnnxMetadata,
  companions: File[],
  raw: OrtSession,
): Promise<{ ok: true; resolved: ResolvedModelSpec } | LoadFailure> {
  try {
    const resolved = await resolveModelSpec({
      modelFileName: file.fileName,
      metadata,
      companions,
      io: describeSession(raw),
      overrides: request.source.overrides,
    });
    return { ok: true, resolved };
  } catch (e) {
    await raw.release().catch(() => undefined);
    return { ok: false, stage: 'spec', message: errorMessage(e) };
  }
}

/**
 * Loads `request.source` on `request.backend`. ORT starts first, in the background, so its import, .wasm download and
 * thread start overlap the model's download; its outcome is looked at only when the session is due, so fetch and model
 * errors keep their precedence.
 */
export async function loadModel(
  request: WorkerLoadRequest,
  onProgress?: (p: LoadProgress) => void,
): Promise<{ ok: true; model: WorkerLoaded; active: ActiveModel } | LoadFailure> {
  const { source, backend } = request;
  // The .wasm and the default model are kept for the service worker as they download (each crosses the network once).
  keepCoreCopies();
  const threads = workerThreadCount(request.threads);
  const runtime = startRuntime(backend, threads);

  const read = await readModelFile(source, onProgress, request.maxModelBytes);
  if (!read.ok) return read;
  const { file } = read;
  performance.mark('onsight:model-read');
  onProgress?.({ phase: 'initialising', loadedBytes: file.bytes.byteLength, totalBytes: file.bytes.byteLength });

  const onnx = readMetadata(file.bytes);
  if (!onnx.ok) return onnx;
  const companions = await companionsOf(request, file, onnx.metadata);

  const started = await runtime;
  if (!started.ok) return started.failure;
  const { ort } = started;
  const opened = await openSession(ort, file.bytes, backend, threads);
  if (!opened.ok) return opened;
  performance.mark('onsight:session-created');

  const spec = await resolveSpec(request, file, onnx.metadata, companions, opened.raw);
  if (!spec.ok) return spec;
  const { resolved } = spec;
  performance.mark('onsight:spec-resolved');

  // WASM: the warm-up run goes on after ready (the user's first photo waits for what is left of it). WebGPU: before,
  // since under `auto` it decides the backend, and a GPU that cannot run the model must fall back at load.
  const compare = request.compareWithWasm === true;
  const warm =
    backend === 'wasm' && !compare
      ? { ok: true as const, warmed: { model: warmUpAfterReady(ort, opened.raw, resolved.spec), warmupMs: 0 } }
      : await warmUp(ort, opened.raw, file.bytes, resolved.spec, backend, compare);
  if (!warm.ok) return warm;
  const { model: session, backendReason, warmupMs } = warm.warmed as WarmedUp;

  const model: WorkerLoaded = {
    id: source.id ?? resolved.spec.id,
    spec: resolved.spec,
    backend: session.backend,
    threads: session.backend === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 1,
    bytes: file.bytes.byteLength,
    backendReason: backendReason ?? request.backendReason,
    specSummary: resolved.summary,
    warnings: resolved.warnings,
    createMs: opened.createMs,
    warmupMs,
  };
  const ood = oodStatsFromMetadata(onnx.metadata.metadata);
  // The copies are stored when the page says so, after its first work, and then the service worker adopts them; ready
  // does not wait for that (../pwa/core-copy.ts).
  return {
    ok: true,
    model,
    active: {
      ...session,
      spec: resolved.spec,
      fullSizeDecode: request.fullSizeDecode === true,
      ...(ood ? { ood } : {}),
    },
  };
}
