/**
 * Near duplicates: photos whose embeddings (the model's pooled features) point the same way — the same shot resized,
 * recompressed or lightly cropped. Cosine distance (1 − cos) below a threshold.
 *
 * Cost: every pair is compared once, O(n² · d / 2) multiply-adds, on unit vectors kept in one Float32Array (O(n · d)
 * memory: 3,000 photos × 1,280 features = 15 MB). New vectors are compared in blocks of {@link BLOCK_ROWS} against
 * every earlier row, so each stored row is read once per block rather than once per new vector (the block stays in
 * cache while the stored rows stream past). The index is incremental: the page can add each photo's embedding as it
 * arrives, which spreads the cost over the classification run (n · d per photo) instead of one pause at the end.
 */
import type { DuplicateGroup, PhotoRef } from './duplicates';
import { sortGroups, sortRefs } from './duplicates';

/** A starting point for pooled CNN features (a resized or recompressed copy lands well below it); tune per model. */
export const DEFAULT_MAX_DISTANCE = 0.05;
/** New rows compared together against the stored ones. */
export const BLOCK_ROWS = 64;
/** Pairs kept for listing; groups stay complete beyond it (see `truncated`). */
export const MAX_PAIRS = 50_000;

export interface NearPair {
  a: PhotoRef;
  b: PhotoRef;
  /** Cosine distance, 1 − cos(a, b): 0 for the same direction. */
  distance: number;
}

export interface EmbeddedPhoto extends PhotoRef {
  vector: ArrayLike<number>;
}

export interface RejectedVector {
  photo: PhotoRef;
  reason: string;
}

export interface NearDuplicateOptions {
  /** Pairs closer than this are near duplicates. Default {@link DEFAULT_MAX_DISTANCE}. */
  maxDistance?: number;
}

export class NearDuplicateIndex {
  readonly maxDistance: number;
  private dimension = 0;
  private rows = new Float32Array(0);
  private readonly refs: PhotoRef[] = [];
  private readonly parent: number[] = [];
  private readonly found: NearPair[] = [];
  /** More pairs were found than {@link MAX_PAIRS}; `pairs()` lists the first ones, `groups()` has them all. */
  truncated = false;

  constructor(options: NearDuplicateOptions = {}) {
    const maxDistance = options.maxDistance ?? DEFAULT_MAX_DISTANCE;
    if (!(maxDistance >= 0 && maxDistance <= 2)) {
      throw new RangeError(`maxDistance must be a cosine distance between 0 and 2, not ${maxDistance}`);
    }
    this.maxDistance = maxDistance;
  }

  get size(): number {
    return this.refs.length;
  }

  /** Adds photos and returns the pairs they form (with each other and with earlier photos). A vector that cannot be
   * compared (wrong length, not finite, all zeros) is rejected with the reason, and the others go on. */
  add(photos: Iterable<EmbeddedPhoto>): { pairs: NearPair[]; rejected: RejectedVector[] } {
    const rejected: RejectedVector[] = [];
    const start = this.refs.length;
    for (const photo of photos) {
      const reason = this.store(photo);
      if (reason !== undefined) rejected.push({ photo: { id: photo.id, path: photo.path }, reason });
    }
    const pairs: NearPair[] = [];
    for (let block = start; block < this.refs.length; block += BLOCK_ROWS) {
      this.compareBlock(block, Math.min(block + BLOCK_ROWS, this.refs.length), pairs);
    }
    return { pairs, rejected };
  }

  /** Every pair found so far, closest first (ties in path order). */
  pairs(): NearPair[] {
    return [...this.found].sort(
      (x, y) => x.distance - y.distance || compareText(x.a.path, y.a.path) || compareText(x.b.path, y.b.path),
    );
  }

