/**
 * The user-model store's logic (save/list/load/remove, replacement, quota handling, incomplete saves) against the
 * in-memory backend. Node has no Cache Storage: the last block drives `cacheStorageBackend` through a small Map-based
 * stand-in for `caches` to check the adapter's key/URL and Response handling — it does not test a browser's Cache API.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheStorageBackend, createModelStore, ModelStoreError, memoryBackend } from '../../src/model/model-store';
import type { ModelSpec } from '../../src/model/spec';
import { validateSpec } from '../../src/model/validate';

const spec = (id = 'flowers', name = 'Flowers'): ModelSpec =>
  validateSpec(
    { id, name, labels: ['rose', 'tulip'], input: { layout: 'nchw', dtype: 'float32', width: 224, height: 224 } },
    'test',
  );
const files = (n = 1000) => [
  { name: 'flowers.onnx', data: new Uint8Array(n).fill(7) },
  { name: 'labels.txt', data: new TextEncoder().encode('rose\ntulip\n') },
];
const bytesOf = async (blob: Blob | undefined) => blob && new Uint8Array(await blob.arrayBuffer());
let clock = 0;
const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++));

describe('model store (logic, in-memory backend)', () => {
  it('saves, lists, loads and removes', async () => {
    const store = createModelStore(memoryBackend(), now);
    const saved = await store.save(files(), spec());
    expect(saved).toMatchObject({
      id: 'flowers',
      name: 'Flowers',
      modelFile: 'flowers.onnx',
      bytes: 1011,
      files: [
        { name: 'flowers.onnx', size: 1000 },
        { name: 'labels.txt', size: 11 },
      ],
    });
    expect((await store.list()).map((m) => m.id)).toEqual(['flowers']);
    const loaded = await store.load('flowers');
    expect(await bytesOf(loaded?.modelBlob)).toEqual(new Uint8Array(1000).fill(7));
    expect(loaded?.companions.map((c) => c.name)).toEqual(['labels.txt']);
    expect(loaded?.spec).toEqual(spec());
    expect(await store.remove('flowers')).toBe(true);
    expect(await store.list()).toEqual([]);
    expect(await store.load('flowers')).toBeUndefined();
    expect(await store.remove('flowers')).toBe(false);
  });

  it('lists newest first and keeps models apart', async () => {
    const store = createModelStore(memoryBackend(), now);
    await store.save(files(), spec('a', 'A'));
    await store.save(files(), spec('b', 'B'));
    expect((await store.list()).map((m) => m.id)).toEqual(['b', 'a']);
    await store.remove('a');
    expect((await store.list()).map((m) => m.id)).toEqual(['b']);
  });

  it('saving the same id again replaces the old files', async () => {
    const backend = memoryBackend();
    const store = createModelStore(backend, now);
    await store.save([...files(), { name: 'config.json', data: new Uint8Array(3) }], spec());
    await store.save(files(50), spec());
    expect([...backend.entries.keys()].sort()).toEqual([
      'flowers/files-b/flowers.onnx',
      'flowers/files-b/labels.txt',
      'flowers/manifest',
    ]);
    expect((await store.load('flowers'))?.modelBlob.size).toBe(50);
    // A third save goes back to the first directory, and leaves nothing of the second.
    await store.save(files(60), spec());
    expect([...backend.entries.keys()].sort()).toEqual([
      'flowers/files/flowers.onnx',
      'flowers/files/labels.txt',
      'flowers/manifest',
    ]);
    expect((await store.load('flowers'))?.modelBlob.size).toBe(60);
  });

  it('a save of the same id cut short (a reload, a failed write) leaves the earlier save whole', async () => {
    const backend = memoryBackend();
    const store = createModelStore(backend, now);
    await store.save(files(), spec('flowers', 'Flowers'));
    const before = await store.list();
    // The page goes away once the new model file is written, before its labels and manifest: the writes stop there.
    const put = backend.put;
    backend.put = async (key, data, type) => {
      if (key.endsWith('labels.txt')) return new Promise<void>(() => undefined);
      return put(key, data, type);
    };
    void store.save(files(50), spec('flowers', 'Tulips'));
    await new Promise((r) => setTimeout(r, 10));
    const afterReload = createModelStore(backend, now);
    expect(await afterReload.list()).toEqual(before);
    const loaded = await afterReload.load('flowers');
    expect(await bytesOf(loaded?.modelBlob)).toEqual(new Uint8Array(1000).fill(7));
    expect(loaded?.name).toBe('Flowers');

    // A write that fails instead: the same, and the half-written files are gone.
    backend.put = async (key, data, type) => {
      if (key.endsWith('labels.txt')) throw new Error('disk went away');
      return put(key, data, type);
    };
    await expect(afterReload.save(files(50), spec('flowers', 'Tulips'))).rejects.toThrow('disk went away');
    expect(await afterReload.list()).toEqual(before);
    expect([...backend.entries.keys()].sort()).toEqual([
      'flowers/files/flowers.onnx',
      'flowers/files/labels.txt',
      'flowers/manifest',
    ]);

    // The next save that completes clears the leftovers and switches over.
    backend.put = put;
    await afterReload.save(files(50), spec('flowers', 'Tulips'));
    expect((await afterReload.load('flowers'))?.modelBlob.size).toBe(50);
    expect([...backend.entries.keys()].filter((k) => k.startsWith('flowers/files/'))).toEqual([]);
  });

  it('two saves of one model at once take turns: the later one is what stays', async () => {
    const backend = memoryBackend();
    const store = createModelStore(backend, now);
    await store.save(files(), spec());
    const put = backend.put;
    // The first save's model file is slow to write: without turns the second would finish first, and the first would
    // then write its file under the second's manifest.
    backend.put = async (key, data, type) => {
      await new Promise((r) => setTimeout(r, data instanceof Uint8Array && data.byteLength === 50 ? 30 : 2));
      return put(key, data, type);
    };
    await Promise.all([store.save(files(50), spec('flowers', 'A')), store.save(files(60), spec('flowers', 'B'))]);
    const loaded = await store.load('flowers');
    expect([loaded?.name, loaded?.modelBlob.size]).toEqual(['B', 60]);
    expect([...backend.entries.keys()].filter((k) => k.startsWith('flowers/files'))).toHaveLength(2);
  });

  it('loads a save made before files had two directories (a manifest without dir)', async () => {
    const backend = memoryBackend();
    const store = createModelStore(backend, now);
    await store.save(files(), spec());
    const manifest = JSON.parse(new TextDecoder().decode(backend.entries.get('flowers/manifest')));
    delete manifest.dir;
    backend.entries.set('flowers/manifest', new TextEncoder().encode(JSON.stringify(manifest)));
    expect((await store.load('flowers'))?.modelBlob.size).toBe(1000);
    await store.save(files(50), spec());
    expect((await store.load('flowers'))?.modelBlob.size).toBe(50);
    expect([...backend.entries.keys()].filter((k) => k.startsWith('flowers/files/'))).toEqual([]);
  });

  it('accepts Blobs/Files and ArrayBuffers', async () => {
    const store = createModelStore(memoryBackend(), now);
    await store.save(
      [
        new File([new Uint8Array(10)], 'm.onnx'),
        { name: 'labels.txt', data: new TextEncoder().encode('a\nb').buffer as ArrayBuffer },
      ],
      spec('m'),
    );
    expect((await store.load('m'))?.files).toEqual([
      { name: 'm.onnx', size: 10 },
      { name: 'labels.txt', size: 3 },
    ]);
  });

  it('a full disk (QuotaExceededError) gives a clear message and leaves nothing half-saved', async () => {
    const backend = memoryBackend({ quotaBytes: 2500 });
    const store = createModelStore(backend, now);
    await store.save(files(1000), spec('small'));
    const err = await store.save(files(1000), spec('big', 'Big model')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelStoreError);
    expect((err as ModelStoreError).code).toBe('quota');
    expect((err as Error).message).toMatch(
      /^Not enough storage to keep "Big model" offline \(2 kB\)\. Remove saved models or free disk space/,
    );
    expect([...backend.entries.keys()].filter((k) => k.startsWith('big/'))).toEqual([]);
    expect((await store.list()).map((m) => m.id)).toEqual(['small']);
  });

  it('refuses early when the backend knows there is not enough room', async () => {
    const backend = { ...memoryBackend(), available: async () => 500 };
    const store = createModelStore(backend, now);
    await expect(store.save(files(2_000_000), spec())).rejects.toThrow(
      'Not enough storage to keep "Flowers" offline: it needs 2.0 MB, about 1 kB is free.',
    );
  });

  it('awaits every put: a put that fails late still fails the save', async () => {
    const backend = memoryBackend();
    const put = backend.put;
    backend.put = async (key, data, type) => {
      await new Promise((r) => setTimeout(r, 5));
      if (key.endsWith('labels.txt')) throw new Error('disk went away');
      return put(key, data, type);
    };
    const store = createModelStore(backend, now);
    await expect(store.save(files(), spec())).rejects.toThrow(
      'Could not save "Flowers" for offline use: disk went away',
    );
    expect(await store.list()).toEqual([]);
  });

  it('a saved model with a missing file is reported as incomplete', async () => {
    const backend = memoryBackend();
    const store = createModelStore(backend, now);
    await store.save(files(), spec());
    backend.entries.delete('flowers/files/flowers.onnx');
    await expect(store.load('flowers')).rejects.toThrow(
      'the saved model "Flowers" is incomplete (flowers.onnx is missing); remove it and add it again',
    );
  });

  it('renames a saved model: the manifest and its spec change, the id and files stay', async () => {
    const store = createModelStore(memoryBackend(), now);
    await store.save(files(), spec());
    const renamed = await store.rename('flowers', '  Garden flowers ');
    expect(renamed).toMatchObject({
      id: 'flowers',
      name: 'Garden flowers',
      spec: { id: 'flowers', name: 'Garden flowers' },
    });
    expect(await store.list()).toEqual([renamed]);
    const restored = await store.load('flowers');
    expect(new Uint8Array((await restored?.modelBlob.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(
      new Uint8Array(1000).fill(7),
    );
    await expect(store.rename('flowers', '  ')).rejects.toThrow('a model needs a name; the name given is empty');
    await expect(store.rename('tulips', 'Tulips')).rejects.toThrow('there is no saved model "tulips" to rename');
  });

  it('refuses a save without an .onnx file, and an invalid spec', async () => {
    const store = createModelStore(memoryBackend(), now);
    await expect(store.save([{ name: 'labels.txt', data: new Uint8Array(1) }], spec())).rejects.toThrow(
      'none of the files is an .onnx model',
    );
    await expect(store.save(files(), { ...spec(), labels: [] })).rejects.toThrow(
      'model "Flowers": labels must be a non-empty array of strings, got []',
    );
  });
});

describe('cacheStorageBackend adapter (Map-based stand-in for the Cache API)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('without Cache Storage it says why models cannot be kept', () => {
    expect(() => cacheStorageBackend()).toThrow(/offers no Cache Storage here/);
  });

  it('stores bytes as Responses under encoded URLs and reads them back', async () => {
    const cache = new Map<string, Response>();
    const fakeCache = {
      put: async (url: string, res: Response) => void cache.set(url, res),
      match: async (url: string) => cache.get(url)?.clone(),
      delete: async (url: string) => cache.delete(url),
      keys: async () => [...cache.keys()].map((url) => ({ url })),
    };
    vi.stubGlobal('caches', { open: async () => fakeCache });
    const store = createModelStore(cacheStorageBackend(), now);
    await store.save([{ name: 'my model#1.onnx', data: new Uint8Array([1, 2, 3]) }], spec('m1'));
    expect([...cache.keys()]).toEqual([
      'https://user-models.onsight.invalid/m1/files/my%20model%231.onnx',
      'https://user-models.onsight.invalid/m1/manifest',
    ]);
    expect(
      cache.get('https://user-models.onsight.invalid/m1/files/my%20model%231.onnx')?.headers.get('content-length'),
    ).toBe('3');
    expect(await bytesOf((await store.load('m1'))?.modelBlob)).toEqual(new Uint8Array([1, 2, 3]));
    expect((await store.list()).map((m) => m.modelFile)).toEqual(['my model#1.onnx']);
    expect(await store.remove('m1')).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('restores the model as the cached Response’s Blob, never reading its bytes; companions as bytes', async () => {
    const reads: string[] = [];
    const cache = new Map<string, Response>();
    const fakeCache = {
      put: async (url: string, res: Response) => void cache.set(url, res),
      match: async (url: string) => {
        const res = cache.get(url)?.clone();
        if (!res) return undefined;
        // Which way each entry is read: the model must only ever be asked for as a Blob.
        const name = decodeURIComponent(url.split('/').pop() ?? '');
        return Object.assign(res, {
          arrayBuffer: () => {
            reads.push(`${name}: arrayBuffer`);
            return Response.prototype.arrayBuffer.call(res);
          },
          blob: () => {
            reads.push(`${name}: blob`);
            return Response.prototype.blob.call(res);
          },
        });
      },
      delete: async (url: string) => cache.delete(url),
      keys: async () => [...cache.keys()].map((url) => ({ url })),
    };
    vi.stubGlobal('caches', { open: async () => fakeCache });
    const store = createModelStore(cacheStorageBackend(), now);
    await store.save(files(), spec());
    reads.length = 0;
    const loaded = await store.load('flowers');
    expect(reads).toEqual(['manifest: arrayBuffer', 'flowers.onnx: blob', 'labels.txt: arrayBuffer']);
    expect(loaded?.modelBlob.size).toBe(1000);
    expect(new TextDecoder().decode(loaded?.companions[0]?.bytes)).toBe('rose\ntulip\n');
  });
});
