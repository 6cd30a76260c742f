/**
 * Models the user brought, kept on the device for offline use: saved, listed, loaded and removed.
 *
 * Storage sits behind {@link StoreBackend} (get/put/delete/keys of byte blobs). In the browser it is Cache Storage
 * ({@link cacheStorageBackend}, usable from the page and from workers); tests use {@link memoryBackend}. Layout per
 * model: `<id>/<dir>/<file name>` for each file and `<id>/manifest` (JSON: name, spec, file list, sizes, date, and
 * `dir`), written last so that a save cut short is never listed. `dir` is `files`, or `files-b`: saving a model again
 * writes its files into the directory its manifest does not name, and only the new manifest switches over — so a
 * reload or a full disk halfway through leaves the earlier save whole (manifests without `dir` mean `files`).
 *
 * Every write is awaited (an un-awaited `cache.put` silently left models uncached in transformers.js #99), and a full
 * disk (`QuotaExceededError`) becomes a {@link ModelStoreError} with code `quota` and a message for the user.
 *
 * Large models: a picked `File` is saved as the body of a `Response`, which the browser streams from disk into the
 * cache, and a model is restored as a `Blob` backed by the cache entry ({@link StoreBackend.getBlob}), so neither way
 * copies its bytes into the page: the worker reads them once, where they are needed.
 */
import { errorMessage } from '../error-message';
import type { ModelSpec } from './spec';
import { validateSpec } from './validate';

/** Byte storage under string keys. */
export interface StoreBackend {
  put(key: string, data: Uint8Array | Blob, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  /** The same bytes as a Blob, without reading them into memory where the backend can (Cache Storage can). */
  getBlob?(key: string): Promise<Blob | undefined>;
  /** Resolves true when something was deleted. */
  delete(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  /** Bytes still free for this origin, when known. */
  available?(): Promise<number | undefined>;
}

export type ModelStoreErrorCode = 'quota' | 'unavailable' | 'incomplete' | 'invalid';

export class ModelStoreError extends Error {
  readonly code: ModelStoreErrorCode;
  constructor(code: ModelStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelStoreError';
    this.code = code;
  }
}

/** A file to save: a `File` fits. */
export interface UserModelFileInput {
  name: string;
  data?: Blob | ArrayBuffer | Uint8Array;
}

export interface SavedUserModel {
  id: string;
  name: string;
  /** Name of the ONNX file among `files`. */
  modelFile: string;
  files: { name: string; size: number }[];
  /** Total bytes of all files. */
  bytes: number;
  /** ISO date of the save. */
  savedAt: string;
  spec: ModelSpec;
  /** Directory of the files under the model's id; absent in older saves, which used `files`. */
  dir?: FilesDir;
}

type FilesDir = 'files' | 'files-b';

export interface LoadedUserModel extends SavedUserModel {
  /** The model file, not read: hand it to the worker as it is (a `File` made of it copies nothing). */
  modelBlob: Blob;
  /** The other files (labels.txt, config.json...), for re-resolving the spec if needed. */
  companions: { name: string; bytes: Uint8Array }[];
}

export interface ModelStore {
  save(files: readonly (UserModelFileInput | File)[], spec: ModelSpec): Promise<SavedUserModel>;
  list(): Promise<SavedUserModel[]>;
  load(id: string): Promise<LoadedUserModel | undefined>;
  remove(id: string): Promise<boolean>;
  /** Gives a saved model another name (its id and files stay); resolves with the updated entry. */
  rename(id: string, name: string): Promise<SavedUserModel>;
}

const MANIFEST = 'manifest';
const fileKey = (id: string, name: string, dir: FilesDir = 'files') => `${id}/${dir}/${name}`;
const manifestKey = (id: string) => `${id}/${MANIFEST}`;
const mb = (n: number) => (n < 1e6 ? `${Math.ceil(n / 1e3)} kB` : `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`);

function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; code?: number } | null;
  return !!err && (err.name === 'QuotaExceededError' || err.name === 'NS_ERROR_DOM_QUOTA_REACHED' || err.code === 22);
}

