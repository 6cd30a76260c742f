import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../../error-message';
import {
  applyPlan,
  type ChangePlan,
  type DirectoryHandleLike,
  describeOperation,
  type OperationOutcome,
} from '../../evaluate';
import { SafeText } from '../safe-text';
import { describeOutcomes } from './cleaner-view';

/** Changes listed in the dialog; the rest are counted. */
const LISTED = 200;

type DirectoryPicker = (options: { mode: 'readwrite'; id?: string }) => Promise<DirectoryHandleLike>;

/**
 * The confirmation before *Apply*: every move and deletion listed, and what is left out and why; then the user picks
 * the folder (File System Access: the folder input gives no handle to write with) and the plan runs on it.
 */
export function ApplyDialog({
  plan,
  onClose,
}: {
  plan: ChangePlan;
  onClose: (outcome?: { outcomes: OperationOutcome[]; message: string }) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [problem, setProblem] = useState<string>();
  const [progress, setProgress] = useState<string>();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const run = async () => {
    setProblem(undefined);
    try {
      const picker = (window as unknown as { showDirectoryPicker: DirectoryPicker }).showDirectoryPicker;
      const dir = await picker({ mode: 'readwrite' });
      if (plan.root !== undefined && dir.name !== plan.root) {
        setProblem(`You chose the folder "${dir.name}", but the photos came from "${plan.root}". Choose that one.`);
        return;
      }
      const outcomes = await applyPlan(dir, plan, {
        onProgress: (done, total) => setProgress(`${done} of ${total} done…`),
      });
      const failures = outcomes.filter((o) => o.status !== 'done');
      const message = `${describeOutcomes(outcomes, plan.operations.length)}${
        failures.length > 0
          ? ` First problem: ${describeOperation(failures[0]?.operation as never)}: ${(failures[0] as { reason: string }).reason}.`
          : ''
      } Deleted photos have left the results; add the folder again to see the moved ones where they are now.`;
      onClose({ outcomes, message });
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError') return; // the user closed the picker
      setProblem(`The folder could not be changed: ${errorMessage(error)}`);
    }
  };
  const operations = plan.operations;
  return (
    <dialog
      ref={ref}
      class="apply-dialog"
      data-testid="apply-dialog"
      aria-labelledby="apply-title"
      onCancel={() => onClose()}
    >
      <h2 id="apply-title">
        Change {operations.length} {operations.length === 1 ? 'file' : 'files'} in “{plan.root ?? 'the folder'}”?
      </h2>
      <p class="small">Moves never overwrite a file; deleted files do not go to the bin.</p>
      <ul class="apply-list" data-testid="apply-operations">
        {operations.slice(0, LISTED).map((operation) => (
          <li key={describeOperation(operation)}>
            <SafeText text={describeOperation(operation)} max={160} expandable={false} />
          </li>
        ))}
        {operations.length > LISTED && <li>and {operations.length - LISTED} more</li>}
      </ul>
      {plan.problems.length > 0 && (
        <>
          <p class="small">Left out:</p>
          <ul class="apply-list">
            {plan.problems.map(({ path, message }) => (
              <li key={path}>
                <SafeText text={`${path}: ${message}`} max={160} expandable={false} />
              </li>
            ))}
          </ul>
        </>
      )}
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      {progress && <p role="status">{progress}</p>}
      <div class="apply-actions">
        <button
          type="button"
          class="button"
          data-testid="apply-confirm"
          disabled={operations.length === 0}
          onClick={() => void run()}
        >
          Choose the folder and apply
        </button>
        <button type="button" class="button secondary" onClick={() => onClose()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
