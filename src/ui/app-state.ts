/**
 * The UI's state and intents. Components render {@link AppState} and call the store's methods; everything else
 * (which model to load, per-photo classification, object-URL lifetimes, announcements) happens here.
 */
import {
  type BackendPreference,
  ClassifyError,
  type ClassifyResult,
  type LoadedModel,
  type ModelLoadStatus,
  type ModelSource,
} from '../inference/types';
import type { LoadedUserModel, SavedUserModel } from '../model/model-store';
import type { PartialModelSpec } from '../model/types';

/** Predictions shown per photo. */
export const TOP_K = 5;

/** One entry of `public/models/index.json`. */
export interface ModelEntry {
  id: string;
  name: string;
  url: string;
}

export interface ModelIndex {
  default: string;
  models: ModelEntry[];
}

export type PhotoStatus = 'pending' | 'done' | 'error';

export interface Photo {
  /** Unique per added photo (names may repeat). */
  id: number;
  name: string;
  /** Object URL of the file, for the thumbnail; revoked when the photo is removed. */
  url: string;
  status: PhotoStatus;
  result?: ClassifyResult;
  error?: string;
}

export interface Announcement {
  id: number;
  text: string;
}

export interface AppState {
  /** The deployment's models, once `models/index.json` has been read. */
  models: ModelEntry[];
  /** The entry being (or last) loaded. */
  modelEntry?: ModelEntry;
  loadStatus: ModelLoadStatus;
  model?: LoadedModel;
  /** A problem with choosing or loading the model, shown in the model panel. */
  modelError?: string;
  /** A non-fatal remark about the model choice (e.g. an unknown `?model=`). */
  modelNotice?: string;
  photos: Photo[];
  /** Most recent first is not needed: the live region reads them in order. */
  announcements: Announcement[];
  /** Models the user brought and kept on this device, newest first. */
  userModels: SavedUserModel[];
  /** Where the loaded model came from: this site's list, the user's saved models, or files not (yet) saved. */
  modelOrigin?: ModelOrigin;
  /** How the loaded model's spec was found ("labels from labels.txt; preprocessing from defaults — please check"). */
  modelDetails?: { specSummary: string; warnings: string[] };
}

export type ModelOrigin = { kind: 'site'; id: string } | { kind: 'user'; id: string } | { kind: 'files' };

/** The user's saved models (src/model/model-store.ts), injected so the store can be driven without a browser. */
export interface UserModelStore {
  list(): Promise<SavedUserModel[]>;
  save(files: readonly File[], spec: LoadedModel['spec']): Promise<SavedUserModel>;
  load(id: string): Promise<LoadedUserModel | undefined>;
  remove(id: string): Promise<boolean>;
}

/** Saved beside a user's model: the corrections made in the spec editor, re-applied when it is loaded again. */
export const OVERRIDES_FILE = 'onsight-overrides.json';

const isModelFile = (file: File) => /\.onnx$/i.test(file.name);
/** Files that can come with a model: labels.txt, config.json, preprocessor_config.json, metadata.json, *.onsight.json. */
const isCompanionFile = (file: File) => /\.(txt|json)$/i.test(file.name);

/** The part of `ClassifierClient` (src/inference/classifier-client.ts) the UI uses. */
export interface ClassifierLike {
  onLoadStatus(listener: (status: ModelLoadStatus) => void): () => void;
  readonly loadStatus: ModelLoadStatus;
  loadModel(source: ModelSource): Promise<LoadedModel>;
  classify(photo: Blob, options?: { signal?: AbortSignal; topK?: number }): Promise<ClassifyResult>;
  dispose(): void;
  /** How the loaded model's spec was found (ClassifierClient has it). */
  readonly modelDetails?: { specSummary: string; warnings: string[] };
}

