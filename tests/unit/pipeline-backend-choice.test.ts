/**
 * The backend policy (src/inference/backend-choice.ts) on its own, with a scripted loader in place of workers: which
 * attempts it makes, in which order, with which reasons and threads; and the two verdicts it hands the worker (the
 * adapter judgement and the WebGPU-vs-WASM comparison).
 */
import { describe, expect, it } from 'vitest';
import {
  type BackendAttempt,
  BackendChoice,
  compareWebGpuWithWasm,
  judgeGpuAdapter,
  LoadError,
} from '../../src/inference/backend-choice';
import type { GpuProbe } from '../../src/inference/protocol';

/** A loader whose attempts succeed or throw per `outcome`, recording each attempt. */
function scripted(outcome: (a: BackendAttempt) => Error | undefined, probe?: GpuProbe) {
  const attempts: BackendAttempt[] = [];
  let probes = 0;
  const loader = {
    async probeGpu() {
      probes++;
      return probe;
    },
    async load(attempt: BackendAttempt) {
      attempts.push(attempt);
      const error = outcome(attempt);
      if (error) throw error;
      return attempt;
    },
  };
  return { loader, attempts, probes: () => probes };
}

const ok = () => undefined;
const realGpu: GpuProbe = { usable: true, reason: 'WebGPU adapter nvidia ampere' };
const softwareGpu: GpuProbe = {
  usable: false,
  reason: 'the WebGPU adapter is a software fallback (google swiftshader)',
};
const oomWithThreads = (a: BackendAttempt) =>
  a.threads === 1
    ? undefined
    : new LoadError('runtime', 'wasm backend failed to start', { threads: a.threads ?? 4, cause: 'RangeError: OOM' });

describe('BackendChoice', () => {
  it('wasm: one WASM attempt with the requested threads, no probe', async () => {
    const s = scripted(ok);
    const chosen = await new BackendChoice('wasm', 3).load(s.loader);
    expect(chosen).toEqual({ backend: 'wasm', reason: 'WASM requested', threads: 3 });
    expect(s.attempts).toHaveLength(1);
    expect(s.probes()).toBe(0);
  });

  it('webgpu: tried as asked, without a comparison', async () => {
    const s = scripted(ok);
    const chosen = await new BackendChoice('webgpu').load(s.loader);
    expect(chosen).toEqual({ backend: 'webgpu', reason: 'WebGPU requested', compareWithWasm: false });
    expect(s.probes()).toBe(0);
  });

  it('webgpu that fails to start or to build a session falls back to WASM, saying why', async () => {
    for (const stage of ['runtime', 'session'] as const) {
      const s = scripted((a) => (a.backend === 'webgpu' ? new LoadError(stage, 'no EP') : undefined));
      const chosen = await new BackendChoice('webgpu').load(s.loader);
      expect(s.attempts.map((a) => a.backend)).toEqual(['webgpu', 'wasm']);
      expect(chosen.reason).toBe('WebGPU failed to initialise (no EP); using WASM');
    }
  });

  it('a bad model, or an error that is no LoadError, is not retried on WASM', async () => {
    for (const error of [
      new LoadError('model', 'not an ONNX model'),
      new LoadError('spec', 'no labels'),
      new Error('x'),
    ]) {
      const s = scripted(() => error);
      await expect(new BackendChoice('webgpu').load(s.loader)).rejects.toBe(error);
      expect(s.attempts.map((a) => a.backend)).toEqual(['webgpu']);
    }
  });

  it('auto: WASM with the probe reason on a software adapter or a failed probe; WebGPU with a comparison on a real one', async () => {
    const soft = scripted(ok, softwareGpu);
    expect(await new BackendChoice('auto').load(soft.loader)).toEqual({
      backend: 'wasm',
      reason: 'the WebGPU adapter is a software fallback (google swiftshader); using WASM',
      threads: undefined,
    });
    const failed = scripted(ok, undefined);
    expect((await new BackendChoice('auto').load(failed.loader)).reason).toBe('WebGPU probe failed; using WASM');
    const real = scripted(ok, realGpu);
    expect(await new BackendChoice('auto', 2).load(real.loader)).toEqual({
      backend: 'webgpu',
      reason: realGpu.reason,
      compareWithWasm: true,
      threads: 2,
    });
  });

  it('threads that fail to start: one retry with 1 thread, which restarts and later loads keep', async () => {
    const choice = new BackendChoice('wasm', 4);
    const s = scripted(oomWithThreads);
    const chosen = await choice.load(s.loader);
    expect(s.attempts.map((a) => a.threads)).toEqual([4, 1]);
    expect(chosen.reason).toBe('WASM requested; WASM threads failed to start (RangeError: OOM), using 1 thread');
    expect(choice.reloadAttempt('wasm', chosen.reason)).toEqual({ backend: 'wasm', reason: chosen.reason, threads: 1 });
    const later = scripted(oomWithThreads);
    await choice.load(later.loader);
    expect(later.attempts.map((a) => a.threads)).toEqual([1]);
  });

  it('auto on a software adapter with failing threads: the retry keeps both reasons', async () => {
    const s = scripted(oomWithThreads, softwareGpu);
    const chosen = await new BackendChoice('auto', 2).load(s.loader);
    expect(chosen.reason).toMatch(/software fallback \(google swiftshader\); using WASM; WASM threads failed to start/);
  });

  it('when 1 thread fails too, the threads are not held against later loads', async () => {
    const choice = new BackendChoice('wasm', 4);
    const s = scripted((a) => new LoadError('runtime', 'CompileError', { threads: a.threads ?? 4 }));
    await expect(choice.load(s.loader)).rejects.toThrow('CompileError');
    expect(s.attempts.map((a) => a.threads)).toEqual([4, 1]);
    expect(choice.reloadAttempt('wasm', 'r').threads).toBe(4);
  });

  it('a runtime failure on 1 thread, or a session failure, is not retried with 1 thread', async () => {
    for (const error of [
      new LoadError('runtime', 'CompileError', { threads: 1 }),
      new LoadError('session', 'wasm session failed: Load model failed'),
    ]) {
      const s = scripted(() => error);
      await expect(new BackendChoice('wasm', 4).load(s.loader)).rejects.toBe(error);
      expect(s.attempts).toHaveLength(1);
    }
  });
});

