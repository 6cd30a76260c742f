/**
 * Embeddings kept on the device (IndexedDB), keyed by backbone id + photo content hash, so retraining or adding
 * photos to a folder does not run the backbone again on photos it has seen. A cache: when IndexedDB is missing or
 * fails (private windows, a full disk), everything still works, only slower.
 */
import { type IDBPDatabase, openDB } from 'idb';

const DB_NAME = 'onsight-embeddings';
const STORE = 'embeddings';

export interface EmbeddingCache {
  get(backboneId: string, contentHash: string): Promise<Float32Array | undefined>;
  put(backboneId: string, contentHash: string, features: Float32Array): Promise<void>;
}

/** Hex SHA-256 of `bytes` (Web Crypto: in pages, workers and Node alike). */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/**
 * The id of a backbone as embeddings depend on it: its model bytes and its input preprocessing (the same model fed
 * differently gives other features).
 */
export async function backboneIdOf(modelBytes: Uint8Array, input: unknown): Promise<string> {
  const model = await sha256Hex(modelBytes as Uint8Array<ArrayBuffer>);
  const prep = await sha256Hex(new TextEncoder().encode(JSON.stringify(input)));
  return `${model.slice(0, 32)}-${prep.slice(0, 16)}`;
}

const keyOf = (backboneId: string, contentHash: string) => `${backboneId}/${contentHash}`;

/** A cache that keeps nothing. */
export const NO_CACHE: EmbeddingCache = {
  get: async () => undefined,
  put: async () => undefined,
};

/** The IndexedDB cache, or {@link NO_CACHE} where IndexedDB cannot be opened. */
export async function openEmbeddingCache(): Promise<EmbeddingCache> {
  if (typeof indexedDB === 'undefined') return NO_CACHE;
  let db: IDBPDatabase;
  try {
    db = await openDB(DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore(STORE);
      },
    });
  } catch (error) {
    console.info('OnSight: the embedding cache is off', error);
    return NO_CACHE;
  }
  return {
    async get(backboneId, contentHash) {
      try {
        const value = (await db.get(STORE, keyOf(backboneId, contentHash))) as unknown;
        return value instanceof Float32Array ? value : undefined;
      } catch {
        return undefined;
      }
    },
    async put(backboneId, contentHash, features) {
      try {
        await db.put(STORE, features, keyOf(backboneId, contentHash));
      } catch {
        // A full disk only costs the next run its time.
      }
    },
  };
}
