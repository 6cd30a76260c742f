/**
 * The cleaner's memory beyond its decisions (Node-testable, no DOM): content hashes of the photos, so exact
 * duplicates (same bytes) are flagged; and the near-duplicate index, fed with embeddings.
 *
 * Near duplicates need each photo's pooled features (the model cut before its classifier, see `src/train`). The page
 * gives the session a {@link PhotoEmbedder} (the training worker's `embed`, App.tsx); `embedMissing` then embeds the
 * photos not embedded yet, a chunk at a time, and feeds them to
 *
 *   addEmbeddings([{ id, path, vector }])
 *
 * which anyone else with embeddings may call too. The cleaner then flags every photo closer than
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

/** Pooled features of photos through the loaded model, in order; a photo that could not be embedded says why. */
export type PhotoEmbedder = (
  photos: Blob[],
) => Promise<
  | { ok: true; results: ({ ok: true; features: Float32Array } | { ok: false; message: string })[] }
  | { ok: false; message: string }
>;

/** Photos embedded per call: progress is reported between chunks. */
const EMBED_CHUNK = 16;

export class CleanerSession {
  private readonly hashes = new Map<string, { path: string; hash: string }>();
  private readonly hashing = new Set<string>();
  private near?: NearDuplicateIndex;
  private exact: DuplicateGroup[] = [];
  private readonly listeners = new Set<() => void>();
  /** Bumped when the flags change. */
  version = 0;
  private embedder?: PhotoEmbedder;
  private readonly embedded = new Set<string>();
  /** While `embedMissing` runs: photos done of the total. */
  embedding?: { done: number; total: number };

  /** Where near duplicates' embeddings come from (the page sets it; without it only exact duplicates are found). */
  setEmbedder(embedder: PhotoEmbedder | undefined): void {
    this.embedder = embedder;
  }

  get canEmbed(): boolean {
    return this.embedder !== undefined;
  }

  /**
   * Embeds the photos not embedded yet and flags the near duplicates among all embedded so far. Resolves with a
   * sentence for the user: how many were compared, or why it stopped.
   */
  async embedMissing(photos: readonly HashablePhoto[]): Promise<string> {
    const embed = this.embedder;
    if (!embed) return 'Near duplicates need a model that can give pooled features.';
    if (this.embedding) return 'Already looking for near duplicates.';
    const todo = photos.filter(({ id }) => !this.embedded.has(id));
    let skipped = 0;
    this.embedding = { done: 0, total: todo.length };
    this.changed();
    try {
      for (let i = 0; i < todo.length; i += EMBED_CHUNK) {
        const chunk = todo.slice(i, i + EMBED_CHUNK);
        const outcome = await embed(chunk.map((photo) => photo.file));
        if (!outcome.ok) return `Near duplicates could not be looked for: ${outcome.message}`;
        const vectors: EmbeddedPhoto[] = [];
        outcome.results.forEach((result, k) => {
          const photo = chunk[k] as HashablePhoto;
          this.embedded.add(photo.id);
          if (result.ok) vectors.push({ id: photo.id, path: photo.path, vector: result.features });
          else skipped++;
        });
        skipped += this.addEmbeddings(vectors).length;
        this.embedding = { done: Math.min(todo.length, i + EMBED_CHUNK), total: todo.length };
        this.changed();
      }
    } finally {
      this.embedding = undefined;
      this.changed();
    }
    const groups = this.near?.groups().length ?? 0;
    const left = skipped > 0 ? ` ${skipped} could not be compared.` : '';
    return `Compared ${this.embedded.size.toLocaleString('en')} photos: ${groups} ${groups === 1 ? 'group' : 'groups'} of near duplicates.${left}`;
  }

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
