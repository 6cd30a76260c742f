/**
 * When views hear of batch changes: once per frame, a photo's result at once unless a render was just made, and during
 * a hold (a run's first photo) only when it ends or a result lands.
 */
import { describe, expect, it } from 'vitest';
import { ViewNotifier } from '../../src/ui/view-notifier';

function setup() {
  const frames: (() => void)[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  let now = 1000;
  const notifier = new ViewNotifier({
    requestFrame: (callback) => frames.push(callback),
    setTimer: (callback, ms) => timers.push({ callback, ms }),
    now: () => now,
  });
  let heard = 0;
  notifier.subscribe(() => heard++);
  const runFrames = () => {
    for (const callback of frames.splice(0)) callback();
  };
  return {
    notifier,
    heard: () => heard,
    runFrames,
    timers,
    runTimers: () => {
      for (const timer of timers.splice(0)) timer.callback();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const microtasks = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('ViewNotifier', () => {
  it('coalesces changes into one notification per frame', () => {
    const s = setup();
    s.notifier.changed();
    s.notifier.changed();
    s.notifier.changed();
    expect(s.heard()).toBe(0);
    s.runFrames();
    expect(s.heard()).toBe(1);
    expect(s.notifier.revision).toBe(1);
  });

  it('tells views of a result at once, and the frame already asked for does not tell them again', async () => {
    const s = setup();
    s.notifier.changed();
    s.notifier.resultLanded();
    s.notifier.resultLanded();
    expect(s.heard()).toBe(0); // not inside the caller's own code: after this task's other changes
    await microtasks();
    expect(s.heard()).toBe(1);
    s.runFrames();
    expect(s.heard()).toBe(1);
  });

  it('makes a result wait for the frame when views were told within the last frame (a fast batch)', async () => {
    const s = setup();
    s.notifier.resultLanded();
    await microtasks();
    expect(s.heard()).toBe(1);
    s.advance(5);
    s.notifier.resultLanded();
    s.notifier.resultLanded();
    await microtasks();
    expect(s.heard()).toBe(1);
    s.runFrames();
    expect(s.heard()).toBe(2);
    s.advance(20);
    s.notifier.resultLanded();
    await microtasks();
    expect(s.heard()).toBe(3);
  });

  it('holds changes back until the hold ends, then tells views at the next frame', () => {
    const s = setup();
    s.notifier.changed();
    s.notifier.hold(100);
    expect(s.timers.map((t) => t.ms)).toEqual([100]);
    s.runFrames();
    expect(s.heard()).toBe(0);
    s.notifier.changed(); // a change during the hold asks for nothing more
    s.runFrames();
    expect(s.heard()).toBe(0);
    s.runTimers();
    expect(s.heard()).toBe(0);
    s.runFrames();
    expect(s.heard()).toBe(1);
  });

  it("ends a hold when a result lands: views hear of it at once, and the hold's end adds nothing", async () => {
    const s = setup();
    s.notifier.hold(100);
    s.notifier.changed();
    s.runFrames();
    s.notifier.resultLanded();
    await microtasks();
    expect(s.heard()).toBe(1);
    s.runTimers();
    s.runFrames();
    expect(s.heard()).toBe(1);
    s.notifier.changed(); // no hold any more: the next frame tells them
    s.runFrames();
    expect(s.heard()).toBe(2);
  });

  it('tells views of a result landing during a hold even when they were told within the last frame', async () => {
    const s = setup();
    s.notifier.resultLanded();
    await microtasks();
    expect(s.heard()).toBe(1);
    s.notifier.hold(100);
    s.notifier.changed();
    s.runFrames();
    s.advance(5);
    s.notifier.resultLanded();
    await microtasks();
    s.runFrames();
    expect(s.heard()).toBe(2);
  });

  it('a newer hold replaces the older one: only its own end lets changes through', () => {
    const s = setup();
    s.notifier.hold(100);
    const [first] = s.timers.splice(0);
    s.notifier.hold(100);
    s.notifier.changed();
    first?.callback();
    s.runFrames();
    expect(s.heard()).toBe(0);
    s.runTimers();
    s.runFrames();
    expect(s.heard()).toBe(1);
  });

  it('stops telling cleared listeners', () => {
    const s = setup();
    s.notifier.clear();
    s.notifier.changed();
    s.runFrames();
    expect(s.heard()).toBe(0);
  });
});
