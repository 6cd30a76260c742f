/**
 * The spec editor's form as data (pure, Node-tested): the fields as typed, reading them back with an error per field
 * in plain words, presets named for how a model was made, and the draft applied to the loaded spec for the preview.
 */
import { errorMessage } from '../error-message';
import { IMAGENET_MEAN, IMAGENET_STD } from '../model/defaults';
import { parseLabelsText } from '../model/sources/labels-txt';
import type { InputDType, Layout, ModelSpec, OutputKind, ResizePolicy } from '../model/spec';
import type { PartialModelSpec } from '../model/types';

/** The form's fields, as typed. */
export interface Draft {
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

export type DraftField = keyof Draft;
/** What is wrong with each field that is wrong, said to someone looking at that field. */
export type FieldErrors = Partial<Record<DraftField, string>>;

const round = (n: number) => String(Number(n.toPrecision(6)));

/** 1/255 reads better than 0.00392157. */
function showScale(scale: number): string {
  if (scale === 1) return '1';
  const inverse = 1 / scale;
  const half = Math.round(inverse * 2) / 2;
  return Math.abs(inverse - half) < 1e-6 ? `1/${round(half)}` : round(scale);
}

const showTriple = (values: readonly number[]) => values.map(round).join(', ');

export function toDraft(spec: ModelSpec): Draft {
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
    mean: showTriple(input.mean),
    std: showTriple(input.std),
    kind: spec.output.kind,
  };
}

/** A number as typed: "0.5", "1/255"; undefined when it is not one. */
function parseNumber(text: string): number | undefined {
  const t = text.trim();
  const fraction = t.match(/^([\d.]+)\s*\/\s*([\d.]+)$/);
  const n = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(t);
  return t !== '' && Number.isFinite(n) ? n : undefined;
}

function parseTriple(text: string): [number, number, number] | undefined {
  const parts = text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(parseNumber);
  if (parts.length !== 3 || parts.some((p) => p === undefined)) return undefined;
  return parts as [number, number, number];
}

const sentence = (text: string) => (text ? text[0]?.toUpperCase() + text.slice(1) : text);

/**
 * Reads the form back: the spec fields that beat every other source (the user's corrections), or an error for each
 * field that cannot be read, in plain words, for that field.
 */
export function readDraft(draft: Draft): { overrides: PartialModelSpec; errors?: undefined } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  let labels: string[] = [];
  try {
    labels = parseLabelsText(draft.labels, 'Labels');
  } catch (e) {
    errors.labels = sentence(errorMessage(e).replace(/^Labels: /, ''));
  }
  const size = (field: 'width' | 'height') => {
    const n = parseNumber(draft[field]);
    if (n === undefined || !Number.isInteger(n) || n <= 0 || n > 8192) {
      errors[field] = 'Enter a whole number of pixels, like 224';
      return 0;
    }
    return n;
  };
  const width = size('width');
  const height = size('height');
  const cropFraction = parseNumber(draft.cropFraction);
  if (draft.resize === 'crop' && !(cropFraction !== undefined && cropFraction > 0 && cropFraction <= 1)) {
    errors.cropFraction = 'Enter a number more than 0 and at most 1, like 0.875';
  }
  const scale = parseNumber(draft.scale);
  if (scale === undefined || scale <= 0) errors.scale = 'Enter a positive number, like 1/255';
  const mean = parseTriple(draft.mean);
  if (!mean) errors.mean = 'Enter three numbers (red, green, blue), like 0.485, 0.456, 0.406';
  const std = parseTriple(draft.std);
  if (!std) errors.std = 'Enter three numbers (red, green, blue), like 0.229, 0.224, 0.225';
  else if (std.some((s) => s <= 0)) errors.std = 'Each of the three must be more than 0: the pixels are divided by it';
  if (draft.kind === 'sigmoid' && labels.length > 0 && labels.length !== 2 && !errors.labels) {
    errors.kind = `One yes/no score needs exactly 2 labels (no, yes); there are ${labels.length}`;
  }
  if (Object.keys(errors).length > 0 || !mean || !std || scale === undefined) return { errors };
  return {
    overrides: {
      labels,
      input: {
        width,
        height,
        layout: draft.layout,
        dtype: draft.dtype,
        resize: draft.resize,
        ...(draft.resize === 'crop' && cropFraction !== undefined ? { cropFraction } : {}),
        scale,
        mean,
        std,
      },
      output: { kind: draft.kind },
    },
  };
}

