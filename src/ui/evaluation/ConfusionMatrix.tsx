import { useId, useState } from 'preact/hooks';
import type { Evaluation, EvaluationSelection } from '../../evaluate';
import { SafeText } from '../safe-text';
import { MAX_MATRIX_CLASSES, percent } from './evaluation-view';

interface ConfusionMatrixProps {
  evaluation: Evaluation;
  onSelect: (selection: EvaluationSelection) => void;
}

/**
 * Actual rows × predicted columns; each non-empty cell is a button that filters the photos to it. Counts, or each
 * row divided by its sum (the share of a class's photos that went to each predicted class).
 */
export function ConfusionMatrix({ evaluation, onSelect }: ConfusionMatrixProps) {
  const [normalised, setNormalised] = useState(false);
  const heading = useId(); // the batch's and the trainer's matrices can both be on the page
  const { classes, cells } = evaluation;
  if (classes.length > MAX_MATRIX_CLASSES) {
    return (
      <p class="muted small" data-testid="matrix-too-big">
        {classes.length} classes are too many to draw as a matrix; the most-confused pairs below list its largest
        mistakes.
      </p>
    );
  }
  const byKey = new Map(cells.map((cell) => [`${cell.actual}\u0000${cell.predicted}`, cell]));
  const most = cells.reduce((max, cell) => Math.max(max, cell.count), 1);
  return (
    <div class="confusion">
      <div class="confusion-header">
        <h4 id={heading}>Confusion matrix</h4>
        <button
          type="button"
          class="link-button"
          data-testid="matrix-normalise"
          aria-pressed={normalised}
          onClick={() => setNormalised(!normalised)}
        >
          Show each row as shares
        </button>
      </div>
      <div class="confusion-scroll">
        <table class="confusion-table" aria-labelledby={heading} data-view={normalised ? 'shares' : 'counts'}>
          <caption class="visually-hidden">
            Rows: the actual class (its folder). Columns: the class the model predicted.{' '}
            {normalised ? 'Each cell: the share of the row’s photos.' : 'Each cell: how many photos.'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Actual \ predicted</th>
              {classes.map((label) => (
                <th scope="col" key={label}>
                  <SafeText text={label} max={24} expandable={false} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {classes.map((actual) => (
              <tr key={actual}>
                <th scope="row">
                  <SafeText text={actual} max={24} expandable={false} />
                </th>
                {classes.map((predicted) => {
                  const cell = byKey.get(`${actual}\u0000${predicted}`);
                  if (!cell) return <td key={predicted} class="empty-cell" />;
                  const strength = normalised ? cell.share : cell.count / most;
                  const diagonal = actual === predicted;
                  // The accessible name starts with the visible text (WCAG 2.5.3).
                  const shown = normalised ? percent(cell.share) : cell.count.toLocaleString('en');
                  return (
                    <td key={predicted}>
                      <button
                        type="button"
                        class={`confusion-cell${diagonal ? ' diagonal' : ''}`}
                        data-testid="confusion-cell"
                        data-actual={actual}
                        data-predicted={predicted}
                        data-count={cell.count}
                        data-share={cell.share}
                        style={{ '--strength': strength.toFixed(3) }}
                        aria-label={`${shown}${normalised ? ` of ${actual}: ${cell.count}` : ''} ${cell.count === 1 ? 'photo' : 'photos'} of ${actual} predicted as ${predicted}; show them`}
                        onClick={() => onSelect({ kind: 'cell', actual, predicted })}
                      >
                        {shown}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
