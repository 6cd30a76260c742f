/** When views hear of batch changes: once per frame, and a photo's result at once unless a render was just made. */
import { describe, expect, it } from 'vitest';
import { ViewNotifier } from '../../src/ui/view-notifier';

function setup() {
  const frames: (() => void)[] = [];
  let now = 1000;
  const notifier = new ViewNotifier({ requestFrame: (callback) => frames.push(callback), now: () => now });
  let heard = 0;
  notifier.subscribe(() => heard++);
  const runFrames = () => {
    for (const callback of frames.splice(0)) callback();
  };
  return {
    notifier,
    heard: () => heard,
    runFrames,
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

  it('stops telling cleared listeners', () => {
    const s = setup();
    s.notifier.clear();
    s.notifier.changed();
    s.runFrames();
    expect(s.heard()).toBe(0);
  });
});