describe('judgeGpuAdapter', () => {
  it('refuses no adapter and software fallbacks (either flag), accepts a real adapter by name', () => {
    expect(judgeGpuAdapter(null)).toEqual({ usable: false, reason: 'no WebGPU adapter' });
    expect(
      judgeGpuAdapter({ info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } }),
    ).toEqual({ usable: false, reason: 'the WebGPU adapter is a software fallback (google swiftshader)' });
    expect(judgeGpuAdapter({ isFallbackAdapter: true }).usable).toBe(false);
    expect(judgeGpuAdapter({ info: { vendor: 'nvidia', architecture: 'ampere', description: '' } })).toEqual({
      usable: true,
      reason: 'WebGPU adapter nvidia ampere',
    });
    expect(judgeGpuAdapter({}).reason).toBe('WebGPU adapter unknown adapter');
  });
});

describe('compareWebGpuWithWasm', () => {
  const scores = [0.7, 0.2, 0.1];
  it('keeps WebGPU only when it is faster and its outputs agree', () => {
    expect(compareWebGpuWithWasm({ ms: 4, scores }, { ms: 10, scores: [0.71, 0.19, 0.1] })).toEqual({
      backend: 'webgpu',
      reason: 'WebGPU ran in 4.0 ms vs WASM 10.0 ms; outputs agree',
    });
    expect(compareWebGpuWithWasm({ ms: 12, scores }, { ms: 10, scores })).toEqual({
      backend: 'wasm',
      reason: 'WebGPU (12.0 ms) is not faster than WASM (10.0 ms)',
    });
    expect(compareWebGpuWithWasm({ ms: 4, scores }, { ms: 10, scores: [0.6, 0.3, 0.1] })).toEqual({
      backend: 'wasm',
      reason: 'WebGPU output differs from WASM (max diff 0.100)',
    });
  });

  it('outputs of different lengths never agree', () => {
    expect(compareWebGpuWithWasm({ ms: 1, scores }, { ms: 10, scores: [...scores, 0] }).backend).toBe('wasm');
  });
});
