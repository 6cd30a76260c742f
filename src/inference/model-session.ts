/**
 * The model's ORT session in the worker: creating it on the requested backend, and the warm-up run on a synthetic
 * photo that pays one-off kernel/shader set-up before the user's first photo. Under `auto` on a real GPU the warm-up
 * also measures WebGPU against WASM, and backend-choice decides which session to keep.
 */
import { errorMessage } from '../error-message';
import type { ModelSpec } from '../model/spec';
import { adaptOrtSession, preprocess, runTensor, type TensorSession } from '../vision/pipeline';
import { postprocess } from '../vision/postprocess';
import type { PixelBuffer } from '../vision/resize';
import { type BackendMeasurement, compareWebGpuWithWasm } from './backend-choice';
import { backendInitFailure, createSession, type Ort, type OrtSession, runtimeStartFailure } from './ort-runtime';
import type { LoadFailure } from './protocol';
import type { Backend } from './types';

/** A session ready to classify: ORT's own (to release) and the pipeline's view of it. */
export interface ModelSession {
  raw: OrtSession;
  session: TensorSession;
  backend: Backend;
}

/**
 * Creates the model's session. A failure of ORT's backend to start is stage `runtime` (the client may retry it with
 * one thread); ORT refusing this model is stage `session`.
 */
export async function openSession(
  ort: Ort,
  bytes: Uint8Array,
  backend: Backend,
  threads: number,
): Promise<{ ok: true; raw: OrtSession; createMs: number } | LoadFailure> {
  try {
    const t = performance.now();
    const raw = await createSession(ort, bytes, backend);
    return { ok: true, raw, createMs: performance.now() - t };
  } catch (e) {
    const initFailure = backendInitFailure(e);
    if (initFailure !== undefined) return runtimeStartFailure(backend, threads, initFailure);
    return { ok: false, stage: 'session', message: `${backend} session failed: ${errorMessage(e)}` };
  }
}

/** A deterministic, photo-like test image for warm-up and backend comparison. */
function syntheticPixels(spec: ModelSpec): PixelBuffer {
  const width = spec.input.width;
  const height = spec.input.height;
  // The array type the decoders give (ImageData, VideoFrame copies), so the preprocessor's loops stay monomorphic.
  const data = new Uint8ClampedArray(width * height * 4);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : ((i >> 2) % width) + (s >>> 28);
  }
  return { data, width, height, channels: 4 };
}

/** Best time of `runs` runs on the synthetic image, and the last run's scores in class order. */
async function timeRuns(session: TensorSession, spec: ModelSpec, runs: number): Promise<BackendMeasurement> {
  const input = preprocess(spec, syntheticPixels(spec));
  let best = Number.POSITIVE_INFINITY;
  let scores: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const out = await runTensor(session, spec, input);
    best = Math.min(best, performance.now() - t);
    scores = postprocess(out, spec.output, spec.labels, 0)
      .sort((a, b) => a.index - b.index)
      .map((p) => p.score);
  }
  return { ms: best, scores };
}

export interface WarmedUp {
  model: ModelSession;
  /** The comparison's verdict when one ran, else undefined (the requested backend and reason stand). */
  backendReason?: string;
  /** The first run, ms. */
  warmupMs: number;
}

/**
 * Runs the model once on `raw`. With `compareWithWasm` (only `auto` on a real GPU asks), also times WebGPU against a
 * WASM session of the same bytes and keeps the one backend-choice picks, releasing the other. On failure, `raw` is
 * released and the error is reported as stage `session`.
 */
export async function warmUp(
  ort: Ort,
  raw: OrtSession,
  bytes: Uint8Array,
  spec: ModelSpec,
  backend: Backend,
  compareWithWasm: boolean,
): Promise<{ ok: true; warmed: WarmedUp } | LoadFailure> {
  const session = adaptOrtSession(ort, raw);
  try {
    const t = performance.now();
    await timeRuns(session, spec, 1);
    const warmupMs = performance.now() - t;
    if (backend !== 'webgpu' || !compareWithWasm)
      return { ok: true, warmed: { model: { raw, session, backend }, warmupMs } };
    const gpu = await timeRuns(session, spec, 3);
    const wasmRaw = await createSession(ort, bytes, 'wasm');
    const wasmSession = adaptOrtSession(ort, wasmRaw);
    await timeRuns(wasmSession, spec, 1);
    const wasm = await timeRuns(wasmSession, spec, 3);
    const verdict = compareWebGpuWithWasm(gpu, wasm);
    const [keep, drop] =
      verdict.backend === 'webgpu'
        ? [{ raw, session, backend }, wasmRaw]
        : [{ raw: wasmRaw, session: wasmSession, backend: verdict.backend }, raw];
    await drop.release().catch(() => undefined);
    return { ok: true, warmed: { model: keep, backendReason: verdict.reason, warmupMs } };
  } catch (e) {
    await raw.release().catch(() => undefined);
    return { ok: false, stage: 'session', message: `${backend} could not run the model: ${errorMessage(e)}` };
  }
}

/**
 * The warm-up of a WASM session, started now and left running after the load reports ready instead of before: the
 * first `session.run` runs baseline-tier code while V8 tiers up (~0.3 s on a quiet 2-core VM, over 1 s under load),
 * and a user takes longer than that to pick a photo, so their first photo waits for what is left of it, if anything.
 * Runs on the session wait for it (one run at a time), and so does releasing it. A model that cannot run fails the
 * warm-up quietly; its photos' own runs then say why.
 */
export function warmUpAfterReady(ort: Ort, raw: OrtSession, spec: ModelSpec): ModelSession {
  const session = adaptOrtSession(ort, raw);
  // From a task of its own: `session.run` holds this thread for the whole run, and the load's answer must be posted
  // to the page first.
  const warming = new Promise((resolve) => setTimeout(resolve, 0))
    .then(() => timeRuns(session, spec, 1))
    .then(
      () => void performance.mark('onsight:warmed-up'),
      () => undefined,
    );
  const release = raw.release.bind(raw);
  raw.release = () => warming.then(release);
  return {
    raw,
    backend: 'wasm',
    session: {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      run: (feeds, outputNames) => warming.then(() => session.run(feeds, outputNames)),
    },
  };
}
