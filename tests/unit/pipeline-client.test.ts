/**
 * ClassifierClient's queueing, restart and fallback logic, against scripted in-process workers that speak comlink over
 * a MessageChannel. No inference happens here (the real worker is checked in the browser); these tests only claim the
 * client's control flow.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { ClassifierClient } from '../../src/inference/classifier-client';
import type { LockManagerLike } from '../../src/inference/life-lock';
import type { ThumbnailRequest } from '../../src/inference/pixel-thumbnail';
import type { ClassifyOutcome, LoadOutcome, WorkerApi, WorkerLoadRequest } from '../../src/inference/protocol';
import type { ModelLoadStatus } from '../../src/inference/types';
import type { ModelSpec } from '../../src/model/spec';

const spec = { id: 'm', name: 'M', labels: ['a', 'b'] } as unknown as ModelSpec;

interface Script {
  /** Per load request: the outcome (default ok). */
  load?: (req: WorkerLoadRequest, workerNo: number) => LoadOutcome | 'hang';
  gpuUsable?: boolean;
}

/** Exclusive Web Locks in one process, as `navigator.locks` grants them: in request order, one holder at a time. */
class FakeLocks implements LockManagerLike {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, (() => void)[]>();
  request(name: string, a: unknown, b?: unknown): Promise<unknown> {
    const callback = (typeof a === 'function' ? a : b) as (lock: unknown) => unknown;
    const signal = typeof a === 'function' ? undefined : (a as { signal?: AbortSignal }).signal;
    return new Promise((resolve, reject) => {
      const run = () => {
        this.held.add(name);
        Promise.resolve()
          .then(() => callback({ name }))
          .then(resolve, reject)
          .finally(() => {
            this.held.delete(name);
            this.waiting.get(name)?.shift()?.();
          });
      };
      if (!this.held.has(name)) return run();
      const queue = this.waiting.get(name) ?? [];
      this.waiting.set(name, queue);
      const onAbort = () => {
        queue.splice(queue.indexOf(granted), 1);
        reject(new Error('AbortError'));
      };
      const granted = () => {
        signal?.removeEventListener('abort', onAbort);
        run();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(granted);
    });
  }
}

class FakeWorker extends EventTarget {
  terminated = false;
  /** Releases the locks this worker holds, as the browser does when a worker ends. */
  readonly releaseLocks: (() => void)[] = [];
  private readonly port: MessagePort;
  constructor(api: WorkerApi) {
    super();
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(api, port2);
    this.port = port1;
    port1.addEventListener('message', (e) =>
      this.dispatchEvent(new MessageEvent('message', { data: (e as MessageEvent).data })),
    );
    port1.start();
  }
  postMessage(data: unknown, transfer?: Transferable[]) {
    if (!this.terminated) this.port.postMessage(data, transfer ?? []);
  }
  terminate() {
    this.terminated = true;
    this.port.close();
    for (const release of this.releaseLocks.splice(0)) release();
  }
  crash() {
    this.dispatchEvent(new Event('error'));
  }
  /** `self.close()` or the browser ending it: no error event, no answer, its locks released. */
  exitSilently() {
    this.terminate();
  }
}

function setup(
  script: Script = {},
  options: {
    backend?: 'auto' | 'wasm' | 'webgpu';
    callTimeoutMs?: number;
    threads?: number;
    locks?: LockManagerLike | null;
  } = {},
) {
  const workers: FakeWorker[] = [];
  const locks = options.locks === undefined ? new FakeLocks() : options.locks;
  /** Photos seen so far: "once:" photos make only the first worker that gets them fail. */
  const seen = new Set<string>();
  const log: string[] = [];
  const requests: WorkerLoadRequest[] = [];
  /** The thumbnail request of each classify call (undefined: none asked), and the photo of each ticket. */
  const thumbnailRequests: (ThumbnailRequest | undefined)[] = [];
  const tickets: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const createWorker = () => {
    const no = workers.length;
    const api: WorkerApi = {
      async probeGpu() {
        return script.gpuUsable
          ? { usable: true, reason: 'real GPU' }
          : { usable: false, reason: 'the WebGPU adapter is a software fallback' };
      },
      async loadModel(req, onProgress) {
        log.push(`w${no} load ${req.backend}`);
        requests.push(req);
        await onProgress?.({ phase: 'downloading', loadedBytes: 5, totalBytes: 10 });
        const outcome = script.load?.(req, no) ?? { ok: true, model: loaded(req) };
        if (outcome === 'hang') return new Promise<LoadOutcome>(() => undefined);
        return outcome;
      },
      async classify(photo, topK, thumbnail) {
        const text = await photo.text();
        thumbnailRequests.push(thumbnail);
        running++;
        maxRunning = Math.max(maxRunning, running);
        log.push(`w${no} classify ${text}`);
        try {
          if (text === 'hang') return new Promise<ClassifyOutcome>(() => undefined);
          const first = !seen.has(text);
          seen.add(text);
          if (text === 'crash' || (text === 'once:crash' && first)) {
            setTimeout(() => workers[no]?.crash(), 5);
            return new Promise<ClassifyOutcome>(() => undefined);
          }
          if (text === 'close' || (text === 'once:close' && first)) {
            setTimeout(() => workers[no]?.exitSilently(), 5);
            return new Promise<ClassifyOutcome>(() => undefined);
          }
          if (text.startsWith('fail:')) return { ok: false, code: text.slice(5) as 'undecodable', message: 'scripted' };
          await new Promise((r) => setTimeout(r, 20));
          return {
            ok: true,
            result: {
              predictions: [{ index: 0, label: `${text}@w${no}`, score: topK }],
              width: 1,
              height: 1,
              timings: { decodeMs: 0, preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 },
              ...(thumbnail ? { thumbnailTicket: tickets.push(text) } : {}),
            },
          };
        } finally {
          running--;
        }
      },
      async thumbnail(ticket) {
        const text = tickets[ticket - 1] ?? '';
        if (text === 'thumb:crash') {
          setTimeout(() => workers[no]?.crash(), 5);
          return new Promise<Blob | undefined>(() => undefined);
        }
        return text === 'thumb:none' ? undefined : new Blob([`thumbnail of ${text}`]);
      },
      async preview() {
        return { predictions: [] };
      },
      async holdLifeLock(name) {
        if (!locks) return false;
        return new Promise<boolean>((held) => {
          void locks.request(name, () => {
            held(true);
            return new Promise<void>((release) => workers[no]?.releaseLocks.push(release));
          });
        });
      },
      async debug() {},
    };
    const w = new FakeWorker(api);
    workers.push(w);
    return w as unknown as Worker;
  };
  const client = new ClassifierClient({
    backend: options.backend ?? 'wasm',
    createWorker,
    callTimeoutMs: options.callTimeoutMs ?? 2000,
    threads: options.threads,
    locks,
    // One worker, as these tests script it; batches on helper workers: pipeline-client-batch.test.ts.
    batchWorkers: 0,
  });
  const statuses: ModelLoadStatus[] = [];
  client.onLoadStatus((s) => statuses.push(s));
  clients.push(client);
  return { client, workers, log, requests, statuses, thumbnailRequests, maxRunning: () => maxRunning };
}

function loaded(req: WorkerLoadRequest) {
  return {
    id: 'm',
    spec,
    backend: req.backend,
    threads: req.threads ?? 2,
    bytes: 10,
    backendReason: req.backendReason,
    specSummary: 'test',
    warnings: [],
    createMs: 1,
    warmupMs: 1,
  };
}

const clients: ClassifierClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

const photo = (text: string) => new Blob([text]);
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e) => (e as { code?: string }).code ?? String(e),
  );
