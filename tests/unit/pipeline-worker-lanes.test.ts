/** LanePool's rules: which worker a classify call gets, in what order, and when it has to wait. Pure, no workers. */

import { describe, expect, it } from 'vitest';
import { helpersFor } from '../../src/inference/batch-helpers';
import { type Lane, LanePool, type Lease } from '../../src/inference/worker-lanes';

function pool(mayJoin = false) {
  const events: string[] = [];
  const lanes = new LanePool<string>({
    primaryMayJoin: () => mayJoin,
    onBacklog: () => events.push('backlog'),
    onIdle: () => events.push('idle'),
  });
  return { lanes, events };
}

const name = (lane: Lane<string>) => (lane.kind === 'primary' ? 'primary' : lane.handle);
/** Whether the promise has settled by the next macrotask. */
const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setTimeout(r, 0));
  return done;
};

describe('LanePool', () => {
  it('without helpers: one call at a time on the primary, the rest wait in order and report a backlog', async () => {
    const { lanes, events } = pool();
    const first = await lanes.acquire();
    expect(name(first.lane)).toBe('primary');
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) =>
      lanes.acquire().then((lease) => {
        order.push(n);
        return lease;
      }),
    );
    expect(await settled(waiting[0] as Promise<Lease<string>>)).toBe(false);
    expect(events.filter((e) => e === 'backlog')).toHaveLength(3);
    first.release();
    first.release(); // a second release frees nothing more
    const second = await waiting[0];
    expect(await settled(waiting[1] as Promise<Lease<string>>)).toBe(false);
    second?.release();
    (await waiting[1])?.release();
    (await waiting[2])?.release();
    expect(order).toEqual([1, 2, 3]);
    expect(events.at(-1)).toBe('idle');
  });

  it('a multi-threaded primary takes a lone call, but never a call beside busy helpers', async () => {
    const { lanes } = pool(false);
    lanes.addHelper('h1');
    lanes.addHelper('h2');
    const a = await lanes.acquire();
    expect(name(a.lane)).toBe('primary');
    const b = await lanes.acquire();
    const c = await lanes.acquire();
    expect([name(b.lane), name(c.lane)]).toEqual(['h1', 'h2']);
    a.release();
    // The primary is idle, but two helpers are busy: the next call waits for a helper.
    const d = lanes.acquire();
    expect(await settled(d)).toBe(false);
    c.release();
    expect(name((await d).lane)).toBe('h2');
    expect(lanes.running).toBe(2);
  });

  it('a primary that may join (one thread, or helpers still starting) runs beside the helpers', async () => {
    const { lanes } = pool(true);
    lanes.addHelper('h1');
    const leases = [await lanes.acquire(), await lanes.acquire()];
    expect(leases.map((l) => name(l.lane))).toEqual(['primary', 'h1']);
    expect(lanes.running).toBe(2);
    expect(await settled(lanes.acquire())).toBe(false);
  });

  it('a helper added while calls wait takes the first of them at once', async () => {
    const { lanes } = pool();
    const a = await lanes.acquire();
    const b = lanes.acquire();
    lanes.addHelper('h1');
    expect(name((await b).lane)).toBe('h1');
    expect(name(a.lane)).toBe('primary');
  });

  it('an aborted wait rejects with the given reason and leaves its place to the next call', async () => {
    const { lanes } = pool();
    const a = await lanes.acquire();
    const ac = new AbortController();
    const aborted = lanes.acquire(ac.signal, () => new Error('cancelled'));
    const next = lanes.acquire();
    ac.abort();
    await expect(aborted).rejects.toThrow('cancelled');
    a.release();
    expect(name((await next).lane)).toBe('primary');
    await expect(lanes.acquire(ac.signal, () => new Error('already'))).rejects.toThrow('already');
  });

  it('removing the last helper lets the primary take waiting calls again', async () => {
    const { lanes } = pool(false);
    lanes.addHelper('h1');
    const a = await lanes.acquire(); // primary
    const b = await lanes.acquire(); // h1
    a.release();
    const c = lanes.acquire();
    expect(await settled(c)).toBe(false);
    lanes.removeHelper('h1');
    expect(name((await c).lane)).toBe('primary');
    b.release(); // the removed helper's lease frees nothing
    expect(lanes.helperCount).toBe(0);
    expect(lanes.running).toBe(1);
  });

  it('takeHelpers removes only idle helpers; whenIdle waits for every call', async () => {
    const { lanes } = pool();
    lanes.addHelper('h1');
    lanes.addHelper('h2');
    const a = await lanes.acquire(); // primary
    const b = await lanes.acquire(); // h1
    expect(lanes.takeHelpers()).toEqual(['h2']);
    expect(lanes.helperCount).toBe(1);
    const idle = lanes.whenIdle();
    a.release();
    expect(await settled(idle)).toBe(false);
    b.release();
    await idle;
    expect(lanes.takeHelpers()).toEqual(['h1']);
    await lanes.whenIdle();
    lanes.addHelper('h3');
    await lanes.acquire(); // primary
    await lanes.acquire(); // h3, busy
    expect(lanes.takeHelpers()).toEqual([]);
    expect(lanes.takeHelpers(true)).toEqual(['h3']);
  });
});

describe('helpersFor', () => {
  it('gives WASM models batchWorkers helpers, one fewer when the model worker has one thread, none elsewhere', () => {
    expect(helpersFor({ backend: 'wasm', threads: 2 }, 2)).toBe(2);
    expect(helpersFor({ backend: 'wasm', threads: 4 }, 4)).toBe(4);
    expect(helpersFor({ backend: 'wasm', threads: 1 }, 2)).toBe(1);
    expect(helpersFor({ backend: 'wasm', threads: 1 }, 1)).toBe(0);
    expect(helpersFor({ backend: 'wasm', threads: 2 }, 1)).toBe(0);
    expect(helpersFor({ backend: 'wasm', threads: 2 }, 0)).toBe(0);
    expect(helpersFor({ backend: 'webgpu', threads: 1 }, 4)).toBe(0);
    expect(helpersFor(undefined, 4)).toBe(0);
  });
});
