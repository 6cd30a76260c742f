/**
 * The cleaner's memory beyond its decisions (Node-testable, no DOM): content hashes of the photos, so exact
 * duplicates (same bytes) are flagged; and the near-duplicate index, fed with embeddings.
 *
 * Near duplicates need each photo's pooled features (the model cut before its classifier, see `src/train`), which
 * the worker does not give the page yet. The hook: whoever has them calls
 *
 *   cleanerSessionFor(batch).addEmbeddings([{ id, path, vector }]);
 *
 * (any number of times, as photos are embedded) and the cleaner flags every photo closer than
 * `DEFAULT_MAX_DISTANCE` (cosine) to another one, next to the exact duplicates. Without embeddings, only exact
 * duplicates are flagged.
 */
import {
  type DuplicateGroup,
  type EmbeddedPhoto,
  exactDuplicateGroups,
  hashPhotos,
  NearDuplicateIndex,
  type PhotoRef,
} from '../../evaluate';

/** Why a photo is flagged: the same bytes as another, or nearly the same picture; `of` is the photo to keep. */
export interface DuplicateFlag {
  kind: 'exact' | 'near';
  of: PhotoRef;
  /** The group's members, the one to keep first. */
  members: readonly PhotoRef[];
}

export interface HashablePhoto extends PhotoRef {
  file: Blob;
}

export class CleanerSession {
  private readonly hashes = new Map<string, { path: string; hash: string }>();
  private readonly hashing = new Set<string>();
  private near?: NearDuplicateIndex;
  private exact: DuplicateGroup[] = [];
  private readonly listeners = new Set<() => void>();
  /** Bumped when the flags change. */
  version = 0;

  /** Hashes the photos not hashed yet (a few at a time), then regroups. Safe to call again while one runs. */
  async hashMissing(photos: readonly HashablePhoto[]): Promise<void> {
    const todo = photos.filter(({ id }) => !this.hashes.has(id) && !this.hashing.has(id));
    if (todo.length === 0) return;
    for (const { id } of todo) this.hashing.add(id);
    try {
      const hashed = await hashPhotos(todo);
      for (const { id, path, hash } of hashed) if (hash !== undefined) this.hashes.set(id, { path, hash });
    } finally {
      for (const { id } of todo) this.hashing.delete(id);
    }
    this.exact = exactDuplicateGroups([...this.hashes].map(([id, { path, hash }]) => ({ id, path, hash })));
    this.changed();
  }

  /** The near-duplicate hook (see the header): embeddings of photos, as they are made. Returns the vectors refused
   * (wrong length, not finite, all zeros), each with the reason. */
  addEmbeddings(photos: Iterable<EmbeddedPhoto>): Array<{ path: string; reason: string }> {
    this.near ??= new NearDuplicateIndex();
    const { pairs, rejected } = this.near.add(photos);
    if (pairs.length > 0) this.changed();
    return rejected.map(({ photo, reason }) => ({ path: photo.path, reason }));
  }

  /** Photos known so far to be duplicates: photo id → its flag (exact ones win over near ones). */
  flags(): Map<string, DuplicateFlag> {
    const flags = new Map<string, DuplicateFlag>();
    const put = (groups: readonly { members: readonly PhotoRef[] }[], kind: DuplicateFlag['kind']) => {
      for (const { members } of groups) {
        const keep = members[0] as PhotoRef;
        for (const member of members) if (!flags.has(member.id)) flags.set(member.id, { kind, of: keep, members });
      }
    };
    put(this.exact, 'exact');
    if (this.near) put(this.near.groups(), 'near');
    return flags;
  }

  get exactGroups(): readonly DuplicateGroup[] {
    return this.exact;
  }

  /** Whether hashing is under way. */
  get busy(): boolean {
    return this.hashing.size > 0;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

const sessions = new WeakMap<object, CleanerSession>();

/** The cleaner session of a batch (one per batch store, made on first use). */
export function cleanerSessionFor(batch: object): CleanerSession {
  let session = sessions.get(batch);
  if (!session) {
    session = new CleanerSession();
    sessions.set(batch, session);
  }
  return session;
}
