import { useEffect, useRef, useState } from 'preact/hooks';
import type { SavedUserModel } from '../model/model-store';
import type { AppStore } from './app-state';
import { formatBytes } from './format';

/** Hands `bytes` to the browser as a download named `fileName`. */
function saveAs(bytes: Uint8Array, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; it can go once the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** One saved model's name, or the form renaming it (Enter saves, Escape cancels; focus returns to Rename). */
function SavedModelRow({ saved, label, store }: { saved: SavedUserModel; label: string; store: AppStore }) {
  const [renaming, setRenaming] = useState(false);
  const [draft, setDraft] = useState(saved.name);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const wasRenaming = useRef(false);
  useEffect(() => {
    if (renaming) inputRef.current?.select();
    else if (wasRenaming.current) renameRef.current?.focus();
    wasRenaming.current = renaming;
  }, [renaming]);

  const inputId = `rename-${saved.id}`;
  if (renaming) {
    const submit = async (event: Event) => {
      event.preventDefault();
      if (await store.renameUserModel(saved.id, draft)) setRenaming(false);
    };
    return (
      <li data-model-id={saved.id}>
        <form class="rename-form" onSubmit={submit}>
          <label for={inputId} class="visually-hidden">
            New name for {label}
          </label>
          <input
            ref={inputRef}
            id={inputId}
            data-testid="rename-input"
            value={draft}
            required
            maxLength={200}
            onInput={(event) => setDraft(event.currentTarget.value)}
            onKeyDown={(event) => event.key === 'Escape' && setRenaming(false)}
          />
          <button type="submit" class="button secondary" data-testid="rename-save" disabled={!draft.trim()}>
            Save
          </button>
          <button type="button" class="button secondary" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      </li>
    );
  }
  const download = async () => {
    setBusy(true);
    const onnx = await store.userModelAsOnnx(saved.id);
    setBusy(false);
    if (onnx) saveAs(onnx.bytes, onnx.fileName);
  };
  return (
    <li data-model-id={saved.id}>
      <span data-testid="user-model-name">
        {label} <span class="muted small">({formatBytes(saved.bytes)})</span>
      </span>
      <span class="user-model-actions">
        <button
          ref={renameRef}
          type="button"
          class="button secondary"
          data-testid="rename-model"
          aria-label={`Rename ${label}`}
          onClick={() => {
            setDraft(saved.name);
            setRenaming(true);
          }}
        >
          Rename
        </button>
        <button
          type="button"
          class="button secondary"
          data-testid="download-model"
          aria-label={`Download ${label} as an ONNX file`}
          disabled={busy}
          onClick={() => void download()}
        >
          Download .onnx
        </button>
        <button
          type="button"
          class="button secondary"
          data-testid="remove-model"
          aria-label={`Remove ${label} from this device`}
          onClick={() => void store.removeUserModel(saved.id)}
        >
          Remove
        </button>
      </span>
    </li>
  );
}

/** The user's saved models, each with Rename, Download .onnx (a portable file with its spec) and Remove. */
export function SavedModelList({
  userModels,
  label,
  store,
}: {
  userModels: SavedUserModel[];
  label: (m: SavedUserModel) => string;
  store: AppStore;
}) {
  if (userModels.length === 0) return null;
  return (
    <>
      <h3 id="user-models-heading">Your models</h3>
      <ul class="user-models" aria-labelledby="user-models-heading" data-testid="user-models">
        {userModels.map((saved) => (
          <SavedModelRow key={saved.id} saved={saved} label={label(saved)} store={store} />
        ))}
      </ul>
    </>
  );
}
