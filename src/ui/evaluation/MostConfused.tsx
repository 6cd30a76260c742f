import { useId } from 'preact/hooks';
import type { ConfusionCell, EvaluationSelection } from '../../evaluate';
import { SafeText } from '../safe-text';

/** Pairs shown before "Show all". */
const FIRST_PAIRS = 10;

/** fastai's `most_confused`: the largest mistakes, each a button that filters the photos to it. */
export function MostConfused({
  confused,
  onSelect,
}: {
  confused: readonly ConfusionCell[];
  onSelect: (selection: EvaluationSelection) => void;
}) {
  const heading = useId(); // the batch's and the trainer's lists can both be on the page
  if (confused.length === 0) return <p class="muted small">The model mistook no class for another.</p>;
  return (
    <div class="most-confused">
      <h4 id={heading}>Most confused</h4>
      <ol aria-labelledby={heading}>
        {confused.slice(0, FIRST_PAIRS).map((cell) => (
          <li key={`${cell.actual}\u0000${cell.predicted}`}>
            <button
              type="button"
              class="link-button"
              data-testid="confused-pair"
              data-actual={cell.actual}
              data-predicted={cell.predicted}
              data-count={cell.count}
              onClick={() => onSelect({ kind: 'cell', actual: cell.actual, predicted: cell.predicted })}
            >
              <SafeText text={cell.actual} max={30} expandable={false} /> taken for{' '}
              <SafeText text={cell.predicted} max={30} expandable={false} />: {cell.count.toLocaleString('en')}{' '}
              {cell.count === 1 ? 'photo' : 'photos'}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
