import { useEffect, useRef, useState } from 'preact/hooks';
import { SafeText } from '../safe-text';
import { TrainEvaluation } from './TrainEvaluation';
import { TrainerClasses } from './TrainerClasses';
import { TrainingCurves } from './TrainingCurves';
import { TrainingResult } from './TrainingResult';
import type { TrainerState, TrainerStore } from './trainer-store';
import './trainer.css';

/** See FolderInput.tsx: Preact sets `webkitdirectory` as a property; the JSX types do not know it. */
const DIRECTORY_PICKER = { webkitdirectory: true } as Record<string, unknown>;
const TRAINER_HASH = '#trainer';

function useTrainerState(store: TrainerStore): TrainerState {
  const [state, setState] = useState(store.current);
  useEffect(() => {
    setState(store.current);
    return store.subscribe(setState);
  }, [store]);
  return state;
}

/** Opens the trainer when the address says `#trainer` (the first screen's "Make your own classifier" link). */
function useOpenOnHash(store: TrainerStore, heading: { current: HTMLElement | null }): void {
  useEffect(() => {
    const follow = () => {
      if (location.hash !== TRAINER_HASH) return;
      store.setOpen(true);
      // After the render that shows it: bring it into view and put the keyboard there.
      requestAnimationFrame(() => {
        heading.current?.scrollIntoView({ block: 'start' });
        heading.current?.focus();
      });
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [store, heading]);
}

function statusText(state: TrainerState, backboneName: string | undefined): string {
  switch (state.status) {
    case 'embedding':
      return `Reading photos with ${backboneName ?? 'the model'}: ${state.embedded} of ${state.total}`;
    case 'training': {
      const last = state.epochs.at(-1);
      return last ? `Training: epoch ${last.epoch} of at most ${last.maxEpochs}` : 'Training…';
    }
    case 'done':
      return 'Done.';
    case 'error':
      return 'Training failed.';
    default:
      return state.message ?? 'Not started.';
  }
}

/** "Make your own classifier" (#16): a labelled folder in, a model trained on this device out. */
export function TrainerPanel({ store, backboneName }: { store: TrainerStore; backboneName?: string }) {
  const state = useTrainerState(store);
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useOpenOnHash(store, heading);
  if (!state.open) return null;
  const busy = state.status === 'embedding' || state.status === 'training';
  const close = () => {
    if (location.hash === TRAINER_HASH) history.replaceState(null, '', location.pathname + location.search);
    store.setOpen(false);
  };
  return (
    <section id="trainer" class="trainer" aria-labelledby="trainer-heading" data-testid="trainer">
      <div class="trainer-head">
        <h2 id="trainer-heading" ref={heading} tabIndex={-1}>
          Make your own classifier
        </h2>
        <button type="button" class="button secondary" onClick={close} disabled={busy}>
          Close
        </button>
      </div>
      <p class="muted">
        Choose a folder with one sub-folder of photos per class (for example <code>cats/</code> and <code>dogs/</code>,
        at least 5 photos each). A new classifier is trained here, on this device, on top of{' '}
        <strong>{backboneName ? <SafeText text={backboneName} max={80} /> : 'the loaded model'}</strong>; nothing is
        uploaded.
      </p>
      <div class="trainer-row">
        <input
          ref={input}
          id="train-folder-input"
          data-testid="train-folder-input"
          class="visually-hidden"
          type="file"
          multiple
          tabIndex={-1}
          aria-label="Choose a folder of labelled photos to train on"
          {...DIRECTORY_PICKER}
          onChange={(event) => {
            const files = Array.from(event.currentTarget.files ?? []);
            event.currentTarget.value = '';
            void store.chooseFolder(files);
          }}
        />
        <button
          type="button"
          class="button secondary"
          data-testid="train-folder-button"
          disabled={busy}
          onClick={() => input.current?.click()}
        >
          Choose a labelled folder
        </button>
        {state.reading && <span class="muted">Reading the folder…</span>}
      </div>
      <TrainerClasses store={store} state={state} busy={busy} />
      {state.folderProblem && (
        <p class="trainer-problem" role="alert" data-testid="train-folder-problem">
          {state.folderProblem}
        </p>
      )}
      <div class="trainer-row">
        <label for="train-name">Name of the new model</label>
        <input
          id="train-name"
          data-testid="train-name"
          type="text"
          value={state.modelName}
          maxLength={80}
          disabled={busy}
          onInput={(event) => store.setModelName(event.currentTarget.value)}
        />
      </div>
      <div class="trainer-row">
        <input
          id="train-flip"
          data-testid="train-flip"
          type="checkbox"
          checked={state.flip}
          disabled={busy}
          aria-describedby="train-flip-hint"
          onChange={(event) => store.setFlip(event.currentTarget.checked)}
        />
        <label for="train-flip">Also learn from mirror images</label>
        <span id="train-flip-hint" class="muted small">
          Each photo is read twice, so it takes twice as long; it helps some models.
        </span>
      </div>
      <div class="trainer-row">
        <button
          type="button"
          class="button"
          data-testid="train-start"
          disabled={!store.canStart}
          onClick={() => void store.start()}
        >
          {state.status === 'done' ? 'Train again' : 'Train'}
        </button>
        {busy && (
          <button type="button" class="button secondary" data-testid="train-cancel" onClick={() => store.cancel()}>
            Cancel
          </button>
        )}
      </div>
      <div
        class="training"
        data-testid="training"
        data-status={state.status}
        data-progress={state.progress.toFixed(4)}
        {...(state.status === 'done' && state.result
          ? {
              'data-val-accuracy': String(state.result.summary.validationAccuracy ?? ''),
              'data-train-count': String(state.result.summary.trainCount),
              'data-val-count': String(state.result.summary.validationCount),
              // Where the time went (ms), for the bench: see TrainTimings.
              'data-setup-ms': state.result.timings.setupMs.toFixed(0),
              'data-decode-ms': state.result.timings.decodeMs.toFixed(0),
              'data-run-ms': state.result.timings.runMs.toFixed(0),
              'data-worker-ms': state.result.timings.workerMs.toFixed(0),
              'data-timings': JSON.stringify(state.result.timings),
            }
          : {})}
      >
        <progress max={1} value={state.progress} aria-label="Training progress" />
        <p class="training-status" aria-live="polite">
          {statusText(state, backboneName)}
        </p>
        {state.status === 'error' && state.message && (
          <p class="trainer-problem" role="alert" data-testid="train-error">
            {state.message}
          </p>
        )}
        <TrainingCurves epochs={state.epochs} />
        {state.status === 'done' && state.result && <TrainingResult store={store} state={state} />}
        {state.status === 'done' && <TrainEvaluation store={store} state={state} />}
      </div>
    </section>
  );
}