/** The loaded spec with the user's corrections on top, as the model would be reloaded with them. */
export function specWithOverrides(spec: ModelSpec, overrides: PartialModelSpec): ModelSpec {
  const input = { ...spec.input, ...overrides.input };
  if (input.resize === 'pad') input.padColor ??= [0, 0, 0];
  return {
    ...spec,
    labels: overrides.labels ?? spec.labels,
    input,
    output: { ...spec.output, ...overrides.output },
  };
}

/**
 * How a model was made decides how it wants its photos prepared. A preset fills those fields (fitting, scaling,
 * scores); the size, layout and pixel type are read from the model file itself and stay as they are.
 */
export interface Preset {
  id: string;
  name: string;
  /** What the preset does, in plain words. */
  hint: string;
  fields: Pick<Draft, 'resize' | 'cropFraction' | 'scale' | 'mean' | 'std' | 'kind'>;
}

const IMAGENET = { mean: showTriple(IMAGENET_MEAN), std: showTriple(IMAGENET_STD) };

export const PRESETS: readonly Preset[] = [
  {
    id: 'pytorch',
    name: 'Made with PyTorch / torchvision',
    hint: 'Shorter side to 256, the middle 224 kept; colours set against ImageNet’s average (numbers about −2 to 2.6).',
    fields: { resize: 'crop', cropFraction: '0.875', scale: '1/255', ...IMAGENET, kind: 'auto' },
  },
  {
    id: 'keras',
    name: 'Keras / TensorFlow',
    hint: 'The whole photo squeezed to size; pixels scaled to −1 … 1 (MobileNet, Inception and most Keras models).',
    fields: { resize: 'squish', cropFraction: '1', scale: '1/127.5', mean: '1, 1, 1', std: '1, 1, 1', kind: 'auto' },
  },
  {
    id: 'teachable-machine',
    name: 'Teachable Machine',
    hint: 'The centre square of the photo; pixels scaled to −1 … 1; the model already gives percentages.',
    fields: {
      resize: 'crop',
      cropFraction: '1',
      scale: '1/127',
      mean: '1, 1, 1',
      std: '1, 1, 1',
      kind: 'probabilities',
    },
  },
  {
    id: 'fastai',
    name: 'fastai',
    hint: 'The centre square of the photo (fastai’s default Resize); colours set against ImageNet’s average.',
    fields: { resize: 'crop', cropFraction: '1', scale: '1/255', ...IMAGENET, kind: 'auto' },
  },
];

export function applyPreset(draft: Draft, preset: Preset): Draft {
  return { ...draft, ...preset.fields };
}

/** Two typed values that mean the same number(s): "1/255" and "0.00392157", "1,1,1" and "1, 1, 1". */
function sameNumbers(a: string, b: string): boolean {
  const x = a
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(parseNumber);
  const y = b
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(parseNumber);
  return (
    x.length === y.length &&
    x.every((v, i) => {
      const w = y[i];
      return v !== undefined && w !== undefined && Math.abs(v - w) <= 1e-4 * Math.max(1, Math.abs(w));
    })
  );
}

/** The preset the draft's fields match, if any (so the form can say "this is how a Keras model is prepared"). */
export function matchingPreset(draft: Draft): Preset | undefined {
  return PRESETS.find(({ fields }) => {
    if (fields.resize !== draft.resize || fields.kind !== draft.kind) return false;
    if (fields.resize === 'crop' && !sameNumbers(fields.cropFraction, draft.cropFraction)) return false;
    return (['scale', 'mean', 'std'] as const).every((k) => sameNumbers(fields[k], draft[k]));
  });
}