/** What the store needs from the page; injected so it can be driven without a browser. */
export interface AppEnvironment {
  client: ClassifierLike;
  /** Reads the deployment's model list. */
  fetchModelIndex: () => Promise<ModelIndex>;
  /** Turns a model URL from the index (relative to the app's base) into one the client can fetch. */
  resolveModelUrl: (url: string) => string;
  createObjectURL: (blob: Blob) => string;
  revokeObjectURL: (url: string) => void;
  /** Where user models are kept offline; without it they work until the page closes. */
  userModels?: UserModelStore;
  /** Keeps the chosen model in the address bar (`?model=`), so a reload comes back to it. */
  rememberModel?: (id: string | undefined) => void;
}

/** `?backend=`, `?threads=` and `?model=` from the page URL. */
export interface UrlOptions {
  backend: BackendPreference;
  /** ORT's WASM thread count, 1..16 (honoured only where the page is crossOriginIsolated). */
  threads?: number;
  modelId?: string;
  /** Why part of the URL was ignored (e.g. a `?threads=` out of range), for the model panel. */
  notice?: string;
}

export function parseUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const backend = params.get('backend');
  const modelId = params.get('model') ?? undefined;
  const options: UrlOptions = {
    backend: backend === 'wasm' || backend === 'webgpu' || backend === 'auto' ? backend : 'auto',
    modelId: modelId || undefined,
  };
  const threads = params.get('threads');
  if (threads !== null) {
    const n = Number(threads);
    if (/^\d+$/.test(threads.trim()) && n >= 1 && n <= 16) options.threads = n;
    else options.notice = `Ignoring ?threads=${threads}: it must be a whole number from 1 to 16.`;
  }
  return options;
}

