/** The results view's pure parts: a card's Photo from a record, the thumbnail URL cache, the filter fields, columns. */
import { describe, expect, it } from 'vitest';
import type { PhotoResult } from '../../src/batch';
import { count, runSummary } from '../../src/ui/batch-runner';
import { fileName, toPhoto } from '../../src/ui/card-photo';
import { PhotoIds, RestoredPhotos } from '../../src/ui/photo-identity';
import { columnsFor, parsePercent, scoreRangeProblem } from '../../src/ui/results-view';
import { ThumbnailCache } from '../../src/ui/thumbnail-cache';

const done: PhotoResult = {
  id: 'a',
  path: 'Trip/Day 1/IMG_1.jpg',
  status: 'done',
  top: [
    { label: 'cat', score: 0.9 },
    { label: 'dog', score: 0.1 },
  ],
  modelId: 'm1',
};

describe('toPhoto: what a card shows of a record', () => {
  it('names the file by the last part of its path and keeps the path', () => {
    expect(fileName('Trip/Day 1/IMG_1.jpg')).toBe('IMG_1.jpg');
    expect(fileName('pasted.png')).toBe('pasted.png');
    const photo = toPhoto(done, { url: 'blob:1', currentModelId: 'm1' });
    expect(photo).toMatchObject({ id: 'a', name: 'IMG_1.jpg', path: 'Trip/Day 1/IMG_1.jpg', url: 'blob:1' });
    expect(photo.result?.predictions.map((p) => [p.label, p.score])).toEqual([
      ['cat', 0.9],
      ['dog', 0.1],
    ]);
    expect(photo.otherModel).toBeUndefined();
    expect(photo.result?.timings).toBeUndefined();
  });

  it('adds this session’s timings and size, marks another model’s result, says why a photo waits', () => {
    const timings = { decodeMs: 1, preprocessMs: 2, inferenceMs: 3, postprocessMs: 0, totalMs: 6 };
    const photo = toPhoto(done, { details: { timings, width: 40, height: 30 }, currentModelId: 'm2' });
    expect(photo.result).toMatchObject({ timings, width: 40, height: 30 });
    expect(photo.otherModel).toBe('m1');
    const pending = toPhoto({ id: 'p', path: 'p.jpg', status: 'pending', top: [] }, { waiting: 'reload' });
    expect(pending).toMatchObject({ status: 'pending', waiting: 'reload' });
    expect(pending.result).toBeUndefined();
    const failed = toPhoto(
      { id: 'e', path: 'e.jpg', status: 'error', top: [], error: 'Not an image.' },
      { waiting: 'queued' },
    );
    expect(failed).toMatchObject({ error: 'Not an image.' });
    expect(failed.waiting).toBeUndefined();
  });
});

