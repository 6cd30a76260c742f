import { useState } from 'preact/hooks';
import { isNotSure } from '../vision/not-sure';
import type { Photo } from './app-state';
import { displayText } from './display-text';
import { formatMs } from './format';
import { PredictionBars } from './PredictionBars';
import { SafeText } from './safe-text';

/** A wait shorter than this is not worth a line: the photo hardly queued. */
const WAIT_SHOWN_MS = 100;

interface ResultCardProps {
  photo: Photo;
  onRemove: (id: string) => void;
}

/** What a pending photo's card says, by why it waits (see PhotoWait). */
const WAITING_TEXT = {
  queued: 'Waiting…',
  paused: 'Paused',
  cancelled: 'Not classified: the run was cancelled.',
  reload: 'Not classified before the page closed: add its folder again to finish.',
} as const;

/**
 * One photo: its small thumbnail once made, its predictions and timings, or its own error. A result whose best score
 * is low (see not-sure.ts) says "Not sure" and shows its predictions as smaller guesses.
 */
export function ResultCard({ photo, onRemove }: ResultCardProps) {
  const [thumbFailed, setThumbFailed] = useState(false);
  const { result } = photo;
  const notSure = photo.status === 'done' && result !== undefined && isNotSure(result.predictions);
  return (
    <article
      class={`result-card ${photo.status}`}
      data-testid="result"
      data-file={photo.name}
      data-status={photo.status}
      data-path={photo.path}
      data-other-model={photo.otherModel}
      data-unsure={notSure ? 'true' : undefined}
      aria-busy={photo.status === 'pending'}
      aria-labelledby={`photo-${photo.id}-name`}
    >
      <div class="thumb">
        {thumbFailed || !photo.url ? (
          <span class="thumb-missing" aria-hidden="true">
            {photo.status === 'pending' ? '' : '?'}
          </span>
        ) : (
          <img
            src={photo.url}
            alt=""
            loading="lazy"
            decoding="async"
            data-thumbnail-from={result?.thumbnailFrom}
            onError={() => setThumbFailed(true)}
          />
        )}
      </div>
      <div class="result-body">
        <header class="result-header">
          <h3 id={`photo-${photo.id}-name`} class="file-name" title={displayText(photo.name, 1000)}>
            {/* The heading names the card: no "more" button in it; the whole name is in the title. */}
            <SafeText text={photo.name} max={255} expandable={false} />
          </h3>
          <button
            type="button"
            class="icon-button"
            aria-label={`Remove ${photo.name}`}
            title="Remove"
            onClick={() => onRemove(photo.id)}
          >
            ×
          </button>
        </header>
        {photo.path !== photo.name && (
          <p class="file-path" title={displayText(photo.path, 1000)}>
            <SafeText text={photo.path} max={255} expandable={false} />
          </p>
        )}
        {photo.status === 'pending' && (
          <p class="pending-text" data-waiting={photo.waiting}>
            {photo.waiting ? (
              WAITING_TEXT[photo.waiting]
            ) : (
              <>
                <span class="spinner" aria-hidden="true" /> Classifying…
              </>
            )}
          </p>
        )}
        {photo.otherModel && (
          <p class="other-model" data-testid="other-model">
            Classified by another model ({photo.otherModel}).
          </p>
        )}
        {photo.status === 'error' && (
          <p class="error-text" data-testid="error">
            <SafeText text={photo.error ?? ''} max={600} />
          </p>
        )}
        {photo.status === 'done' && result && (
          <>
            {result.warning && (
              <p class="warning-text" data-testid="warning">
                {result.warning}
              </p>
            )}
            {notSure && (
              <p class="not-sure" data-testid="not-sure">
                Not sure <span class="not-sure-hint">— best guesses:</span>
              </p>
            )}
            <PredictionBars predictions={result.predictions} guesses={notSure} />
            <dl class="timings" aria-label="Timings">
              {result.timings && (
                <>
                  <div>
                    <dt>Decode</dt>
                    <dd data-ms={result.timings.decodeMs}>{formatMs(result.timings.decodeMs)}</dd>
                  </div>
                  <div>
                    <dt>Preprocess</dt>
                    <dd data-ms={result.timings.preprocessMs}>{formatMs(result.timings.preprocessMs)}</dd>
                  </div>
                  <div>
                    <dt>Inference</dt>
                    <dd data-ms={result.timings.inferenceMs}>{formatMs(result.timings.inferenceMs)}</dd>
                  </div>
                  <div>
                    <dt>Total</dt>
                    <dd data-ms={result.timings.totalMs}>{formatMs(result.timings.totalMs)}</dd>
                  </div>
                  {(result.timings.queueMs ?? 0) >= WAIT_SHOWN_MS && (
                    <div>
                      <dt>Waited</dt>
                      <dd data-ms={result.timings.queueMs}>{formatMs(result.timings.queueMs ?? 0)}</dd>
                    </div>
                  )}
                </>
              )}
              {result.width !== undefined && (
                <div>
                  <dt>Size</dt>
                  <dd>
                    {result.width}×{result.height}
                  </dd>
                </div>
              )}
            </dl>
          </>
        )}
      </div>
    </article>
  );
}
