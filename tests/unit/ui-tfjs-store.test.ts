/**
 * The UI store with a TF.js / Teachable Machine model, without a browser: the real conversion (in-process instead of
 * in its worker) turns a drop of model.json + weights.bin + metadata.json into one ONNX file that loads before the
 * photos dropped with it, is kept on the device as that file alone, can be renamed (the name survives a new page) and
 * exported with its spec; a refusal leaves the loaded model loaded and says what is missing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { convertUserModel } from '../../src/convert/convert-user-model';
import type { LoadedModel, ModelLoadStatus, ModelSource } from '../../src/inference/types';
import { createModelStore, memoryBackend } from '../../src/model/model-store';
import { resolveModelSpec } from '../../src/model/resolve-spec';
import { SPEC_METADATA_KEY } from '../../src/model/spec';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { type AppState, AppStore } from '../../src/ui/app-state';
import type { AppEnvironment, ClassifierLike } from '../../src/ui/services';
import { exportFiles, mobileNetV2, teachableMachineMetadata, teachableMachineModel } from '../helpers/tfjs-models';
import { tinySpec } from '../helpers/ui-fixtures';

/** Loads any .onnx by its embedded spec (no session: the store is under test, not inference). */
class SpecReadingClient implements ClassifierLike {
  loadStatus: ModelLoadStatus = { phase: 'idle' };
  sources: ModelSource[] = [];
  log: string[] = [];
  current?: LoadedModel;
  onLoadStatus() {
    return () => undefined;
  }
  async loadModel(source: ModelSource) {
    this.sources.push(source);
    let spec = tinySpec('site');
    if (source.kind === 'files') {
      const onnx = source.files.find((f) => f.name.endsWith('.onnx')) as File;
      const modelBytes = new Uint8Array(await onnx.arrayBuffer());
      spec = (await resolveModelSpec({ modelFileName: onnx.name, modelBytes, overrides: source.overrides })).spec;
    }
    this.log.push(`load ${spec.id}`);
    this.current = { id: source.id ?? spec.id, spec, backend: 'wasm', threads: 1, bytes: 1, backendReason: '' };
    return this.current;
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

let modelJson = '';
let weightsBin: Uint8Array = new Uint8Array();
const metadata = teachableMachineMetadata(['fern', 'moss', 'ivy'], { modelName: 'Plants' });
const tmFiles = () => [
  new File([modelJson], 'model.json'),
  new File([weightsBin as Uint8Array<ArrayBuffer>], 'weights.bin'),
  new File([metadata], 'metadata.json'),
];

beforeAll(async () => {
  ({ modelJson, weightsBin } = await exportFiles(teachableMachineModel(mobileNetV2(32, 3, 0.35), 3)));
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

function setup(userModels = createModelStore(memoryBackend())) {
  const client = new SpecReadingClient();
  const states: AppState[] = [];
  const env: AppEnvironment = {
    client,
    fetchModelIndex: async () => ({ default: 'site', models: [{ id: 'site', name: 'Site model', url: 'site.onnx' }] }),
    resolveModelUrl: (url) => url,
    createObjectURL: () => 'blob:x',
    revokeObjectURL: () => undefined,
    userModels,
    convertModel: async (files, onProgress) => {
      const given = files.map((f) => ({
        name: f.name,
        size: f.size,
        bytes: async () => new Uint8Array(await f.arrayBuffer()),
      }));
      const converted = await convertUserModel(given, onProgress);
      return { ...converted, file: new File([converted.onnx as Uint8Array<ArrayBuffer>], converted.fileName) };
    },
  };
  const store = new AppStore(env);
  store.subscribe((state) => states.push(state));
  return { client, store, states, userModels };
}

describe('AppStore with a Teachable Machine export', () => {
  it('converts a drop of its files, loads the ONNX before the photos, and keeps only the ONNX', async () => {
    const { client, store, states, userModels } = setup();
    await store.start({ backend: 'wasm' });
    store.addFiles([...tmFiles(), new File(['jpeg'], 'fern.jpg', { type: 'image/jpeg' })]);
    const photos = () => store.batch.results.all();
    await until(() => photos()[0]?.status === 'done' && store.current.modelOrigin?.kind === 'user');
    // Only the photo went to the batch: the model's files did not become results.
    expect(photos().map((photo) => photo.path)).toEqual(['fern.jpg']);

    expect(client.log).toEqual(['load site', 'load plants', 'classify fern.jpg with plants']);
    const source = client.sources.at(-1);
    expect(source?.kind === 'files' && source.files.map((f) => f.name)).toEqual(['plants.onnx']);
    // Progress was shown, step by step, and is gone once the model is in.
    const steps = states.map((s) => s.conversion?.done).filter((d) => d !== undefined);
    expect(Math.max(...(steps as number[]))).toBe(4);
    expect(store.current.conversion).toBeUndefined();
    expect(store.current.model?.spec).toMatchObject({ name: 'Plants', labels: ['fern', 'moss', 'ivy'] });
    expect(store.current.model?.spec.source?.name).toBe('Teachable Machine');
    const saved = await userModels.load('plants');
    expect(saved?.files.map((f) => f.name)).toEqual(['plants.onnx']);
    expect(store.current.modelOrigin).toEqual({ kind: 'user', id: 'plants' });
  });

  it('a refusal names the missing weights and leaves the loaded model loaded', async () => {
    const { client, store } = setup();
    await store.start({ backend: 'wasm' });
    await store.loadModelFiles([new File([modelJson], 'model.json'), new File([metadata], 'metadata.json')]);
    expect(store.current.modelError).toBe(
      'Could not open model.json: model.json needs the weight file "weights.bin", which is not among the files given. Give it together with model.json (or the whole folder, or the .zip as downloaded).',
    );
    expect(client.log).toEqual(['load site']);
    expect(store.current.model?.id).toBe('site');
    expect(store.current.conversion).toBeUndefined();
  });

  it('renames a saved model (a new page keeps the name) and exports it as one ONNX file with its spec', async () => {
    const { store, userModels } = setup();
    await store.start({ backend: 'wasm' });
    await store.loadModelFiles(tmFiles());
    expect(await store.renameUserModel('plants', 'Garden plants')).toBe(true);
    expect(store.current.userModels.map((m) => m.name)).toEqual(['Garden plants']);
    expect(store.current.model?.spec.name).toBe('Garden plants');
    expect(store.current.announcements.at(-1)?.text).toBe('Renamed Plants to Garden plants');

    const again = setup(userModels);
    await again.store.start({ backend: 'wasm', modelId: 'plants' });
    expect(again.store.current.model?.spec.name).toBe('Garden plants');

    const onnx = await again.store.userModelAsOnnx('plants');
    expect(onnx?.fileName).toBe('plants.onnx');
    const spec = JSON.parse(readOnnxMetadata(onnx?.bytes as Uint8Array).metadata[SPEC_METADATA_KEY] ?? 'null');
    expect(spec).toMatchObject({ id: 'plants', name: 'Garden plants', labels: ['fern', 'moss', 'ivy'] });
    expect(spec.input).toMatchObject({ layout: 'nhwc', width: 32, scale: 1 / 127 });
  });
});
