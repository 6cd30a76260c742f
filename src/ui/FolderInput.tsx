import { useRef } from 'preact/hooks';

/** Preact sets a prop the element has as a property: `webkitdirectory = true` (reflected as the attribute). The JSX
 * types do not know this non-standard, universally supported attribute. */
const DIRECTORY_PICKER = { webkitdirectory: true } as Record<string, unknown>;

/**
 * "Choose a folder": a folder picker (`<input webkitdirectory>`, every file inside, sub-folders included, each with its
 * path relative to the folder), opened by a real button; the input itself stays out of the tab order.
 */
export function FolderInput({ onFolder }: { onFolder: (files: File[]) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={inputRef}
        id="folder-input"
        data-testid="folder-input"
        class="visually-hidden"
        type="file"
        multiple
        tabIndex={-1}
        aria-label="Choose a folder of photos to classify"
        {...DIRECTORY_PICKER}
        onChange={(event) => {
          const input = event.currentTarget;
          const files = Array.from(input.files ?? []);
          input.value = ''; // so that choosing the same folder again still fires `change`
          onFolder(files);
        }}
      />
      <button
        type="button"
        class="button secondary"
        data-testid="folder-button"
        onClick={() => inputRef.current?.click()}
      >
        Choose a folder
      </button>
    </>
  );
}
