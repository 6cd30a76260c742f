/**
 * The data-set cleaner (fastai's `ImageClassifierCleaner`): for a class, its photos sorted by loss, highest first —
 * the mislabelled and the junk come first — each with Keep / Delete / Move to ⟨class⟩. Decisions are pure state with
 * undo and redo; they leave as a CSV here, and as a shell script or a File System Access plan in change-plan.
 */
import { csvRecord, guardFormula, UTF8_BOM } from '../batch/csv';
import { compareKeyed, naturalKey, type PhotoResult } from '../batch/photo-result';
import { isEvaluated, lossOf, probabilityOfActual } from './evaluation';

export type CleanerDecision = { kind: 'keep' } | { kind: 'delete' } | { kind: 'move'; to: string };

/** One photo in a class's cleaner list. */
export interface CleanerItem {
  id: string;
  path: string;
  actual: string;
  /** Top-1 label; `undefined` while not classified. */
  predicted?: string;
  /** −ln p(actual); `undefined` when p(actual) is unknown (listed last). */
  loss?: number;
}

/** One undoable step: what each touched photo's decision was before and after. */
interface Step {
  changes: ReadonlyArray<{ path: string; before?: CleanerDecision; after?: CleanerDecision }>;
}

export interface CleanerState {
  /** Photo path → its decision; a photo not here is undecided (which applies as Keep). */
  readonly decisions: ReadonlyMap<string, CleanerDecision>;
  readonly undoSteps: readonly Step[];
  readonly redoSteps: readonly Step[];
}

export const EMPTY_CLEANER: CleanerState = { decisions: new Map(), undoSteps: [], redoSteps: [] };

/** Undo steps kept; older ones are dropped. */
export const MAX_UNDO = 500;

/**
 * The photos whose true class is `label`, highest loss first (ties in natural path order); photos without a known
 * loss follow, then photos not classified yet. Photos are labelled by folder, so this is the folder's content.
 */
export function cleanerItems(photos: Iterable<PhotoResult>, label: string): CleanerItem[] {
  const items: Array<CleanerItem & { key: string }> = [];
  for (const photo of photos) {
    if (photo.actual !== label) continue;
    const evaluated = isEvaluated(photo);
    const p = evaluated ? probabilityOfActual(photo) : undefined;
    items.push({
      id: photo.id,
      path: photo.path,
      actual: label,
      ...(evaluated ? { predicted: photo.top[0]?.label as string } : {}),
      ...(p === undefined ? {} : { loss: lossOf(p) }),
      key: naturalKey(photo.path),
    });
  }
  const rank = (item: CleanerItem) => (item.loss !== undefined ? 0 : item.predicted !== undefined ? 1 : 2);
  return items
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (b.loss ?? 0) - (a.loss ?? 0) ||
        compareKeyed(a.key, a.path, b.key, b.path) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map(({ key: _, ...item }) => item);
}

/** Sets (or, with `undefined`, clears) the decision for each of `paths`, as one undoable step. */
export function decide(
  state: CleanerState,
  paths: string | Iterable<string>,
  decision?: CleanerDecision,
): CleanerState {
  const changes: Step['changes'][number][] = [];
  for (const path of typeof paths === 'string' ? [paths] : new Set(paths)) {
    const before = state.decisions.get(path);
    if (sameDecision(before, decision)) continue;
    changes.push({ path, ...(before ? { before } : {}), ...(decision ? { after: decision } : {}) });
  }
  if (changes.length === 0) return state;
  return {
    decisions: applyChanges(state.decisions, changes, 'after'),
    undoSteps: [...state.undoSteps, { changes }].slice(-MAX_UNDO),
    redoSteps: [],
  };
}

export function canUndo(state: CleanerState): boolean {
  return state.undoSteps.length > 0;
}

export function canRedo(state: CleanerState): boolean {
  return state.redoSteps.length > 0;
}

/** Takes back the last step (the state itself when there is none). */
export function undo(state: CleanerState): CleanerState {
  const step = state.undoSteps[state.undoSteps.length - 1];
  if (!step) return state;
  return {
    decisions: applyChanges(state.decisions, step.changes, 'before'),
    undoSteps: state.undoSteps.slice(0, -1),
    redoSteps: [...state.redoSteps, step],
  };
}

/** Does again the last step taken back. */
export function redo(state: CleanerState): CleanerState {
  const step = state.redoSteps[state.redoSteps.length - 1];
  if (!step) return state;
  return {
    decisions: applyChanges(state.decisions, step.changes, 'after'),
    undoSteps: [...state.undoSteps, step],
    redoSteps: state.redoSteps.slice(0, -1),
  };
}

/** How many photos have each decision. */
export function decisionCounts(state: CleanerState): { keep: number; delete: number; move: number } {
  const counts = { keep: 0, delete: 0, move: 0 };
  for (const decision of state.decisions.values()) counts[decision.kind]++;
  return counts;
}

/** The CSV header of {@link decisionsToCsv}. */
export const DECISIONS_CSV_HEADER = ['path', 'decision', 'new_class'] as const;

/**
 * The decisions as CSV (UTF-8 with BOM, CRLF, RFC 4180, text guarded against formula injection like the results
 * export): `path,decision,new_class`, one row per decided photo in natural path order; `new_class` only for moves.
 */
export function decisionsToCsv(decisions: ReadonlyMap<string, CleanerDecision>): string {
  const lines = [UTF8_BOM + csvRecord(DECISIONS_CSV_HEADER)];
  const rows = [...decisions].map(([path, decision]) => ({ path, decision, key: naturalKey(path) }));
  rows.sort((a, b) => compareKeyed(a.key, a.path, b.key, b.path));
  for (const { path, decision } of rows) {
    lines.push(
      csvRecord([guardFormula(path), decision.kind, decision.kind === 'move' ? guardFormula(decision.to) : '']),
    );
  }
  return lines.join('');
}

/** A file name for the downloads: `onsight-cleanup-2025-01-31-1405.csv` / `.sh` (local time). */
export function cleanupFileName(extension: 'csv' | 'sh', at: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
  return `onsight-cleanup-${stamp}.${extension}`;
}

function sameDecision(a: CleanerDecision | undefined, b: CleanerDecision | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.kind === b.kind && (a.kind !== 'move' || (b.kind === 'move' && a.to === b.to));
}

function applyChanges(
  decisions: ReadonlyMap<string, CleanerDecision>,
  changes: Step['changes'],
  side: 'before' | 'after',
): Map<string, CleanerDecision> {
  const next = new Map(decisions);
  for (const change of changes) {
    const decision = change[side];
    if (decision) next.set(change.path, decision);
    else next.delete(change.path);
  }
  return next;
}