const url = { kind: 'url', url: 'http://x/model.onnx' } as const;

describe('ClassifierClient', () => {
  it('rejects classify before any model with no-model', async () => {
    const { client } = setup();
    expect(await codeOf(client.classify(photo('x')))).toBe('no-model');
  });

  it('reports load progress and runs calls one at a time, in order', async () => {
    const t = setup();
    const model = await t.client.loadModel(url);
    expect(model).toMatchObject({ id: 'm', backend: 'wasm', threads: 2, backendReason: 'WASM requested' });
    expect(t.statuses.map((s) => s.phase)).toEqual(['downloading', 'downloading', 'ready']);
    expect(t.statuses[1]).toMatchObject({ loadedBytes: 5, totalBytes: 10 });
    expect(t.client.loadStatus.model?.id).toBe('m');
    const results = await Promise.all(['1', '2', '3', '4'].map((x) => t.client.classify(photo(x), { topK: 3 })));
    expect(results.map((r) => r.predictions[0]?.label)).toEqual(['1@w0', '2@w0', '3@w0', '4@w0']);
    expect(results[0]?.predictions[0]?.score).toBe(3);
    expect(t.maxRunning()).toBe(1);
    expect(results[0]?.timings.totalMs).toBeGreaterThan(0);
  });

  it("a photo's total is its own work; the time it waited behind the others is reported apart", async () => {
    const t = setup();
    await t.client.loadModel(url);
    // Queued at once; the scripted worker takes 20 ms a photo, so each waits for the ones before it.
    const results = await Promise.all(['1', '2', '3', '4'].map((x) => t.client.classify(photo(x))));
    const [first, second, third, fourth] = results.map((r) => r.timings);
    if (!first || !second || !third || !fourth) throw new Error('four results expected');
    for (const timing of [first, second, third, fourth]) expect(timing.totalMs).toBeGreaterThanOrEqual(15);
    // The fourth started only after the first three had finished: it waited at least their work, which its total
    // (measured from the moment its own work started) does not include.
    expect(fourth.queueMs).toBeGreaterThanOrEqual(first.totalMs + second.totalMs + third.totalMs);
    expect(fourth.totalMs).toBeLessThan(fourth.queueMs ?? 0);
    expect(first.queueMs).toBeLessThan(first.totalMs);
  });

  it("thumbnail: true asks the worker for the card's thumbnail, which comes with the result", async () => {
    const t = setup();
    await t.client.loadModel(url);
    const plain = await t.client.classify(photo('a'));
    const asked = await t.client.classify(photo('b'), { thumbnail: true });
    expect(plain.thumbnail).toBeUndefined();
    expect(t.thumbnailRequests).toEqual([undefined, { maxSide: 160, quality: 0.8 }]);
    expect(await (await asked.thumbnail)?.text()).toBe('thumbnail of b');
    // One the worker could not make: undefined, so the page draws it itself.
    expect(await (await t.client.classify(photo('thumb:none'), { thumbnail: true })).thumbnail).toBeUndefined();
  });

  it('a worker that dies before handing over a thumbnail: the result stands, the thumbnail is undefined', async () => {
    const t = setup();
    await t.client.loadModel(url);
    const result = await t.client.classify(photo('thumb:crash'), { thumbnail: true });
    expect(result.predictions[0]?.label).toBe('thumb:crash@w0');
    expect(await result.thumbnail).toBeUndefined();
    // The next photo gets a fresh worker, and its thumbnail.
    const next = await t.client.classify(photo('c'), { thumbnail: true });
    expect(await (await next.thumbnail)?.text()).toBe('thumbnail of c');
    expect(t.workers).toHaveLength(2);
  });

  it('passes worker error codes through as ClassifyError', async () => {
    const t = setup();
    await t.client.loadModel(url);
    expect(await codeOf(t.client.classify(photo('fail:undecodable')))).toBe('undecodable');
    expect(t.workers).toHaveLength(1);
  });

  it('an abort terminates the worker; the next call restarts it and reloads the model', async () => {
    const t = setup();
    await t.client.loadModel(url);
    const ac = new AbortController();
    const p = t.client.classify(photo('hang'), { signal: ac.signal });
    const next = t.client.classify(photo('after'));
    setTimeout(() => ac.abort(), 30);
    expect(await codeOf(p)).toBe('aborted');
    expect((await next).predictions[0]?.label).toBe('after@w1');
    expect(t.workers[0]?.terminated).toBe(true);
    expect(t.log).toContain('w1 load wasm');
  });

  it('a queued call aborted before it starts rejects at once and never runs', async () => {
    const t = setup();
    await t.client.loadModel(url);
    const ac = new AbortController();
    const first = t.client.classify(photo('first'));
    const second = t.client.classify(photo('second'), { signal: ac.signal });
    ac.abort();
    expect(await codeOf(second)).toBe('aborted');
    await first;
    expect(t.log.filter((l) => l.includes('second'))).toEqual([]);
    expect(t.workers).toHaveLength(1);
  });

  it('a hung worker is restarted after callTimeoutMs (worker-crashed); queued calls continue', async () => {
    const t = setup({}, { callTimeoutMs: 150 });
    await t.client.loadModel(url);
    const hung = t.client.classify(photo('hang'));
    const queued = t.client.classify(photo('queued'));
    expect(await codeOf(hung)).toBe('worker-crashed');
    expect((await queued).predictions[0]?.label).toBe('queued@w1');
  });

  it('a worker that dies (error event) on the same photo twice fails that photo with worker-crashed only', async () => {
    const t = setup();
    await t.client.loadModel(url);
    const crashed = t.client.classify(photo('crash'));
    const queued = t.client.classify(photo('queued'));
    expect(await codeOf(crashed)).toBe('worker-crashed');
    await expect(crashed).rejects.toThrow(/stopped twice on this photo/);
    expect((await queued).predictions[0]?.label).toBe('queued@w2');
    expect(t.log.filter((l) => l.endsWith('classify crash'))).toEqual(['w0 classify crash', 'w1 classify crash']);
  });

  it('a crash retries the photo in flight once, on a fresh worker with the model reloaded', async () => {
    const t = setup();
    await t.client.loadModel(url);
    const [retried, queued] = await Promise.all([
      t.client.classify(photo('once:crash')),
      t.client.classify(photo('queued')),
    ]);
    expect(retried.predictions[0]?.label).toBe('once:crash@w1');
    expect(queued.predictions[0]?.label).toBe('queued@w1');
    expect(t.workers[0]?.terminated).toBe(true);
    expect(t.log).toContain('w1 load wasm');
  });

  describe('watchdog: a worker gone without an error event (self.close(), killed by the browser)', () => {
    // callTimeoutMs is a minute and each test has 5 s: only the life lock can end these calls in time.
    const minute = { callTimeoutMs: 60_000 };

    it('is noticed mid-call; the photo is retried once on a fresh worker', { timeout: 5_000 }, async () => {
      const t = setup({}, minute);
      await t.client.loadModel(url);
      const [retried, queued] = await Promise.all([
        t.client.classify(photo('once:close')),
        t.client.classify(photo('queued')),
      ]);
      expect(retried.predictions[0]?.label).toBe('once:close@w1');
      expect(queued.predictions[0]?.label).toBe('queued@w1');
    });

    it('is noticed while idle; the next photo starts a fresh worker', { timeout: 5_000 }, async () => {
      const t = setup({}, minute);
      await t.client.loadModel(url);
      await t.client.classify(photo('before'));
      t.workers[0]?.exitSilently();
      expect((await t.client.classify(photo('after'))).predictions[0]?.label).toBe('after@w1');
    });

    it('a photo on which the worker goes twice fails with its reason; the queue goes on', {
      timeout: 5_000,
    }, async () => {
      const t = setup({}, minute);
      await t.client.loadModel(url);
      const closed = t.client.classify(photo('close'));
      const queued = t.client.classify(photo('queued'));
      await expect(closed).rejects.toThrow(/stopped twice on this photo \(the worker stopped without an error/);
      expect(await codeOf(closed)).toBe('worker-crashed');
      expect((await queued).predictions[0]?.label).toBe('queued@w2');
    });

    it('without Web Locks there is no watchdog: only the call timeout ends the call', async () => {
      const t = setup({}, { callTimeoutMs: 200, locks: null });
      await t.client.loadModel(url);
      const closed = t.client.classify(photo('once:close'));
      await expect(closed).rejects.toThrow(/did not answer within/);
      expect((await t.client.classify(photo('after'))).predictions[0]?.label).toBe('after@w1');
    });
  });

  it('a failed load keeps the previous model in use', async () => {
    const t = setup({
      load: (req, no) =>
        no === 1 ? { ok: false, stage: 'fetch', message: 'HTTP 404' } : { ok: true, model: loaded(req) },
    });
    await t.client.loadModel(url);
    await expect(t.client.loadModel({ kind: 'url', url: 'http://x/missing.onnx' })).rejects.toThrow('HTTP 404');
    expect(t.client.loadStatus).toMatchObject({ phase: 'error', error: 'HTTP 404', model: { id: 'm' } });
    expect((await t.client.classify(photo('still'))).predictions[0]?.label).toBe('still@w0');
    expect(t.workers[1]?.terminated).toBe(true);
  });

  it('webgpu that fails to initialise falls back to WASM in a fresh worker', async () => {
    const t = setup(
      {
        load: (req) =>
          req.backend === 'webgpu'
            ? { ok: false, stage: 'session', message: 'no EP' }
            : { ok: true, model: loaded(req) },
      },
      { backend: 'webgpu' },
    );
    const m = await t.client.loadModel(url);
    expect(m.backend).toBe('wasm');
    expect(m.backendReason).toMatch(/WebGPU failed to initialise \(no EP\)/);
    expect(t.log).toEqual(['w0 load webgpu', 'w1 load wasm']);
    expect(t.workers[0]?.terminated).toBe(true);
  });

  it('a bad model on webgpu is not retried on WASM', async () => {
    const t = setup(
      { load: () => ({ ok: false, stage: 'model', message: 'not an ONNX model' }) },
      { backend: 'webgpu' },
    );
    await expect(t.client.loadModel(url)).rejects.toThrow('not an ONNX model');
    expect(t.log).toEqual(['w0 load webgpu']);
  });

  it('auto: a fallback adapter means WASM with the reason; a real adapter tries WebGPU with a comparison', async () => {
    const a = setup({}, { backend: 'auto' });
    const m = await a.client.loadModel(url);
    expect(m.backend).toBe('wasm');
    expect(m.backendReason).toMatch(/software fallback/);
    const b = setup({ gpuUsable: true }, { backend: 'auto' });
    const g = await b.client.loadModel(url);
    expect(g.backend).toBe('webgpu');
    expect(b.log).toEqual(['w0 load webgpu']);
  });

  describe('threads', () => {
    /** A worker whose ORT backend cannot start with more than one thread, as iOS Safari has done (onnxruntime #11679). */
    const oomWithThreads = (req: WorkerLoadRequest): LoadOutcome => {
      const threads = req.threads ?? 4;
      return threads > 1
        ? {
            ok: false,
            stage: 'runtime',
            threads,
            cause: 'RangeError: Out of memory',
            message: `wasm backend failed to start: RangeError: Out of memory`,
          }
        : { ok: true, model: loaded({ ...req, threads }) };
    };

    it('passes ?threads= on to the worker', async () => {
      const t = setup({}, { threads: 3 });
      expect((await t.client.loadModel(url)).threads).toBe(3);
      expect(t.requests.map((r) => r.threads)).toEqual([3]);
    });

    it('threads that fail to start are retried once with 1 thread in a fresh worker, and restarts keep 1 thread', async () => {
      const t = setup({ load: oomWithThreads });
      const m = await t.client.loadModel(url);
      expect(m.threads).toBe(1);
      expect(m.backendReason).toBe(
        'WASM requested; WASM threads failed to start (RangeError: Out of memory), using 1 thread',
      );
      expect(t.requests.map((r) => r.threads)).toEqual([undefined, 1]);
      expect(t.workers[0]?.terminated).toBe(true);
      expect(t.client.loadStatus).toMatchObject({ phase: 'ready', model: { threads: 1 } });
      // A crash restarts the worker: it reloads with 1 thread straight away, no second failed attempt.
      expect(await codeOf(t.client.classify(photo('crash')))).toBe('worker-crashed');
      expect((await t.client.classify(photo('after'))).predictions[0]?.label).toBe('after@w3');
      // And a later model load also starts with 1 thread.
      await t.client.loadModel(url);
      expect(t.requests.map((r) => r.threads)).toEqual([undefined, 1, 1, 1, 1]);
    });

    it('auto on a fallback adapter: the probe worker fails threaded, the retry says both reasons', async () => {
      const t = setup({ load: oomWithThreads }, { backend: 'auto', threads: 2 });
      const m = await t.client.loadModel(url);
      expect(m.backendReason).toMatch(
        /software fallback; using WASM; WASM threads failed to start \(RangeError: Out of memory\), using 1 thread$/,
      );
      expect(t.log).toEqual(['w0 load wasm', 'w1 load wasm']);
    });

    it('a model ORT refuses, or a non-ONNX file, is not retried with 1 thread', async () => {
      for (const outcome of [
        { ok: false, stage: 'model', message: 'not an ONNX model' },
        { ok: false, stage: 'session', message: 'wasm session failed: Load model failed' },
      ] as const) {
        const t = setup({ load: () => outcome }, { threads: 4 });
        await expect(t.client.loadModel(url)).rejects.toThrow(outcome.message);
        expect(t.requests.map((r) => r.threads)).toEqual([4]);
      }
    });

    it('a runtime failure that already ran on 1 thread is not retried', async () => {
      const t = setup({
        load: () => ({
          ok: false,
          stage: 'runtime',
          threads: 1,
          cause: 'CompileError',
          message: 'wasm backend failed to start: CompileError',
        }),
      });
      await expect(t.client.loadModel(url)).rejects.toThrow('CompileError');
      expect(t.log).toEqual(['w0 load wasm']);
    });
  });
});
