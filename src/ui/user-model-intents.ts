/**
 * The UI store's intents for models the user brings and keeps, apart from choosing and loading (./app-state.ts):
 * converting a TF.js / Teachable Machine model to ONNX (in a worker, with progress), keeping a loaded model on the
 * device, removing, renaming, and exporting a saved model as a portable .onnx that carries its spec.
 */
import { errorMessage } from '../error-message';
import type { LoadedModel } from '../inference/types';
import { baseName } from '../model/file-names';
import type { SavedUserModel } from '../model/model-store';
import { SPEC_METADATA_KEY } from '../model/spec';
import type { PartialModelSpec } from '../model/types';
import type { AppState, ModelOrigin } from './app-state';
import type { AppEnvironment } from './services';
import { filesToSave, freeUserModelId } from './user-model-files';

/** What these intents may do to the store; AppStore hands them this. */
export interface StoreAccess {
  readonly env: AppEnvironment;
  state(): AppState;
  set(patch: Partial<AppState>): void;
  announce(text: string): void;
  failModel(message: string): void;
  /** The loaded model is now saved under another origin (kept offline, or its saved copy removed). */
  setLoadedOrigin(origin: ModelOrigin): void;
}

/** Reads the saved models into `state.userModels`; a store that cannot be read is said, not fatal. */
export async function refreshUserModels(store: StoreAccess): Promise<void> {
  if (!store.env.userModels) return;
  try {
    store.set({ userModels: await store.env.userModels.list() });
  } catch (error) {
    store.set({ userModels: [], modelNotice: `Your saved models could not be read: ${errorMessage(error)}` });
  }
}

/** What the user brought, in words: the .zip's name, the folder's, or "model.json". */
function tfjsLabel(files: readonly File[]): string {
  const zip = files.find((f) => /\.zip$/i.test(f.name));
  if (zip) return zip.name;
  const folder = files.find((f) => f.webkitRelativePath)?.webkitRelativePath.split('/')[0];
  return folder ? `the folder ${folder}` : (files.find((f) => /\.json$/i.test(f.name))?.name ?? 'the TF.js model');
}

/**
 * Converts a TF.js layers model (a Teachable Machine export) to an ONNX file carrying its spec, showing progress in
 * `state.conversion`. Resolves with the file to load, or undefined once the user has been told why not (the loaded
 * model stays loaded: nothing reached the classifier).
 */
export async function convertTfjsModel(store: StoreAccess, files: readonly File[]): Promise<File | undefined> {
  const label = tfjsLabel(files);
  const convert = store.env.convertModel;
  if (!convert) {
    store.failModel(`Could not open ${label}: this page cannot convert TF.js models.`);
    return undefined;
  }
  store.set({ conversion: { done: 0, total: 1, text: `Converting ${label} to ONNX` }, modelError: undefined });
  store.announce(`Converting ${label} to ONNX on this device…`);
  try {
    const converted = await convert(files, (progress) => store.set({ conversion: progress }));
    return converted.file;
  } catch (error) {
    store.failModel(`Could not open ${label}: ${errorMessage(error)}`);
    return undefined;
  } finally {
    store.set({ conversion: undefined });
  }
}

/** Saves the loaded user model (and the user's corrections) to the model store, under an id of its own. */
export async function keepOffline(
  store: StoreAccess,
  files: File[],
  model: LoadedModel,
  overrides?: PartialModelSpec,
  id?: string,
): Promise<void> {
  const saved = store.env.userModels;
  if (!saved) return;
  savesInFlight.set(saved, (savesInFlight.get(saved) ?? 0) + 1);
  store.set({ savingModel: model.spec.name });
  // Said done once written, before the list is read again: the list showing the model means leaving is safe.
  const written = () => {
    const left = (savesInFlight.get(saved) ?? 1) - 1;
    savesInFlight.set(saved, left);
    if (left === 0) store.set({ savingModel: undefined });
  };
  let entry: SavedUserModel;
  try {
    const saveId = id ?? freeUserModelId(model.spec.id, files, store.state().userModels);
    entry = await saved.save(filesToSave(files, overrides), { ...model.spec, id: saveId });
  } catch (error) {
    written();
    store.set({
      modelNotice: `${model.spec.name} works, but could not be kept for offline use: ${errorMessage(error)}`,
    });
    return;
  }
  written();
  store.setLoadedOrigin({ kind: 'user', id: entry.id });
  store.set({ modelOrigin: { kind: 'user', id: entry.id } });
  store.env.rememberModel?.(entry.id);
  await refreshUserModels(store);
}

/** Saves still being written, per model store (Apply pressed twice: the first to finish must not say "done"). */
const savesInFlight = new WeakMap<object, number>();

const isLoaded = (state: AppState, id: string) => state.modelOrigin?.kind === 'user' && state.modelOrigin.id === id;
const savedName = (state: AppState, id: string) => state.userModels.find((m) => m.id === id)?.name ?? id;

/** Forgets a saved model. One that is loaded keeps working until another is chosen. */
export async function removeUserModel(store: StoreAccess, id: string): Promise<void> {
  const name = savedName(store.state(), id);
  try {
    await store.env.userModels?.remove(id);
  } catch (error) {
    store.failModel(`Could not remove ${name}: ${errorMessage(error)}`);
    return;
  }
  if (isLoaded(store.state(), id)) {
    store.set({ modelOrigin: { kind: 'files' } });
    store.setLoadedOrigin({ kind: 'files' });
    store.env.rememberModel?.(undefined);
  }
  await refreshUserModels(store);
  store.announce(`Removed ${name} from this device`);
}

/** Gives a saved model a new name; the loaded one shows it at once. Resolves false when it could not be renamed. */
export async function renameUserModel(store: StoreAccess, id: string, newName: string): Promise<boolean> {
  const name = newName.trim();
  const old = savedName(store.state(), id);
  if (!name || !store.env.userModels) return false;
  try {
    await store.env.userModels.rename(id, name);
  } catch (error) {
    store.failModel(`Could not rename ${old}: ${errorMessage(error)}`);
    return false;
  }
  const { model } = store.state();
  if (isLoaded(store.state(), id) && model) store.set({ model: { ...model, spec: { ...model.spec, name } } });
  await refreshUserModels(store);
  store.announce(`Renamed ${old} to ${name}`);
  return true;
}

/**
 * A saved model as one portable .onnx file: its model with the spec it runs with (labels, preprocessing, the user's
 * corrections, its name) written into `metadata_props`, so OnSight — or a `model:add` deployment — needs nothing else.
 */
export async function userModelAsOnnx(
  store: StoreAccess,
  id: string,
): Promise<{ fileName: string; bytes: Uint8Array } | undefined> {
  try {
    const saved = await store.env.userModels?.load(id);
    if (!saved) throw new Error('it is no longer saved on this device');
    // The byte-level ONNX editor loads only when someone downloads.
    const { setMetadataProps } = await import('../onnx/onnx-fields');
    const modelBytes = new Uint8Array(await saved.modelBlob.arrayBuffer());
    const bytes = setMetadataProps(modelBytes, { [SPEC_METADATA_KEY]: JSON.stringify(saved.spec) });
    return { fileName: `${baseName(saved.id)}.onnx`, bytes };
  } catch (error) {
    store.failModel(`Could not export ${savedName(store.state(), id)}: ${errorMessage(error)}`);
    return undefined;
  }
}
