import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { itemsFromDrop } from '../../batch';
import { filesFromClipboard } from '../clipboard';
import { SafeText } from '../safe-text';
import { CameraDialog } from './CameraDialog';
import { ClassSelect } from './ClassSelect';
import { photoCount } from './class-edits';
import type { TrainerState, TrainerStore } from './trainer-store';

interface ClassRowProps {
  store: TrainerStore;
  index: number;
  name: string;
  count: number;
  /** Every class (the merge's choices). */
  classes: TrainerState['classes'];
  busy: boolean;
}

/** "Merge into…" and "Remove", each confirmed in the row (and undoable after). */
function ClassEdit({ store, index, name, count, classes, busy }: ClassRowProps) {
  const [mode, setMode] = useState<'merge' | 'remove'>();
  const [into, setInto] = useState(-1); // a class's key
  const merging = useRef<HTMLSelectElement>(null);
  const removing = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    (mode === 'merge' ? merging : removing).current?.focus();
  }, [mode]);
  const cancel = () => {
    setMode(undefined);
    requestAnimationFrame(() => opener.current?.focus());
  };
  if (mode === 'merge') {
    return (
      <span class="trainer-edit">
        <label for={id}>Merge “{name}” into</label>
        <ClassSelect
          id={id}
          selectRef={merging}
          testId="train-class-merge-into"
          classes={classes}
          except={index}
          value={into}
          onChange={setInto}
        />
        <button
          type="button"
          class="button"
          data-testid="train-class-merge-confirm"
          disabled={busy || !classes.some((c) => c.key === into)}
          onClick={() =>
            store.mergeClass(
              index,
              classes.findIndex((c) => c.key === into),
            )
          }
        >
          Merge
        </button>
        <button type="button" class="button secondary" onClick={cancel}>
          Cancel
        </button>
      </span>
    );
  }
  if (mode === 'remove') {
    return (
      <span class="trainer-edit">
        <span>
          Remove “<SafeText text={name} max={40} expandable={false} />” and its {photoCount(count)}?
        </span>
        <button
          type="button"
          class="button"
          ref={removing}
          data-testid="train-class-remove-confirm"
          disabled={busy}
          onClick={() => store.removeClass(index)}
        >
          Remove
        </button>
        <button type="button" class="button secondary" onClick={cancel}>
          Keep
        </button>
      </span>
    );
  }
  return (
    <>
      {classes.length > 1 && (
        <button
          type="button"
          class="button secondary"
          data-testid="train-class-merge"
          disabled={busy}
          ref={opener}
          onClick={() => setMode('merge')}
        >
          Merge…<span class="visually-hidden"> class {name} into another</span>
        </button>
      )}
      <button
        type="button"
        class="button secondary"
        data-testid="train-class-remove"
        disabled={busy}
        // An empty class goes at once (nothing to lose); one with photos asks first.
        onClick={() => (count === 0 ? store.removeClass(index) : setMode('remove'))}
      >
        Remove<span class="visually-hidden"> class {name}</span>
      </button>
    </>
  );
}

/** One class: its name (editable), its photos' count, add photos (pick, drop, paste, camera), merge, remove. */
function ClassRow(props: ClassRowProps) {
  const { store, index, name, count, busy } = props;
  const input = useRef<HTMLInputElement>(null);
  const [camera, setCamera] = useState(false);
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
      onPaste={(event) => {
        // Photos pasted while this class has the focus are its own, not the page's to classify; text goes on as usual.
        const files = filesFromClipboard(event.clipboardData);
        if (files.length === 0) return;
        event.preventDefault();
        event.stopPropagation();
        void store.addPhotos(index, files);
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
      <span class="trainer-count">{photoCount(count)}</span>
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
      <button
        type="button"
        class="button secondary"
        data-testid="train-class-camera"
        disabled={busy}
        onClick={() => setCamera(true)}
      >
        Camera<span class="visually-hidden"> for {name}</span>
      </button>
      <ClassEdit {...props} />
      {camera && (
        <CameraDialog
          className={name}
          onPhotos={(files) => void store.addPhotos(index, files)}
          onClose={() => setCamera(false)}
        />
      )}
    </li>
  );
}

/** The classes to train on: from the chosen folder, or made here (name a class, add photos to it). */
export function TrainerClasses({ store, state, busy }: { store: TrainerStore; state: TrainerState; busy: boolean }) {
  const undo = useRef<HTMLButtonElement>(null);
  const addClass = useRef<HTMLButtonElement>(null);
  const hadUndo = useRef(false);
  // After a merge or removal the row that had the focus is gone: the focus goes to the way back; once that is
  // gone too (undone), to "Add a class" rather than to nowhere.
  useEffect(() => {
    if (state.undo) undo.current?.focus();
    else if (hadUndo.current && document.activeElement === document.body) addClass.current?.focus();
    hadUndo.current = state.undo !== undefined;
  }, [state.undo]);
  return (
    <>
      {state.classes.length > 0 && (
        <>
          <ul class="trainer-classes" data-testid="train-classes" aria-label="Classes to train on">
            {state.classes.map((c, index) => (
              // The class's own key: a rename must not move the row (and the keyboard focus), and a removal must not
              // hand a row's open merge or removal question to the class after it.
              <ClassRow
                key={c.key}
                store={store}
                index={index}
                name={c.name}
                count={c.count}
                classes={state.classes}
                busy={busy}
              />
            ))}
          </ul>
          <p class="muted small">
            To paste photos into a class, press Ctrl+V (⌘V on a Mac) while its name or one of its buttons has the focus.
          </p>
        </>
      )}
      {state.undo && (
        <p class="trainer-row" data-testid="train-undo-row">
          <span>
            <SafeText text={state.undo} max={160} expandable={false} />
          </span>
          <button
            ref={undo}
            type="button"
            class="button secondary"
            data-testid="train-undo"
            onClick={() => store.undo()}
          >
            Undo
          </button>
        </p>
      )}
      <div class="trainer-row">
        <button
          ref={addClass}
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
