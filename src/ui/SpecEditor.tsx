import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../error-message';
import { parseLabelsText } from '../model/sources/labels-txt';
import type { InputDType, Layout, ModelSpec, OutputKind, ResizePolicy } from '../model/spec';
import type { PartialModelSpec } from '../model/types';
import type { AppState, AppStore } from './app-state';

/** The form's fields, as typed. */
interface Draft {
  labels: string;
  width: string;
  height: string;
  layout: Layout;
  dtype: InputDType;
  resize: ResizePolicy;
  cropFraction: string;
  scale: string;
  mean: string;
  std: string;
  kind: OutputKind;
}

const round = (n: number) => String(Number(n.toPrecision(6)));

/** 1/255 reads better than 0.00392157. */
function showScale(scale: number): string {
  if (scale === 1) return '1';
  const inverse = 1 / scale;
  return Math.abs(inverse - Math.round(inverse * 2) / 2) < 1e-6
    ? `1/${round(Math.round(inverse * 2) / 2)}`
    : round(scale);
}

function toDraft(spec: ModelSpec): Draft {
  const { input } = spec;
  return {
    labels: spec.labels.join('\n'),
    width: String(input.width),
    height: String(input.height),
    layout: input.layout,
    dtype: input.dtype,
    resize: input.resize,
    cropFraction: round(input.cropFraction ?? 1),
    scale: showScale(input.scale),
    mean: input.mean.map(round).join(', '),
    std: input.std.map(round).join(', '),
    kind: spec.output.kind,
  };
}

function parseNumber(text: string, field: string): number {
  const fraction = text.trim().match(/^([\d.]+)\s*\/\s*([\d.]+)$/);
  const n = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`${field}: “${text}” is not a number`);
  return n;
}

