import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../error-message';
import type { SpecPreview } from '../inference/types';
import type { ModelSpec } from '../model/spec';
import { formatPercent } from './format';
import { SafeText } from './safe-text';

/** Runs a photo through the loaded model with a draft spec (ClassifierClient.preview). */
export type SpecPreviewer = (photo: Blob, spec: ModelSpec) => Promise<SpecPreview>;

/** Typing pauses this long before the model is asked again. */
const PREVIEW_DELAY_MS = 250;

const showNumber = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)).replace('-', '−');

/** Draws the model's input, as the worker drew it back, on a canvas at its own size (CSS scales it). */
function SeenPicture({ seen }: { seen: NonNullable<SpecPreview['seen']> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.putImageData(new ImageData(new Uint8ClampedArray(seen.data), seen.width, seen.height), 0, 0);
  }, [seen]);
  return (
    <canvas
      ref={canvas}
      class="spec-preview-image"
      width={seen.width}
      height={seen.height}
      role="img"
      aria-label={`The sample photo as the model gets it: ${seen.width}×${seen.height} pixels`}
      data-testid="spec-preview-image"
      data-width={seen.width}
      data-height={seen.height}
    />
  );
}

/**
 * "What the model sees": a sample photo (the latest one classified on the page, or one chosen here) prepared with the
 * settings being edited, drawn back as a picture, with the range of its numbers and the model's top 3 for it. Updated
 * as the fields change, while the editor is open (`active`); `spec` is undefined while a field cannot be read.
 */
export function SpecPreviewPanel({
  spec,
  sample,
  preview,
  active,
}: {
  spec?: ModelSpec;
  sample?: File;
  preview?: SpecPreviewer;
  active: boolean;
}) {
  const [chosen, setChosen] = useState<File>();
  const [result, setResult] = useState<SpecPreview>();
  const [failure, setFailure] = useState<string>();
  const photo = chosen ?? sample;
  const key = spec && JSON.stringify(spec);

  useEffect(() => {
    if (!active || !preview || !photo || !spec) return;
    let current = true;
    const timer = setTimeout(() => {
      preview(photo, spec).then(
        (answer) => {
          if (!current) return;
          setResult(answer);
          setFailure(undefined);
        },
        (error: unknown) => current && setFailure(errorMessage(error)),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `key` stands for `spec`: a new object with the same fields must not ask the model again.
  }, [active, preview, photo, key]);

  if (!preview) return null;
  const seen = result?.seen;
  const problem = failure ?? result?.problem;
  return (
    <section class="spec-preview" aria-labelledby="spec-preview-heading" data-testid="spec-preview">
      <h3 id="spec-preview-heading">What the model sees</h3>
      {!photo ? (
        <p class="muted small">Add a photo to the page, or choose one here, to see it as the model gets it.</p>
      ) : (
        <p class="muted small">
          <SafeText text={photo.name || 'The sample photo'} max={80} />, prepared with the settings below
          {spec ? '' : ' (once the fields marked as wrong are fixed)'}.
        </p>
      )}
      {seen && photo && (
        <div class="spec-preview-body">
          <SeenPicture seen={seen} />
          <div class="spec-preview-facts">
            <p class="small" data-testid="spec-preview-range" data-min={seen.min} data-max={seen.max}>
              {seen.width}×{seen.height} pixels; numbers from {showNumber(seen.min)} to {showNumber(seen.max)}.
            </p>
            {result && result.predictions.length > 0 && (
              <ol class="spec-preview-top" aria-label="Top 3 for the sample photo" data-testid="spec-preview-top">
                {result.predictions.map((p) => (
                  <li key={p.index} data-label={p.label} data-score={p.score}>
                    <SafeText text={p.label} max={80} /> <span class="muted">{formatPercent(p.score)}</span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>
      )}
      <p class="muted small">
        PyTorch models usually want numbers from about −2 to 2.6; Keras and Teachable Machine models −1 to 1.
      </p>
      <div aria-live="polite">
        {problem && photo && (
          <p class="error-text" data-testid="spec-preview-problem">
            {problem}
          </p>
        )}
      </div>
      <label class="button secondary spec-preview-choose">
        {photo ? 'Try another photo…' : 'Choose a photo…'}
        <input
          type="file"
          accept="image/*"
          class="visually-hidden"
          data-testid="spec-preview-input"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file) setChosen(file);
          }}
        />
      </label>
    </section>
  );
}
