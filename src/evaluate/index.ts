/**
 * Know how good a model is, and clean its data (issue #15): the pure core. No UI here; the page wires it to the
 * folder results of `src/batch` roughly like this (main thread):
 *
 *   // labels: every photo's true class from its folder, under the user's mapping (re-run on every mapping change)
 *   const summary = summariseFolders(results.all().map((p) => p.path), labels, mapping);   // summary.unmatched: ask
 *   results.assignActuals(actualResolver(labels, mapping));
 *
 *   // classify with every prediction when the photo has a true class, so that p(actual) survives the top-K trim
 *   const r = await client.classify(file, { signal, topK: actual === undefined ? results.topK : 0 });
 *   results.complete(id, r.predictions, model.id);        // keeps `actualScore` when actual is past the top K
 *
 *   // the evaluation (memoise on results.version)
 *   const ev = evaluate(results.all(), { labels, include: mappedLabels });
 *   //   [data-testid="evaluation"] data-accuracy={ev.accuracy} data-n={ev.n}
 *   //   one [data-testid="confusion-cell"] per ev.cells item: data-actual, data-predicted, data-count;
 *   //   the row-normalised view: rowNormalised(confusionCounts(ev)); pairs: mostConfused(ev, 1)
 *   //   [data-testid="top-loss"] for topLosses(ev, 30): data-path, data-actual, data-predicted, data-loss
 *   //   ev.lossUnknown: photos to classify again (their true class was mapped after they ran)
 *   // a click on a cell, a class or a pair:  grid rows = results.query(q).filter(selectionFilter(selection))
 *
 *   // the cleaner
 *   const items = cleanerItems(results.all(), label);     // highest loss first
 *   state = decide(state, item.path, { kind: 'move', to: otherLabel });   // undo(state), redo(state)
 *   // duplicates: exactDuplicateGroups(await hashPhotos(photos)); near: index.add([{ id, path, vector }]) as each
 *   // photo's pooled features arrive (src/train's backbone), index.groups()
 *   const plan = planChanges(state.decisions, { existing: paths, root, folderFor: (l) => classFolders(summary).get(l) });
 *   new Blob([decisionsToCsv(state.decisions)], { type: CSV_MIME_TYPE }), cleanupFileName('csv')
 *   new Blob([planToShellScript(plan)], { type: SHELL_SCRIPT_MIME_TYPE }), cleanupFileName('sh')
 *   // Apply: confirm plan.operations.map(describeOperation) (and plan.problems), then
 *   const dir = await showDirectoryPicker({ mode: 'readwrite' });   // its name is `root`
 *   const outcomes = await applyPlan(dir, plan, { onProgress });    // then re-read the folder
 */
export { type ApplyOptions, applyPlan, type DirectoryHandleLike, type OperationOutcome } from './apply-plan';
export {
  type ChangePlan,
  describeOperation,
  type FileOperation,
  type PlanOptions,
  type PlanProblem,
  planChanges,
  unsafePathReason,
} from './change-plan';
export {
  type CleanerDecision,
  type CleanerItem,
  type CleanerState,
  canRedo,
  canUndo,
  cleanerItems,
  cleanupFileName,
  DECISIONS_CSV_HEADER,
  decide,
  decisionCounts,
  decisionsToCsv,
  EMPTY_CLEANER,
  redo,
  undo,
} from './cleaner';
export {
  contentHash,
  type DuplicateGroup,
  duplicateIndex,
  exactDuplicateGroups,
  hashPhotos,
  type PhotoRef,
} from './duplicates';
export {
  type ClassReport,
  type ConfusionCell,
  confusionCounts,
  type Evaluation,
  type EvaluationOptions,
  evaluate,
  isEvaluated,
  lossOf,
  mostConfused,
  type PhotoLoss,
  probabilityOfActual,
  rowNormalised,
  topLosses,
} from './evaluation';
export {
  actualResolver,
  classFolders,
  EMPTY_MAPPING,
  type FolderChoice,
  type FolderRow,
  type FolderState,
  type FolderSummary,
  folderNameForLabel,
  folderOf,
  type LabelMapping,
  mapFolder,
  summariseFolders,
  unmapFolder,
} from './label-mapping';
export {
  DEFAULT_MAX_DISTANCE,
  type EmbeddedPhoto,
  findNearDuplicates,
  NearDuplicateIndex,
  type NearPair,
  type RejectedVector,
} from './near-duplicates';
export { describeSelection, type EvaluationSelection, selectionFilter } from './selection';
export { planToShellScript, SHELL_SCRIPT_MIME_TYPE, shellQuote } from './shell-script';
