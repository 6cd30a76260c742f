import { formatDuration } from '../batch';
import type { BatchProgress, BatchStore } from './batch-store';
import { formatStorageBytes } from './format';

const number = (n: number) => n.toLocaleString('en');

/**
 * The batch at a glance, kept in view while results stream in (sticky): done of total, failed, skipped, speed, time
 * left, Pause / Resume / Cancel, what a reload left unfinished, accuracy on labelled folders, and the storage budget.
 * Its data-* attributes are a contract for automation (data-pending is 0 and done + errors = total once finished).
 */
export function SummaryBar({ batch, progress }: { batch: BatchStore; progress: BatchProgress }) {
  const { counts, phase, storage } = progress;
  const finished = counts.done + counts.errors;
  const active = phase === 'running' || phase === 'paused';
  return (
    <section
      class="summary"
      data-testid="summary"
      data-total={counts.total}
      data-done={counts.done}
      data-errors={counts.errors}
      data-pending={counts.pending}
      data-skipped={counts.skipped}
      data-state={phase}
      aria-label="Progress"
    >
      <div class="summary-main">
        <progress max={Math.max(1, counts.total)} value={finished} aria-label="Photos classified" />
        <p class="summary-line">
          <strong>
            {number(finished)} of {number(counts.total)}
          </strong>{' '}
          classified
          {counts.errors > 0 && <span class="summary-errors"> · {number(counts.errors)} failed</span>}
          {counts.skipped > 0 && <span> · {number(counts.skipped)} skipped (not photos)</span>}
          {active && progress.perSecond !== undefined && <span> · {progress.perSecond.toFixed(1)} photos/s</span>}
          {phase === 'running' && progress.etaMs !== undefined && progress.etaMs > 0 && (
            <span> · about {formatDuration(progress.etaMs)} left</span>
          )}
          {phase === 'paused' && <span> · paused</span>}
          {progress.scanned !== undefined && (
            <span> · reading the folder: {number(progress.scanned)} files so far</span>
          )}
        </p>
        <div class="summary-actions">
          {active && (
            // One button that changes its label, so that keyboard focus stays on it.
            <button
              type="button"
              class="button secondary"
              data-testid={phase === 'paused' ? 'resume' : 'pause'}
              onClick={() => (phase === 'paused' ? batch.resume() : batch.pause())}
            >
              {phase === 'paused' ? 'Resume' : 'Pause'}
            </button>
          )}
          {active && (
            <button type="button" class="button secondary" data-testid="cancel" onClick={() => batch.cancel()}>
              Cancel
            </button>
          )}
          {!active && progress.cancelled > 0 && (
            <button
              type="button"
              class="button secondary"
              data-testid="classify-rest"
              onClick={() => batch.classifyRest()}
            >
              Classify the other {number(progress.cancelled)}
            </button>
          )}
        </div>
      </div>
      {progress.needFolder > 0 && (
        <p class="summary-note" data-testid="need-folder">
          {number(progress.needFolder)} {progress.needFolder === 1 ? 'photo was' : 'photos were'} not classified before
          the page closed (photos themselves are never kept): add the folder again to finish.
        </p>
      )}
      {counts.labelled > 0 && (
        <p class="summary-note" data-testid="accuracy">
          Right on {number(counts.correct)} of {number(counts.labelled)} photos whose folder names their class (
          {Math.round((100 * counts.correct) / counts.labelled)}%).
        </p>
      )}
      <p class="summary-note muted" data-testid="batch-storage" hidden={storage.opening}>
        {storage.available
          ? `Kept on this device: ${formatStorageBytes(storage.bytes)} of a ${formatStorageBytes(storage.budget)} budget.`
          : 'Not kept on this device: results last until you close the page.'}
        {storage.full && ' The budget is reached: new thumbnails last until you close the page.'}
      </p>
      {storage.problem && (
        <p class="summary-note error-text" role="alert">
          {storage.problem}
        </p>
      )}
    </section>
  );
}
