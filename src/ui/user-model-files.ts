/**
 * The files of a model the user brings: which of a drop are the model and its companions, what is saved on the device
 * (with the spec editor's corrections beside them), and how a saved model becomes something to load again.
 */
import { looksLikeTfjsModel } from '../convert/tfjs-file-set';
import type { ModelSource } from '../inference/types';
import type { LoadedUserModel, SavedUserModel } from '../model/model-store';
import type { PartialModelSpec } from '../model/types';

/** Saved beside a user's model: the corrections made in the spec editor, re-applied when it is loaded again. */
export const OVERRIDES_FILE = 'onsight-overrides.json';

export const isModelFile = (file: File) => /\.onnx$/i.test(file.name);
/** Files that can come with a model: labels.txt, config.json, preprocessor_config.json, metadata.json, *.onsight.json. */
export const isCompanionFile = (file: File) => /\.(txt|json)$/i.test(file.name);

/**
 * A TF.js layers model to convert (a Teachable Machine export: model.json, weights.bin and metadata.json, a folder
 * holding them, or the .zip): files with a model.json, a weight shard or a .zip, and no .onnx.
 */
export const isTfjsModelSet = (files: readonly File[]) => !files.some(isModelFile) && looksLikeTfjsModel(files);
/** The files of a TF.js model (model.json, shards, .zip, metadata.json, labels.txt), as opposed to photos. */
export const isTfjsModelPart = (file: File) => isCompanionFile(file) || looksLikeTfjsModel([file]);

/** The files to save for a model: its own files, with the user's corrections (if any) replacing earlier ones. */
export function filesToSave(files: readonly File[], overrides?: PartialModelSpec): File[] {
  const toSave = files.filter((f) => f.name !== OVERRIDES_FILE);
  if (overrides) toSave.push(new File([JSON.stringify(overrides)], OVERRIDES_FILE, { type: 'application/json' }));
  return toSave;
}

/**
 * The id a newly brought model is saved under: its spec's id, unless a different model already has it. Two different
 * files may both be called model.onnx: don't let one replace the other ("model", "model-2"...). The same file
 * brought again keeps its id.
 */
export function freeUserModelId(specId: string, files: readonly File[], saved: readonly SavedUserModel[]): string {
  const modelFile = files.find(isModelFile);
  const taken = new Map(saved.map((m) => [m.id, m]));
  const same = (m: SavedUserModel) =>
    m.modelFile === modelFile?.name && m.files.find((f) => f.name === m.modelFile)?.size === modelFile?.size;
  let id = specId;
  for (let n = 2; taken.has(id) && !same(taken.get(id) as SavedUserModel); n++) id = `${specId}-${n}`;
  return id;
}

/** A saved model as files again, with its saved corrections as overrides (ignored when unreadable). */
export function savedModelSource(saved: LoadedUserModel): Extract<ModelSource, { kind: 'files' }> {
  const files = [
    // A File of the cache's Blob refers to it: no copy of the model's bytes on the way to the worker.
    new File([saved.modelBlob], saved.modelFile),
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
  // The name it is saved under wins: the user may have renamed it.
  return { kind: 'files', files, id: saved.id, overrides: { ...overrides, name: saved.name } };
}
