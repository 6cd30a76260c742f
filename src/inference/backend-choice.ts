/**
 * Which onnxruntime-web backend runs the model: the whole policy, for both sides of the worker boundary. Pure (no
 * workers, no ORT, no DOM), so it is unit-tested in Node; the client supplies the worker calls, the worker supplies
 * its measurements.
 *
 * - `wasm` (e.g. `?backend=wasm`): WASM.
 * - `webgpu` (`?backend=webgpu`): WebGPU as asked; if it fails to initialise (stage `runtime` or `session`), WASM in a
 *   fresh worker, since ORT never re-initialises a backend that failed. A bad model is not retried: it fails the same
 *   way on WASM.
 * - `auto`: WebGPU only on an adapter that is not a software fallback, and only if a measured warm-up beats WASM with
 *   matching outputs ({@link compareWebGpuWithWasm}, run in the worker); otherwise WASM, with the reason.
 * - Threads: if ORT's WASM backend fails to *start* with several threads (iOS Safari has thrown `RangeError: Out of
 *   memory` there: onnxruntime #11679, transformers.js #953), the load is retried once in a fresh worker with 1 thread
 *   and every later worker (restarts, later loads) gets 1 thread. A model ORT refuses is not retried.
 */
import type { GpuProbe, LoadStage } from './protocol';
import type { Backend, BackendPreference } from './types';

/** A failed load attempt, as the client raises it from the worker's outcome (or from a crash or timeout). */
export class LoadError extends Error {
  /** With `runtime`: the thread count ORT was started with. */
  readonly threads?: number;
  /** The underlying error's text (`cause` in the worker's outcome). */
  readonly detail?: string;
  constructor(
    readonly stage: LoadStage,
    message: string,
    extra: { threads?: number; cause?: string } = {},
  ) {
    super(message);
    this.name = 'LoadError';
    this.threads = extra.threads;
    this.detail = extra.cause;
  }
}

/** One try at loading the model in a worker. */
export interface BackendAttempt {
  backend: Backend;
  /** Why this backend; shown to the user as `LoadedModel.backendReason` unless the comparison overrules it. */
  reason: string;
  /** With `webgpu`: also build a WASM session in the same worker and keep the faster of two that agree (`auto`). */
  compareWithWasm?: boolean;
  /** ORT's WASM thread count to ask for; undefined lets the worker pick. */
  threads?: number;
}

/** The worker calls the policy needs; the client implements them. */
export interface BackendLoader<T> {
  /** The WebGPU adapter's verdict, or undefined when the probe itself failed (the worker crashed or hung). */
  probeGpu(): Promise<GpuProbe | undefined>;
  /** Loads the model as `attempt` says; rejects with a {@link LoadError} when the load fails. */
  load(attempt: BackendAttempt): Promise<T>;
}

/** Only a backend failure is worth a WASM retry; a bad model fails the same way there. */
function isBackendFailure(e: unknown): e is LoadError {
  return e instanceof LoadError && (e.stage === 'session' || e.stage === 'runtime');
}

/** ORT's backend failed to start with several threads (never a model error): one thread may work. */
function isThreadStartFailure(e: unknown): e is LoadError {
  return e instanceof LoadError && e.stage === 'runtime' && e.threads !== undefined && e.threads > 1;
}

/** The backend policy for one client: its preference, and the thread count it has learnt to ask for. */
export class BackendChoice {
  private threads: number | undefined;

  constructor(
    private readonly preference: BackendPreference,
    threads?: number,
  ) {
    this.threads = threads;
  }

  /** Reloading a model into a restarted worker: the backend it ran on, the same reason, no new comparison. */
  reloadAttempt(backend: Backend, reason: string): BackendAttempt {
    return { backend, reason, threads: this.threads };
  }

  /** Chooses the backend for the preference and loads through `loader`, falling back as the policy says. */
  async load<T>(loader: BackendLoader<T>): Promise<T> {
    if (this.preference === 'wasm') return this.loadOnWasm(loader, 'WASM requested');
    let reason = 'WebGPU requested';
    let compareWithWasm = false;
    if (this.preference === 'auto') {
      const probe = await loader.probeGpu();
      if (!probe?.usable) return this.loadOnWasm(loader, `${probe ? probe.reason : 'WebGPU probe failed'}; using WASM`);
      reason = probe.reason;
      compareWithWasm = true;
    }
    try {
      return await loader.load({ backend: 'webgpu', reason, compareWithWasm, threads: this.threads });
    } catch (e) {
      if (!isBackendFailure(e)) throw e;
      return this.loadOnWasm(loader, `WebGPU failed to initialise (${e.message}); using WASM`);
    }
  }

  /** Loads on WASM; if threads failed to start, retries once with 1 thread and keeps 1 thread from then on. */
  private async loadOnWasm<T>(loader: BackendLoader<T>, reason: string): Promise<T> {
    try {
      return await loader.load({ backend: 'wasm', reason, threads: this.threads });
    } catch (e) {
      if (!isThreadStartFailure(e)) throw e;
      const previous = this.threads;
      this.threads = 1;
      try {
        const why = `${reason}; WASM threads failed to start (${e.detail ?? e.message}), using 1 thread`;
        return await loader.load({ backend: 'wasm', reason: why, threads: 1 });
      } catch (retryError) {
        // One thread did not help either: the threads were not the problem, so don't hold them against later loads.
        this.threads = previous;
        throw retryError;
      }
    }
  }
}

/** What a WebGPU adapter reports about itself (`GPUAdapter`; WebGPU types are not in TypeScript's DOM lib). */
export interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  /** Where older browsers put the flag. */
  isFallbackAdapter?: boolean;
}

/** Whether `auto` may try WebGPU on this adapter: not on none, and not on a software fallback (60–110× slower here). */
export function judgeGpuAdapter(adapter: GpuAdapterLike | null | undefined): GpuProbe {
  if (!adapter) return { usable: false, reason: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  if (fallback) return { usable: false, reason: `the WebGPU adapter is a software fallback (${name})` };
  return { usable: true, reason: `WebGPU adapter ${name}` };
}

/** A backend's best time over a few runs of the same synthetic input, and its scores in class order. */
export interface BackendMeasurement {
  ms: number;
  scores: number[];
}

/** Largest per-class score difference at which WebGPU's output still counts as WASM's. */
export const SCORE_TOLERANCE = 0.02;

/** `auto` on a real adapter: keep WebGPU only when its outputs match WASM's and it is faster. */
export function compareWebGpuWithWasm(
  gpu: BackendMeasurement,
  wasm: BackendMeasurement,
): { backend: Backend; reason: string } {
  const diff = Math.max(...gpu.scores.map((v, i) => Math.abs(v - (wasm.scores[i] ?? 0))));
  const agree = diff < SCORE_TOLERANCE && gpu.scores.length === wasm.scores.length;
  const gpuMs = gpu.ms.toFixed(1);
  const wasmMs = wasm.ms.toFixed(1);
  if (agree && gpu.ms < wasm.ms) {
    return { backend: 'webgpu', reason: `WebGPU ran in ${gpuMs} ms vs WASM ${wasmMs} ms; outputs agree` };
  }
  return {
    backend: 'wasm',
    reason: agree
      ? `WebGPU (${gpuMs} ms) is not faster than WASM (${wasmMs} ms)`
      : `WebGPU output differs from WASM (max diff ${diff.toFixed(3)})`,
  };
}