function parseSize(text: string, field: string): number {
  const n = parseNumber(text, field);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${field} must be a positive whole number of pixels`);
  return n;
}

function parseTriple(text: string, field: string): [number, number, number] {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length !== 3) throw new Error(`${field} needs three numbers (red, green, blue), e.g. 0.485, 0.456, 0.406`);
  return parts.map((p) => parseNumber(p, field)) as [number, number, number];
}

/** The form as spec fields that beat every other source. Throws with a message naming the field. */
export function draftToOverrides(draft: Draft): PartialModelSpec {
  const std = parseTriple(draft.std, 'Std');
  if (std.some((s) => s === 0)) throw new Error('Std: a channel’s std cannot be 0');
  const cropFraction = parseNumber(draft.cropFraction, 'Crop fraction');
  if (!(cropFraction > 0 && cropFraction <= 1)) throw new Error('Crop fraction must be more than 0 and at most 1');
  return {
    labels: parseLabelsText(draft.labels, 'Labels'),
    input: {
      width: parseSize(draft.width, 'Width'),
      height: parseSize(draft.height, 'Height'),
      layout: draft.layout,
      dtype: draft.dtype,
      resize: draft.resize,
      ...(draft.resize === 'crop' ? { cropFraction } : {}),
      scale: parseNumber(draft.scale, 'Scale'),
      mean: parseTriple(draft.mean, 'Mean'),
      std,
    },
    output: { kind: draft.kind },
  };
}

function capitalise(text: string): string {
  return text ? text[0]?.toUpperCase() + text.slice(1) : text;
}

/**
 * How OnSight reads the loaded model's input and output, with where each part came from, in a form the user can
 * correct. Apply reloads the model with the corrections; if they do not fit the model, the model panel says why and
 * the model keeps running as before.
 */
export function SpecEditor({ state, store }: { state: AppState; store: AppStore }) {
  const { model, modelDetails, loadStatus } = state;
  const spec = model?.spec;
  const [draft, setDraft] = useState<Draft | undefined>(spec && toDraft(spec));
  const [error, setError] = useState<string>();
  useEffect(() => {
    setDraft(spec && toDraft(spec));
    setError(undefined);
  }, [spec]);
  if (!spec || !draft) return null;

  const busy = loadStatus.phase === 'downloading' || loadStatus.phase === 'initialising';
  const summary = modelDetails?.specSummary ?? '';
  const uncertain = /check|default|guess/i.test(summary);
  const field = <K extends keyof Draft>(key: K) => ({
    value: draft[key],
    onInput: (event: Event) => setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value }),
  });
  const submit = (event: Event) => {
    event.preventDefault();
    let overrides: PartialModelSpec;
    try {
      overrides = draftToOverrides(draft);
    } catch (e) {
      setError(errorMessage(e));
      return;
    }
    setError(undefined);
    void store.applySpec(overrides);
  };

  return (
    <details class="spec-editor" open={uncertain} data-testid="spec-editor">
      <summary>How this model reads photos{uncertain ? ' — please check' : ''}</summary>
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
      <form class="spec-form" onSubmit={submit} aria-label="Model settings">
        <fieldset>
          <legend>Classes</legend>
          <label for="spec-labels">
            Labels, one a line, in the order of the model’s outputs ({spec.labels.length})
          </label>
          <textarea id="spec-labels" name="labels" rows={6} spellcheck={false} {...field('labels')} />
        </fieldset>
        <fieldset>
          <legend>Input</legend>
          <div class="spec-row">
            <label for="spec-width">Width</label>
            <input
              id="spec-width"
              name="width"
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              {...field('width')}
            />
            <label for="spec-height">Height</label>
            <input
              id="spec-height"
              name="height"
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              {...field('height')}
            />
          </div>
          <label for="spec-layout">Layout</label>
          <select id="spec-layout" name="layout" {...field('layout')}>
            <option value="nchw">NCHW (channels first: PyTorch)</option>
            <option value="nhwc">NHWC (channels last: TensorFlow, Keras)</option>
          </select>
          <label for="spec-dtype">Pixel type</label>
          <select id="spec-dtype" name="dtype" {...field('dtype')}>
            <option value="float32">float32</option>
            <option value="float16">float16</option>
            <option value="uint8">uint8 (raw 0–255 pixels; scale, mean and std unused)</option>
          </select>
          <label for="spec-resize">Resize</label>
          <select id="spec-resize" name="resize" {...field('resize')}>
            <option value="crop">Centre crop (keep aspect ratio; fastai’s default Resize)</option>
            <option value="squish">Squish the whole photo (ResizeMethod.Squish)</option>
            <option value="pad">Pad to a square (ResizeMethod.Pad)</option>
          </select>
          {draft.resize === 'crop' && (
            <>
              <label for="spec-crop">Crop fraction (0.875: shorter side to 256 for a 224 crop; 1: no margin)</label>
              <input id="spec-crop" name="cropFraction" inputMode="decimal" {...field('cropFraction')} />
            </>
          )}
          <label for="spec-scale">Scale (pixels 0–255 are multiplied by it first, e.g. 1/255)</label>
          <input id="spec-scale" name="scale" inputMode="decimal" {...field('scale')} />
          <label for="spec-mean">Mean (red, green, blue)</label>
          <input id="spec-mean" name="mean" inputMode="decimal" {...field('mean')} />
          <label for="spec-std">Std (red, green, blue)</label>
          <input id="spec-std" name="std" inputMode="decimal" {...field('std')} />
        </fieldset>
        <fieldset>
          <legend>Output</legend>
          <label for="spec-kind">The model outputs</label>
          <select id="spec-kind" name="kind" {...field('kind')}>
            <option value="auto">Decide from the values</option>
            <option value="logits">Logits (softmax is applied)</option>
            <option value="probabilities">Probabilities (softmax already in the model)</option>
            <option value="sigmoid">One sigmoid score (two classes)</option>
          </select>
        </fieldset>
        {error && (
          <p class="error-text" role="alert" data-testid="spec-error">
            {error}
          </p>
        )}
        <div class="spec-actions">
          <button type="submit" class="button" disabled={busy} data-testid="spec-apply">
            Apply and reload the model
          </button>
          <button
            type="button"
            class="button secondary"
            onClick={() => {
              setDraft(toDraft(spec));
              setError(undefined);
            }}
          >
            Undo changes
          </button>
        </div>
      </form>
    </details>
  );
}
