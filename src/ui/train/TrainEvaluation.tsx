import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { type EvaluationSelection, mostConfused, type PhotoLoss, selectionFilter } from '../../evaluate';
import { ClassReportTable } from '../evaluation/ClassReportTable';
import { ConfusionMatrix } from '../evaluation/ConfusionMatrix';
import { percent } from '../evaluation/evaluation-view';
import { MostConfused } from '../evaluation/MostConfused';
import { SelectionChip } from '../evaluation/SelectionChip';
import { TopLosses } from '../evaluation/TopLosses';
import { ClassSelect } from './ClassSelect';
import type { TrainerState, TrainerStore } from './trainer-store';
import { evaluateValidation } from './validation-view';
import '../styles/evaluation.css';

/** Object URLs for the held-out photos' thumbnails, made when first shown and revoked with the run they belong to. */
function useThumbnails(store: TrainerStore, run: unknown): (id: string) => string | undefined {
  // A map per run: ids are request indices, so the next run's photo 6 is not this run's.
  const cache = useRef<{ run: unknown; urls: Map<string, string> }>();
  let current = cache.current;
  if (!current || current.run !== run) current = cache.current = { run, urls: new Map() };
  const { urls } = current;
  useEffect(
    () => () => {
      for (const url of urls.values()) URL.revokeObjectURL(url);
    },
    [urls],
  );
  return (id) => {
    let url = urls.get(id);
    const file = url ? undefined : store.trainedFile(Number(id));
    if (file) {
      url = URL.createObjectURL(file);
      urls.set(id, url);
    }
    return url;
  };
}

/** Under a held-out photo: move it to the class it belongs to, or take it out of the training photos. */
function PhotoFix({ store, state, loss }: { store: TrainerStore; state: TrainerState; loss: PhotoLoss }) {
  const index = Number(loss.id);
  const id = useId();
  const now = store.classOfTrained(index);
  // The predicted class is the likeliest right one (when it is still there under that name).
  const predicted = state.classes.find((c, i) => c.name === loss.predicted && i !== now);
  const [to, setTo] = useState(predicted?.key ?? -1);
  const target = state.classes.findIndex((c) => c.key === to);
  const fixed = state.fixes[index];
  if (fixed)
    return (
      <p class="small" data-testid="train-photo-fixed">
        {fixed}.
      </p>
    );
  if (now < 0) return <p class="small muted">Not among the training photos now.</p>;
  return (
    <div class="train-photo-fix">
      <label for={id} class="small">
        Belongs to<span class="visually-hidden"> ({loss.path})</span>
      </label>
      <ClassSelect id={id} classes={state.classes} except={now} value={to} onChange={setTo} />
      <button
        type="button"
        class="button secondary"
        data-testid="train-photo-move"
        disabled={target < 0 || target === now}
        onClick={() => store.moveTrainedPhoto(index, target)}
      >
        Move<span class="visually-hidden"> {loss.path}</span>
      </button>
      <button
        type="button"
        class="button secondary"
        data-testid="train-photo-remove"
        onClick={() => store.removeTrainedPhoto(index)}
      >
        Take out<span class="visually-hidden"> {loss.path}</span>
      </button>
    </div>
  );
}

/**
 * The held-out photos through #15's evaluation views: accuracy, per-class report, confusion matrix (a cell, a class
 * or a pair filters the photos below), the top losses with their thumbnails; each photo can be moved to its right
 * class or taken out, then "Train again" retrains in seconds (the embeddings are cached).
 */
export function TrainEvaluation({ store, state }: { store: TrainerStore; state: TrainerState }) {
  const result = state.result;
  const [selection, setSelection] = useState<EvaluationSelection | undefined>();
  const classNames = useMemo(() => result?.summary.classes.map((c) => c.label) ?? [], [result]);
  const derived = useMemo(
    () => result && evaluateValidation(result.summary.validationPredictions, result.photos, classNames),
    [result, classNames],
  );
  useEffect(() => setSelection(undefined), [result]);
  const thumbnail = useThumbnails(store, result);
  const losses = useMemo(() => {
    if (!derived || !selection) return derived?.evaluation.losses ?? [];
    const byId = new Map(derived.results.map((r) => [r.id, r]));
    const keep = selectionFilter(selection);
    return derived.evaluation.losses.filter((loss) => {
      const photo = byId.get(loss.id);
      return photo !== undefined && keep(photo);
    });
  }, [derived, selection]);
  if (!result || !derived || derived.evaluation.n === 0) return null;
  const { evaluation } = derived;
  const fixes = Object.keys(state.fixes).length;
  return (
    <section
      class="evaluation-panel train-evaluation"
      aria-labelledby="train-evaluation-heading"
      data-testid="train-evaluation"
      data-accuracy={evaluation.accuracy ?? ''}
      data-n={evaluation.n}
    >
      <h3 id="train-evaluation-heading" class="evaluation-title">
        The held-out photos: {percent(evaluation.accuracy)} right on {evaluation.n.toLocaleString('en')}
      </h3>
      <p class="muted small">
        Select a cell, a class or a pair to see its photos. A photo in the wrong class can be moved to its own, or taken
        out; then train again (it takes seconds: every photo's features are kept on this device).
        {fixes > 0 && (
          <strong>
            {' '}
            {fixes} photo{fixes === 1 ? '' : 's'} changed since this run.
          </strong>
        )}
      </p>
      <div class="evaluation-body">
        <ClassReportTable perClass={evaluation.perClass} onSelect={setSelection} />
        <ConfusionMatrix evaluation={evaluation} onSelect={setSelection} />
        <MostConfused confused={mostConfused(evaluation)} onSelect={setSelection} />
      </div>
      <SelectionChip selection={selection} shown={losses.length} onClear={() => setSelection(undefined)} />
      {selection && losses.length === 0 && <p class="muted small">No held-out photo is in this selection.</p>}
      <TopLosses
        key={selection ? JSON.stringify(selection) : 'all'}
        losses={losses}
        photoUrl={thumbnail}
        actions={(loss) => <PhotoFix store={store} state={state} loss={loss} />}
      />
    </section>
  );
}
