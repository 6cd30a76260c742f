/**
 * Duplicates: exact ones by SHA-256 on the real bears data set (its grizzly/ holds three byte-identical copies of one
 * photo and two of another), near ones by cosine distance on synthetic embeddings whose distances are known.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentHash, duplicateIndex, exactDuplicateGroups, hashPhotos } from '../../src/evaluate/duplicates';
import { findNearDuplicates, NearDuplicateIndex } from '../../src/evaluate/near-duplicates';

const shared = process.env.ONSIGHT_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const bearsDir = join(shared, 'datasets', 'bears');
const haveBears = existsSync(bearsDir);
if (!haveBears && process.env.CI === 'true')
  throw new Error(`CI: the shared test data is missing (looked in ${shared})`);

describe('content hash', () => {
  it('is the SHA-256 of the bytes, from a Blob, a buffer or a view', async () => {
    const bytes = new TextEncoder().encode('abc');
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await contentHash(bytes)).toBe(expected);
    expect(await contentHash(bytes.buffer)).toBe(expected);
    expect(await contentHash(new Blob([bytes]))).toBe(expected);
    // A view into a larger buffer hashes only its own bytes.
    const padded = new Uint8Array([0, 97, 98, 99, 0]);
    expect(await contentHash(padded.subarray(1, 4))).toBe(expected);
  });
});

describe.skipIf(!haveBears)('exact duplicates in ../shared/datasets/bears', () => {
  it('finds exactly the byte-identical copies in grizzly/, and nothing else', async () => {
    const photos = ['black', 'grizzly', 'teddy'].flatMap((folder) =>
      readdirSync(join(bearsDir, folder)).map((name) => {
        const path = `bears/${folder}/${name}`;
        return { id: path, path, file: new Blob([readFileSync(join(bearsDir, folder, name))]) };
      }),
    );
    expect(photos).toHaveLength(26);
    const progress: number[] = [];
    const hashed = await hashPhotos(photos, { concurrency: 3, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    // Node's own SHA-256 agrees, file by file.
    for (const { path, hash } of hashed) {
      const onDisk = readFileSync(join(bearsDir, path.slice('bears/'.length)));
      expect(hash).toBe(createHash('sha256').update(onDisk).digest('hex'));
    }
    const groups = exactDuplicateGroups(hashed);
    expect(groups.map(({ members }) => members.map(({ path }) => path))).toEqual([
      ['bears/grizzly/00000001.jpg', 'bears/grizzly/00000001-Copy1.jpg', 'bears/grizzly/00000001-Copy2.jpg'],
      ['bears/grizzly/00000009.jpg', 'bears/grizzly/00000009-Copy1.jpg'],
    ]);
    const index = duplicateIndex(groups);
    expect(index.get('bears/grizzly/00000001.jpg')).toEqual({ group: 0, first: true });
    expect(index.get('bears/grizzly/00000001-Copy2.jpg')).toEqual({ group: 0, first: false });
    expect(index.has('bears/black/00000001.jpg')).toBe(false);
  });

  it('a file that cannot be read is reported on that photo, and the others are hashed', async () => {
    class UnreadableBlob extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new Error('gone'));
      }
    }
    const broken = { id: 'x', path: 'x.jpg', file: new UnreadableBlob(['x']) };
    const fine = { id: 'y', path: 'y.jpg', file: new Blob(['y']) };
    const [x, y] = await hashPhotos([broken, fine]);
    expect(x).toEqual({ id: 'x', path: 'x.jpg', error: 'could not read the file to compare it: gone' });
    expect(y?.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

/** A deterministic pseudo-random generator (a test must not change between runs). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

describe('near duplicates', () => {
  const d = 64;
  const rnd = random(7);
  const base = Array.from({ length: 30 }, () => Float32Array.from({ length: d }, rnd));
  /** `v` nudged by noise of size `eps` (per component), then scaled (scale must not matter). */
  const nudge = (v: Float32Array, eps: number, scale = 1) => Float32Array.from(v, (x) => (x + eps * rnd()) * scale);
  const cosineDistance = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let k = 0; k < a.length; k++) {
      ab += (a[k] as number) * (b[k] as number);
      aa += (a[k] as number) ** 2;
      bb += (b[k] as number) ** 2;
    }
    return 1 - ab / Math.sqrt(aa * bb);
  };

  const photos = [
    ...base.map((vector, i) => ({ id: `p${i}`, path: `set/${i}.jpg`, vector })),
    // p3's near twins, one of them scaled; p10's twin; p20 and a copy that is further off (not a near duplicate).
    { id: 'p3a', path: 'set/3a.jpg', vector: nudge(base[3] as Float32Array, 0.01) },
    { id: 'p3b', path: 'set/3b.jpg', vector: nudge(base[3] as Float32Array, 0.02, 40) },
    { id: 'p10a', path: 'set/10a.jpg', vector: nudge(base[10] as Float32Array, 0.03) },
    { id: 'p20far', path: 'set/20far.jpg', vector: nudge(base[20] as Float32Array, 0.5) },
  ];

  it('pairs exactly the vectors closer than the threshold, the same as a brute-force check', () => {
    const maxDistance = 0.05;
    const { pairs, groups, rejected } = findNearDuplicates(photos, { maxDistance });
    const expected: string[] = [];
    for (let i = 0; i < photos.length; i++) {
      for (let j = i + 1; j < photos.length; j++) {
        const a = photos[i] as (typeof photos)[number];
        const b = photos[j] as (typeof photos)[number];
        if (cosineDistance(a.vector, b.vector) < maxDistance) expected.push([a.id, b.id].sort().join('+'));
      }
    }
    expect(expected.sort()).toEqual(['p10+p10a', 'p3+p3a', 'p3+p3b', 'p3a+p3b']);
    expect(pairs.map(({ a, b }) => [a.id, b.id].sort().join('+')).sort()).toEqual(expected);
    for (const { a, b, distance } of pairs) {
      const va = photos.find((x) => x.id === a.id)?.vector as Float32Array;
      const vb = photos.find((x) => x.id === b.id)?.vector as Float32Array;
      expect(distance).toBeCloseTo(cosineDistance(va, vb), 5);
    }
    expect(cosineDistance(photos[20]?.vector ?? [], photos.at(-1)?.vector ?? [])).toBeGreaterThan(maxDistance);
    expect(groups.map(({ members }) => members.map(({ id }) => id))).toEqual([
      ['p3', 'p3a', 'p3b'],
      ['p10', 'p10a'],
    ]);
    expect(rejected).toEqual([]);
  });

  it('finds the same pairs when photos arrive one by one, across block boundaries', () => {
    // 200 vectors: more than three blocks; twins placed far apart so a pair spans blocks.
    const many = Array.from({ length: 200 }, (_, i) => ({
      id: `q${i}`,
      path: `q/${i}.jpg`,
      vector: Float32Array.from({ length: d }, rnd),
    }));
    many[150] = { id: 'q150', path: 'q/150.jpg', vector: nudge(many[2]?.vector as Float32Array, 0.001) };
    many[199] = { id: 'q199', path: 'q/199.jpg', vector: nudge(many[70]?.vector as Float32Array, 0.001) };
    const atOnce = findNearDuplicates(many).pairs.map(({ a, b }) => `${a.id}+${b.id}`);
    const index = new NearDuplicateIndex();
    const incremental: string[] = [];
    for (const photo of many) incremental.push(...index.add([photo]).pairs.map(({ a, b }) => `${a.id}+${b.id}`));
    expect(new Set(atOnce)).toEqual(new Set(['q2+q150', 'q70+q199']));
    expect(new Set(incremental)).toEqual(new Set(atOnce));
    expect(index.size).toBe(200);
  });

  it('rejects vectors it cannot compare, with the reason, and keeps the rest', () => {
    const { pairs, rejected } = findNearDuplicates([
      { id: 'a', path: 'a.jpg', vector: [1, 0, 0] },
      { id: 'b', path: 'b.jpg', vector: [1, 0] },
      { id: 'c', path: 'c.jpg', vector: [0, 0, 0] },
      { id: 'd', path: 'd.jpg', vector: [Number.NaN, 1, 0] },
      { id: 'e', path: 'e.jpg', vector: [2, 0.001, 0] },
    ]);
    expect(rejected).toEqual([
      { photo: { id: 'b', path: 'b.jpg' }, reason: 'its embedding has 2 numbers where the others have 3' },
      { photo: { id: 'c', path: 'c.jpg' }, reason: 'its embedding is all zeros, so it points nowhere to compare' },
      { photo: { id: 'd', path: 'd.jpg' }, reason: 'its embedding holds a value that is not a finite number' },
    ]);
    expect(pairs.map(({ a, b }) => `${a.id}+${b.id}`)).toEqual(['a+e']);
    expect(() => new NearDuplicateIndex({ maxDistance: -1 })).toThrow(/between 0 and 2/);
  });
});
