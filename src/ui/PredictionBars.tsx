import type { Prediction } from '../inference/types';
import { formatPercent } from './format';
import { SafeText } from './safe-text';

/** Characters of a label shown in a result before "more". */
const LABEL_CHARS = 80;

/** Ranked predictions, best first: label, percentage and a bar; `guesses`: smaller, none bold (a "Not sure" result). */
export function PredictionBars({ predictions, guesses = false }: { predictions: Prediction[]; guesses?: boolean }) {
  return (
    <ol
      class={guesses ? 'predictions guesses' : 'predictions'}
      aria-label={guesses ? 'Best guesses, best first' : 'Predictions, best first'}
    >
      {predictions.map((prediction, rank) => (
        <li
          key={prediction.index}
          class={`prediction${rank === 0 ? ' best' : ''}`}
          data-testid="prediction"
          data-label={prediction.label}
          data-score={String(prediction.score)}
        >
          <span class="prediction-label">
            <SafeText text={prediction.label} max={LABEL_CHARS} />
          </span>
          <span class="prediction-score">{formatPercent(prediction.score)}</span>
          <span class="bar" aria-hidden="true">
            <span class="bar-fill" style={{ width: `${Math.max(0, Math.min(1, prediction.score)) * 100}%` }} />
          </span>
        </li>
      ))}
    </ol>
  );
}
