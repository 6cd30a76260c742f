import { useEffect, useRef } from 'preact/hooks';
import type { AppState, AppStore } from './app-state';
import { displayText } from './display-text';
import { SavedModelList } from './SavedModelList';
import { isModelFile, isTfjsModelPart } from './user-model-files';

/**
 * Which model runs: a `<select>` of this site's models (public/models/index.json) and the user's saved ones, a file
 * input for bringing a model (.onnx with its labels.txt / config.json / preprocessor_config.json / metadata.json /
 * *.onsight.json; or a TF.js / Teachable Machine model: model.json + weights + metadata.json, or its .zip), a folder
 * input for a folder holding one, and the saved models (./SavedModelList.tsx).
 */
export function ModelPicker({ state, store }: { state: AppState; store: AppStore }) {
  const { models, userModels, modelOrigin, loadStatus, model } = state;
  const inputRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  // Not in Preact's JSX types; every current browser supports it.
  useEffect(() => folderRef.current?.setAttribute('webkitdirectory', ''), []);
  const busy =
    loadStatus.phase === 'downloading' || loadStatus.phase === 'initialising' || state.conversion !== undefined;
  const bring = (input: HTMLInputElement, keep: (file: File) => boolean = () => true) => {
    const files = Array.from(input.files ?? []).filter(keep);
    input.value = '';
    if (files.length > 0) void store.loadModelFiles(files);
  };
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
      <button
        type="button"
        class="button secondary"
        disabled={busy}
        aria-describedby="model-input-hint"
        onClick={() => folderRef.current?.click()}
      >
        Open a model folder…
      </button>
      <input
        ref={inputRef}
        id="model-input"
        data-testid="model-input"
        class="visually-hidden"
        type="file"
        accept=".onnx,.txt,.json,.bin,.zip"
        multiple
        tabIndex={-1}
        aria-label="Choose an ONNX model and its labels.txt or config files, or a TF.js model's files or .zip"
        onChange={(event) => bring(event.currentTarget)}
      />
      <input
        ref={folderRef}
        data-testid="model-folder-input"
        class="visually-hidden"
        type="file"
        multiple
        tabIndex={-1}
        aria-label="Choose a folder holding a model"
        onChange={(event) => bring(event.currentTarget, (f) => isModelFile(f) || isTfjsModelPart(f))}
      />
      <p id="model-input-hint" class="muted small">
        An ONNX image classifier with its labels.txt (or Hugging Face config.json and preprocessor_config.json), or a
        Teachable Machine export as downloaded (the .zip, or model.json, weights.bin and metadata.json), converted here.
        Pick them together, drop them on the page, or open their folder. The model stays on this device.
      </p>
      <SavedModelList userModels={userModels} label={userLabel} store={store} />
    </div>
  );
}