  /** Photos linked by chains of near pairs, two or more to a group. */
  groups(): DuplicateGroup[] {
    const members = new Map<number, PhotoRef[]>();
    for (let i = 0; i < this.refs.length; i++) {
      const root = this.root(i);
      const list = members.get(root);
      if (list) list.push(this.refs[i] as PhotoRef);
      else members.set(root, [this.refs[i] as PhotoRef]);
    }
    return sortGroups(
      [...members.values()].filter((list) => list.length > 1).map((list) => ({ members: sortRefs(list) })),
    );
  }

  private store(photo: EmbeddedPhoto): string | undefined {
    const { vector } = photo;
    if (this.dimension === 0) {
      if (vector.length === 0) return 'its embedding is empty';
      this.dimension = vector.length;
    }
    const d = this.dimension;
    if (vector.length !== d) return `its embedding has ${vector.length} numbers where the others have ${d}`;
    let norm = 0;
    for (let k = 0; k < d; k++) {
      const x = vector[k] as number;
      if (!Number.isFinite(x)) return 'its embedding holds a value that is not a finite number';
      norm += x * x;
    }
    if (norm === 0) return 'its embedding is all zeros, so it points nowhere to compare';
    const index = this.refs.length;
    this.ensureCapacity(index + 1);
    const scale = 1 / Math.sqrt(norm);
    const offset = index * d;
    for (let k = 0; k < d; k++) this.rows[offset + k] = (vector[k] as number) * scale;
    this.refs.push({ id: photo.id, path: photo.path });
    this.parent.push(index);
    return undefined;
  }

  private ensureCapacity(rows: number): void {
    const needed = rows * this.dimension;
    if (needed <= this.rows.length) return;
    const grown = new Float32Array(Math.max(needed, this.rows.length * 2, 64 * this.dimension));
    grown.set(this.rows);
    this.rows = grown;
  }

  /** Rows [from, to) against every row before them and each other. */
  private compareBlock(from: number, to: number, out: NearPair[]): void {
    const { rows, dimension: d } = this;
    const minDot = 1 - this.maxDistance;
    for (let j = 0; j < to - 1; j++) {
      const jOffset = j * d;
      for (let i = Math.max(from, j + 1); i < to; i++) {
        const iOffset = i * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let k = 0;
        for (; k + 3 < d; k += 4) {
          s0 += (rows[iOffset + k] as number) * (rows[jOffset + k] as number);
          s1 += (rows[iOffset + k + 1] as number) * (rows[jOffset + k + 1] as number);
          s2 += (rows[iOffset + k + 2] as number) * (rows[jOffset + k + 2] as number);
          s3 += (rows[iOffset + k + 3] as number) * (rows[jOffset + k + 3] as number);
        }
        for (; k < d; k++) s0 += (rows[iOffset + k] as number) * (rows[jOffset + k] as number);
        const dot = s0 + s1 + s2 + s3;
        if (dot > minDot) this.link(j, i, Math.max(0, 1 - dot), out);
      }
    }
  }

  private link(j: number, i: number, distance: number, out: NearPair[]): void {
    const pair = { a: this.refs[j] as PhotoRef, b: this.refs[i] as PhotoRef, distance };
    if (this.found.length < MAX_PAIRS) {
      this.found.push(pair);
      out.push(pair);
    } else this.truncated = true;
    const rootJ = this.root(j);
    const rootI = this.root(i);
    if (rootJ !== rootI) this.parent[Math.max(rootJ, rootI)] = Math.min(rootJ, rootI);
  }

  private root(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] as number;
    // Path compression: later lookups are O(1).
    let k = i;
    while (this.parent[k] !== r) {
      const next = this.parent[k] as number;
      this.parent[k] = r;
      k = next;
    }
    return r;
  }
}

/** All near-duplicate pairs and groups among `photos` at once. */
export function findNearDuplicates(
  photos: Iterable<EmbeddedPhoto>,
  options: NearDuplicateOptions = {},
): { pairs: NearPair[]; groups: DuplicateGroup[]; rejected: RejectedVector[]; truncated: boolean } {
  const index = new NearDuplicateIndex(options);
  const { rejected } = index.add(photos);
  return { pairs: index.pairs(), groups: index.groups(), rejected, truncated: index.truncated };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
