import { describe, expect, it } from 'vitest';
import { formatDuration, ThroughputMeter } from '../../src/batch/rate';

/** A clock the test moves by hand. */
function manualClock(start = 1000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('ThroughputMeter', () => {
  it('knows nothing before the first photo', () => {
    const clock = manualClock();
    const meter = new ThroughputMeter({ now: clock.now });
    clock.advance(5000);
    expect(meter.perSecond()).toBeUndefined();
    expect(meter.etaMs(100)).toBeUndefined();
    expect(meter.etaMs(0)).toBe(0);
  });

  it('rate since the start while shorter than the window, then over the window only', () => {
    const clock = manualClock();
    const meter = new ThroughputMeter({ now: clock.now, windowMs: 10_000 });
    // 2 photos a second for 4 s.
    for (let i = 0; i < 8; i++) {
      clock.advance(500);
      meter.record();
    }
    expect(meter.perSecond()).toBeCloseTo(2, 10);
    expect(meter.etaMs(10)).toBeCloseTo(5000, 6);
    // Then 10 a second for 10 s: the window forgets the slow start.
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      meter.record();
    }
    expect(meter.perSecond()).toBeCloseTo(10, 10);
    expect(meter.done).toBe(108);
    expect(meter.etaMs(50)).toBeCloseTo(5000, 6);
  });

  it('paused time does not count, and the estimate is frozen while paused', () => {
    const clock = manualClock();
    const meter = new ThroughputMeter({ now: clock.now, windowMs: 10_000 });
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      meter.record();
    }
    meter.pause();
    meter.pause();
    clock.advance(60_000);
    expect(meter.paused).toBe(true);
    expect(meter.runningMs()).toBe(4000);
    expect(meter.perSecond()).toBeCloseTo(1, 10);
    // A photo in flight when pausing still lands, at the pause moment.
    meter.record();
    expect(meter.perSecond()).toBeCloseTo(1.25, 10);
    meter.resume();
    meter.resume();
    clock.advance(1000);
    meter.record();
    expect(meter.runningMs()).toBe(5000);
    expect(meter.perSecond()).toBeCloseTo(6 / 5, 10);
  });

  it('a stall drains the window to zero: no estimate rather than a stale one', () => {
    const clock = manualClock();
    const meter = new ThroughputMeter({ now: clock.now, windowMs: 5000 });
    clock.advance(1000);
    meter.record(3);
    clock.advance(5000);
    expect(meter.perSecond()).toBe(0);
    expect(meter.etaMs(10)).toBeUndefined();
    meter.reset();
    expect(meter.done).toBe(0);
    expect(meter.perSecond()).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [44_600, '45 s'],
    [59_400, '59 s'],
    [60_000, '1 min'],
    [200_000, '3 min 20 s'],
    [599_000, '9 min 59 s'],
    [12 * 60_000 + 20_000, '12 min'],
    [3_600_000, '1 h 00 min'],
    [3_900_000, '1 h 05 min'],
    [-5, '0 s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
