/** Work deferred until the page has painted: once, after the next frame, or after a while where no frame comes. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterNextPaint, deferredToPaint } from '../../src/ui/after-paint';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('afterNextPaint', () => {
  it('runs in a task after the next frame, once', () => {
    vi.useFakeTimers();
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    let runs = 0;
    afterNextPaint(() => runs++);
    vi.advanceTimersByTime(50);
    expect(runs).toBe(0); // no frame yet, and the hidden-tab fallback not due
    for (const frame of frames.splice(0)) frame();
    expect(runs).toBe(0); // not inside the frame: after it
    vi.advanceTimersByTime(0);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(200);
    expect(runs).toBe(1); // the fallback does not run it again
  });

  it('runs after 100 ms when no frame comes (a hidden tab)', () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', () => 0);
    let runs = 0;
    afterNextPaint(() => runs++);
    vi.advanceTimersByTime(99);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
  });

  it('deferredToPaint: many requests, one update after the paint; none once cancelled', () => {
    vi.useFakeTimers();
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    let updates = 0;
    const later = deferredToPaint(() => updates++);
    later.request();
    later.request();
    later.request();
    for (const frame of frames.splice(0)) frame();
    vi.advanceTimersByTime(0);
    expect(updates).toBe(1);
    later.request(); // a new one after the update
    later.cancel();
    for (const frame of frames.splice(0)) frame();
    vi.advanceTimersByTime(200);
    later.request();
    vi.advanceTimersByTime(200);
    expect(updates).toBe(1);
  });
});
