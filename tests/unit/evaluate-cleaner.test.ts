/** The cleaner's state: per-class order by loss, decisions with undo/redo, and the CSV of decisions. */
import { describe, expect, it } from 'vitest';
import { parseCsv, UTF8_BOM } from '../../src/batch/csv';
import type { PhotoResult } from '../../src/batch/photo-result';
import {
  canRedo,
  canUndo,
  cleanerItems,
  cleanupFileName,
  decide,
  decisionCounts,
  decisionsToCsv,
  EMPTY_CLEANER,
  redo,
  undo,
} from '../../src/evaluate/cleaner';

const done = (path: string, actual: string, scores: Array<[string, number]>): PhotoResult => ({
  id: `id:${path}`,
  path,
  status: 'done',
  top: scores.map(([label, score]) => ({ label, score })),
  actual,
});

describe('cleaner items', () => {
  it('lists a class by loss, highest first; unknown losses, then unclassified photos, last', () => {
    const photos: PhotoResult[] = [
      done('bears/grizzly/1.jpg', 'grizzly', [['grizzly', 0.9]]),
      done('bears/grizzly/2.jpg', 'grizzly', [['teddy', 0.99]]), // p(grizzly) unknown
      done('bears/grizzly/3.jpg', 'grizzly', [
        ['black', 0.8],
        ['grizzly', 0.2],
      ]),
      done('bears/grizzly/10.jpg', 'grizzly', [
        ['black', 0.8],
        ['grizzly', 0.2],
      ]),
      { id: 'p', path: 'bears/grizzly/0.jpg', status: 'pending', top: [], actual: 'grizzly' },
      done('bears/black/1.jpg', 'black', [
        ['grizzly', 0.9],
        ['black', 0.1],
      ]),
    ];
    const items = cleanerItems(photos, 'grizzly');
    expect(items.map(({ path }) => path)).toEqual([
      'bears/grizzly/3.jpg',
      'bears/grizzly/10.jpg',
      'bears/grizzly/1.jpg',
      'bears/grizzly/2.jpg',
      'bears/grizzly/0.jpg',
    ]);
    expect(items[0]).toEqual({
      id: 'id:bears/grizzly/3.jpg',
      path: 'bears/grizzly/3.jpg',
      actual: 'grizzly',
      predicted: 'black',
      loss: -Math.log(0.2),
    });
    expect(items[3]).toEqual({
      id: 'id:bears/grizzly/2.jpg',
      path: 'bears/grizzly/2.jpg',
      actual: 'grizzly',
      predicted: 'teddy',
    });
    expect(items[4]).toEqual({ id: 'p', path: 'bears/grizzly/0.jpg', actual: 'grizzly' });
  });
});

describe('decisions', () => {
  it('decide, undo, redo; a new decision clears the redo steps', () => {
    let state = decide(EMPTY_CLEANER, 'a/1.jpg', { kind: 'delete' });
    state = decide(state, 'a/2.jpg', { kind: 'move', to: 'b' });
    state = decide(state, 'a/1.jpg', { kind: 'keep' });
    expect(Object.fromEntries(state.decisions)).toEqual({
      'a/1.jpg': { kind: 'keep' },
      'a/2.jpg': { kind: 'move', to: 'b' },
    });
    state = undo(state);
    expect(state.decisions.get('a/1.jpg')).toEqual({ kind: 'delete' });
    state = undo(undo(state));
    expect(state.decisions.size).toBe(0);
    expect(canUndo(state)).toBe(false);
    expect(undo(state)).toBe(state);
    state = redo(state);
    expect(Object.fromEntries(state.decisions)).toEqual({ 'a/1.jpg': { kind: 'delete' } });
    expect(canRedo(state)).toBe(true);
    state = decide(state, 'a/3.jpg', { kind: 'delete' });
    expect(canRedo(state)).toBe(false);
    expect(redo(state)).toBe(state);
  });

  it('the same decision again is no step; clearing a decision is one', () => {
    const once = decide(EMPTY_CLEANER, 'a/1.jpg', { kind: 'move', to: 'b' });
    expect(decide(once, 'a/1.jpg', { kind: 'move', to: 'b' })).toBe(once);
    expect(decide(once, 'a/1.jpg', { kind: 'move', to: 'c' }).undoSteps).toHaveLength(2);
    const cleared = decide(once, 'a/1.jpg', undefined);
    expect(cleared.decisions.size).toBe(0);
    expect(undo(cleared).decisions.get('a/1.jpg')).toEqual({ kind: 'move', to: 'b' });
  });

  it('a bulk decision (say, delete every copy in a duplicate group) is one undo step', () => {
    let state = decide(EMPTY_CLEANER, 'a/1.jpg', { kind: 'keep' });
    state = decide(state, ['a/1-Copy1.jpg', 'a/1-Copy2.jpg', 'a/1-Copy1.jpg'], { kind: 'delete' });
    expect(decisionCounts(state)).toEqual({ keep: 1, delete: 2, move: 0 });
    expect(decisionCounts(undo(state))).toEqual({ keep: 1, delete: 0, move: 0 });
    // Earlier states are values: untouched.
    expect(EMPTY_CLEANER.decisions.size).toBe(0);
  });
});

describe('decisions CSV', () => {
  it('writes path, decision, new class in natural path order, guarded and quoted', () => {
    let state = decide(EMPTY_CLEANER, 'bears/grizzly/10.jpg', { kind: 'move', to: 'American black bear' });
    state = decide(state, 'bears/grizzly/9.jpg', { kind: 'delete' });
    state = decide(state, 'bears/teddy/=1+1.jpg', { kind: 'keep' });
    state = decide(state, 'bears/teddy/a, "b".jpg', { kind: 'move', to: 'tench, Tinca tinca' });
    const csv = decisionsToCsv(state.decisions);
    expect(csv.startsWith(`${UTF8_BOM}path,decision,new_class\r\n`)).toBe(true);
    expect(parseCsv(csv)).toEqual([
      ['path', 'decision', 'new_class'],
      ['bears/grizzly/9.jpg', 'delete', ''],
      ['bears/grizzly/10.jpg', 'move', 'American black bear'],
      ['bears/teddy/=1+1.jpg', 'keep', ''],
      ['bears/teddy/a, "b".jpg', 'move', 'tench, Tinca tinca'],
    ]);
    expect(csv).toContain('\r\n"bears/teddy/a, ""b"".jpg",move,"tench, Tinca tinca"\r\n');
    expect(parseCsv(decisionsToCsv(new Map()))).toEqual([['path', 'decision', 'new_class']]);
  });

  it('guards a path a spreadsheet would run as a formula', () => {
    const csv = decisionsToCsv(new Map([['=HYPERLINK("x").jpg', { kind: 'delete' as const }]]));
    expect(parseCsv(csv)[1]).toEqual([`'=HYPERLINK("x").jpg`, 'delete', '']);
  });

  it('names the download', () => {
    expect(cleanupFileName('sh', new Date(2025, 0, 31, 14, 5))).toBe('onsight-cleanup-2025-01-31-1405.sh');
  });
});
