/**
 * The UI store's bring-your-own-model intents, without a browser: a drop with an .onnx loads it with its companions
 * before the photos in the same drop; a failed load keeps the previous model; user models are saved (with the spec
 * editor's corrections), listed, reloaded through ?model= and removed; two different model.onnx files keep apart; a
 * save in progress is said (and keeps the page from being left without asking) until the last one is written.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedModel, ModelLoadStatus, ModelSource } from '../../src/inference/types';
import { createModelStore, memoryBackend } from '../../src/model/model-store';
import type { ModelSpec } from '../../src/model/spec';
import { AppStore } from '../../src/ui/app-state';
import type { ClassifierLike } from '../../src/ui/services';
import type { ModelIndex } from '../../src/ui/site-models';
import { OVERRIDES_FILE } from '../../src/ui/user-model-files';
import { tinySpec } from '../helpers/ui-fixtures';

const INDEX: ModelIndex = { default: 'site', models: [{ id: 'site', name: 'Site model', url: 'models/site.onnx' }] };

/** Loads "succeed" unless the .onnx file's text is "bad"; records every source and call order. */
class FakeClient implements ClassifierLike {
  loadStatus: ModelLoadStatus = { phase: 'idle' };
  sources: ModelSource[] = [];
  log: string[] = [];
  current?: LoadedModel;
  modelDetails = { specSummary: 'labels from labels.txt; preprocessing from defaults — please check', warnings: [] };
  private listeners = new Set<(status: ModelLoadStatus) => void>();
  onLoadStatus(listener: (status: ModelLoadStatus) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  private emit(status: ModelLoadStatus) {
    this.loadStatus = status;
    for (const listener of this.listeners) listener(status);
  }
  async loadModel(source: ModelSource) {
    this.sources.push(source);
    this.emit({ phase: 'initialising' });
    await new Promise((r) => setTimeout(r, 1));
    let id = source.id ?? 'site';
    if (source.kind === 'files') {
      const onnx = source.files.find((f) => f.name.endsWith('.onnx'));
      if ((await onnx?.text()) === 'bad') {
        this.emit({ phase: 'error', error: 'not an ONNX model: nope', model: this.current });
        throw new Error('not an ONNX model: nope');
      }
      id = source.id ?? onnx?.name.replace(/\.onnx$/, '') ?? 'model';
    }
    this.log.push(`load ${id}`);
    const loaded: LoadedModel = {
      id,
      spec: { ...tinySpec(id), ...(source.overrides as Partial<ModelSpec>) },
      backend: 'wasm',
      threads: 1,
      bytes: 1,
      backendReason: '',
    };
    this.current = loaded;
    this.emit({ phase: 'ready', model: loaded });
    return loaded;
  }
  async classify(photo: Blob) {
    this.log.push(`classify ${(photo as File).name} with ${this.current?.id}`);
    return {
      predictions: [],
      timings: { decodeMs: 0, preprocessMs: 0, inferenceMs: 0, postprocessMs: 0, totalMs: 0 },
      width: 1,
      height: 1,
    };
  }
  dispose() {}
}

function setup(backend = memoryBackend()) {
  const client = new FakeClient();
  const userModels = createModelStore(backend);
  const remembered: (string | undefined)[] = [];
  const store = new AppStore({
    client,
    fetchModelIndex: async () => INDEX,
    resolveModelUrl: (url) => `https://app.test/${url}`,
    createObjectURL: () => 'blob:x',
    revokeObjectURL: () => undefined,
    userModels,
    rememberModel: (id) => remembered.push(id),
  });
  return { client, store, userModels, remembered };
}

const file = (name: string, text = name) => new File([text], name);

describe('AppStore: bring your own model', () => {
  it('a drop with an .onnx loads it with its companions, then classifies the photos with it', async () => {
    const { client, store } = setup();
    await store.start({ backend: 'wasm' });
    store.addFiles([file('photo.jpg'), file('mine.onnx'), file('labels.txt'), file('config.json')]);
    await vi_until(() => store.batch.results.all()[0]?.status === 'done');
    const last = client.sources.at(-1);
    expect(last?.kind).toBe('files');
    expect(last?.kind === 'files' && last.files.map((f) => f.name)).toEqual(['mine.onnx', 'labels.txt', 'config.json']);
    expect(store.batch.results.all().map((p) => p.path)).toEqual(['photo.jpg']);
    expect(client.log).toEqual(['load site', 'load mine', 'classify photo.jpg with mine']);
    expect(store.current.modelDetails?.specSummary).toContain('labels.txt');
  });

  it('a bad model leaves the previous one loaded, with the reason in modelError', async () => {
    const { store } = setup();
    await store.start({ backend: 'wasm' });
    await store.loadModelFiles([file('broken.onnx', 'bad')]);
    expect(store.current.modelError).toMatch(/broken\.onnx.*not an ONNX model/);
    expect(store.current.model?.id).toBe('site');
    expect(store.current.userModels).toEqual([]);
  });

  it('keeps a user model with its corrections, reloads it through ?model=, and removes it', async () => {
    const { client, store, userModels, remembered } = setup();
    await store.start({ backend: 'wasm' });
    await store.loadModelFiles([file('mine.onnx'), file('labels.txt', 'cat\ndog\n')]);
    expect(store.current.userModels.map((m) => m.id)).toEqual(['mine']);
    expect(store.current.modelOrigin).toEqual({ kind: 'user', id: 'mine' });
    expect(remembered.at(-1)).toBe('mine');

    await store.applySpec({ labels: ['kitten', 'puppy'] });
    const saved = await userModels.load('mine');
    expect(saved?.spec.labels).toEqual(['kitten', 'puppy']);
    expect(saved?.companions.map((c) => c.name).sort()).toEqual(['labels.txt', OVERRIDES_FILE]);

    // A new page: ?model=mine comes back with the corrections.
    const again = new AppStore({
      client,
      fetchModelIndex: async () => INDEX,
      resolveModelUrl: (url) => url,
      createObjectURL: () => 'blob:x',
      revokeObjectURL: () => undefined,
      userModels,
    });
    await again.start({ backend: 'wasm', modelId: 'mine' });
    const source = client.sources.at(-1);
    expect(source?.kind === 'files' && source.files.map((f) => f.name)).toEqual(['mine.onnx', 'labels.txt']);
    expect(source?.id).toBe('mine');
    // The corrections, and the name it is saved under (which a rename changes).
    expect(source?.overrides).toEqual({ labels: ['kitten', 'puppy'], name: 'mine' });
    expect(again.current.model?.id).toBe('mine');

    await again.removeUserModel('mine');
    expect(again.current.userModels).toEqual([]);
    expect(await userModels.list()).toEqual([]);
    // Still loaded and usable until another is chosen.
    expect(again.current.model?.id).toBe('mine');
  });

  it('two different files both called model.onnx are kept apart', async () => {
    const { store } = setup();
    await store.start({ backend: 'wasm' });
    await store.loadModelFiles([file('model.onnx', 'first')]);
    await store.loadModelFiles([file('model.onnx', 'the second one')]);
    expect(store.current.userModels.map((m) => m.id).sort()).toEqual(['model', 'model-2']);
    // The same file again replaces its own entry.
    await store.loadModelFiles([file('model.onnx', 'first')]);
    expect(store.current.userModels).toHaveLength(2);
  });

  it('says a model is being kept until the last of its saves is written (Apply pressed twice)', async () => {
    const backend = memoryBackend();
    const { store, userModels } = setup(backend);
    await store.start({ backend: 'wasm' });
    await store.loadModelFiles([file('mine.onnx')]);
    expect(store.current.savingModel).toBeUndefined();

    // Every write waits for the test to let it through.
    const gates: (() => void)[] = [];
    const put = backend.put;
    backend.put = (key, data, type) =>
      new Promise<void>((resolve, reject) => gates.push(() => void put(key, data, type).then(resolve, reject)));
    let firstDone = false;
    let secondDone = false;
    void store.applySpec({ labels: ['a'] }).then(() => (firstDone = true));
    void store.applySpec({ labels: ['b'] }).then(() => (secondDone = true));
    await vi_until(() => gates.length > 0);
    expect(store.current.savingModel).toBe('mine');
    while (!firstDone) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(secondDone).toBe(false);
    expect(store.current.savingModel).toBe('mine');
    while (!secondDone) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(store.current.savingModel).toBeUndefined();
    expect((await userModels.load('mine'))?.spec.labels).toEqual(['b']);
  });
});

async function vi_until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(predicate()).toBe(true);
}