async function bytesOf(f: UserModelFileInput | File): Promise<Uint8Array | Blob> {
  const data = 'data' in f && f.data !== undefined ? f.data : f instanceof Blob ? f : undefined;
  if (data === undefined) throw new ModelStoreError('invalid', `file "${f.name}" has no data`);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

const sizeOf = (d: Uint8Array | Blob) => (d instanceof Uint8Array ? d.byteLength : d.size);
const baseName = (p: string) => p.replace(/^.*[\\/]/, '');

/** A store over any backend. */
export function createModelStore(backend: StoreBackend, now: () => Date = () => new Date()): ModelStore {
  async function readManifest(id: string): Promise<SavedUserModel | undefined> {
    const raw = await backend.get(manifestKey(id));
    if (!raw) return undefined;
    let m: SavedUserModel;
    try {
      m = JSON.parse(new TextDecoder().decode(raw)) as SavedUserModel;
    } catch {
      throw new ModelStoreError(
        'invalid',
        `the saved model "${id}" has an unreadable manifest; remove it and add it again`,
      );
    }
    return { ...m, dir: m.dir === 'files-b' ? 'files-b' : 'files', spec: validateSpec(m.spec, `saved model "${id}"`) };
  }

  async function removeAll(id: string): Promise<boolean> {
    const hadManifest = await backend.delete(manifestKey(id));
    let any = hadManifest;
    for (const key of await backend.keys()) {
      if (key.startsWith(`${id}/`)) any = (await backend.delete(key)) || any;
    }
    return any;
  }

  // Writes take turns: two saves of one model (Apply pressed twice) would otherwise both pick the same directory.
  let writes: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(write: () => Promise<T>): Promise<T> => {
    const next = writes.then(write, write);
    writes = next.catch(() => undefined);
    return next;
  };

  const store: ModelStore = {
    async save(files, specIn) {
      const spec = validateSpec(specIn, `model "${specIn.name ?? specIn.id}"`);
      const id = spec.id;
      if (files.length === 0) throw new ModelStoreError('invalid', 'no files to save');
      const named = await Promise.all(files.map(async (f) => ({ name: baseName(f.name), data: await bytesOf(f) })));
      const seen = new Set<string>();
      for (const f of named) {
        if (!f.name || f.name === '.' || f.name === '..')
          throw new ModelStoreError('invalid', `invalid file name "${f.name}"`);
        if (seen.has(f.name)) throw new ModelStoreError('invalid', `two files are named "${f.name}"`);
        seen.add(f.name);
      }
      const model = named.find((f) => /\.onnx$/i.test(f.name));
      if (!model) throw new ModelStoreError('invalid', 'none of the files is an .onnx model');
      const total = named.reduce((n, f) => n + sizeOf(f.data), 0);

      const free = await backend.available?.().catch(() => undefined);
      if (free !== undefined && free < total) {
        throw new ModelStoreError(
          'quota',
          `Not enough storage to keep "${spec.name}" offline: it needs ${mb(total)}, about ${mb(free)} is free. Remove saved models or free disk space; the model still works until this page is closed.`,
        );
      }
      // The directory the current save (if any) does not use; an unreadable manifest has nothing worth keeping.
      const earlier = await readManifest(id).catch(() => undefined);
      const dir: FilesDir = earlier && (earlier.dir ?? 'files') === 'files' ? 'files-b' : 'files';
      const manifest: SavedUserModel = {
        id,
        name: spec.name,
        modelFile: model.name,
        files: named.map((f) => ({ name: f.name, size: sizeOf(f.data) })),
        bytes: total,
        savedAt: now().toISOString(),
        spec,
        dir,
      };
      const keep = new Set([manifestKey(id), ...named.map((f) => fileKey(id, f.name, dir))]);
      const ownKeys = async () => (await backend.keys()).filter((key) => key.startsWith(`${id}/`));
      const clearDir = async () => {
        for (const key of await ownKeys()) if (key.startsWith(`${id}/${dir}/`)) await backend.delete(key);
      };
      try {
        // Leftovers of a save cut short in this directory first, so that they never count against the new files.
        await clearDir();
        for (const f of named) {
          await backend.put(
            fileKey(id, f.name, dir),
            f.data,
            f.name.endsWith('.onnx') ? 'application/octet-stream' : 'text/plain',
          );
        }
        await backend.put(manifestKey(id), new TextEncoder().encode(JSON.stringify(manifest)), 'application/json');
      } catch (e) {
        // Only what this save wrote goes: an earlier save of the model stays listed and loadable.
        await clearDir().catch(() => undefined);
        if (isQuotaError(e)) {
          throw new ModelStoreError(
            'quota',
            `Not enough storage to keep "${spec.name}" offline (${mb(total)}). Remove saved models or free disk space; the model still works until this page is closed.`,
            { cause: e },
          );
        }
        throw new ModelStoreError('unavailable', `Could not save "${spec.name}" for offline use: ${errorMessage(e)}`, {
          cause: e,
        });
      }
      // The new manifest is in place: the earlier save's files are no longer named by anything.
      for (const key of await ownKeys().catch(() => [])) {
        if (!keep.has(key)) await backend.delete(key).catch(() => false);
      }
      return manifest;
    },

    async list() {
      const ids = (await backend.keys())
        .filter((k) => k.endsWith(`/${MANIFEST}`))
        .map((k) => k.slice(0, -MANIFEST.length - 1));
      const out: SavedUserModel[] = [];
      for (const id of ids) {
        // A manifest that no longer validates (e.g. saved by a newer OnSight) is left out, not fatal to the list.
        const m = await readManifest(id).catch(() => undefined);
        if (m) out.push(m);
      }
      return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    },

    async load(id) {
      const m = await readManifest(id);
      if (!m) return undefined;
      const incomplete = (name: string, why: string) =>
        new ModelStoreError(
          'incomplete',
          `the saved model "${m.name}" is incomplete (${name} is ${why}); remove it and add it again`,
        );
      let modelBlob: Blob | undefined;
      const companions: { name: string; bytes: Uint8Array }[] = [];
      for (const f of m.files) {
        if (f.name === m.modelFile) {
          // The model may be hundreds of MB: a Blob of the cache entry, not its bytes.
          const blob = backend.getBlob
            ? await backend.getBlob(fileKey(id, f.name, m.dir))
            : await backend.get(fileKey(id, f.name, m.dir)).then((b) => b && new Blob([b as Uint8Array<ArrayBuffer>]));
          if (!blob || blob.size !== f.size) throw incomplete(f.name, blob ? 'truncated' : 'missing');
          modelBlob = blob;
          continue;
        }
        const bytes = await backend.get(fileKey(id, f.name, m.dir));
        if (!bytes || bytes.byteLength !== f.size) throw incomplete(f.name, bytes ? 'truncated' : 'missing');
        companions.push({ name: f.name, bytes });
      }
      if (!modelBlob) throw incomplete(m.modelFile, 'missing');
      return { ...m, modelBlob, companions };
    },

    remove: removeAll,

    async rename(id, newName) {
      const name = newName.trim();
      if (!name) throw new ModelStoreError('invalid', 'a model needs a name; the name given is empty');
      const m = await readManifest(id);
      if (!m) throw new ModelStoreError('incomplete', `there is no saved model "${id}" to rename`);
      const renamed: SavedUserModel = { ...m, name, spec: { ...m.spec, name } };
      await backend.put(manifestKey(id), new TextEncoder().encode(JSON.stringify(renamed)), 'application/json');
      return renamed;
    },
  };
  return {
    ...store,
    save: (files, spec) => inTurn(() => store.save(files, spec)),
    remove: (id) => inTurn(() => store.remove(id)),
    rename: (id, name) => inTurn(() => store.rename(id, name)),
  };
}

/** In-memory backend: for tests, and as a stand-in where no persistent storage exists. */
export function memoryBackend(
  options: { quotaBytes?: number } = {},
): StoreBackend & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  const used = () => [...entries.values()].reduce((n, v) => n + v.byteLength, 0);
  return {
    entries,
    async put(key, data) {
      const bytes = data instanceof Uint8Array ? data.slice() : new Uint8Array(await data.arrayBuffer());
      if (
        options.quotaBytes !== undefined &&
        used() - (entries.get(key)?.byteLength ?? 0) + bytes.byteLength > options.quotaBytes
      ) {
        throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
      }
      entries.set(key, bytes);
    },
    async get(key) {
      return entries.get(key)?.slice();
    },
    async delete(key) {
      return entries.delete(key);
    },
    async keys() {
      return [...entries.keys()];
    },
  };
}

