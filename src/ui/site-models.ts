/** The deployment's own models (`public/models/index.json`): reading the list, and what the client loads for an entry. */
import type { ModelSource } from '../inference/types';

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

/** Reads `models/index.json` under the app's base. */
export async function fetchModelIndex(baseUrl: URL): Promise<ModelIndex> {
  const response = await fetch(new URL('models/index.json', baseUrl));
  if (!response.ok) throw new Error(`models/index.json: HTTP ${response.status}`);
  return (await response.json()) as ModelIndex;
}

/**
 * What the client loads for a site model: the entry's URL (relative to the app's base) made fetchable by
 * `resolveModelUrl`, under the entry's id. The one place a site model becomes a source, so every way of choosing it
 * (startup, `?model=`, the picker) loads and re-applies the same thing.
 */
export function siteModelSource(
  entry: ModelEntry,
  resolveModelUrl: (url: string) => string,
): Extract<ModelSource, { kind: 'url' }> {
  return { kind: 'url', url: resolveModelUrl(entry.url), id: entry.id };
}
