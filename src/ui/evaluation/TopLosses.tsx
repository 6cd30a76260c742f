import type { ComponentChild } from 'preact';
import { useId, useState } from 'preact/hooks';
import type { PhotoLoss } from '../../evaluate';
import { SafeText } from '../safe-text';
import { percent } from './evaluation-view';

/** Photos shown at first, and added by each "Show more". */
const PAGE = 12;

interface TopLossesProps {
  losses: readonly PhotoLoss[];
  /** A thumbnail's address for a photo's id, if it has one. */
  photoUrl: (id: string) => string | undefined;
  /** What can be done about a photo (the trainer: move it to another class, take it out). */
  actions?: (loss: PhotoLoss) => ComponentChild;
}

/** fastai's `plot_top_losses`: the photos the model was most wrong about, highest loss first. */
export function TopLosses({ losses, photoUrl, actions }: TopLossesProps) {
  const [shown, setShown] = useState(PAGE);
  // Two evaluations can be on the page at once (the batch's and the trainer's): ids of their own.
  const heading = useId();
  if (losses.length === 0) return null;
  return (
    <div class="top-losses">
      <h4 id={heading}>
        Top losses <span class="muted small">(−ln of the probability the model gave the actual class)</span>
      </h4>
      <ol class="top-loss-grid" aria-labelledby={heading}>
        {losses.slice(0, shown).map((loss) => {
          const url = photoUrl(loss.id);
          return (
            <li
              key={loss.id}
              class="top-loss"
              data-testid="top-loss"
              data-path={loss.path}
              data-actual={loss.actual}
              data-predicted={loss.predicted}
              data-loss={loss.loss}
              data-probability={loss.probability}
            >
              {url ? (
                <img src={url} alt={loss.path} loading="lazy" decoding="async" />
              ) : (
                <span class="top-loss-placeholder" aria-hidden="true" />
              )}
              <dl>
                <dt>Predicted</dt>
                <dd>
                  <SafeText text={loss.predicted} max={30} expandable={false} /> ({percent(loss.probability)})
                </dd>
                <dt>Actual</dt>
                <dd>
                  <SafeText text={loss.actual} max={30} expandable={false} /> ({percent(loss.pActual)})
                </dd>
                <dt>Loss</dt>
                <dd>{loss.loss.toFixed(2)}</dd>
              </dl>
              <p class="top-loss-path small muted">
                <SafeText text={loss.path} max={60} expandable={false} />
              </p>
              {actions?.(loss)}
            </li>
          );
        })}
      </ol>
      {losses.length > shown && (
        <button type="button" class="link-button" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, losses.length - shown)} more of {losses.length.toLocaleString('en')}
        </button>
      )}
    </div>
  );
}
