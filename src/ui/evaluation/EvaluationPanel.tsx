import { useRef } from 'preact/hooks';
import { type EvaluationSelection, mapFolder, unmapFolder } from '../../evaluate';
import type { BatchStore } from '../batch-store';
import { ClassReportTable } from './ClassReportTable';
import { Cleaner } from './Cleaner';
import { ConfusionMatrix } from './ConfusionMatrix';
import { EvaluationDeriver, hasEvaluation, percent } from './evaluation-view';
import { FolderMapping } from './FolderMapping';
import { MostConfused } from './MostConfused';
import { TopLosses } from './TopLosses';
import '../styles/evaluation.css';

interface EvaluationPanelProps {
  batch: BatchStore;
  /** The loaded model's labels; no panel without a model. */
  labels: readonly string[] | undefined;
  /** Photos are still being classified (the view may then be up to half a second old). */
  running: boolean;
  onSelect: (selection: EvaluationSelection) => void;
}

/**
 * How good the model is on photos whose folder names their class (issue #15): accuracy, per-class precision and
 * recall, the confusion matrix, the most-confused pairs and the top losses; the folder-to-label mapping; the cleaner.
 * Shown once some photo sits in a class folder; while only unmatched folders exist, a closed section offers to map
 * them (a trip's folders are not classes, so it does not take over the page).
 */
export function EvaluationPanel({ batch, labels, running, onSelect }: EvaluationPanelProps) {
  const deriver = useRef(new EvaluationDeriver()).current;
  if (!labels) return null;
  const view = deriver.view(batch.results, labels, batch.mapping, running);
  if (!hasEvaluation(view)) return null;
  const { evaluation, folders } = view;
  const onMap = (folder: string, choice: string | null | undefined) =>
    batch.setMapping(
      choice === undefined ? unmapFolder(batch.mapping, folder) : mapFolder(batch.mapping, folder, choice),
    );
  const mapping = <FolderMapping folders={folders} labels={labels} onMap={onMap} />;
  if (folders.labelled === 0) {
    return (
      <details class="evaluation-panel" data-testid="evaluation-offer">
        <summary>
          Evaluate the model: {folders.unmatched.length} {folders.unmatched.length === 1 ? 'folder' : 'folders'} could
          name classes
        </summary>
        {mapping}
      </details>
    );
  }
  const { n, accuracy } = evaluation;
  return (
    <details
      class="evaluation-panel"
      open
      data-testid="evaluation"
      data-accuracy={accuracy ?? ''}
      data-n={n}
      data-loss-unknown={evaluation.lossUnknown.length}
    >
      <summary>
        <h3 class="evaluation-title">
          Evaluation: {n === 0 ? 'waiting for results' : `${percent(accuracy)} right on ${n.toLocaleString('en')}`}{' '}
          {n === 1 ? 'photo' : n === 0 ? '' : 'photos'}
        </h3>
      </summary>
      <p class="muted small">
        Each photo’s actual class is the name of its folder. {evaluation.correct.toLocaleString('en')} of{' '}
        {n.toLocaleString('en')} predicted right
        {evaluation.meanLoss === undefined ? '' : `; mean loss ${evaluation.meanLoss.toFixed(3)}`}. Select a cell, a
        class or a pair to see its photos.
      </p>
      {mapping}
      {n > 0 && (
        <div class="evaluation-body">
          <ClassReportTable perClass={evaluation.perClass} onSelect={onSelect} />
          <ConfusionMatrix evaluation={evaluation} onSelect={onSelect} />
          <MostConfused confused={view.confused} onSelect={onSelect} />
        </div>
      )}
      {evaluation.lossUnknown.length > 0 && (
        <p class="muted small" data-testid="loss-unknown">
          {evaluation.lossUnknown.length.toLocaleString('en')} photos have no loss yet: their class was chosen after
          they were classified, and the model’s probability for it was not kept.{' '}
          <button type="button" class="link-button" onClick={() => batch.rerun(evaluation.lossUnknown)}>
            Classify them again
          </button>
        </p>
      )}
      <TopLosses
        losses={evaluation.losses}
        photoUrl={(id) => {
          const record = batch.results.get(id);
          return record ? batch.photo(record).url : undefined;
        }}
      />
      <Cleaner batch={batch} view={view} />
    </details>
  );
}
