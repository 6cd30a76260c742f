/**
 * Duplicates in a data set, which scraped photo sets always have (`bears/grizzly` holds three byte-identical copies):
 * exact ones by content hash (SHA-256, `crypto.subtle`, in workers and Node 20 alike), near ones by the cosine
 * distance between embeddings (the model's pooled features) — see near-duplicates.
 */
import { compareKeyed, naturalKey } from '../batch/photo-result';
import { errorMessage } from '../error-message';

export interface PhotoRef {
  id: string;
  path: string;
}

/** Photos that are the same. Members: the likely original first (the shortest file name: copies get suffixes such as
 * `-Copy1` or ` (2)`), then natural path order; the first is the one to keep by default. */
export interface DuplicateGroup {
  members: PhotoRef[];
  /** The SHA-256 (hex) the members share, for exact duplicates. */
  hash?: string;
}

/** The SHA-256 of the bytes, as 64 lower-case hex digits. */
export async function contentHash(data: Blob | ArrayBuffer | ArrayBufferView): Promise<string> {
  const bytes =
    data instanceof Blob
      ? await data.arrayBuffer()
      : ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export interface HashOptions {
  /** Files read at once (each is held in memory while it is hashed). Default 4. */
  concurrency?: number;
  /** After each file: how many are done. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Hashes every photo's bytes, a few at a time. A file that cannot be read gets `error` instead of a hash. */
export async function hashPhotos<T extends PhotoRef & { file: Blob }>(
  photos: readonly T[],
  options: HashOptions = {},
): Promise<Array<PhotoRef & { hash?: string; error?: string }>> {
  const out: Array<PhotoRef & { hash?: string; error?: string }> = new Array(photos.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < photos.length) {
      options.signal?.throwIfAborted();
      const i = next++;
      const { id, path, file } = photos[i] as T;
      try {
        out[i] = { id, path, hash: await contentHash(file) };
      } catch (error) {
        out[i] = { id, path, error: `could not read the file to compare it: ${errorMessage(error)}` };
      }
      options.onProgress?.(++done, photos.length);
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 4, photos.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return out;
}

/** Photos whose hashes are equal, in groups of two or more; groups in the natural order of their first member. */
export function exactDuplicateGroups(photos: Iterable<PhotoRef & { hash?: string }>): DuplicateGroup[] {
  const byHash = new Map<string, PhotoRef[]>();
  for (const { id, path, hash } of photos) {
    if (hash === undefined) continue;
    const members = byHash.get(hash);
    if (members) members.push({ id, path });
    else byHash.set(hash, [{ id, path }]);
  }
  const groups: DuplicateGroup[] = [];
  for (const [hash, members] of byHash) {
    if (members.length > 1) groups.push({ hash, members: sortRefs(members) });
  }
  return sortGroups(groups);
}

/** Photo refs by file-name length (the likely original first), then natural path order, then id. */
export function sortRefs(refs: readonly PhotoRef[]): PhotoRef[] {
  return refs
    .map((ref) => ({ ref, key: naturalKey(ref.path), nameLength: ref.path.length - ref.path.lastIndexOf('/') - 1 }))
    .sort(
      (a, b) =>
        a.nameLength - b.nameLength ||
        compareKeyed(a.key, a.ref.path, b.key, b.ref.path) ||
        (a.ref.id < b.ref.id ? -1 : 1),
    )
    .map(({ ref }) => ref);
}

/** Groups in the natural order of their first members. */
export function sortGroups<G extends { members: readonly PhotoRef[] }>(groups: G[]): G[] {
  return groups
    .map((group) => ({ group, first: group.members[0] as PhotoRef, key: naturalKey(group.members[0]?.path ?? '') }))
    .sort((a, b) => compareKeyed(a.key, a.first.path, b.key, b.first.path) || (a.first.id < b.first.id ? -1 : 1))
    .map(({ group }) => group);
}

/** For the grid: photo id → its group's index, and whether it is the group's first member (the one kept). */
export function duplicateIndex(groups: readonly DuplicateGroup[]): Map<string, { group: number; first: boolean }> {
  const index = new Map<string, { group: number; first: boolean }>();
  groups.forEach(({ members }, group) => {
    members.forEach(({ id }, i) => {
      if (!index.has(id)) index.set(id, { group, first: i === 0 });
    });
  });
  return index;
}
