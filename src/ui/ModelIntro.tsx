import type { AppState } from './app-state';
import { FEATURES } from './features';
import { creditLine, describeModel } from './model-intro-text';
import { SafeText } from './safe-text';

/**
 * The first thing a newcomer reads: which model runs, who made it and what it is for (and not for), from its spec;
 * then the other ways in, just as visible: use your own model (named as in the model panel), and (once the trainer exists) make your own.
 */
export function ModelIntro({ state }: { state: AppState }) {
  const { model, modelEntry, modelError, loadStatus } = state;
  const spec = model?.spec;
  const busy = loadStatus.phase === 'downloading' || loadStatus.phase === 'initialising';
  const name = spec?.name ?? modelEntry?.name ?? (modelError ? 'No model is loaded' : 'Loading the model…');
  const credit = spec && creditLine(spec);
  return (
    <section class="model-intro" aria-labelledby="model-intro-name" data-testid="model-intro">
      <p class="model-intro-kicker">The model on this page</p>
      <h2 id="model-intro-name" class="model-intro-name" data-testid="model-intro-name">
        <SafeText text={name} max={120} />
      </h2>
      {credit && (
        <p class="model-intro-credit muted small" data-testid="model-author">
          <SafeText text={credit} max={200} />
        </p>
      )}
      {spec && (
        <p class="model-intro-description" data-testid="model-description">
          <SafeText text={describeModel(spec)} max={400} />
        </p>
      )}
      <div class="model-intro-actions">
        <button
          type="button"
          class="button secondary"
          data-testid="open-own-model"
          disabled={busy}
          aria-describedby="model-intro-own-hint"
          // The model picker's file input (ModelPicker) is the one place models are opened: the same files accepted.
          onClick={() => document.getElementById('model-input')?.click()}
        >
          Use your own model…
        </button>
        {FEATURES.trainer && (
          <a class="button secondary" href="#trainer" data-testid="train-open">
            Make your own classifier
          </a>
        )}
        <a class="model-intro-more" href="#model-heading">
          More about this model
        </a>
      </div>
      <p id="model-intro-own-hint" class="muted small">
        An ONNX image classifier, or a Teachable Machine export. It runs here and stays on this device.
      </p>
    </section>
  );
}
