import { useRef } from 'preact/hooks';
import type { AppState, AppStore } from './app-state';
import { displayText } from './display-text';
import { formatBytes } from './format';

/**
 * Which model runs: a `<select>` of this site's models (public/models/index.json) and the user's saved ones, a file
 * input for bringing a model (.onnx with its labels.txt / config.json / preprocessor_config.json / metadata.json /
 * *.onsight.json), and the saved models with a Remove button each.
 */
export function ModelPicker({ state, store }: { state: AppState; store: AppStore }) {
  const { models, userModels, modelOrigin, loadStatus, model } = state;
  const inputRef = useRef<HTMLInputElement>(null);
  const busy = loadStatus.phase === 'downloading' || loadStatus.phase === 'initialising';
  const value = modelOrigin && modelOrigin.kind !== 'files' ? `${modelOrigin.kind}:${modelOrigin.id}` : '';
  // Several files are called model.onnx: tell their entries apart by id.
  const nameCount = new Map<string, number>();
  for (const m of userModels) nameCount.set(m.name, (nameCount.get(m.name) ?? 0) + 1);
  // Names come from strangers' files, and an <option> holds text only: bidi overrides shown, long names cut.
  const userLabel = (m: { id: string; name: string }) =>
    displayText((nameCount.get(m.name) ?? 0) > 1 && m.id !== m.name ? `${m.name} (${m.id})` : m.name, 80);

  return (
    <div class="model-picker" data-testid="model-picker">
      <label for="model-select">Model</label>
      <select
        id="model-select"
        data-testid="model-select"
        value={value}
        disabled={busy}
        onChange={(event) => void store.selectModel(event.currentTarget.value)}
      >
        {value === '' && <option value="">{model ? displayText(model.spec.name, 80) : 'Choose a model'}</option>}
        {models.length > 0 && (
          <optgroup label="On this site">
            {models.map((entry) => (
              <option key={entry.id} value={`site:${entry.id}`}>
                {displayText(entry.name, 80)}
              </option>
            ))}
          </optgroup>
        )}
        {userModels.length > 0 && (
          <optgroup label="Your models (on this device)">
            {userModels.map((saved) => (
              <option key={saved.id} value={`user:${saved.id}`}>
                {userLabel(saved)}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <button
        type="button"
        class="button secondary"
        disabled={busy}
        aria-describedby="model-input-hint"
        onClick={() => inputRef.current?.click()}
      >
        Use your own model…
      </button>
      <input
        ref={inputRef}
        id="model-input"
        data-testid="model-input"
        class="visually-hidden"
        type="file"
        accept=".onnx,.txt,.json"
        multiple
        tabIndex={-1}
        aria-label="Choose an ONNX model and its labels.txt or config files"
        onChange={(event) => {
          const input = event.currentTarget;
          const files = Array.from(input.files ?? []);
          input.value = '';
          if (files.length > 0) void store.loadModelFiles(files);
        }}
      />
      <p id="model-input-hint" class="muted small">
        An ONNX image classifier with its labels.txt (or Hugging Face config.json and preprocessor_config.json, or
        Teachable Machine metadata.json). Pick them together, or drop them on the page. The model stays on this device.
      </p>
      {userModels.length > 0 && (
        <>
          <h3 id="user-models-heading">Your models</h3>
          <ul class="user-models" aria-labelledby="user-models-heading" data-testid="user-models">
            {userModels.map((saved) => (
              <li key={saved.id} data-model-id={saved.id}>
                <span>
                  {userLabel(saved)} <span class="muted small">({formatBytes(saved.bytes)})</span>
                </span>{' '}
                <button
                  type="button"
                  class="button secondary"
                  data-testid="remove-model"
                  aria-label={`Remove ${userLabel(saved)} from this device`}
                  onClick={() => void store.removeUserModel(saved.id)}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
