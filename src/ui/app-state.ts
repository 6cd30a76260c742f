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
}

/** The part of `ClassifierClient` (src/inference/classifier-client.ts) the UI uses. */
export interface ClassifierLike {
  onLoadStatus(listener: (status: ModelLoadStatus) => void): () => void;
  readonly loadStatus: ModelLoadStatus;
  loadModel(source: ModelSource): Promise<LoadedModel>;
  classify(photo: Blob, options?: { signal?: AbortSignal; topK?: number }): Promise<ClassifyResult>;
  dispose(): void;
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
}

/** `?backend=` and `?model=` from the page URL. */
export interface UrlOptions {
  backend: BackendPreference;
  modelId?: string;
}

export function parseUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const backend = params.get('backend');
  const modelId = params.get('model') ?? undefined;
  return {
    backend: backend === 'wasm' || backend === 'webgpu' || backend === 'auto' ? backend : 'auto',
    modelId: modelId || undefined,
  };
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
    this.state = { models: [], loadStatus: env.client.loadStatus, photos: [], announcements: [] };
    this.unsubscribeLoad = env.client.onLoadStatus((loadStatus) => {
      this.set({
        loadStatus,
        model: loadStatus.phase === 'ready' ? (loadStatus.model ?? this.state.model) : this.state.model,
        modelError: loadStatus.phase === 'error' ? (loadStatus.error ?? 'The model failed to load.') : undefined,
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
    let index: ModelIndex;
    try {
      index = await this.env.fetchModelIndex();
    } catch (error) {
      this.failModel(`Could not read the model list: ${errorMessage(error)}`);
      return;
    }
    let entry = index.models.find((model) => model.id === (options.modelId ?? index.default));
    let modelNotice: string | undefined;
    if (!entry && options.modelId) {
      modelNotice = `There is no model “${options.modelId}” here; using the default instead.`;
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
      this.set({ model, modelError: undefined });
    } catch (error) {
      this.failModel(`Could not load ${entry.name}: ${errorMessage(error)}`);
    }
  }

  private failModel(message: string): void {
    this.set({ modelError: message });
    this.announce(message);
  }

  /** Adds photos (dropped, picked, pasted or captured); each is classified on its own. */
  addFiles(files: Iterable<File>): void {
    const list = [...files];
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
      this.announce(best ? `${photo.name}: ${best.label} ${formatPercent(best.score)}` : `${photo.name}: no prediction`);
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
