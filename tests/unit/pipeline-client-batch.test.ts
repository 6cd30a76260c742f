/**
 * ClassifierClient during a batch: one-thread helper workers beside the model's own, against scripted in-process
 * workers that speak comlink over a MessageChannel. No inference happens here (the real workers are measured by the
 * bench and checked in the browser); these tests claim the client's control flow only.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { ClassifierClient, type ClassifierClientOptions } from '../../src/inference/classifier-client';
import type { ClassifyOutcome, LoadOutcome, WorkerApi, WorkerLoadRequest } from '../../src/inference/protocol';
import type { ModelSpec } from '../../src/model/spec';

const spec = { id: 'm', name: 'M', labels: ['a', 'b'] } as unknown as ModelSpec;

class ScriptedWorker extends EventTarget {
  terminated = false;
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
  }
  crash() {
    this.dispatchEvent(new Event('error'));
  }
}

interface Script {
  /** Load outcome per request (default ok); 'slow' answers after 50 ms, 'never' does not answer. */
  load?: (req: WorkerLoadRequest, workerNo: number) => LoadOutcome | 'slow' | 'never';
}

/** Photos are text blobs: `hang`, `crash`, `wait:<ms>` (answer after that long; default 20 ms), anything else. */
function setup(options: Partial<ClassifierClientOptions> = {}, script: Script = {}) {
  const workers: ScriptedWorker[] = [];
  const requests: { no: number; req: WorkerLoadRequest }[] = [];
  const started: string[] = [];
  /** `<photo>@w<worker>` as each call starts. */
  const startedOn: string[] = [];
  /** Calls running per worker now, and the most ever at once on one worker and on all together. */
  const running: number[] = [];
  let maxPerWorker = 0;
  let maxTotal = 0;
  /** `gate:<id>` photos answer when the test opens their gate. */
  const gates = new Map<string, () => void>();
  const createWorker = () => {
    const no = workers.length;
    running[no] = 0;
    const api: WorkerApi = {
      async probeGpu() {
        return { usable: false, reason: 'software fallback' };
      },
      async loadModel(req) {
        requests.push({ no, req });
        const outcome = script.load?.(req, no) ?? { ok: true, model: loaded(req) };
        if (outcome === 'never') return new Promise<LoadOutcome>(() => undefined);
        if (outcome === 'slow') {
          await new Promise((r) => setTimeout(r, 50));
          return { ok: true, model: loaded(req) };
        }
        return outcome;
      },
      async classify(photo) {
        const text = await photo.text();
        started.push(text);
        startedOn.push(`${text}@w${no}`);
        running[no] = (running[no] ?? 0) + 1;
        maxPerWorker = Math.max(maxPerWorker, running[no] ?? 0);
        maxTotal = Math.max(
          maxTotal,
          running.reduce((a, b) => a + b, 0),
        );
        try {
          if (text === 'hang') return await new Promise<ClassifyOutcome>(() => undefined);
          if (text === 'crash') {
            setTimeout(() => workers[no]?.crash(), 5);
            return await new Promise<ClassifyOutcome>(() => undefined);
          }
          if (text.startsWith('gate:')) await new Promise<void>((open) => gates.set(text.slice(5), open));
          const ms = text.startsWith('gate:') ? 0 : text.startsWith('wait:') ? Number.parseInt(text.slice(5), 10) : 20;
          await new Promise((r) => setTimeout(r, ms));
          return {
            ok: true,
            result: {
              predictions: [{ index: 0, label: `${text}@w${no}`, score: 1 }],
              width: 1,
              height: 1,
              timings: { decodeMs: 0, preprocessMs: 0, inferenceMs: 0, postprocessMs: 0 },
            },
          };
        } finally {
          running[no] = (running[no] ?? 1) - 1;
        }
      },
      async thumbnail() {
        return undefined;
      },
      async preview() {
        return { predictions: [] };
      },
      async holdLifeLock() {
        return false;
      },
      async debug() {},
    };
    const w = new ScriptedWorker(api);
    workers.push(w);
    return w as unknown as Worker;
  };
  const client = new ClassifierClient({ backend: 'wasm', callTimeoutMs: 2000, createWorker, locks: null, ...options });
  clients.push(client);
  return {
    client,
    workers,
    requests,
    started,
    startedOn,
    maxPerWorker: () => maxPerWorker,
    maxTotal: () => maxTotal,
    open: (id: string) => gates.get(id)?.(),
    /** Thread counts asked for by helper loads (every load after the first, on the model's own worker). */
    helperThreads: () => requests.slice(1).map((r) => r.req.threads),
  };
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
const label = async (p: Promise<{ predictions: { label: string }[] }>) => (await p).predictions[0]?.label ?? '';
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e) => (e as { code?: string }).code ?? String(e),
  );
