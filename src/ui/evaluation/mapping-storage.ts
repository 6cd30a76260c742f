/**
 * The folder-to-label mapping kept on this device, so that a reload keeps the classes the user chose (the results
 * come back from IndexedDB with their `actual`, and the model's load re-reads every photo's class through it).
 * A small value in localStorage: folder names and labels, never photos.
 */
import { EMPTY_MAPPING, type FolderChoice, type LabelMapping } from '../../evaluate';
import { readStorage, writeStorage } from '../../pwa/web-storage';

const KEY = 'onsight.labelMapping';
/** Folders remembered at most (a hostile or huge value must not grow without bound). */
const MAX_FOLDERS = 10_000;

export function mappingToJson(mapping: LabelMapping): string {
  return JSON.stringify([...mapping.choices].slice(0, MAX_FOLDERS));
}

/** The mapping a stored text stands for; anything malformed is dropped (the rest kept), never thrown. */
export function mappingFromJson(text: string | null): LabelMapping {
  if (!text) return EMPTY_MAPPING;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return EMPTY_MAPPING;
  }
  if (!Array.isArray(parsed)) return EMPTY_MAPPING;
  const choices = new Map<string, FolderChoice>();
  for (const entry of parsed.slice(0, MAX_FOLDERS)) {
    if (!Array.isArray(entry) || entry.length !== 2) continue;
    const [folder, choice] = entry as unknown[];
    if (typeof folder !== 'string' || !(typeof choice === 'string' || choice === null)) continue;
    choices.set(folder, choice);
  }
  return choices.size === 0 ? EMPTY_MAPPING : { choices };
}

export function loadLabelMapping(): LabelMapping {
  return mappingFromJson(readStorage('local', KEY));
}

export function saveLabelMapping(mapping: LabelMapping): void {
  writeStorage('local', KEY, mappingToJson(mapping));
}