/** How a probability is shown: whole percent, or one decimal below 10 % so small scores don't all read "0%". */
export function formatPercent(score: number): string {
  const percent = score * 100;
  if (percent >= 10 || percent === 0) return `${Math.round(percent)}%`;
  if (percent < 0.1) return '<0.1%';
  return `${percent.toFixed(1)}%`;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const MAX_ANNOUNCEMENTS = 8;

export class AppStore {
  private state: AppState;
  private readonly listeners = new Set<(state: AppState) => void>();
  private readonly env: AppEnvironment;
  private nextId = 1;
  private loadPromise: Promise<unknown> = Promise.resolve();
  /** Abort controllers of photos still being classified, by photo id. */
  private readonly inFlight = new Map<number, AbortController>();
  private unsubscribeLoad?: () => void;

  constructor(env: AppEnvironment) {
    this.env = env;
    this.state = { models: [], loadStatus: env.client.loadStatus, photos: [], announcements: [], userModels: [] };
    this.unsubscribeLoad = env.client.onLoadStatus((loadStatus) => {
      this.set({
        loadStatus,
        model: loadStatus.phase === 'ready' ? (loadStatus.model ?? this.state.model) : this.state.model,
        modelError: loadStatus.phase === 'error' ? (loadStatus.error ?? 'The model failed to load.') : undefined,
        modelDetails:
          loadStatus.phase === 'ready' ? (env.client.modelDetails ?? this.state.modelDetails) : this.state.modelDetails,
      });
    });
  }

  get current(): AppState {
    return this.state;
  }

  subscribe(listener: (state: AppState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  private updatePhoto(id: number, patch: Partial<Photo>): void {
    if (!this.state.photos.some((photo) => photo.id === id)) return; // removed meanwhile
    this.set({ photos: this.state.photos.map((photo) => (photo.id === id ? { ...photo, ...patch } : photo)) });
  }

  private announce(text: string): void {
    const announcements = [...this.state.announcements, { id: this.nextId++, text }].slice(-MAX_ANNOUNCEMENTS);
    this.set({ announcements });
  }

  /** Reads the model list and loads the model chosen by `?model=` (or the deployment's default). */
  async start(options: UrlOptions): Promise<void> {
    this.loadPromise = this.chooseAndLoad(options);
    await this.loadPromise;
  }

  private async chooseAndLoad(options: UrlOptions): Promise<void> {
    await this.refreshUserModels();
    let index: ModelIndex;
    try {
      index = await this.env.fetchModelIndex();
    } catch (error) {
      this.failModel(`Could not read the model list: ${errorMessage(error)}`);
      return;
    }
    let entry = index.models.find((model) => model.id === (options.modelId ?? index.default));
    if (!entry && options.modelId && this.state.userModels.some((m) => m.id === options.modelId)) {
      this.set({ models: index.models });
      if (await this.loadSavedModel(options.modelId)) return;
    }
    let modelNotice = options.notice;
    if (!entry && options.modelId) {
      modelNotice = [options.notice, `There is no model “${options.modelId}” here; using the default instead.`]
        .filter(Boolean)
        .join(' ');
      entry = index.models.find((model) => model.id === index.default);
    }
    entry ??= index.models[0];
    this.set({ models: index.models, modelEntry: entry, modelNotice });
    if (!entry) {
      this.failModel('This deployment lists no models.');
      return;
    }
    try {
      const model = await this.env.client.loadModel({
        kind: 'url',
        url: this.env.resolveModelUrl(entry.url),
        id: entry.id,
      });
      this.loaded = {
        source: { kind: 'url', url: this.env.resolveModelUrl(entry.url), id: entry.id },
        label: entry.name,
        origin: { kind: 'site', id: entry.id },
      };
      this.set({ model, modelError: undefined, modelOrigin: this.loaded.origin });
    } catch (error) {
      this.failModel(`Could not load ${entry.name}: ${errorMessage(error)}`);
    }
  }

  // --- Choosing and bringing models -------------------------------------------------------------------------------

  /** What the loaded model was loaded from, for Apply (reload with corrections) and re-saving. */
  private loaded?: { source: ModelSource; label: string; origin: ModelOrigin; files?: File[] };

  private async refreshUserModels(): Promise<void> {
    if (!this.env.userModels) return;
    try {
      this.set({ userModels: await this.env.userModels.list() });
    } catch (error) {
      this.set({ userModels: [], modelNotice: `Your saved models could not be read: ${errorMessage(error)}` });
    }
  }

  /**
   * Loads `source`; photos added meanwhile wait for it. On failure the message goes to the model panel and the
   * previous model stays loaded (the client keeps it).
   */
  private loadSource(
    source: ModelSource,
    label: string,
    origin: ModelOrigin,
    files?: File[],
  ): Promise<LoadedModel | undefined> {
    const run = (async () => {
      try {
        const model = await this.env.client.loadModel(source);
        this.loaded = { source, label, origin, files };
        this.set({ model, modelError: undefined, modelOrigin: origin, modelNotice: undefined });
        this.announce(`Model ready: ${model.spec.name}`);
        return model;
      } catch (error) {
        this.failModel(`Could not load ${label}: ${errorMessage(error)}`);
        return undefined;
      }
    })();
    this.loadPromise = run;
    return run;
  }

  /**
   * Loads a model the user picked or dropped: one .onnx plus its companions (labels.txt, config.json...). Once it
   * runs, it is kept on the device for offline use and listed among the user's models.
   */
  async loadModelFiles(files: readonly File[], overrides?: PartialModelSpec): Promise<LoadedModel | undefined> {
    const list = [...files];
    const modelFile = list.find(isModelFile);
    if (!modelFile) {
      this.failModel('Choose an .onnx model file, with its labels.txt or config.json if it has them.');
      return undefined;
    }
    const source: ModelSource = { kind: 'files', files: list, overrides };
    const model = await this.loadSource(source, modelFile.name, { kind: 'files' }, list);
    if (model) await this.keepOffline(list, model, overrides);
    return model;
  }

  /** Saves the loaded user model (and the user's corrections) to the model store, under an id of its own. */
  private async keepOffline(
    files: File[],
    model: LoadedModel,
    overrides?: PartialModelSpec,
    id?: string,
  ): Promise<void> {
    const store = this.env.userModels;
    if (!store) return;
    try {
      const modelFile = files.find(isModelFile);
      let saveId = id ?? model.spec.id;
      if (!id) {
        // Two different files may both be called model.onnx: don't let one replace the other.
        const taken = new Map(this.state.userModels.map((m) => [m.id, m]));
        const same = (m: SavedUserModel) =>
          m.modelFile === modelFile?.name && m.files.find((f) => f.name === m.modelFile)?.size === modelFile?.size;
        for (let n = 2; taken.has(saveId) && !same(taken.get(saveId) as SavedUserModel); n++)
          saveId = `${model.spec.id}-${n}`;
      }
      const toSave = files.filter((f) => f.name !== OVERRIDES_FILE);
      if (overrides) toSave.push(new File([JSON.stringify(overrides)], OVERRIDES_FILE, { type: 'application/json' }));
      const saved = await store.save(toSave, { ...model.spec, id: saveId });
      this.loaded = this.loaded && { ...this.loaded, origin: { kind: 'user', id: saved.id } };
      this.set({ modelOrigin: { kind: 'user', id: saved.id } });
      this.env.rememberModel?.(saved.id);
      await this.refreshUserModels();
    } catch (error) {
      this.set({
        modelNotice: `${model.spec.name} works, but could not be kept for offline use: ${errorMessage(error)}`,
      });
    }
  }

  /** Loads one of the user's saved models. */
  private async loadSavedModel(id: string): Promise<LoadedModel | undefined> {
    const store = this.env.userModels;
    if (!store) return undefined;
    let saved: LoadedUserModel | undefined;
    try {
      saved = await store.load(id);
    } catch (error) {
      this.failModel(errorMessage(error));
      return undefined;
    }
    if (!saved) {
      this.failModel(`Your model “${id}” is no longer saved on this device.`);
      return undefined;
    }
    const files = [
      new File([saved.modelBytes as Uint8Array<ArrayBuffer>], saved.modelFile),
      ...saved.companions
        .filter((c) => c.name !== OVERRIDES_FILE)
        .map((c) => new File([c.bytes as Uint8Array<ArrayBuffer>], c.name)),
    ];
    const overridesFile = saved.companions.find((c) => c.name === OVERRIDES_FILE);
    let overrides: PartialModelSpec | undefined;
    try {
      overrides = overridesFile
        ? (JSON.parse(new TextDecoder().decode(overridesFile.bytes)) as PartialModelSpec)
        : undefined;
    } catch {
      overrides = undefined;
    }
    const source: ModelSource = { kind: 'files', files, id: saved.id, overrides };
    const model = await this.loadSource(source, saved.name, { kind: 'user', id: saved.id }, files);
    if (model) this.env.rememberModel?.(saved.id);
    return model;
  }

  /** The picker: `site:<id>` (this site's models/index.json) or `user:<id>` (a saved model). */
  async selectModel(choice: string): Promise<LoadedModel | undefined> {
    const [kind, ...rest] = choice.split(':');
    const id = rest.join(':');
    if (kind === 'user') return this.loadSavedModel(id);
    const entry = this.state.models.find((m) => m.id === id);
    if (!entry) return undefined;
    this.set({ modelEntry: entry });
    const source: ModelSource = { kind: 'url', url: this.env.resolveModelUrl(entry.url), id: entry.id };
    const model = await this.loadSource(source, entry.name, { kind: 'site', id: entry.id });
    if (model) this.env.rememberModel?.(entry.id);
    return model;
  }

  /** Reloads the current model with the user's corrections (they beat everything the model says). */
  async applySpec(overrides: PartialModelSpec): Promise<LoadedModel | undefined> {
    const current = this.loaded;
    if (!current) return undefined;
    const source = { ...current.source, overrides } as ModelSource;
    const model = await this.loadSource(source, current.label, current.origin, current.files);
    if (model && current.files && current.origin.kind !== 'site') {
      await this.keepOffline(
        current.files,
        model,
        overrides,
        current.origin.kind === 'user' ? current.origin.id : undefined,
      );
    }
    return model;
  }

  /** Forgets a saved model. One that is loaded keeps working until another is chosen. */
  async removeUserModel(id: string): Promise<void> {
    const name = this.state.userModels.find((m) => m.id === id)?.name ?? id;
    try {
      await this.env.userModels?.remove(id);
    } catch (error) {
      this.failModel(`Could not remove ${name}: ${errorMessage(error)}`);
      return;
    }
    if (this.state.modelOrigin?.kind === 'user' && this.state.modelOrigin.id === id) {
      this.set({ modelOrigin: { kind: 'files' } });
      if (this.loaded) this.loaded = { ...this.loaded, origin: { kind: 'files' } };
      this.env.rememberModel?.(undefined);
    }
    await this.refreshUserModels();
    this.announce(`Removed ${name} from this device`);
  }

  private failModel(message: string): void {
    this.set({ modelError: message });
    this.announce(message);
  }

  /**
   * Adds files dropped, picked, pasted or captured. A set with an .onnx file in it brings a model: the model loads
   * with its .txt/.json companions, and the photos among the files are classified once it runs. Otherwise every file
   * is a photo, classified on its own.
   */
  addFiles(files: Iterable<File>): void {
    const all = [...files];
    if (all.some(isModelFile)) {
      void this.loadModelFiles(all.filter((f) => isModelFile(f) || isCompanionFile(f)));
      this.addPhotos(all.filter((f) => !isModelFile(f) && !isCompanionFile(f)));
      return;
    }
    this.addPhotos(all);
  }

  private addPhotos(list: File[]): void {
    if (list.length === 0) return;
    const added = list.map(
      (file): Photo => ({
        id: this.nextId++,
        name: file.name || 'photo',
        url: this.env.createObjectURL(file),
        status: 'pending',
      }),
    );
    this.set({ photos: [...this.state.photos, ...added] });
    added.forEach((photo, i) => {
      const file = list[i];
      if (file) void this.classify(photo, file);
    });
  }

  private async classify(photo: Photo, file: File): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(photo.id, controller);
    try {
      // A photo added while the model is still loading waits for it; a failed load surfaces as the client's
      // own "no model" error on the card.
      await this.loadPromise.catch(() => undefined);
      const result = await this.env.client.classify(file, { signal: controller.signal, topK: TOP_K });
      if (controller.signal.aborted) return;
      this.updatePhoto(photo.id, { status: 'done', result, error: undefined });
      const best = result.predictions[0];
      this.announce(
        best ? `${photo.name}: ${best.label} ${formatPercent(best.score)}` : `${photo.name}: no prediction`,
      );
    } catch (error) {
      if (controller.signal.aborted) return; // removed by the user; nothing to report
      const message = errorMessage(error);
      this.updatePhoto(photo.id, { status: 'error', error: message });
      this.announce(`${photo.name}: ${message}`);
    } finally {
      this.inFlight.delete(photo.id);
    }
  }

  removePhoto(id: number): void {
    const photo = this.state.photos.find((p) => p.id === id);
    if (!photo) return;
    this.inFlight.get(id)?.abort();
    this.env.revokeObjectURL(photo.url);
    this.set({ photos: this.state.photos.filter((p) => p.id !== id) });
  }

  clearAll(): void {
    for (const photo of this.state.photos) {
      this.inFlight.get(photo.id)?.abort();
      this.env.revokeObjectURL(photo.url);
    }
    this.set({ photos: [] });
  }

  dispose(): void {
    this.clearAll();
    this.unsubscribeLoad?.();
    this.env.client.dispose();
    this.listeners.clear();
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof ClassifyError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

/**
 * Image files on a clipboard paste. Screenshots arrive as "image.png" every time, so unnamed or generic pastes get a
 * distinct name to tell their cards apart.
 */
export function filesFromClipboard(data: DataTransfer | null, now = new Date()): File[] {
  if (!data) return [];
  const files: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file' || !item.type.startsWith('image/')) continue;
    const file = item.getAsFile();
    if (!file) continue;
    if (file.name && file.name !== 'image.png') {
      files.push(file);
      continue;
    }
    const extension = file.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
    const stamp = now.toTimeString().slice(0, 8).replaceAll(':', '');
    const suffix = files.length > 0 ? `-${files.length + 1}` : '';
    files.push(new File([file], `pasted-${stamp}${suffix}.${extension}`, { type: file.type }));
  }
  return files;
}
