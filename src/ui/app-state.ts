/**
 * The UI's state and intents. Components render {@link AppState} and call the store's methods; everything else
 * (which model to load, announcements) happens here, and the photos go to the batch store (./batch-store.ts). What
 * the store reaches outside itself comes in as an {@link AppEnvironment} (./services.ts).
 */
import type { IntakeItem } from '../batch';
import type { ConversionProgress } from '../convert/conversion-protocol';
import type { LoadedModel, ModelLoadStatus, ModelSource } from '../inference/types';
import type { LoadedUserModel, SavedUserModel } from '../model/model-store';
import type { PartialModelSpec } from '../model/types';
import { BatchStore } from './batch-store';
import type { AppEnvironment } from './services';
import { type ModelEntry, type ModelIndex, siteModelSource } from './site-models';
import type { UrlOptions } from './url-options';
import { userMessage } from './user-message';
import { isCompanionFile, isModelFile, isTfjsModelPart, isTfjsModelSet, savedModelSource } from './user-model-files';
import * as intents from './user-model-intents';

export { TOP_K } from './batch-store';
export type { Photo, PhotoStatus } from './card-photo';

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
  /** Most recent first is not needed: the live region reads them in order. */
  announcements: Announcement[];
  /** Models the user brought and kept on this device, newest first. */
  userModels: SavedUserModel[];
  /** Where the loaded model came from: this site's list, the user's saved models, or files not (yet) saved. */
  modelOrigin?: ModelOrigin;
  /** How the loaded model's spec was found ("labels from labels.txt; preprocessing from defaults — please check"). */
  modelDetails?: { specSummary: string; warnings: string[] };
  /** A TF.js / Teachable Machine model being converted to ONNX, before it loads. */
  conversion?: ConversionProgress;
  /** The name of a model being written to this device; leaving before it is done leaves that save unmade. */
  savingModel?: string;
}

export type ModelOrigin = { kind: 'site'; id: string } | { kind: 'user'; id: string } | { kind: 'files' };

const MAX_ANNOUNCEMENTS = 8;

export class AppStore {
  private state: AppState;
  private readonly listeners = new Set<(state: AppState) => void>();
  private readonly announcementListeners = new Set<(announcements: Announcement[]) => void>();
  private readonly env: AppEnvironment;
  private nextId = 1;
  private loadPromise: Promise<unknown> = Promise.resolve();
  private unsubscribeLoad?: () => void;
  /** The photos: results, progress, storage. */
  readonly batch: BatchStore;

  constructor(env: AppEnvironment) {
    this.env = env;
    this.state = { models: [], loadStatus: env.client.loadStatus, announcements: [], userModels: [] };
    this.batch = new BatchStore({
      classify: (photo, options) => env.client.classify(photo, options),
      concurrency: env.client.concurrency,
      modelReady: () => this.loadPromise.catch(() => undefined).then(() => this.state.model),
      currentModel: () => this.state.model,
      announce: (text) => this.announce(text),
      openResultsDb: env.openResultsDb,
      makeThumbnail: env.makeThumbnail,
      createObjectURL: env.createObjectURL,
      revokeObjectURL: env.revokeObjectURL,
      requestFrame: env.requestFrame,
    });
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
    const previousModel = this.state.model;
    this.state = { ...this.state, ...patch };
    if (this.state.model && this.state.model !== previousModel) this.batch.modelChanged(this.state.model);
    for (const listener of this.listeners) listener(this.state);
  }

  /** Tells `listener` about new announcements only (the live region): they do not re-render the page. */
  subscribeAnnouncements(listener: (announcements: Announcement[]) => void): () => void {
    this.announcementListeners.add(listener);
    return () => this.announcementListeners.delete(listener);
  }

  /**
   * Adds a live-region announcement. Only the live region hears of it: through `set` every result's announcement
   * re-rendered the whole page at once (the model panel, the editor, the trainer), a few ms of main-thread work per
   * photo between the worker's answer and its card.
   */
  announce(text: string): void {
    const announcements = [...this.state.announcements, { id: this.nextId++, text }].slice(-MAX_ANNOUNCEMENTS);
    this.state = { ...this.state, announcements };
    for (const listener of this.announcementListeners) listener(announcements);
  }

  /** Reads the model list and loads the model chosen by `?model=` (or the deployment's default); meanwhile puts back
   * the results kept on this device. */
  async start(options: UrlOptions): Promise<void> {
    const restoring = this.batch.start();
    this.loadPromise = this.chooseAndLoad(options);
    await Promise.all([this.loadPromise, restoring]);
  }

  private async chooseAndLoad(options: UrlOptions): Promise<void> {
    await this.refreshUserModels();
    let index: ModelIndex;
    try {
      index = await this.env.fetchModelIndex();
    } catch (error) {
      this.failModel(`Could not read the model list: ${userMessage(error)}`);
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
      const source = siteModelSource(entry, this.env.resolveModelUrl);
      const model = await this.env.client.loadModel(source);
      this.loaded = { source, label: entry.name, origin: { kind: 'site', id: entry.id } };
      this.set({ model, modelError: undefined, modelOrigin: this.loaded.origin });
    } catch (error) {
      this.failModel(`Could not load ${entry.name}: ${userMessage(error)}`);
    }
  }

  // --- Choosing and bringing models -------------------------------------------------------------------------------

