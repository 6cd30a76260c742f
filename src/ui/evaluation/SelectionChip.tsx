import { useEffect, useRef } from 'preact/hooks';
import { describeSelection, type EvaluationSelection } from '../../evaluate';
import { SafeText } from '../safe-text';

/** The evaluation's filter on the photo grid, visible and clearable; its live region says what the grid now shows. */
export function SelectionChip({
  selection,
  shown,
  onClear,
}: {
  selection: EvaluationSelection | undefined;
  shown: number;
  onClear: () => void;
}) {
  const text = selection ? describeSelection(selection) : '';
  // A click in the matrix changes the grid below the panel: bring the filter (and the grid under it) into view.
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (selection) ref.current?.scrollIntoView({ block: 'start' });
  }, [selection]);
  return (
    <div class="selection-chip-row" ref={ref}>
      {selection && (
        <span class="selection-chip" data-testid="evaluation-filter" data-kind={selection.kind}>
          Showing <SafeText text={text} max={80} expandable={false} />
          <button
            type="button"
            class="icon-button"
            data-testid="evaluation-filter-clear"
            aria-label={`Clear the filter: ${text}`}
            onClick={onClear}
          >
            ×
          </button>
        </span>
      )}
      <p class="visually-hidden" role="status" aria-live="polite">
        {selection ? `Showing ${shown.toLocaleString('en')} ${shown === 1 ? 'photo' : 'photos'}: ${text}.` : ''}
      </p>
    </div>
  );
}
