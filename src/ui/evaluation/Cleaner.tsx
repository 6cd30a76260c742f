import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import { CSV_MIME_TYPE } from '../../batch';
import {
  type CleanerDecision,
  type CleanerState,
  canRedo,
  canUndo,
  cleanerItems,
  cleanupFileName,
  decide,
  decisionCounts,
  decisionsToCsv,
  EMPTY_CLEANER,
  planToShellScript,
  redo,
  SHELL_SCRIPT_MIME_TYPE,
  undo,
} from '../../evaluate';
import type { BatchStore } from '../batch-store';
import { displayText } from '../display-text';
import { downloadBlob } from '../download';
import { ApplyDialog } from './ApplyDialog';
import { CleanerRow } from './CleanerRow';
import { cleanerSessionFor, type HashablePhoto } from './cleaner-session';
import { deletedIds, describeDecision, duplicatesToDelete, planForBatch } from './cleaner-view';
import type { EvaluationView } from './evaluation-view';

/** The labelled photos whose file this page still has. */
function labelledPhotos(batch: BatchStore): HashablePhoto[] {
  return batch.results.all().flatMap((record) => {
    const file = record.actual === undefined ? undefined : batch.fileOf(record.id);
    return file ? [{ id: record.id, path: record.path, file }] : [];
  });
}

/** Photos listed at first, and added by each "Show more". */
const PAGE = 40;

/**
 * fastai's `ImageClassifierCleaner`: for a class, its photos by loss (highest first), each with Keep / Delete /
 * Move to ⟨class⟩; exact (and, given embeddings, near) duplicates flagged; the decisions leave as a CSV, a shell
 * script, or — in browsers with the File System Access API — applied to the folder after a confirmation.
 */
export function Cleaner({ batch, view }: { batch: BatchStore; view: EvaluationView }) {
  const classes = view.evaluation.perClass.filter((row) => row.count > 0).map((row) => row.label);
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [state, setState] = useState<CleanerState>(EMPTY_CLEANER);
  const [shown, setShown] = useState(PAGE);
  const [said, setSaid] = useState('');
  const [applying, setApplying] = useState(false);
  const session = cleanerSessionFor(batch);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => session.subscribe(() => rerender(0)), [session]);

  const label = chosen !== undefined && classes.includes(chosen) ? chosen : classes[0];
  const items = useMemo(
    () => (open && label !== undefined ? cleanerItems(batch.results.all(), label) : []),
    [open, label, view.version, batch],
  );
  // Exact duplicates: the bytes of every labelled photo this page still has, hashed once each.
  useEffect(() => {
    if (open) void session.hashMissing(labelledPhotos(batch));
  }, [open, view.version, batch, session]);

  if (classes.length === 0) return null;
  const flags = session.flags();
  const counts = decisionCounts(state);
  const decided = state.decisions.size;
  const change = (next: CleanerState, words: string) => {
    setState(next);
    setSaid(words);
  };
  const onDecide = (path: string, decision: CleanerDecision | undefined) =>
    change(decide(state, path, decision), `${path}: ${describeDecision(decision)}.`);
  const copies = duplicatesToDelete(items, flags);
  const plan = () => planForBatch(state.decisions, batch.results.all(), view.folders);
  const canApply = typeof window !== 'undefined' && 'showDirectoryPicker' in window;

  return (
    <details
      class="cleaner"
      data-testid="cleaner"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        <h4 class="cleaner-title">Clean the data set</h4>
      </summary>
      <div class="cleaner-tools">
        <label>
          Class{' '}
          <select
            data-testid="cleaner-class"
            value={label}
            onChange={(event) => {
              setChosen((event.currentTarget as HTMLSelectElement).value);
              setShown(PAGE);
            }}
          >
            {classes.map((c) => (
              <option key={c} value={c}>
                {displayText(c, 60)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="button secondary"
          disabled={!canUndo(state)}
          onClick={() => change(undo(state), 'Undone.')}
        >
          Undo
        </button>
        <button
          type="button"
          class="button secondary"
          disabled={!canRedo(state)}
          onClick={() => change(redo(state), 'Redone.')}
        >
          Redo
        </button>
        {copies.length > 0 && (
          <button
            type="button"
            class="button secondary"
            data-testid="cleaner-delete-copies"
            onClick={() =>
              change(decide(state, copies, { kind: 'delete' }), `${copies.length} exact copies marked for deletion.`)
            }
          >
            Delete the {copies.length} exact {copies.length === 1 ? 'copy' : 'copies'}
          </button>
        )}
        {session.canEmbed && (
          <button
            type="button"
            class="button secondary"
            data-testid="cleaner-find-near"
            disabled={session.embedding !== undefined}
            onClick={() => {
              setSaid('Looking for near duplicates…');
              void session.embedMissing(labelledPhotos(batch)).then(setSaid);
            }}
          >
            {session.embedding
              ? `Comparing photos… ${session.embedding.done} of ${session.embedding.total}`
              : 'Find near duplicates'}
          </button>
        )}
      </div>
      <p
        class="muted small"
        data-testid="cleaner-counts"
        data-keep={counts.keep}
        data-delete={counts.delete}
        data-move={counts.move}
      >
        Highest loss first: the mislabelled and the junk come first. Decided: {counts.keep} keep, {counts.delete}{' '}
        delete, {counts.move} move.{' '}
        {session.busy ? 'Looking for duplicates…' : `${session.exactGroups.length} groups of exact duplicates found.`}
      </p>
      <ol class="cleaner-list" aria-label={`Photos of ${label ?? ''}, highest loss first`}>
        {items.slice(0, shown).map((item) => (
          <CleanerRow
            key={item.id}
            item={item}
            batch={batch}
            classes={classes}
            decision={state.decisions.get(item.path)}
            flag={flags.get(item.id)}
            onDecide={onDecide}
          />
        ))}
      </ol>
      {items.length > shown && (
        <button type="button" class="link-button" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, items.length - shown)} more of {items.length.toLocaleString('en')}
        </button>
      )}
      <div class="cleaner-export">
        <button
          type="button"
          class="button secondary"
          data-testid="cleaner-export-csv"
          disabled={decided === 0}
          onClick={() =>
            downloadBlob(new Blob([decisionsToCsv(state.decisions)], { type: CSV_MIME_TYPE }), cleanupFileName('csv'))
          }
        >
          Download the decisions (CSV)
        </button>
        <button
          type="button"
          class="button secondary"
          data-testid="cleaner-export-script"
          disabled={decided === 0}
          onClick={() =>
            downloadBlob(new Blob([planToShellScript(plan())], { type: SHELL_SCRIPT_MIME_TYPE }), cleanupFileName('sh'))
          }
        >
          Download a shell script
        </button>
        {canApply && (
          <button
            type="button"
            class="button"
            data-testid="cleaner-apply"
            disabled={counts.delete + counts.move === 0}
            onClick={() => setApplying(true)}
          >
            Apply to the folder…
          </button>
        )}
      </div>
      {applying && (
        <ApplyDialog
          plan={plan()}
          onClose={(outcome) => {
            setApplying(false);
            if (!outcome) return;
            // Deleted files leave the results (and so the evaluation); moved ones keep their old path until the
            // folder is added again.
            for (const id of deletedIds(outcome.outcomes, batch.results.all(), plan().root)) batch.remove(id);
            change(EMPTY_CLEANER, outcome.message);
          }}
        />
      )}
      <p class="small cleaner-status" role="status" aria-live="polite" data-testid="cleaner-status">
        {said}
      </p>
    </details>
  );
}