  /** What the loaded model was loaded from, for Apply (reload with corrections) and re-saving. */
  private loaded?: { source: ModelSource; label: string; origin: ModelOrigin; files?: File[] };

  /** Where the loaded model came from, as loaded (the trainer reads its bytes again from there). */
  get loadedSource(): ModelSource | undefined {
    return this.loaded?.source;
  }

  private refreshUserModels(): Promise<void> {
    return intents.refreshUserModels(this.access);
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
        this.failModel(`Could not load ${label}: ${userMessage(error)}`);
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
    if (isTfjsModelSet(list)) {
      // Converted first (photos in the same drop wait for both), then loaded and kept as the ONNX file it became.
      const run = intents.convertTfjsModel(this.access, list).then((onnx) => onnx && this.loadModelFiles([onnx]));
      this.loadPromise = run;
      return run;
    }
    const modelFile = list.find(isModelFile);
    if (!modelFile) {
      this.failModel(
        'Choose an .onnx model file (with its labels.txt or config.json), or a TF.js model: model.json with its weights, or the .zip from Teachable Machine.',
      );
      return undefined;
    }
    const source: ModelSource = { kind: 'files', files: list, overrides };
    const model = await this.loadSource(source, modelFile.name, { kind: 'files' }, list);
    if (model) await intents.keepOffline(this.access, list, model, overrides);
    return model;
  }

  /** What ./user-model-intents.ts may touch. */
  private get access(): intents.StoreAccess {
    return {
      env: this.env,
      state: () => this.state,
      set: (patch) => this.set(patch),
      announce: (text) => this.announce(text),
      failModel: (message) => this.failModel(message),
      setLoadedOrigin: (origin) => {
        if (this.loaded) this.loaded = { ...this.loaded, origin };
      },
    };
  }

  /** Loads one of the user's saved models. */
  private async loadSavedModel(id: string): Promise<LoadedModel | undefined> {
    const store = this.env.userModels;
    if (!store) return undefined;
    let saved: LoadedUserModel | undefined;
    try {
      saved = await store.load(id);
    } catch (error) {
      this.failModel(userMessage(error));
      return undefined;
    }
    if (!saved) {
      this.failModel(`Your model “${id}” is no longer saved on this device.`);
      return undefined;
    }
    const source = savedModelSource(saved);
    const model = await this.loadSource(source, saved.name, { kind: 'user', id: saved.id }, source.files);
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
    const source = siteModelSource(entry, this.env.resolveModelUrl);
    const model = await this.loadSource(source, entry.name, { kind: 'site', id: entry.id });
    if (model) this.env.rememberModel?.(entry.id);
    return model;
  }

  /** Reloads the current model with the user's corrections (they beat everything the model says). */
  async applySpec(overrides: PartialModelSpec): Promise<LoadedModel | undefined> {
    const current = this.loaded;
    if (!current) return undefined;
    // A rename survives the corrections.
    const source = { ...current.source, overrides: { name: this.state.model?.spec.name, ...overrides } } as ModelSource;
    const model = await this.loadSource(source, current.label, current.origin, current.files);
    if (model && current.files && current.origin.kind !== 'site') {
      await intents.keepOffline(
        this.access,
        current.files,
        model,
        overrides,
        current.origin.kind === 'user' ? current.origin.id : undefined,
      );
    }
    return model;
  }

  /** Forgets a saved model. One that is loaded keeps working until another is chosen. */
  removeUserModel(id: string): Promise<void> {
    return intents.removeUserModel(this.access, id);
  }

  /** Renames a saved model; resolves false when it could not be renamed (the reason is shown). */
  renameUserModel(id: string, name: string): Promise<boolean> {
    return intents.renameUserModel(this.access, id, name);
  }

  /** A saved model as a portable .onnx with its spec embedded, for "Download as ONNX". */
  userModelAsOnnx(id: string): Promise<{ fileName: string; bytes: Uint8Array } | undefined> {
    return intents.userModelAsOnnx(this.access, id);
  }

  private failModel(message: string): void {
    this.set({ modelError: message });
    this.announce(message);
  }

  /** Adds files picked, pasted, captured or shared: see {@link addItems}. */
  addFiles(files: Iterable<File>): void {
    this.addItems(files);
  }

  /**
   * Adds what was dropped or chosen: files and folders (dropped entries, or a folder input's files). Chosen files with
   * an .onnx among them bring a model: it loads with its .txt/.json companions; a TF.js model set (model.json with its
   * weights, or a Teachable Machine .zip) is converted to ONNX first. The photos are classified once it runs.
   * Everything else goes to the batch.
   */
  addItems(items: Iterable<IntakeItem>): void {
    const all = [...items];
    const chosen = all.filter((item): item is File => item instanceof File && !item.webkitRelativePath);
    const isPart = isTfjsModelSet(chosen) ? isTfjsModelPart : (f: File) => isModelFile(f) || isCompanionFile(f);
    if (chosen.some(isModelFile) || isTfjsModelSet(chosen)) {
      const modelFiles = new Set(chosen.filter(isPart));
      void this.loadModelFiles([...modelFiles]);
      void this.batch.add(all.filter((item) => !modelFiles.has(item as File)));
      return;
    }
    void this.batch.add(all);
  }

  dispose(): void {
    this.batch.dispose();
    this.unsubscribeLoad?.();
    this.env.client.dispose();
    this.listeners.clear();
  }
}
