import { describe, expect, it } from 'vitest';
import { BatchQueue } from '../../src/batch/batch-queue';

/** A task the test finishes by hand. */
interface Held {
  name: string;
  signal: AbortSignal;
  finish(): void;
  fail(error: unknown): void;
}

function heldQueue(concurrency = 2) {
  const started: Held[] = [];
  const errors: string[] = [];
  let idles = 0;
  const queue = new BatchQueue<string>({
    concurrency,
    run: (name, signal) =>
      new Promise<void>((resolve, reject) => started.push({ name, signal, finish: resolve, fail: reject })),
    onError: (name, error) => errors.push(`${name}: ${String(error)}`),
    onIdle: () => idles++,
  });
  return { queue, started, errors, idles: () => idles };
}

/** Lets settled promises run their handlers. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('BatchQueue', () => {
  it('runs at most `concurrency` tasks at once, in order', async () => {
    const { queue, started } = heldQueue(2);
    queue.enqueue(['a', 'b', 'c', 'd', 'e']);
    expect(started.map((task) => task.name)).toEqual(['a', 'b']);
    expect([queue.running, queue.pending]).toEqual([2, 3]);
    started[1]?.finish();
    await settle();
    expect(started.map((task) => task.name)).toEqual(['a', 'b', 'c']);
    started[0]?.finish();
    started[2]?.finish();
    await settle();
    expect(started.map((task) => task.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('pause lets running tasks finish but starts none; resume carries on', async () => {
    const { queue, started } = heldQueue(2);
    queue.enqueue(['a', 'b', 'c']);
    queue.pause();
    started[0]?.finish();
    started[1]?.finish();
    await settle();
    expect(started).toHaveLength(2);
    expect([queue.running, queue.pending, queue.paused]).toEqual([0, 1, true]);
    queue.enqueue(['d']);
    expect(started).toHaveLength(2);
    queue.resume();
    expect(started.map((task) => task.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('cancel drops the waiting tasks, aborts the running ones, and reports idle once they settle', async () => {
    const { queue, started, idles, errors } = heldQueue(1);
    queue.enqueue(['a', 'b', 'c']);
    let idle = false;
    void queue.whenIdle().then(() => {
      idle = true;
    });
    expect(queue.cancel()).toEqual(['b', 'c']);
    expect(started[0]?.signal.aborted).toBe(true);
    await settle();
    expect(idle).toBe(false);
    started[0]?.fail(new Error('aborted'));
    await settle();
    expect(idle).toBe(true);
    expect(idles()).toBe(1);
    expect(errors).toEqual(['a: Error: aborted']);
    // Still usable, with a fresh signal.
    queue.enqueue(['z']);
    expect(started.at(-1)?.name).toBe('z');
    expect(started.at(-1)?.signal.aborted).toBe(false);
  });

  it('a failing task (rejected or thrown) goes to onError and the queue goes on', async () => {
    const errors: string[] = [];
    const ran: number[] = [];
    const queue = new BatchQueue<number>({
      concurrency: 1,
      run: async (n) => {
        ran.push(n);
        if (n === 2) throw new Error('bad photo');
      },
      onError: (n, error) => errors.push(`${n}: ${(error as Error).message}`),
    });
    const throwsAtOnce = new BatchQueue<number>({
      run: () => {
        throw new Error('sync');
      },
      onError: (n, error) => errors.push(`${n}: ${(error as Error).message}`),
    });
    queue.enqueue([1, 2, 3]);
    throwsAtOnce.enqueue([9]);
    await Promise.all([queue.whenIdle(), throwsAtOnce.whenIdle()]);
    expect(ran).toEqual([1, 2, 3]);
    expect(errors.sort()).toEqual(['2: bad photo', '9: sync']);
  });

  it('10,000 tasks all run once, in order', async () => {
    const ran: number[] = [];
    const queue = new BatchQueue<number>({ concurrency: 3, run: async (n) => void ran.push(n) });
    queue.enqueue(Array.from({ length: 10_000 }, (_, i) => i));
    expect(queue.pending).toBe(10_000 - 3);
    await queue.whenIdle();
    expect(ran).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect([queue.pending, queue.running]).toEqual([0, 0]);
  });
});