const url = { kind: 'url', url: 'http://x/model.onnx' } as const;
const batchOf = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const workerOf = (l: string) => l.split('@')[1];
/** Waits (up to 2 s) until `ready()` holds. */
async function until(ready: () => boolean) {
  for (let i = 0; i < 200 && !ready(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ready()).toBe(true);
}

describe('ClassifierClient batches', () => {
  it('a backlog starts one-thread helpers; every photo gets its own result; one call per worker at a time', async () => {
    const t = setup({ batchWorkers: 2, threads: 2 });
    await t.client.loadModel(url);
    const names = batchOf(12);
    const labels = await Promise.all(names.map((n) => label(t.client.classify(photo(n)))));
    expect(labels.map((l) => l.split('@')[0])).toEqual(names);
    expect(t.helperThreads()).toEqual([1, 1]);
    expect(new Set(labels.map(workerOf))).toEqual(new Set(['w0', 'w1', 'w2']));
    expect(t.maxPerWorker()).toBe(1);
    expect(t.started).toEqual(names); // started in the order asked
    expect(t.client.concurrency).toBe(3);
  });

  it('while the helpers are not all up, the model’s own worker keeps taking calls beside them', async () => {
    // The second helper never finishes loading: the first helper and the model's own worker share the batch.
    const t = setup(
      { batchWorkers: 2 },
      { load: (req, no) => (no === 2 ? 'never' : { ok: true, model: loaded(req) }) },
    );
    await t.client.loadModel(url);
    const calls = ['gate:a', 'gate:b', 'gate:c', 'gate:d'].map((n) => label(t.client.classify(photo(n))));
    await until(() => t.started.length === 2);
    t.open('a'); // the model's worker is free while the helper still runs `b`: it takes `c` at once
    await until(() => t.started.length === 3);
    expect(t.started).toEqual(['gate:a', 'gate:b', 'gate:c']);
    t.open('b');
    await until(() => t.started.length === 4);
    t.open('c');
    t.open('d');
    expect((await Promise.all(calls)).map(workerOf)).toEqual(['w0', 'w1', 'w0', 'w1']);
  });

  it('two photos at once are not a batch: no helper starts (nothing is fetched after load)', async () => {
    const t = setup({ batchWorkers: 2 });
    await t.client.loadModel(url);
    for (let i = 0; i < 3; i++) {
      const labels = await Promise.all(['a', 'b'].map((n) => label(t.client.classify(photo(n)))));
      expect(labels).toEqual(['a@w0', 'b@w0']);
    }
    expect(t.workers).toHaveLength(1);
    // A third call queued behind the waiting one makes it a batch.
    await Promise.all(batchOf(3).map((n) => t.client.classify(photo(n))));
    expect(t.helperThreads()).toEqual([1, 1]);
  });

  it('a lone photo after a batch goes to the model’s own worker', async () => {
    const t = setup({ batchWorkers: 2 });
    await t.client.loadModel(url);
    await Promise.all(batchOf(8).map((n) => t.client.classify(photo(n))));
    expect(await label(t.client.classify(photo('lone')))).toBe('lone@w0');
  });

  it('with a single-threaded model worker, it counts as one of the batch workers', async () => {
    const t = setup({ batchWorkers: 2, threads: 1 });
    await t.client.loadModel(url);
    const labels = await Promise.all(batchOf(10).map((n) => label(t.client.classify(photo(n)))));
    expect(t.helperThreads()).toEqual([1]);
    expect(new Set(labels.map(workerOf))).toEqual(new Set(['w0', 'w1']));
    expect(t.maxTotal()).toBe(2);
  });

  it('no helpers with batchWorkers 1 or on WebGPU', async () => {
    for (const options of [{ batchWorkers: 1 }, { batchWorkers: 4, backend: 'webgpu' as const }]) {
      const t = setup(options);
      await t.client.loadModel(url);
      await Promise.all(batchOf(6).map((n) => t.client.classify(photo(n))));
      expect(t.workers).toHaveLength(1);
      expect(t.maxTotal()).toBe(1);
    }
  });

  it('helpers left idle are let go; the next batch starts new ones', async () => {
    const t = setup({ batchWorkers: 2, helperIdleMs: 40 });
    await t.client.loadModel(url);
    await Promise.all(batchOf(6).map((n) => t.client.classify(photo(n))));
    expect(t.workers).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 120));
    expect(t.workers.slice(1).every((w) => w.terminated)).toBe(true);
    expect(t.workers[0]?.terminated).toBe(false);
    await Promise.all(batchOf(6, 'q').map((n) => t.client.classify(photo(n))));
    expect(t.workers).toHaveLength(5);
  });

  it('aborting a call on a helper ends that helper only; the other calls finish and a new helper replaces it', async () => {
    const t = setup({ batchWorkers: 2 }, { load: () => 'slow' });
    await t.client.loadModel(url);
    const ac = new AbortController();
    // The first call holds the model's own worker, so `hang` goes to a helper once they are up.
    const first = t.client.classify(photo('gate:first'));
    const hang = t.client.classify(photo('hang'), { signal: ac.signal });
    const rest = batchOf(4).map((n) => label(t.client.classify(photo(n))));
    await until(() => t.startedOn.some((s) => s.startsWith('hang@') && s !== 'hang@w0'));
    const hungOn = Number(t.startedOn.find((s) => s.startsWith('hang@'))?.slice(6));
    ac.abort();
    expect(await codeOf(hang)).toBe('aborted');
    t.open('first');
    expect(await label(first)).toBe('gate:first@w0');
    expect((await Promise.all(rest)).map((l) => l.split('@')[0])).toEqual(batchOf(4));
    expect(t.workers.map((w, i) => (w.terminated ? i : -1)).filter((i) => i >= 0)).toEqual([hungOn]);
    await Promise.all(batchOf(6, 'again').map((n) => t.client.classify(photo(n))));
    expect(t.workers).toHaveLength(4); // the lost helper was replaced
  });

  it('a helper that crashes fails its own call (worker-crashed); the rest of the batch is unharmed', async () => {
    const t = setup({ batchWorkers: 2 }, { load: () => 'slow' });
    await t.client.loadModel(url);
    const first = t.client.classify(photo('wait:100'));
    const others = ['a', 'crash', 'b', 'c', 'd'].map((n) => codeOf(t.client.classify(photo(n))));
    expect(await codeOf(first)).toBe('resolved');
    expect(await Promise.all(others)).toEqual(['resolved', 'worker-crashed', 'resolved', 'resolved', 'resolved']);
  });

  it('a helper that cannot load the model leaves the batch to the model’s own worker until the next model', async () => {
    const t = setup(
      { batchWorkers: 2 },
      {
        load: (req, no) =>
          no > 0 ? { ok: false, stage: 'runtime', message: 'out of memory' } : { ok: true, model: loaded(req) },
      },
    );
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      await t.client.loadModel(url);
      const labels = await Promise.all(batchOf(8).map((n) => label(t.client.classify(photo(n)))));
      expect(labels.every((l) => workerOf(l) === 'w0')).toBe(true);
      await Promise.all(batchOf(4, 'q').map((n) => t.client.classify(photo(n))));
      expect(t.requests).toHaveLength(3); // one model worker, two failed helpers, no retries in the second batch
      expect(warnings.length).toBeGreaterThan(0);
    } finally {
      console.warn = warn;
    }
  });

  it('a model load waits for calls running on helpers, then lets the helpers go', async () => {
    const t = setup({ batchWorkers: 2 }, { load: () => 'slow' });
    await t.client.loadModel(url);
    const batch = batchOf(5).map((n) => t.client.classify(photo(`wait:${n === 'p0' ? 100 : 60}`)));
    await new Promise((r) => setTimeout(r, 80)); // helpers up, calls running on them
    const order: string[] = [];
    const load = t.client.loadModel({ kind: 'url', url: 'http://x/other.onnx' }).then(() => order.push('load'));
    for (const p of batch) void p.then(() => order.push('call'));
    await load;
    await Promise.all(batch);
    expect(order).toEqual(['call', 'call', 'call', 'call', 'call', 'load']);
    const helperNos = t.requests.filter((r) => r.req.threads === 1).map((r) => r.no);
    await until(() => helperNos.every((no) => t.workers[no]?.terminated));
    // The next batch's helpers load the new model.
    await Promise.all(batchOf(6, 'n').map((n) => t.client.classify(photo(n))));
    await until(() => t.requests.filter((r) => r.req.threads === 1).length > helperNos.length);
    const newHelpers = t.requests.filter((r) => r.req.threads === 1).slice(helperNos.length);
    expect(newHelpers.every((r) => r.req.source.kind === 'url' && r.req.source.url === 'http://x/other.onnx')).toBe(
      true,
    );
  });

  it('dispose terminates the helpers too, busy ones included', async () => {
    const t = setup({ batchWorkers: 3 });
    await t.client.loadModel(url);
    await Promise.all(batchOf(8).map((n) => t.client.classify(photo(n))));
    expect(t.workers.length).toBeGreaterThan(1);
    const busy = ['hang', 'hang', 'hang'].map((n) => codeOf(t.client.classify(photo(n))));
    await until(() => t.started.filter((s) => s === 'hang').length === 3);
    t.client.dispose();
    expect(t.workers.every((w) => w.terminated)).toBe(true);
    expect(await Promise.all(busy)).toEqual(['worker-crashed', 'worker-crashed', 'worker-crashed']);
  });
});
