import type { TrainTimings } from '../../train/training-protocol';
import { SafeText } from '../safe-text';
import type { TrainerState, TrainerStore } from './trainer-store';

const percent = (x: number) => `${Math.round(x * 1000) / 10} %`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "Took 41.2 s: 9.8 s opening photos, 28.0 s in the model; 3 from this device's cache." */
function describeTimings(t: TrainTimings): string {
  const cache = t.fromCache ? `; ${t.fromCache} from this device's cache` : '';
  return `Took ${seconds(t.workerMs)}: ${seconds(t.decodeMs)} opening photos, ${seconds(t.runMs)} in the model${cache}.`;
}

/** The finished run: validation accuracy overall and per class, then use or download the model. */
export function TrainingResult({ store, state }: { store: TrainerStore; state: TrainerState }) {
  const result = state.result;
  if (!result) return null;
  const { summary } = result;
  return (
    <div class="training-result" data-testid="training-result">
      <p>
        {summary.validationAccuracy === null ? (
          'No photos were held out to check the model.'
        ) : (
          <>
            <strong>{percent(summary.validationAccuracy)}</strong> of the {summary.validationCount} photos held out (15
            % of each class, never trained on) were classified right; {summary.trainCount} photos trained it.
          </>
        )}
      </p>
      <table class="training-classes" data-testid="train-class-accuracy">
        <caption class="visually-hidden">Photos and validation accuracy per class</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Trained on</th>
            <th scope="col">Held out</th>
            <th scope="col">Right</th>
          </tr>
        </thead>
        <tbody>
          {summary.classes.map((c) => (
            <tr key={c.label} data-class={c.label}>
              <th scope="row">
                <SafeText text={c.label} max={60} />
              </th>
              <td>{c.train}</td>
              <td>{c.validation}</td>
              <td>{c.validation ? `${c.validationCorrect} (${percent(c.validationCorrect / c.validation)})` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.skipped.length > 0 && (
        <details>
          <summary>
            {summary.skipped.length} photo{summary.skipped.length === 1 ? '' : 's'} could not be used
          </summary>
          <ul class="small">
            {summary.skipped.slice(0, 50).map((s) => (
              <li key={s.index}>{s.message}</li>
            ))}
          </ul>
        </details>
      )}
      <p class="muted small">
        {summary.head} on {summary.featureSize} features; best epoch {summary.bestEpoch} of {summary.epochs.length}.{' '}
        {describeTimings(result.timings)}
      </p>
      <div class="trainer-row">
        <button
          type="button"
          class="button"
          data-testid="train-use"
          disabled={state.use === 'loading'}
          onClick={() => void store.use()}
        >
          Use this model
        </button>
        <button type="button" class="button secondary" data-testid="train-download" onClick={() => store.download()}>
          Download {result.fileName}
        </button>
      </div>
      {state.use === 'loaded' && <p class="muted small">Loaded, and kept under Your models on this device.</p>}
      {state.use === 'failed' && (
        <p class="trainer-problem" role="alert">
          The trained model could not be loaded; the model panel says why.
        </p>
      )}
    </div>
  );
}