/** Origin under which keys are stored in Cache Storage; never fetched. */
const CACHE_URL = 'https://user-models.onsight.invalid/';

/** Cache Storage backend (browser page or worker). Throws `unavailable` where Cache Storage is missing. */
export function cacheStorageBackend(cacheName = 'onsight-user-models-v1'): StoreBackend {
  if (typeof caches === 'undefined') {
    throw new ModelStoreError(
      'unavailable',
      'This browser offers no Cache Storage here (private browsing, or a page not served over https), so models cannot be kept offline; they still work until the page is closed.',
    );
  }
  const open = () => caches.open(cacheName);
  const url = (key: string) => CACHE_URL + key.split('/').map(encodeURIComponent).join('/');
  return {
    async put(key, data, contentType) {
      const cache = await open();
      const size = data instanceof Uint8Array ? data.byteLength : data.size;
      const body = data instanceof Uint8Array ? new Blob([data as Uint8Array<ArrayBuffer>]) : data;
      await cache.put(
        url(key),
        new Response(body, { headers: { 'content-type': contentType, 'content-length': String(size) } }),
      );
    },
    async get(key) {
      const res = await (await open()).match(url(key));
      return res ? new Uint8Array(await res.arrayBuffer()) : undefined;
    },
    async getBlob(key) {
      // The browser hands out the cache entry itself (disk-backed): nothing is read until someone reads the Blob.
      const res = await (await open()).match(url(key));
      return res ? res.blob() : undefined;
    },
    async delete(key) {
      return (await open()).delete(url(key));
    },
    async keys() {
      const reqs = await (await open()).keys();
      return reqs
        .filter((r) => r.url.startsWith(CACHE_URL))
        .map((r) => r.url.slice(CACHE_URL.length).split('/').map(decodeURIComponent).join('/'));
    },
    async available() {
      const est = await globalThis.navigator?.storage?.estimate?.();
      return est?.quota !== undefined && est.usage !== undefined ? est.quota - est.usage : undefined;
    },
  };
}

let defaultStore: ModelStore | undefined;
const store = () => {
  defaultStore ??= createModelStore(cacheStorageBackend());
  return defaultStore;
};

/** Saves a model's files (the .onnx plus companions) with its resolved spec, replacing an earlier save of the same id. */
export const saveUserModel = (files: readonly (UserModelFileInput | File)[], spec: ModelSpec) =>
  store().save(files, spec);
/** The saved models, newest first. */
export const listUserModels = () => store().list();
/** A saved model's bytes and spec, or undefined when there is none with that id. */
export const loadUserModel = (id: string) => store().load(id);
/** Removes a saved model; resolves false when there was none. */
export const removeUserModel = (id: string) => store().remove(id);
/** Renames a saved model. */
export const renameUserModel = (id: string, name: string) => store().rename(id, name);
