/**
 * The query behind a batch's results view: filters and sort orders over rows that carry what a query reads, so a
 * keystroke in the search box costs one pass over 10,000 rows and no sorting.
 */
import {
  compareKeyed,
  isCorrect,
  naturalKey,
  type PhotoResult,
  type PhotoStatus,
  sortNatural,
  top1,
} from './photo-result';

/** `added`: the order the photos were added in (across reloads too: ids are made in time order, see batch-store). */
export type SortKey = 'added' | 'name' | 'class' | 'confidence';

export interface ResultsQuery {
  /** Default: by name (natural order: `img2` before `img10`). `class` sorts by top-1 label, then by confidence
   * (highest first), then by name; `confidence` by top-1 score, then by name. Photos without a top-1 (pending,
   * failed) come last in either direction. */
  sort?: SortKey;
  /** Default `asc`. Flips the main key only (name, label or score), not the tie-breakers. */
  direction?: 'asc' | 'desc';
  /** Only photos whose top-1 label is one of these. */
  classes?: readonly string[];
  /** Only photos whose top-1 score lies in [minScore, maxScore]. */
  minScore?: number;
  maxScore?: number;
  failedOnly?: boolean;
  /** Only photos whose path contains this text, ignoring case. */
  text?: string;
  /** Only photos classified by a model other than this one (to spot rows a model switch left stale). */
  otherThanModel?: string;
  /** Only photos with a known true class that the model got right / wrong. */
  correctness?: 'correct' | 'wrong';
  /** Only photos this is true for (an evaluation's selection: a matrix cell, a class, a confused pair). */
  where?: (result: PhotoResult) => boolean;
}

/**
 * A record with what the query reads on every row, copied out of it once per change: reading fields of these
 * same-shaped objects is several times faster than reading the records themselves (whose shapes vary with their
 * optional fields), which matters at 10,000 rows per keystroke.
 */
export interface QueryRow {
  result: PhotoResult;
  path: string;
  pathLower: string;
  /** {@link naturalKey} of the path. */
  nameKey: string;
  /** Insertion sequence: the last tie-breaker, so every order is total and stable. */
  seq: number;
  status: PhotoStatus;
  /** Top-1 label and score of a done photo; `undefined` and 0 otherwise. */
  label: string | undefined;
  score: number;
  modelId: string | undefined;
  correct: boolean | undefined;
}

export function queryRow(result: PhotoResult, seq: number): QueryRow {
  const row: QueryRow = {
    result,
    path: result.path,
    pathLower: result.path.toLowerCase(),
    nameKey: naturalKey(result.path),
    seq,
    status: result.status,
    label: undefined,
    score: 0,
    modelId: undefined,
    correct: undefined,
  };
  setRowResult(row, result);
  return row;
}

/** Points a row at a new version of its record (same path). */
export function setRowResult(row: QueryRow, result: PhotoResult): void {
  const best = top1(result);
  row.result = result;
  row.status = result.status;
  row.label = best?.label;
  // A score outside 0..1 (or NaN) from a broken model must not break the sort keys.
  row.score = best && Number.isFinite(best.score) ? Math.min(1, Math.max(0, best.score)) : 0;
  row.modelId = result.modelId;
  row.correct = isCorrect(result);
}

/**
 * Class or confidence order of rows already in name order. `descending` flips the main key only: within a class the
 * most confident photo still comes first, equal scores still go by name, and photos without a result stay last.
 * Each row gets one number to sort by; the sort is stable, so rows with equal numbers keep their name order.
 */
export function rankRows(
  byName: readonly QueryRow[],
  key: 'class' | 'confidence',
  descending: boolean,
  labels: Iterable<string>,
): QueryRow[] {
  const sortedLabels = sortNatural(labels);
  const labelRank = new Map(sortedLabels.map((label, i) => [label, descending ? sortedLabels.length - 1 - i : i]));
  const sortKeys = new Float64Array(byName.length);
  for (let i = 0; i < byName.length; i++) {
    const { label, score } = byName[i] as QueryRow;
    if (label === undefined) sortKeys[i] = Number.POSITIVE_INFINITY;
    else if (key === 'confidence') sortKeys[i] = descending ? -score : score;
    // Label rank first; within a label, higher scores (in [0, 1]) give smaller keys.
    else sortKeys[i] = (labelRank.get(label) ?? 0) * 2 + (1 - score);
  }
  const order = Array.from(byName, (_, i) => i);
  order.sort((a, b) => (sortKeys[a] as number) - (sortKeys[b] as number) || 0);
  return order.map((i) => byName[i] as QueryRow);
}

export function compareRowsByName(a: QueryRow, b: QueryRow): number {
  return compareKeyed(a.nameKey, a.path, b.nameKey, b.path) || a.seq - b.seq;
}

/** Merges two sorted arrays: adding a few hundred photos to 10,000 costs one pass, not a re-sort. */
export function mergeSorted<T>(left: T[], right: T[], compare: (a: T, b: T) => number): T[] {
  if (right.length === 0) return left;
  if (left.length === 0) return right;
  const out: T[] = new Array(left.length + right.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) {
    out[k++] = compare(left[i] as T, right[j] as T) <= 0 ? (left[i++] as T) : (right[j++] as T);
  }
  while (i < left.length) out[k++] = left[i++] as T;
  while (j < right.length) out[k++] = right[j++] as T;
  return out;
}

/** One predicate for all the filters, built once per query. */
export function rowFilter(query: ResultsQuery): (row: QueryRow) => boolean {
  const classes = query.classes && query.classes.length > 0 ? new Set(query.classes) : undefined;
  const text = query.text?.trim().toLowerCase() || undefined;
  const { minScore, maxScore, failedOnly, otherThanModel, correctness, where } = query;
  const scoreRange = minScore !== undefined || maxScore !== undefined;
  return (row) => {
    if (failedOnly && row.status !== 'error') return false;
    if (text !== undefined && !row.pathLower.includes(text)) return false;
    if (otherThanModel !== undefined && (row.modelId === undefined || row.modelId === otherThanModel)) return false;
    if (correctness !== undefined && (row.correct === undefined || row.correct !== (correctness === 'correct'))) {
      return false;
    }
    if (where && !where(row.result)) return false;
    if (classes || scoreRange) {
      if (row.label === undefined) return false;
      if (classes && !classes.has(row.label)) return false;
      if (minScore !== undefined && row.score < minScore) return false;
      if (maxScore !== undefined && row.score > maxScore) return false;
    }
    return true;
  };
}
