/**
 * Starting the inference worker's slow part first thing on a first visit: ORT's import, the 14 MB `.wasm`'s download
 * and compilation and its thread pool take ~0.5 s, and the first model load used to begin them only after the page had
 * rendered, listed the saved models and read `models/index.json` (~0.2 s later). The page creates the worker the
 * first load will use as its main script starts, and names it so the worker knows at once which ORT build to start
 * (`auto` probes the GPU there first, as backend-choice would); the load then finds its runtime under way.
 *
 * The worker's name carries the request because a name is readable synchronously when the worker's script starts,
 * before any message could arrive. Pure parsing here; the worker's side is worker-prestart.ts.
 */
import type { BackendPreference } from './types';

/** What the worker should start: the page's backend preference and thread request (`?backend=`, `?threads=`). */
export interface PrestartRequest {
  backend: BackendPreference;
  threads?: number;
}

/** Every inference worker's name starts with this; the pthread guard (`em-pthread…`) never matches it. */
export const INFERENCE_WORKER_NAME = 'onsight-inference';
const PRESTART_MARK = ' prestart:';

/** The worker name that asks for `request`, e.g. `onsight-inference prestart:auto` or `…prestart:wasm/2`. */
export function prestartWorkerName(request: PrestartRequest): string {
  const threads = request.threads === undefined ? '' : `/${request.threads}`;
  return `${INFERENCE_WORKER_NAME}${PRESTART_MARK}${request.backend}${threads}`;
}

/** The request a worker name carries, or undefined for a plain inference worker (helpers, restarts) or a bad name. */
export function prestartRequestOf(name: string | undefined): PrestartRequest | undefined {
  if (!name?.startsWith(`${INFERENCE_WORKER_NAME}${PRESTART_MARK}`)) return undefined;
  const m = /^(auto|wasm|webgpu)(?:\/(\d{1,2}))?$/.exec(
    name.slice(INFERENCE_WORKER_NAME.length + PRESTART_MARK.length),
  );
  if (!m) return undefined;
  const backend = m[1] as BackendPreference;
  return m[2] === undefined ? { backend } : { backend, threads: Number(m[2]) };
}

/**
 * Whether a page can start its model load at once (so a worker started now is used, not thrown away): it is
 * cross-origin isolated, or a service worker controls it. A page that is neither will reload into isolation once its
 * service worker takes control (../pwa/register-sw.ts), and a download started now would be cut off and repeated.
 */
export function loadStartsAtOnce(env: { crossOriginIsolated: boolean; controlled: boolean }): boolean {
  return env.crossOriginIsolated || env.controlled;
}

/** The worker made for the first load, until the client takes it. */
let prestarted: Worker | undefined;

/**
 * Creates the inference worker for the first model load now, asking it to start ORT for `request`, where the load
 * will start at once. `create` makes a worker with the given name (the client's default worker).
 */
export function prestartInferenceWorker(
  request: PrestartRequest,
  create: (name: string) => Worker,
  env: { crossOriginIsolated: boolean; controlled: boolean },
): void {
  if (prestarted || !loadStartsAtOnce(env)) return;
  try {
    prestarted = create(prestartWorkerName(request));
  } catch {
    // No worker now (a CSP, a browser limit): the first load makes its own and reports what goes wrong.
  }
}

/** The prestarted worker, once: the first worker the classifier client asks for. */
export function takePrestartedWorker(): Worker | undefined {
  const worker = prestarted;
  prestarted = undefined;
  return worker;
}
