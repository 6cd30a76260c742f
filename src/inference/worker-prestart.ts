/**
 * The worker's side of ./prestart.ts: a worker named with a prestart request starts ORT as its script starts — the
 * build the first load will ask for, with the same thread count — so that the import, the `.wasm`'s download and
 * compilation and the thread pool overlap the page's own start-up instead of following it. Under `auto` the GPU is
 * probed first, as backend-choice does, and the probe's answer is kept for the client's own probe call.
 */
import { keepCoreCopies } from '../pwa/core-copy';
import { probeGpu } from './gpu-probe';
import { startRuntime, workerThreadCount } from './ort-runtime';
import type { PrestartRequest } from './prestart';
import type { GpuProbe } from './protocol';

/**
 * Starts ORT for `request`; returns the GPU probe when one ran (`auto`), for the worker's `probeGpu` to answer with.
 * Never rejects: a runtime that fails to start is reported by the load that uses it (startRuntime keeps the outcome).
 */
export function prestartRuntime(request: PrestartRequest): Promise<GpuProbe> | undefined {
  // The .wasm is kept for the service worker as it downloads (it crosses the network once): wrap fetch before ORT.
  keepCoreCopies();
  const threads = workerThreadCount(request.threads);
  if (request.backend !== 'auto') {
    void startRuntime(request.backend, threads);
    return undefined;
  }
  const probe = probeGpu();
  void probe.then((verdict) => startRuntime(verdict.usable ? 'webgpu' : 'wasm', threads));
  return probe;
}
