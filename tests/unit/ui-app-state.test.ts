/** The UI store without a browser: per-photo independence, load ordering, announcements and thumbnail URL lifetimes. */
import { describe, expect, it } from 'vitest';
import { ClassifyError, type ClassifyResult, type LoadedModel, type ModelLoadStatus } from '../../src/inference/types';
import { AppStore } from '../../src/ui/app-state';
import { filesFromClipboard } from '../../src/ui/clipboard';
import { formatPercent } from '../../src/ui/format';
import type { ClassifierLike } from '../../src/ui/services';
import type { ModelIndex } from '../../src/ui/site-models';
import { parseUrlOptions } from '../../src/ui/url-options';
import { tinySpec } from '../helpers/ui-fixtures';

const INDEX: ModelIndex = {
  default: 'm1',
  models: [
    { id: 'm1', name: 'Model one', url: 'models/one.onnx' },
    { id: 'm2', name: 'Model two', url: 'models/two.onnx' },
  ],
};

function model(id: string): LoadedModel {
  return {
    id,
    backend: 'wasm',
    threads: 2,
    bytes: 10,
    backendReason: 'test',
    spec: tinySpec(id),
  };
}

function result(label: string, score: number): ClassifyResult {
  return {
    predictions: [{ index: 0, label, score }],
    timings: { decodeMs: 1, preprocessMs: 1, inferenceMs: 1, postprocessMs: 0, totalMs: 3 },
    width: 2,
    height: 2,
  };
}

class FakeClient implements ClassifierLike {
  loadStatus: ModelLoadStatus = { phase: 'idle' };
  loaded: string[] = [];
  failLoad = false;
  private listeners = new Set<(status: ModelLoadStatus) => void>();
  private releaseLoad?: () => void;
  holdLoad = false;
  onLoadStatus(listener: (status: ModelLoadStatus) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  private emit(status: ModelLoadStatus) {
    this.loadStatus = status;
    for (const listener of this.listeners) listener(status);
  }
  async loadModel(source: { kind: string; url?: string; id?: string }) {
    this.loaded.push(source.url ?? '');
    this.emit({ phase: 'downloading', loadedBytes: 0, totalBytes: 10 });
    if (this.holdLoad) await new Promise<void>((resolve) => (this.releaseLoad = resolve));
    if (this.failLoad) {
      this.emit({ phase: 'error', error: 'HTTP 404' });
      throw new Error('HTTP 404');
    }
    const loaded = model(source.id ?? 'x');
    this.emit({ phase: 'ready', model: loaded });
    return loaded;
  }
  release() {
    this.releaseLoad?.();
  }
  async classify(photo: Blob) {
    const text = await photo.text();
    if (this.loadStatus.phase !== 'ready') throw new ClassifyError('no-model', 'No model is loaded.');
    if (text === '') throw new ClassifyError('empty', 'This file is empty.');
    if (text === 'bad') throw new ClassifyError('not-image', 'This is not an image.');
    return result(text, 0.97);
  }
  dispose() {}
}

function setup(client = new FakeClient()) {
  const created: string[] = [];
  const revoked: string[] = [];
  let n = 0;
  const store = new AppStore({
    client,
    fetchModelIndex: async () => INDEX,
    resolveModelUrl: (url) => `https://app.test/${url}`,
    createObjectURL: () => {
      const url = `blob:${++n}`;
      created.push(url);
      return url;
    },
    revokeObjectURL: (url) => revoked.push(url),
    makeThumbnail: async (file) => new Blob([`thumbnail of ${file.name}`]),
  });
  return { store, client, created, revoked };
}

/** The batch's photos in the order added, as the cards show them. */
function photos(store: AppStore) {
  return store.batch.results.query({ sort: 'added' }).map((record) => store.batch.photo(record));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !predicate(); i++) await settle();
  expect(predicate()).toBe(true);
}

