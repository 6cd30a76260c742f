/** The bench's whole-browser memory sampler: parsing /proc and walking a process tree. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kbField, memoryOf, parseStatParent, processTree, readParents } from '../../bench/lib/browser-memory.mjs';

describe('browser memory from /proc', () => {
  it('reads the parent pid even when the process name holds spaces and parentheses', () => {
    expect(parseStatParent('4242 (chromium) S 17 4242 17 0 -1 4194560')).toBe(17);
    expect(parseStatParent('99 (Web Content (x) y) R 3 99 3 0')).toBe(3);
    expect(parseStatParent('garbage')).toBeNull();
  });

  it('a process tree is the root and every descendant, and nothing else', () => {
    const parents = new Map([
      [10, 1],
      [11, 10],
      [12, 10],
      [13, 12],
      [20, 1],
      [21, 20],
    ]);
    expect(processTree(10, parents).sort()).toEqual([10, 11, 12, 13]);
    expect(processTree(21, parents)).toEqual([21]);
  });

  it('reads kB fields as bytes; a missing field is 0', () => {
    const status = 'Name:\tchromium\nVmRSS:\t  123456 kB\nVmSwap:\t0 kB\n';
    expect(kbField(status, 'VmRSS')).toBe(123456 * 1024);
    expect(kbField(status, 'VmHWM')).toBe(0);
    expect(kbField('Rss: 10 kB\nPss:                 2048 kB\n', 'Pss')).toBe(2048 * 1024);
  });

  it.skipIf(!existsSync('/proc/self/smaps_rollup'))('measures this very process on Linux', () => {
    expect(processTree(process.pid, readParents())).toContain(process.pid);
    const m = memoryOf([process.pid]);
    expect(m.rss).toBeGreaterThan(10e6);
    expect(m.pss).toBeGreaterThan(1e6);
    expect(m.pss).toBeLessThanOrEqual(m.rss);
  });
});
