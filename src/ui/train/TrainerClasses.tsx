import { useRef } from 'preact/hooks';
import { itemsFromDrop } from '../../batch';
import { SafeText } from '../safe-text';
import type { TrainerState, TrainerStore } from './trainer-store';

/** One class: its name (editable), its photos' count, add photos (pick or drop on the row), remove. */
function ClassRow({
  store,
  index,
  name,
  count,
  busy,
}: {
  store: TrainerStore;
  index: number;
  name: string;
  count: number;
  busy: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  const id = `train-class-${index}`;
  return (
    <li
      data-class={name}
      data-count={count}
      onDragOver={(event) => {
        event.preventDefault();
        event.stopPropagation();
      }}
      onDrop={(event) => {
        // This class takes the drop, not the page (whose drop zone would classify the photos).
        event.preventDefault();
        event.stopPropagation();
        if (!busy && event.dataTransfer) void store.addPhotos(index, itemsFromDrop(event.dataTransfer.items));
      }}
    >
      <label class="visually-hidden" for={id}>
        Name of class {index + 1}
      </label>
      <input
        id={id}
        type="text"
        data-testid="train-class-name"
        value={name}
        maxLength={60}
        disabled={busy}
        onChange={(event) => store.renameClass(index, event.currentTarget.value)}
      />
      <span class="trainer-count">
        {count} photo{count === 1 ? '' : 's'}
      </span>
      <input
        ref={input}
        type="file"
        accept="image/*"
        multiple
        class="visually-hidden"
        tabIndex={-1}
        aria-label={`Photos for class ${name}`}
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          event.currentTarget.value = '';
          void store.addPhotos(index, files);
        }}
      />
      <button type="button" class="button secondary" disabled={busy} onClick={() => input.current?.click()}>
        Add photos<span class="visually-hidden"> to {name}</span>
      </button>
      <button type="button" class="button secondary" disabled={busy} onClick={() => store.removeClass(index)}>
        Remove<span class="visually-hidden"> class {name}</span>
      </button>
    </li>
  );
}

/** The classes to train on: from the chosen folder, or made here (name a class, add photos to it). */
export function TrainerClasses({ store, state, busy }: { store: TrainerStore; state: TrainerState; busy: boolean }) {
  return (
    <>
      {state.classes.length > 0 && (
        <ul class="trainer-classes" data-testid="train-classes" aria-label="Classes to train on">
          {state.classes.map((c, index) => (
            // Index keys: a rename must not move the row (and the keyboard focus) elsewhere.
            <ClassRow key={index} store={store} index={index} name={c.name} count={c.count} busy={busy} />
          ))}
        </ul>
      )}
      <div class="trainer-row">
        <button
          type="button"
          class="button secondary"
          data-testid="train-add-class"
          disabled={busy}
          onClick={() => store.addClass()}
        >
          Add a class
        </button>
        {state.folder && (
          <span class="muted small">
            From the folder <SafeText text={state.folder.name} max={60} />
            {state.folder.unlabelled > 0 &&
              `; ${state.folder.unlabelled} photo${state.folder.unlabelled === 1 ? '' : 's'} in no class sub-folder left out`}
            {state.folder.skipped > 0 &&
              `; ${state.folder.skipped} file${state.folder.skipped === 1 ? '' : 's'} that are not photos left out`}
            .
          </span>
        )}
      </div>
    </>
  );
}
