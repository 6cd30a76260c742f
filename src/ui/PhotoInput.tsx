import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** True where a camera can be expected: a video input is listed, or the device is touch-first (phones, tablets). */
async function detectCamera(): Promise<boolean> {
  const touch = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  try {
    const devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
    return devices.some((device) => device.kind === 'videoinput') || touch;
  } catch {
    return touch;
  }
}

function takeFiles(input: HTMLInputElement, onFiles: (files: File[]) => void): void {
  const files = Array.from(input.files ?? []);
  // Reset so picking the same file again still fires `change`.
  input.value = '';
  if (files.length > 0) onFiles(files);
}

interface PhotoInputProps {
  onFiles: (files: File[]) => void;
  /** The picker input, so the drop zone button can open it. */
  inputRef: Ref<HTMLInputElement>;
  /** More ways in, shown before the camera button (the folder picker). */
  children?: ComponentChildren;
}

/**
 * The file picker (several photos at once) and, where a camera exists, a camera capture input. The picker input
 * itself is visually hidden and out of the tab order: the drop zone button and the "Choose photos" label open it.
 */
export function PhotoInput({ onFiles, inputRef, children }: PhotoInputProps) {
  const [hasCamera, setHasCamera] = useState(false);
  useEffect(() => {
    let live = true;
    void detectCamera().then((value) => {
      if (live) setHasCamera(value);
    });
    return () => {
      live = false;
    };
  }, []);

  return (
    <div class="photo-input">
      <input
        ref={inputRef}
        id="photo-input"
        data-testid="photo-input"
        class="visually-hidden"
        type="file"
        accept="image/*"
        multiple
        tabIndex={-1}
        aria-label="Choose photos to classify"
        onChange={(event) => takeFiles(event.currentTarget, onFiles)}
      />
      {children}
      {hasCamera && (
        <>
          <input
            id="camera-input"
            data-testid="camera-input"
            class="visually-hidden"
            type="file"
            accept="image/*"
            capture="environment"
            onChange={(event) => takeFiles(event.currentTarget, onFiles)}
          />
          <label for="camera-input" class="button secondary">
            <span aria-hidden="true">📷 </span>Take a photo
          </label>
        </>
      )}
    </div>
  );
}
