/** The cleaner's pure helpers (no DOM): a decision as a select's value and back, the plan for the chosen folder,
 * which duplicates to delete, and what an Apply did, in words. */
import type { PhotoResult } from '../../batch/photo-result';
import {
  type ChangePlan,
  type CleanerDecision,
  type CleanerItem,
  classFolders,
  type FolderSummary,
  type OperationOutcome,
  planChanges,
} from '../../evaluate';
import type { DuplicateFlag } from './cleaner-session';
import { commonRoot } from './evaluation-view';

/** A select's value for a decision: `''` (undecided), `keep`, `delete`, `move:<label>`. */
export function decisionValue(decision: CleanerDecision | undefined): string {
  if (!decision) return '';
  return decision.kind === 'move' ? `move:${decision.to}` : decision.kind;
}

/** The decision a select's value stands for; `undefined` for undecided. */
export function parseDecisionValue(value: string): CleanerDecision | undefined {
  if (value === 'keep' || value === 'delete') return { kind: value };
  if (value.startsWith('move:')) return { kind: 'move', to: value.slice('move:'.length) };
  return undefined;
}

/** A decision in words, for the live region: "delete", "move to black", "undecided (kept)". */
export function describeDecision(decision: CleanerDecision | undefined): string {
  if (!decision) return 'undecided (kept)';
  return decision.kind === 'move' ? `move to ${decision.to}` : decision.kind;
}

/** The file operations for the decisions, relative to the chosen folder (the paths' common first segment). */
export function planForBatch(
  decisions: ReadonlyMap<string, CleanerDecision>,
  photos: readonly PhotoResult[],
  folders: FolderSummary,
): ChangePlan {
  const paths = photos.map((photo) => photo.path);
  const root = commonRoot(paths);
  const classFolder = classFolders(folders);
  return planChanges(decisions, {
    existing: paths,
    folderFor: (label) => classFolder.get(label),
    ...(root === undefined ? {} : { root }),
  });
}

/** The class's photos that are a copy of another (every exact duplicate but the one to keep). */
export function duplicatesToDelete(items: readonly CleanerItem[], flags: ReadonlyMap<string, DuplicateFlag>): string[] {
  return items.flatMap((item) => {
    const flag = flags.get(item.id);
    return flag?.kind === 'exact' && flag.of.id !== item.id ? [item.path] : [];
  });
}

/** What an Apply did, in one sentence. */
export function describeOutcomes(outcomes: readonly OperationOutcome[], planned: number): string {
  const done = outcomes.filter((o) => o.status === 'done').length;
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const parts = [`${done} of ${planned} ${planned === 1 ? 'change' : 'changes'} made`];
  if (skipped > 0) parts.push(`${skipped} skipped`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (outcomes.length < planned) parts.push(`${planned - outcomes.length} not tried`);
  return `${parts.join(', ')}.`;
}

/** The photos an Apply deleted (plan paths are relative to `root`, the batch's are not). */
export function deletedIds(
  outcomes: readonly OperationOutcome[],
  photos: readonly PhotoResult[],
  root: string | undefined,
): string[] {
  const deleted = new Set(
    outcomes.flatMap(({ operation, status }) =>
      status === 'done' && operation.kind === 'delete'
        ? [root === undefined ? operation.path : `${root}/${operation.path}`]
        : [],
    ),
  );
  return photos.filter((photo) => deleted.has(photo.path)).map((photo) => photo.id);
}
