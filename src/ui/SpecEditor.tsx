import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AppState, AppStore } from './app-state';
import { type SpecPreviewer, SpecPreviewPanel } from './SpecPreviewPanel';
import {
  applyPreset,
  type Draft,
  type DraftField,
  type FieldErrors,
  matchingPreset,
  PRESETS,
  readDraft,
  specWithOverrides,
  toDraft,
} from './spec-draft';

/** The fields under "Details": the raw settings, for someone who knows what the model wants. */
const DETAIL_FIELDS: readonly DraftField[] = [
  'width',
  'height',
  'layout',
  'dtype',
  'resize',
  'cropFraction',
  'scale',
  'mean',
  'std',
  'kind',
];

function capitalise(text: string): string {
  return text ? text[0]?.toUpperCase() + text.slice(1) : text;
}

/** A field's label, control and error; the control gets `aria-invalid` and `aria-describedby` from `bind`. */
function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="spec-field">
      <label for={id}>{label}</label>
      {children}
      {error && (
        <p id={`${id}-error`} class="field-error" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * How OnSight prepares photos for the loaded model and reads its scores, in a form the user can correct: presets named
 * for how the model was made, the class names, a live preview of what the model sees with its top 3, and the raw
 * settings under "Details". Each field shows its own error. Apply reloads the model with the corrections; if they do
 * not fit the model, the model panel says why and the model keeps running as before.
 */
interface SpecEditorProps {
  state: AppState;
  store: AppStore;
  preview?: SpecPreviewer;
  /** A photo the user classified (its file still in memory), for the preview. */
  sample?: File;
}

export function SpecEditor({ state, store, preview, sample }: SpecEditorProps) {
  const { model, modelDetails, loadStatus } = state;
  const spec = model?.spec;
  const [draft, setDraft] = useState<Draft | undefined>(spec && toDraft(spec));
  const [touched, setTouched] = useState<ReadonlySet<DraftField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [open, setOpen] = useState(false);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    setDraft(spec && toDraft(spec));
    setTouched(new Set());
    setSubmitted(false);
  }, [spec]);
  if (!spec || !draft) return null;

  const busy = loadStatus.phase === 'downloading' || loadStatus.phase === 'initialising';
  const summary = modelDetails?.specSummary ?? '';
  const uncertain = /check|default|guess/i.test(summary);
  const read = readDraft(draft);
  const errors: FieldErrors = read.errors ?? {};
  const shown = (k: DraftField) => (submitted || touched.has(k) ? errors[k] : undefined);
  const preset = matchingPreset(draft);

  const edit = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setTouched(new Set([...touched, ...(Object.keys(patch) as DraftField[])]));
  };
  const bind = <K extends DraftField>(key: K) => ({
    id: `spec-${key}`,
    name: key,
    value: draft[key],
    'aria-invalid': shown(key) ? ('true' as const) : undefined,
    'aria-describedby': shown(key) ? `spec-${key}-error` : undefined,
    onInput: (event: Event) => edit({ [key]: (event.currentTarget as HTMLInputElement).value } as Partial<Draft>),
  });
  const submit = (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    if (read.errors) {
      const wrong = Object.keys(read.errors) as DraftField[];
      if (wrong.some((k) => DETAIL_FIELDS.includes(k))) setDetailsOpen(true);
      // After the re-render that shows the errors (and opens Details), take the keyboard to the first wrong field.
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    void store.applySpec(read.overrides);
  };
  const undo = () => {
    setDraft(toDraft(spec));
    setTouched(new Set());
    setSubmitted(false);
  };
  const errorCount = Object.keys(errors).length;

  return (
    <details
      class="spec-editor"
      open={uncertain}
      data-testid="spec-editor"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>How this model reads photos{uncertain ? ' — worth a check' : ''}</summary>
      {summary && (
        <p class="spec-summary" data-testid="spec-summary">
          {capitalise(summary)}.
        </p>
      )}
      {modelDetails && modelDetails.warnings.length > 0 && (
        <ul class="spec-warnings small" data-testid="spec-warnings">
          {modelDetails.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      <form ref={formRef} class="spec-form" onSubmit={submit} aria-label="Model settings" noValidate>
        <fieldset class="spec-presets">
          <legend>How was this model made?</legend>
          <div class="spec-preset-buttons" data-testid="spec-presets">
            {PRESETS.map((p) => (
              <button
                key={p.id}
                type="button"
                class="button secondary spec-preset"
                aria-pressed={preset?.id === p.id}
                aria-describedby={`preset-${p.id}-hint`}
                data-testid={`preset-${p.id}`}
                onClick={() => edit(applyPreset(draft, p))}
              >
                {p.name}
                <span id={`preset-${p.id}-hint`} class="visually-hidden">
                  {p.hint}
                </span>
              </button>
            ))}
          </div>
          <p class="muted small" data-testid="spec-preset-match">
            {preset ? `${preset.name}: ${preset.hint}` : 'The settings below match none of these: they are your own.'}
          </p>
        </fieldset>
        <Field
          id="spec-labels"
          label={`Labels: the class names, one a line, in the order of the model’s scores (${spec.labels.length})`}
          error={shown('labels')}
        >
          <textarea rows={6} spellcheck={false} {...bind('labels')} />
        </Field>
        <SpecPreviewPanel
          spec={read.errors ? undefined : specWithOverrides(spec, read.overrides)}
          sample={sample}
          preview={preview}
          active={open}
        />
        <details
          class="spec-details"
          open={detailsOpen}
          data-testid="spec-details"
          onToggle={(event) => setDetailsOpen((event.currentTarget as HTMLDetailsElement).open)}
        >
          <summary>Details</summary>
          <div class="spec-row">
            <Field id="spec-width" label="Width" error={shown('width')}>
              <input type="text" inputMode="numeric" {...bind('width')} />
            </Field>
            <Field id="spec-height" label="Height" error={shown('height')}>
              <input type="text" inputMode="numeric" {...bind('height')} />
            </Field>
          </div>
          <Field id="spec-layout" label="Layout: where the colour channels go" error={shown('layout')}>
            <select {...bind('layout')}>
              <option value="nchw">Channels first — NCHW (PyTorch, most ONNX exports)</option>
              <option value="nhwc">Channels last — NHWC (TensorFlow, Keras)</option>
            </select>
          </Field>
          <Field id="spec-dtype" label="Pixel type" error={shown('dtype')}>
            <select {...bind('dtype')}>
              <option value="float32">Decimal numbers (float32)</option>
              <option value="float16">Half-size decimal numbers (float16)</option>
              <option value="uint8">Whole numbers 0–255 (uint8; the three settings below are not used)</option>
            </select>
          </Field>
          <Field id="spec-resize" label="Resize: how the photo is fitted to the model’s size" error={shown('resize')}>
            <select {...bind('resize')}>
              <option value="crop">Keep the middle, cut the edges (centre crop)</option>
              <option value="squish">Squeeze the whole photo to size</option>
              <option value="pad">Fit the whole photo, fill the rest with black</option>
            </select>
          </Field>
          {draft.resize === 'crop' && (
            <Field
              id="spec-cropFraction"
              label="How much of the middle to keep (0.875: 224 of 256; 1: all of it)"
              error={shown('cropFraction')}
            >
              <input type="text" inputMode="decimal" {...bind('cropFraction')} />
            </Field>
          )}
          <Field
            id="spec-scale"
            label="Scale: pixels (0–255) are multiplied by this first, e.g. 1/255"
            error={shown('scale')}
          >
            <input type="text" inputMode="decimal" {...bind('scale')} />
          </Field>
          <Field id="spec-mean" label="Mean: then this is subtracted (red, green, blue)" error={shown('mean')}>
            <input type="text" inputMode="decimal" {...bind('mean')} />
          </Field>
          <Field id="spec-std" label="Std: then it is divided by this (red, green, blue)" error={shown('std')}>
            <input type="text" inputMode="decimal" {...bind('std')} />
          </Field>
          <Field id="spec-kind" label="The model’s scores are" error={shown('kind')}>
            <select {...bind('kind')}>
              <option value="auto">Let OnSight tell from the numbers</option>
              <option value="logits">Raw scores: OnSight turns them into percentages (logits)</option>
              <option value="probabilities">Percentages already (the model ends in a softmax)</option>
              <option value="sigmoid">One yes/no score for two classes (sigmoid)</option>
            </select>
          </Field>
        </details>
        {submitted && errorCount > 0 && (
          <p class="error-text" role="alert" data-testid="spec-error">
            {errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} fixing before the model can be
            reloaded.
          </p>
        )}
        <div class="spec-actions">
          <button type="submit" class="button" disabled={busy} data-testid="spec-apply">
            Apply and reload the model
          </button>
          <button type="button" class="button secondary" onClick={undo}>
            Undo changes
          </button>
        </div>
      </form>
    </details>
  );
}
