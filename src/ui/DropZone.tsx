import { useEffect, useRef, useState } from 'preact/hooks';
import { type IntakeItem, itemsFromDrop } from '../batch';
import { isTouchOnly, photoHint } from './connection-status';
import { FolderInput } from './FolderInput';
import { PhotoInput } from './PhotoInput';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Drag-and-drop anywhere on the page: returns whether files are being dragged over it, for the overlay, and hands
 * what was dropped (files, and folders to walk) to `onItems`.
 */
function usePageDrop(onItems: (items: IntakeItem[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const onItemsRef = useRef(onItems);
  onItemsRef.current = onItems;

  useEffect(() => {
    // dragenter/dragleave fire for every child crossed; count them to know when the pointer left the page.
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault(); // allows the drop
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      depth = 0;
      setDragging(false);
      // Now, synchronously: the browser empties the drop's items once this handler returns.
      const items = itemsFromDrop(event.dataTransfer?.items ?? []);
      if (items.length === 0) return;
      event.preventDefault(); // or the browser navigates to the file
      onItemsRef.current(items);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return dragging;
}

interface DropZoneProps {
  /** Photos picked or taken with the camera. */
  onFiles: (files: File[]) => void;
  /** A drop (files and folders) or a chosen folder's files. */
  onItems: (items: IntakeItem[]) => void;
}

/** The big "drop or choose photos" button, the photo/folder/camera inputs and the page-wide drop overlay. */
export function DropZone({ onFiles, onItems }: DropZoneProps) {
  const dragging = usePageDrop(onItems);
  const inputRef = useRef<HTMLInputElement>(null);
  const [hint] = useState(() => photoHint(isTouchOnly()));

  return (
    <section class="drop-section" aria-labelledby="add-heading">
      <h2 id="add-heading" class="visually-hidden">
        Add photos
      </h2>
      <button
        type="button"
        class={`drop-zone${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        aria-describedby="drop-hint"
        onClick={() => inputRef.current?.click()}
      >
        <span class="drop-icon" aria-hidden="true">
          ⤓
        </span>
        <span class="drop-title">Choose photos</span>
        <span id="drop-hint" class="drop-hint">
          {hint}
        </span>
      </button>
      <PhotoInput onFiles={onFiles} inputRef={inputRef}>
        <FolderInput onFolder={onItems} />
      </PhotoInput>
      {dragging && (
        <div class="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <div class="drop-overlay-inner">Drop photos or folders to classify them</div>
        </div>
      )}
    </section>
  );
}
