/**
 * Prestart: the page names the first model load's worker with what ORT build to start, and that worker starts it as
 * its script starts. The name's round trip, when the page makes such a worker, and the worker's side through real
 * onnxruntime-web in Node (only `self`, the worker global, is stubbed).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  INFERENCE_WORKER_NAME,
  loadStartsAtOnce,
  prestartInferenceWorker,
  prestartRequestOf,
  prestartWorkerName,
  takePrestartedWorker,
} from '../../src/inference/prestart';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('prestart request in the worker name', () => {
  it('round-trips the backend preference and the thread request', () => {
    for (const request of [
      { backend: 'auto' as const },
      { backend: 'wasm' as const, threads: 2 },
      { backend: 'webgpu' as const },
    ]) {
      const name = prestartWorkerName(request);
      expect(name.startsWith(INFERENCE_WORKER_NAME)).toBe(true);
      expect(prestartRequestOf(name)).toEqual(request);
    }
  });

  it('a plain inference worker, an ORT pthread or a mangled name asks for nothing', () => {
    for (const name of [
      undefined,
      '',
      INFERENCE_WORKER_NAME,
      'em-pthread',
      'em-pthread-3',
      `${INFERENCE_WORKER_NAME} prestart:gpu`,
      `${INFERENCE_WORKER_NAME} prestart:wasm/x`,
    ]) {
      expect(prestartRequestOf(name)).toBeUndefined();
    }
  });
});

describe('the page side', () => {
  it('starts at once only where the load does: isolated, or controlled by the service worker', () => {
    expect(loadStartsAtOnce({ crossOriginIsolated: true, controlled: false })).toBe(true);
    expect(loadStartsAtOnce({ crossOriginIsolated: false, controlled: true })).toBe(true);
    // The page will reload into isolation once its worker controls it: a download now would be cut off and repeated.
    expect(loadStartsAtOnce({ crossOriginIsolated: false, controlled: false })).toBe(false);
  });

  it('makes one named worker, handed out once; none on a page that will reload', () => {
    const made: string[] = [];
    const create = (name: string) => {
      made.push(name);
      return { name } as unknown as Worker;
    };
    prestartInferenceWorker({ backend: 'auto' }, create, { crossOriginIsolated: false, controlled: false });
    expect(made).toEqual([]);
    expect(takePrestartedWorker()).toBeUndefined();

    prestartInferenceWorker({ backend: 'wasm', threads: 2 }, create, { crossOriginIsolated: true, controlled: false });
    prestartInferenceWorker({ backend: 'wasm', threads: 2 }, create, { crossOriginIsolated: true, controlled: false });
    expect(made).toEqual([prestartWorkerName({ backend: 'wasm', threads: 2 })]);
    expect(takePrestartedWorker()).toEqual({ name: made[0] });
    expect(takePrestartedWorker()).toBeUndefined(); // later workers (helpers, restarts) are plain ones
  });

  it('a worker that cannot be made leaves the first load to make its own', () => {
    prestartInferenceWorker(
      { backend: 'auto' },
      () => {
        throw new Error('blocked by CSP');
      },
      { crossOriginIsolated: true, controlled: false },
    );
    expect(takePrestartedWorker()).toBeUndefined();
  });
});

describe('the worker side, through real onnxruntime-web', () => {
  it('wasm: starts that build at once; the load gets the same runtime', async () => {
    vi.stubGlobal('self', { crossOriginIsolated: false, name: '' });
    const { prestartRuntime } = await import('../../src/inference/worker-prestart');
    const { startRuntime } = await import('../../src/inference/ort-runtime');
    expect(prestartRuntime({ backend: 'wasm' })).toBeUndefined();
    const runtime = startRuntime('wasm', 1);
    const started = await runtime;
    expect(started.ok).toBe(true);
    expect(startRuntime('wasm', 1)).toBe(runtime);
  });

  it('auto: probes the GPU first (none in Node) and starts the WASM build the load will ask for', async () => {
    vi.stubGlobal('self', { crossOriginIsolated: false, name: '' });
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 }); // Node 20 has none; a browser without WebGPU
    const { prestartRuntime } = await import('../../src/inference/worker-prestart');
    const { startRuntime } = await import('../../src/inference/ort-runtime');
    const probe = prestartRuntime({ backend: 'auto' });
    expect(await probe).toEqual({ usable: false, reason: 'WebGPU is not available in this browser' });
    // The WASM build is the one under way: asking this worker for the WebGPU build is refused.
    await vi.waitFor(async () => {
      const other = await startRuntime('webgpu', 1);
      expect(other.ok).toBe(false);
      if (!other.ok) expect(other.failure.message).toContain("already runs ORT's wasm build");
    });
    expect((await startRuntime('wasm', 1)).ok).toBe(true);
  });
});