describe('AppStore', () => {
  it('loads the default model, or the one named by ?model=, resolved against the base URL', async () => {
    const a = setup();
    await a.store.start({ backend: 'auto' });
    expect(a.client.loaded).toEqual(['https://app.test/models/one.onnx']);
    expect(a.store.current.model?.id).toBe('m1');

    const b = setup();
    await b.store.start({ backend: 'auto', modelId: 'm2' });
    expect(b.client.loaded).toEqual(['https://app.test/models/two.onnx']);

    const c = setup();
    await c.store.start({ backend: 'auto', modelId: 'nope' });
    expect(c.store.current.model?.id).toBe('m1');
    expect(c.store.current.modelNotice).toContain('nope');

    const d = setup();
    await d.store.start({ ...parseUrlOptions('?threads=99&model=nope'), backend: 'auto' });
    expect(d.store.current.model?.id).toBe('m1');
    expect(d.store.current.modelNotice).toMatch(/\?threads=99.*nope/);
  });

  it('classifies each photo on its own: one failure leaves the others alone', async () => {
    const { store } = setup();
    await store.start({ backend: 'auto' });
    store.addFiles([new File(['dog'], 'dog.jpg'), new File(['bad'], 'notes.txt'), new File([], 'empty.jpg')]);
    expect(photos(store).map((p) => p.status)).toEqual(['pending', 'pending', 'pending']);
    await until(() => photos(store).every((p) => p.status !== 'pending'));
    const [dog, notes, empty] = photos(store);
    expect(dog?.status).toBe('done');
    expect(dog?.result?.predictions[0]?.label).toBe('dog');
    expect(notes).toMatchObject({ status: 'error', error: 'This is not an image.' });
    expect(empty).toMatchObject({ status: 'error', error: 'This file is empty.' });
    const texts = store.current.announcements.map((a) => a.text);
    expect(texts).toContain('dog.jpg: dog 97%');
    expect(texts).toContain('notes.txt: This is not an image.');
  });

  it('tells the live region of announcements without re-rendering the page for them', async () => {
    const { store } = setup();
    await store.start({ backend: 'auto' });
    const pageStates: unknown[] = [];
    const heard: string[][] = [];
    store.subscribe((state) => pageStates.push(state));
    store.subscribeAnnouncements((list) => heard.push(list.map((a) => a.text)));
    store.announce('dog.jpg: dog 97%');
    expect(heard).toEqual([['dog.jpg: dog 97%']]);
    expect(pageStates).toEqual([]);
    expect(store.current.announcements.map((a) => a.text)).toEqual(['dog.jpg: dog 97%']);
  });

  it('photos added while the model loads wait for it', async () => {
    const client = new FakeClient();
    client.holdLoad = true;
    const { store } = setup(client);
    const started = store.start({ backend: 'auto' });
    await settle();
    store.addFiles([new File(['cat'], 'cat.jpg')]);
    await settle();
    expect(photos(store)[0]?.status).toBe('pending');
    client.release();
    await started;
    await until(() => photos(store)[0]?.status === 'done');
  });

  it('a failed model load shows in the model state and on later cards, and the app keeps going', async () => {
    const client = new FakeClient();
    client.failLoad = true;
    const { store } = setup(client);
    await store.start({ backend: 'auto' });
    expect(store.current.modelError).toContain('HTTP 404');
    store.addFiles([new File(['dog'], 'dog.jpg')]);
    await until(() => photos(store)[0]?.status === 'error');
    expect(photos(store)[0]?.error).toBe('No model is loaded.');
    expect(store.batch.results.all()[0]?.modelId).toBeUndefined();
  });

  it('makes a thumbnail URL per classified photo and revokes it on removal and on "Clear all"', async () => {
    const { store, created, revoked } = setup();
    await store.start({ backend: 'auto' });
    store.addFiles([new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg'), new File(['c'], 'c.jpg')]);
    await until(() => photos(store).every((p) => p.url !== undefined));
    const first = photos(store)[0];
    if (!first?.url) throw new Error('no photo');
    store.batch.remove(first.id);
    expect(revoked).toEqual([first.url]);
    store.batch.clearAll();
    expect(photos(store)).toEqual([]);
    expect([...revoked].sort()).toEqual([...created].sort());
    await settle();
    expect(photos(store)).toEqual([]);
  });

  it('removing or clearing photos while they are classified drops their results quietly', async () => {
    const { store } = setup();
    await store.start({ backend: 'auto' });
    store.addFiles([new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg'), new File(['c'], 'c.jpg')]);
    const [a] = photos(store);
    store.batch.remove(a?.id ?? '');
    expect(photos(store).map((p) => p.name)).toEqual(['b.jpg', 'c.jpg']);
    await until(() => photos(store).every((p) => p.status === 'done'));
    store.addFiles([new File(['d'], 'd.jpg')]);
    store.batch.clearAll();
    await settle();
    await settle();
    expect(photos(store)).toEqual([]);
  });
});

describe('helpers', () => {
  it('parses ?backend= and ?model=', () => {
    expect(parseUrlOptions('?backend=wasm&model=bears')).toEqual({ backend: 'wasm', modelId: 'bears' });
    expect(parseUrlOptions('?backend=cuda')).toEqual({ backend: 'auto', modelId: undefined });
    expect(parseUrlOptions('?threads=1')).toEqual({ backend: 'auto', modelId: undefined, threads: 1 });
    expect(parseUrlOptions('?threads=16').threads).toBe(16);
    for (const bad of ['0', '17', '2.5', 'many', '']) {
      const o = parseUrlOptions(`?threads=${bad}`);
      expect(o.threads).toBeUndefined();
      expect(o.notice).toContain(`?threads=${bad}`);
    }
    expect(parseUrlOptions('?maxModelMB=1.5').maxModelBytes).toBe(1_500_000);
    expect(parseUrlOptions('?maxModelMB=2048').maxModelBytes).toBe(2_048_000_000);
    for (const bad of ['0', '-1', '4096', 'lots', '']) {
      const o = parseUrlOptions(`?maxModelMB=${bad}`);
      expect(o.maxModelBytes).toBeUndefined();
      expect(o.notice).toBe(`Ignoring ?maxModelMB=${bad}: it must be a number of megabytes above 0, at most 2048.`);
    }
  });

  it('formats percentages readably', () => {
    expect(formatPercent(0.9712)).toBe('97%');
    expect(formatPercent(0.0123)).toBe('1.2%');
    expect(formatPercent(0.00001)).toBe('<0.1%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('takes only images from a paste and names generic screenshots apart', () => {
    const png = new File(['x'], 'image.png', { type: 'image/png' });
    const items = [
      { kind: 'file', type: 'image/png', getAsFile: () => png },
      { kind: 'string', type: 'text/plain', getAsFile: () => null },
    ];
    const files = filesFromClipboard({ items } as unknown as DataTransfer, new Date(2026, 0, 1, 12, 34, 56));
    expect(files.map((f) => f.name)).toEqual(['pasted-123456.png']);
  });
});
