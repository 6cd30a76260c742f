/**
 * What the evaluation panel shows, derived from a batch's results (pure, Node-testable): the evaluation itself, the
 * folders and how each is labelled, the most-confused pairs, and where the results can be filtered to.
 *
 * A batch of 10,000 photos changes every frame while it runs, and one evaluation costs a pass over every photo plus
 * a sort of the losses (see `npx tsx tools/measure-evaluation.ts`): so while photos are arriving the view is derived
 * at most every {@link RUNNING_INTERVAL_MS}, and at once when nothing runs (the last result, a mapping change).
 */
import type { BatchResults } from '../../batch/batch-results';
import {
  type ConfusionCell,
  type Evaluation,
  evaluate,
  type FolderSummary,
  type LabelMapping,
  mostConfused,
  summariseFolders,
} from '../../evaluate';

/** Matrices larger than this are not drawn (a 1,000-label model): the most-confused list and the table stand in. */
export const MAX_MATRIX_CLASSES = 30;
/** How often a running batch's evaluation is derived again. */
export const RUNNING_INTERVAL_MS = 500;

export interface EvaluationView {
  evaluation: Evaluation;
  folders: FolderSummary;
  /** Off-diagonal cells, most photos first. */
  confused: ConfusionCell[];
  /** The results' version it was derived from. */
  version: number;
}

interface Inputs {
  version: number;
  labels: readonly string[];
  mapping: LabelMapping;
}

/** Derives {@link EvaluationView}s, reusing the last one while its inputs are the same (or, while running, fresh
 * enough). */
export class EvaluationDeriver {
  private last?: { inputs: Inputs; view: EvaluationView; at: number };

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = RUNNING_INTERVAL_MS,
  ) {}

  /** The view for the results now; `running`: photos are still arriving, so a view up to `intervalMs` old will do. */
  view(results: BatchResults, labels: readonly string[], mapping: LabelMapping, running: boolean): EvaluationView {
    const inputs: Inputs = { version: results.version, labels, mapping };
    const last = this.last;
    if (last && last.inputs.labels === labels && last.inputs.mapping === mapping) {
      if (last.inputs.version === inputs.version) return last.view;
      if (running && this.now() - last.at < this.intervalMs) return last.view;
    }
    const view = deriveEvaluationView(results, labels, mapping);
    this.last = { inputs, view, at: this.now() };
    return view;
  }
}

export function deriveEvaluationView(
  results: BatchResults,
  labels: readonly string[],
  mapping: LabelMapping,
): EvaluationView {
  const photos = results.all();
  const folders = summariseFolders(
    photos.map((photo) => photo.path),
    labels,
    mapping,
  );
  const mapped = folders.folders.flatMap((row) => (row.label === undefined ? [] : [row.label]));
  const evaluation = evaluate(photos, { labels, include: mapped });
  return { evaluation, folders, confused: mostConfused(evaluation, 1), version: results.version };
}

/** Whether the panel has anything to say: some photo sits in a class folder, or a folder waits to be mapped. */
export function hasEvaluation(view: EvaluationView): boolean {
  return view.folders.labelled > 0 || view.folders.unmatched.length > 0;
}

/** A probability or share as a percentage for people: `85.7%`, `100%`, `0%`. */
export function percent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 1000) / 10;
  return `${rounded}%`;
}

/** The common first path segment (the chosen folder's name) when every path has one, for the cleaner's plan. */
export function commonRoot(paths: Iterable<string>): string | undefined {
  let root: string | undefined;
  for (const path of paths) {
    const slash = path.indexOf('/');
    if (slash <= 0) return undefined;
    const first = path.slice(0, slash);
    if (root === undefined) root = first;
    else if (root !== first) return undefined;
  }
  return root;
}
