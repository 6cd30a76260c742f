/**
 * Which class each folder stands for. A photo's true class is the name of the folder it sits in, matched to the
 * model's labels (ignoring case, `_`, `-`, spaces; see `src/batch/actual-label`). Folders that match no label are
 * listed so the user can map each to a label or ignore it; the user may also override a folder that did match.
 * Photos in no folder are classified but left out of the evaluation.
 *
 * Pure state: a mapping is an immutable value; `actualResolver` turns it into the `(path) => actual` function that
 * `BatchResults.assignActuals` takes.
 */
import { labelMatcher } from '../batch/actual-label';
import { sortNatural } from '../batch/photo-result';

/** The user's choice for a folder: a label, or `null` to leave its photos out. */
export type FolderChoice = string | null;

/** Folder name → the user's choice. Folders not in it are matched automatically. */
export interface LabelMapping {
  readonly choices: ReadonlyMap<string, FolderChoice>;
}

export const EMPTY_MAPPING: LabelMapping = { choices: new Map() };

/** How a folder's photos are labelled: matched automatically, mapped or ignored by the user, or not at all yet. */
export type FolderState = 'matched' | 'mapped' | 'ignored' | 'unmatched';

export interface FolderRow {
  /** The folder's own name (`grizzly`), the same for `train/grizzly` and `valid/grizzly`. */
  folder: string;
  /** Photos directly in folders of that name. */
  photos: number;
  /** The label the name matches by itself, if any. */
  automatic?: string;
  /** The class its photos get; absent when ignored or unmatched. */
  label?: string;
  state: FolderState;
  /** Why a choice the user made no longer applies (the model changed). */
  problem?: string;
}

export interface FolderSummary {
  /** Every folder that holds photos, in natural name order. */
  folders: FolderRow[];
  /** The folders still waiting for the user: `state` is `unmatched`. */
  unmatched: FolderRow[];
  /** Photos in no folder (dropped on their own): never evaluated. */
  outside: number;
  /** Photos that get a class. */
  labelled: number;
}

/** The folder a photo sits in (`bears/grizzly/1.jpg` → `grizzly`), or `undefined` for a photo in no folder. */
export function folderOf(path: string): string | undefined {
  const segments = path.split('/');
  return segments.length >= 2 ? segments[segments.length - 2] : undefined;
}

/** Sets the user's choice for a folder: a label of the model, or `null` to ignore it. */
export function mapFolder(mapping: LabelMapping, folder: string, choice: FolderChoice): LabelMapping {
  const choices = new Map(mapping.choices);
  choices.set(folder, choice);
  return { choices };
}

/** Forgets the user's choice for a folder: it is matched automatically again. */
export function unmapFolder(mapping: LabelMapping, folder: string): LabelMapping {
  if (!mapping.choices.has(folder)) return mapping;
  const choices = new Map(mapping.choices);
  choices.delete(folder);
  return { choices };
}

interface Resolution {
  label?: string;
  state: FolderState;
  automatic?: string;
  problem?: string;
}

function resolver(labels: readonly string[], mapping: LabelMapping): (folder: string) => Resolution {
  const match = labelMatcher(labels);
  const known = new Set(labels);
  return (folder) => {
    const automatic = match(folder);
    const base = automatic === undefined ? {} : { automatic };
    const choice = mapping.choices.get(folder);
    if (choice === null) return { ...base, state: 'ignored' };
    if (choice !== undefined && known.has(choice)) return { ...base, label: choice, state: 'mapped' };
    const problem =
      choice === undefined ? undefined : `mapped to "${choice}", which is not a label of this model; choose again`;
    const extra = problem === undefined ? {} : { problem };
    if (automatic !== undefined) return { ...base, ...extra, label: automatic, state: 'matched' };
    return { ...extra, state: 'unmatched' };
  };
}

/** The true class of a photo under a mapping, for `BatchResults.assignActuals`. Memoised per folder name, so
 * 10,000 photos in a few folders cost a few lookups. */
export function actualResolver(labels: readonly string[], mapping: LabelMapping): (path: string) => string | undefined {
  const resolve = resolver(labels, mapping);
  const memo = new Map<string, string | undefined>();
  return (path) => {
    const folder = folderOf(path);
    if (folder === undefined) return undefined;
    if (!memo.has(folder)) memo.set(folder, resolve(folder).label);
    return memo.get(folder);
  };
}

/** The folders of the photos at `paths`, each with its photo count and how it is labelled. */
export function summariseFolders(
  paths: Iterable<string>,
  labels: readonly string[],
  mapping: LabelMapping,
): FolderSummary {
  const photosPerFolder = new Map<string, number>();
  let outside = 0;
  for (const path of paths) {
    const folder = folderOf(path);
    if (folder === undefined) outside++;
    else photosPerFolder.set(folder, (photosPerFolder.get(folder) ?? 0) + 1);
  }
  const resolve = resolver(labels, mapping);
  const folders = sortNatural(photosPerFolder.keys()).map((folder): FolderRow => {
    const { label, state, automatic, problem } = resolve(folder);
    return {
      folder,
      photos: photosPerFolder.get(folder) ?? 0,
      ...(automatic === undefined ? {} : { automatic }),
      ...(label === undefined ? {} : { label }),
      state,
      ...(problem === undefined ? {} : { problem }),
    };
  });
  const labelled = folders.reduce((sum, row) => sum + (row.label === undefined ? 0 : row.photos), 0);
  return { folders, unmatched: folders.filter((row) => row.state === 'unmatched'), outside, labelled };
}

/**
 * The folder name to move a photo into for each class: the labelled folder with the most photos for that class
 * (`grizzly` for "brown bear" when the user mapped it so). Classes without a folder are absent: see
 * {@link folderNameForLabel}.
 */
export function classFolders(summary: FolderSummary): Map<string, string> {
  const best = new Map<string, FolderRow>();
  for (const row of summary.folders) {
    if (row.label === undefined) continue;
    const current = best.get(row.label);
    if (!current || row.photos > current.photos) best.set(row.label, row);
  }
  return new Map([...best].map(([label, row]) => [label, row.folder]));
}

/**
 * A folder name for a class that has no folder yet: the label with what no file system allows in a name (`/`, `\`,
 * `:`, `*`, `?`, `"`, `<`, `>`, `|`, control characters) replaced by `_`, trailing dots and spaces trimmed (Windows),
 * and `_` for a name that would be empty, `.` or `..`.
 */
export function folderNameForLabel(label: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  const name = label.replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_').replace(/[. ]+$/, '');
  return name === '' || name === '.' || name === '..' ? '_' : name;
}
