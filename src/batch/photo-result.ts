/**
 * One photo's result in a batch, and the small rules every batch module shares about it (what its top-1 is, whether
 * it is correct, how paths sort).
 */

export type PhotoStatus = 'pending' | 'done' | 'error';

export interface ScoredLabel {
  label: string;
  /** Probability 0..1. */
  score: number;
}

export interface PhotoResult {
  /** Stable across reloads (the key in IndexedDB); the caller makes it, e.g. `crypto.randomUUID()`. */
  id: string;
  /** Relative to the chosen folder (see folder-intake); not necessarily unique across drops. */
  path: string;
  status: PhotoStatus;
  /** Best first, at most `topK`; empty unless `done`. */
  top: ScoredLabel[];
  /** Why classifying failed; set only when `error`. */
  error?: string;
  /** The model that classified the photo (set once `done` or `error`). */
  modelId?: string;
  /** The true class, from the photo's folder (see actual-label). */
  actual?: string;
  /** The model's probability for `actual` when `actual` is not in `top` (a 1,000-label model's top 5 rarely holds a
   * wrong photo's true class): an evaluation's loss is −log of it. Set by `BatchResults.complete` when the predictions
   * passed to it include `actual`; it speaks for `actual` only while its label equals it. */
  actualScore?: ScoredLabel;
}

/** A photo as it enters the batch. */
export interface NewPhoto {
  id: string;
  path: string;
  actual?: string;
}

/** Whether the model's top-1 matches the true class; `undefined` when the truth is unknown or there is no result. */
export function isCorrect(photo: PhotoResult): boolean | undefined {
  if (photo.actual === undefined || photo.status !== 'done' || photo.top.length === 0) return undefined;
  return photo.top[0]?.label === photo.actual;
}

/**
 * A key that sorts paths naturally with plain string comparison: case and accents folded, each run of digits
 * prefixed by its length (so `img2` < `img10`), `/` lowest (so a folder's photos come before a sibling folder with a
 * longer name). Computed once per photo: 10,000 collator comparisons per sort are ten times slower.
 */
export function naturalKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\//g, '\u0001')
    .replace(/\d+/g, (digits) => {
      const significant = digits.replace(/^0+(?=\d)/, '');
      return String.fromCharCode(0x30 + significant.length) + significant;
    });
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Natural path order (see {@link naturalKey}), then exact text, so that the order is total. */
export function comparePaths(a: string, b: string): number {
  return compareStrings(naturalKey(a), naturalKey(b)) || compareStrings(a, b);
}

/** {@link comparePaths} with the keys computed beforehand. */
export function compareKeyed(keyA: string, a: string, keyB: string, b: string): number {
  return compareStrings(keyA, keyB) || compareStrings(a, b);
}

/** Texts in natural order, each key computed once (a thousand ImageNet labels would otherwise cost ~20,000). */
export function sortNatural(texts: Iterable<string>): string[] {
  return sortNaturallyBy(texts, (text) => text);
}

/** Items in the natural order of a text about each (a path, a name), each key computed once. */
export function sortNaturallyBy<T>(items: Iterable<T>, textOf: (item: T) => string): T[] {
  return Array.from(items, (item) => {
    const text = textOf(item);
    return { item, text, key: naturalKey(text) };
  })
    .sort((a, b) => compareKeyed(a.key, a.text, b.key, b.text))
    .map(({ item }) => item);
}

/** The best label of a classified photo; `undefined` for pending and failed ones. */
export function top1(result: PhotoResult): ScoredLabel | undefined {
  return result.status === 'done' ? result.top[0] : undefined;
}