describe('ThumbnailCache', () => {
  function cache(capacity: number, stored: Record<string, string>) {
    const created: string[] = [];
    const revoked: string[] = [];
    const loads: string[] = [];
    let loaded = 0;
    const thumbnails = new ThumbnailCache({
      capacity,
      load: async (id) => {
        loads.push(id);
        return stored[id] === undefined ? undefined : new Blob([stored[id] as string]);
      },
      createObjectURL: () => {
        const url = `blob:${created.length + 1}`;
        created.push(url);
        return url;
      },
      revokeObjectURL: (url) => revoked.push(url),
      onLoaded: () => loaded++,
    });
    return { thumbnails, created, revoked, loads, loadedCount: () => loaded };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('a miss loads once and says so; a hit is served from memory', async () => {
    const { thumbnails, loads, loadedCount } = cache(10, { a: 'A' });
    expect(thumbnails.url('a')).toBeUndefined();
    expect(thumbnails.url('a')).toBeUndefined(); // still loading: not asked twice
    await settle();
    expect(loadedCount()).toBe(1);
    expect(thumbnails.url('a')).toBe('blob:1');
    expect(loads).toEqual(['a']);
  });

  it('a thumbnail that is not there is not asked for again until one is put', async () => {
    const { thumbnails, loads } = cache(10, {});
    thumbnails.url('x');
    await settle();
    thumbnails.url('x');
    await settle();
    expect(loads).toEqual(['x']);
    thumbnails.put('x', new Blob(['X']));
    expect(thumbnails.url('x')).toBe('blob:1');
  });

  it('makes a URL only when a card asks; keeps at most `capacity`, revoking the least recently shown', () => {
    const { thumbnails, created, revoked } = cache(2, {});
    thumbnails.put('a', new Blob(['a']));
    thumbnails.put('b', new Blob(['b']));
    expect(created).toEqual([]);
    expect(thumbnails.url('a')).toBe('blob:1');
    expect(thumbnails.url('b')).toBe('blob:2');
    thumbnails.url('a'); // a is now the most recent
    thumbnails.put('c', new Blob(['c']));
    expect(thumbnails.url('c')).toBe('blob:3');
    expect(revoked).toEqual(['blob:2']);
    expect(thumbnails.url('a')).toBe('blob:1');
    expect(thumbnails.size).toBe(2);
  });

  it('clear revokes everything, and a load started before it puts nothing back', async () => {
    const { thumbnails, revoked } = cache(10, { a: 'A' });
    thumbnails.put('b', new Blob(['b']));
    thumbnails.url('b');
    thumbnails.url('a');
    thumbnails.clear();
    await settle();
    expect(revoked).toEqual(['blob:1']);
    expect(thumbnails.size).toBe(0);
  });
});

describe('filter fields and layout', () => {
  it('reads percentages, and says what is wrong with a range', () => {
    expect(parsePercent('')).toBeUndefined();
    expect(parsePercent(' 42 ')).toBe(42);
    expect(parsePercent('12,5%')).toBe(12.5);
    expect(parsePercent('101')).toBeNull();
    expect(parsePercent('-1')).toBeNull();
    expect(parsePercent('lots')).toBeNull();
    expect(scoreRangeProblem('10', '90')).toBeUndefined();
    expect(scoreRangeProblem('', '90')).toBeUndefined();
    expect(scoreRangeProblem('abc', '')).toBe('Enter a percentage from 0 to 100.');
    expect(scoreRangeProblem('90', '10')).toBe('The lower bound is above the upper one.');
  });

  it('fits as many 20rem cards as the width allows, at least one', () => {
    expect(columnsFor(0)).toBe(1);
    expect(columnsFor(319)).toBe(1);
    expect(columnsFor(651)).toBe(1);
    expect(columnsFor(652)).toBe(2); // 2 × 320 + 12
    expect(columnsFor(983)).toBe(2);
    expect(columnsFor(984)).toBe(3);
  });
});

describe('photo identity and run summaries', () => {
  it('ids sort in the order made, within a visit and across visits', () => {
    const first = new PhotoIds();
    const a = [first.next(1_000), first.next(1_000), first.next(1_001)];
    const later = new PhotoIds();
    const b = [later.next(90_000), later.next(90_000)];
    const all = [...a, ...b];
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });

  it('restored photos are found by path, each once, skipping ones no longer usable', () => {
    const restored = new RestoredPhotos();
    restored.remember('A/1.jpg', 'x');
    restored.remember('A/1.jpg', 'y');
    restored.remember('A/1.jpg', 'z');
    expect(restored.take('A/1.jpg', (id) => id !== 'x')).toBe('y');
    expect(restored.take('A/1.jpg', () => true)).toBe('z');
    expect(restored.take('A/1.jpg', () => true)).toBeUndefined();
    expect(restored.take('B/1.jpg', () => true)).toBeUndefined();
  });

  it('a run’s summary says what happened, in words', () => {
    expect(runSummary({ photos: 1000, done: 1000, errors: 0, skipped: 0 })).toBe('Finished: 1,000 photos classified.');
    expect(runSummary({ photos: 10, done: 7, errors: 1, skipped: 1 })).toBe(
      'Finished: 7 photos classified, 1 failed, 1 file skipped, 2 not classified.',
    );
    expect(count(1, 'photo')).toBe('1 photo');
  });
});
