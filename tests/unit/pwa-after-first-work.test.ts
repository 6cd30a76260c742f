/** afterFirstWork: the service worker registers after the load and the first photos, never later than the cap. */
import { describe, expect, it } from 'vitest';
import { afterFirstWork } from '../../src/pwa/after-first-work';

/** A clock that only moves when the code under test sleeps; `busyUntil` says when the page stops working. */
function fakeTime(busyUntil: number) {
  const clock = { now: 0 };
  return {
    clock,
    busy: () => clock.now < busyUntil,
    sleep: async (ms: number) => {
      clock.now += ms;
    },
  };
}

describe('afterFirstWork', () => {
  it('waits for the load, then for a quiet second', async () => {
    const t = fakeTime(0);
    let settledAt = -1;
    let finish: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const done = afterFirstWork(loaded, { busy: t.busy, sleep: t.sleep }).then(() => {
      settledAt = t.clock.now;
    });
    await Promise.resolve();
    expect(settledAt).toBe(-1); // the load is still running
    finish();
    await done;
    expect(settledAt).toBe(1000);
  });

  it('a photo classified after the load pushes the registration past its work', async () => {
    const t = fakeTime(1750);
    await afterFirstWork(Promise.resolve(), { busy: t.busy, sleep: t.sleep });
    // Polls every 250 ms: last seen busy at 1500, then four quiet polls (1 s).
    expect(t.clock.now).toBe(2500);
  });

  it('a long batch does not hold it back beyond the cap; a failed load counts as settled', async () => {
    const t = fakeTime(Number.POSITIVE_INFINITY);
    await afterFirstWork(Promise.reject(new Error('no model')), { busy: t.busy, sleep: t.sleep, maxWaitMs: 5000 });
    expect(t.clock.now).toBe(5000);
  });
});
