/**
 * Completing a spec from the parts its sources gave, in four steps, each a function below:
 *
 * 1. {@link mergeParts}: the first (most trusted) source wins, field by field, and each field remembers its source;
 * 2. {@link checkAgainstModel}: the merged fields must agree with the model's declared inputs/outputs, which then
 *    supply what they fix (input/output names, layout, size, dtype);
 * 3. {@link fillInputDefaults}: what is still unknown about the input gets OnSight's defaults;
 * 4. {@link matchLabels}: the labels must fit the class count (one extra background class, or a single sigmoid
 *    logit for two labels); with no labels at all the classes are numbered.
 *
 * The result is then validated like any spec, so a completed spec is never looser than one written by hand.
 */
import { DEFAULT_INPUT, DEFAULT_SIZE } from './defaults';
import { inspectIO, showShape } from './model-io';
import { DEFAULTS_SOURCE, GENERATED_LABELS_SOURCE, IO_SOURCE } from './provenance';
import { type InputSpec, type OutputSpec, SPEC_FORMAT_VERSION } from './spec';
import { SpecError } from './spec-error';
import type {
  IOFacts,
  ModelIO,
  PartialInputSpec,
  PartialModelSpec,
  PartialOutputSpec,
  Provenance,
  ResolvedSpec,
  SpecPart,
} from './types';
import { INPUT_FIELDS, OUTPUT_FIELDS, TOP_VALUE_FIELDS, validateSpec } from './validate';

type TopFields = Pick<PartialModelSpec, (typeof TOP_VALUE_FIELDS)[number]>;

/** A spec being completed: the fields known so far, where each came from, and notes for the user. */
export class SpecDraft {
  readonly top: TopFields = {};
  readonly input: PartialInputSpec = {};
  readonly output: PartialOutputSpec = {};
  readonly provenance: Provenance = {};
  readonly warnings: string[] = [];

  /** @param where the model, for messages, e.g. "model.onnx" */
  constructor(readonly where: string) {}

  fail(message: string): never {
    throw new SpecError(`${this.where}: ${message}`);
  }

  /** The source that gave a field, for messages. */
  from(field: string): string {
    return this.provenance[field] ?? 'the spec';
  }

  /** Sets a top-level field unless it is already known. */
  fillTop<K extends keyof TopFields>(k: K, v: TopFields[K] | undefined, source: string): void {
    if (this.top[k] !== undefined || v === undefined) return;
    this.top[k] = v;
    this.provenance[k] = source;
  }

  /** Sets an input field unless it is already known. */
  fillInput<K extends keyof InputSpec>(k: K, v: InputSpec[K] | undefined, source: string): void {
    if (this.input[k] !== undefined || v === undefined) return;
    this.input[k] = v;
    this.provenance[`input.${k}`] = source;
  }

  /** Sets an output field unless it is already known. */
  fillOutput<K extends keyof OutputSpec>(k: K, v: OutputSpec[K] | undefined, source: string): void {
    if (this.output[k] !== undefined || v === undefined) return;
    this.output[k] = v;
    this.provenance[`output.${k}`] = source;
  }
}

/** Step 1: merges partial specs, most trusted first; the first source to give a field wins. */
export function mergeParts(parts: readonly SpecPart[], where: string): SpecDraft {
  const draft = new SpecDraft(where);
  for (const { source, spec } of parts) {
    for (const k of TOP_VALUE_FIELDS) draft.fillTop(k, spec[k], source);
    for (const k of INPUT_FIELDS) draft.fillInput(k, spec.input?.[k], source);
    for (const k of OUTPUT_FIELDS) draft.fillOutput(k, spec.output?.[k], source);
  }
  return draft;
}

/** Step 2: refuses fields that contradict the model's declared inputs/outputs, then takes what those fix. */
export function checkAgainstModel(draft: SpecDraft, io: ModelIO): IOFacts {
  const { input, output } = draft;
  const facts = inspectIO(io, { inputName: input.name, outputName: output.name, where: draft.where });
  const fi = facts.input;
  if (input.layout !== undefined && fi.layout !== undefined && input.layout !== fi.layout) {
    const shape = showShape(io.inputs.find((v) => v.name === fi.name)?.shape ?? []);
    draft.fail(
      `${draft.from('input.layout')} says input.layout "${input.layout}", but input "${fi.name}" has shape ${shape}, which is ${fi.layout.toUpperCase()}`,
    );
  }
  if (input.dtype !== undefined && input.dtype !== fi.dtype) {
    draft.fail(
      `${draft.from('input.dtype')} says input.dtype "${input.dtype}", but input "${fi.name}" takes ${fi.type}`,
    );
  }
  for (const k of ['width', 'height', 'channels'] as const) {
    if (input[k] !== undefined && fi[k] !== undefined && input[k] !== fi[k]) {
      draft.fail(
        `${draft.from(`input.${k}`)} says input.${k} ${input[k]}, but input "${fi.name}" has a fixed ${k} of ${fi[k]}`,
      );
    }
  }
  draft.fillInput('name', fi.name, IO_SOURCE);
  draft.fillInput('layout', fi.layout, IO_SOURCE);
  draft.fillInput('dtype', fi.dtype, IO_SOURCE);
  draft.fillInput('width', fi.width, IO_SOURCE);
  draft.fillInput('height', fi.height, IO_SOURCE);
  // Three channels is what a spec means when it says nothing; only grayscale needs saying.
  if (fi.channels === 1) draft.fillInput('channels', 1, IO_SOURCE);
  draft.fillOutput('name', facts.output.name, IO_SOURCE);
  return facts;
}

/** Step 3: defaults for the input fields no source and not the model gave. */
export function fillInputDefaults(draft: SpecDraft): void {
  const { input, where } = draft;
  if (input.layout === undefined) {
    draft.warnings.push(`${where}: the input layout could not be read from the model; assuming NCHW`);
  }
  draft.fillInput('layout', 'nchw', DEFAULTS_SOURCE);
  draft.fillInput('dtype', 'float32', DEFAULTS_SOURCE);
  if (input.width === undefined || input.height === undefined) {
    const w = input.width ?? input.height ?? DEFAULT_SIZE;
    const h = input.height ?? input.width ?? DEFAULT_SIZE;
    draft.warnings.push(`${where}: the model accepts any input size; using ${w}×${h}`);
    draft.fillInput('width', w, DEFAULTS_SOURCE);
    draft.fillInput('height', h, DEFAULTS_SOURCE);
  }
  draft.fillInput('resize', DEFAULT_INPUT.resize, DEFAULTS_SOURCE);
  if (input.resize === 'crop') draft.fillInput('cropFraction', DEFAULT_INPUT.cropFraction, DEFAULTS_SOURCE);
  if (input.resize === 'pad') draft.fillInput('padColor', [0, 0, 0], DEFAULTS_SOURCE);
  // Channels-last models come from TensorFlow/Keras/TFLite, whose resizes (tf.image.resize, keras Resizing) do not
  // antialias by default; torchvision's (channels first) do. A uint8 TFLite-derived MobileNetV2 picks "kite" over
  // "bald eagle" when fed antialiased pixels.
  if (input.layout === 'nhwc') draft.fillInput('antialias', false, DEFAULTS_SOURCE);
  for (const k of ['resample', 'alignCorners', 'antialias', 'channelOrder'] as const) {
    draft.fillInput(k, DEFAULT_INPUT[k], DEFAULTS_SOURCE);
  }
  if (input.dtype === 'uint8') {
    // Raw pixels: scale/mean/std are ignored for uint8 input; record neutral values so the spec reads true.
    draft.fillInput('scale', 1, IO_SOURCE);
    draft.fillInput('mean', [0, 0, 0], IO_SOURCE);
    draft.fillInput('std', [1, 1, 1], IO_SOURCE);
  } else {
    draft.fillInput('scale', DEFAULT_INPUT.scale, DEFAULTS_SOURCE);
    draft.fillInput('mean', [...DEFAULT_INPUT.mean], DEFAULTS_SOURCE);
    draft.fillInput('std', [...DEFAULT_INPUT.std], DEFAULTS_SOURCE);
  }
}

/** Step 4: labels against the model's class count; the output kind and background class follow from it. */
export function matchLabels(draft: SpecDraft, facts: IOFacts | undefined): void {
  const { output, where } = draft;
  const classes = facts?.output.classes;
  const outName = facts ? `output "${facts.output.name}"` : 'the output';
  const labels = draft.top.labels ?? numberClasses(draft, classes, outName);
  const L = labels.length;
  if (classes !== undefined) {
    if (output.kind === 'sigmoid' && classes !== 1) {
      draft.fail(
        `${draft.from('output.kind')} says output.kind "sigmoid" (one logit), but ${outName} has ${classes} scores`,
      );
    }
    if (output.backgroundClass === true && classes !== L + 1) {
      draft.fail(
        `${draft.from('output.backgroundClass')} says there is a background class, but ${outName} has ${classes} scores for ${L} labels (expected ${L + 1})`,
      );
    }
    if (classes === L) {
      // One score per label: nothing to add.
    } else if (classes === L + 1 && output.backgroundClass !== false) {
      draft.fillOutput('backgroundClass', true, IO_SOURCE);
    } else if (classes === 1 && L === 2) {
      if (output.kind !== undefined && output.kind !== 'sigmoid' && output.kind !== 'auto') {
        draft.fail(
          `${outName} has a single score for 2 labels, which needs output.kind "sigmoid", but ${draft.from('output.kind')} says "${output.kind}"`,
        );
      }
      // The shape decides over an "auto" from a source: one logit for two labels can only be a sigmoid.
      output.kind = 'sigmoid';
      draft.provenance['output.kind'] = IO_SOURCE;
    } else {
      draft.fail(
        `${outName} has ${classes} scores per image, but there are ${L} labels (from ${draft.from('labels')}); they must match (or the model may have one extra background class at index 0)`,
      );
    }
  }
  draft.fillOutput('kind', 'auto', DEFAULTS_SOURCE);
  if (facts?.output.type === 'uint8' && output.quantization === undefined) {
    // src/vision/postprocess.ts reads an unquantised uint8 output as q / 255.
    draft.warnings.push(
      `${where}: ${outName} is uint8 and no output.quantization was given; its values are read as 0..255 → 0..1`,
    );
  }
}

/** Labels "class 0".."class N-1" when no source names the classes; refused when the model does not say how many. */
function numberClasses(draft: SpecDraft, classes: number | undefined, outName: string): string[] {
  if (classes === undefined) {
    return draft.fail(
      `no labels were found (embedded in the model, onsight.json, config.json, metadata.json or labels.txt), and ${outName} does not declare how many classes it has`,
    );
  }
  const n = classes - (draft.output.backgroundClass === true ? 1 : 0);
  const labels = Array.from({ length: n }, (_, i) => `class ${i}`);
  draft.fillTop('labels', labels, GENERATED_LABELS_SOURCE);
  draft.warnings.push(
    `${draft.where}: no labels found; classes are numbered "class 0".."class ${n - 1}". Add a labels.txt with one class name a line.`,
  );
  return labels;
}

/**
 * Completes a spec from partial specs, most trusted first, and the model's inputs/outputs (without them nothing is
 * cross-checked); returns the validated spec with the source of every field.
 * @param fallback id and name used when no source gives them; `where` names the model in messages
 */
export function completeSpec(
  parts: readonly SpecPart[],
  io: ModelIO | undefined,
  fallback: { id: string; name: string; where?: string },
): ResolvedSpec {
  const where = fallback.where ?? 'the model';
  const draft = mergeParts(parts, where);
  const facts = io ? checkAgainstModel(draft, io) : undefined;
  fillInputDefaults(draft);
  matchLabels(draft, facts);
  draft.fillTop('id', fallback.id, DEFAULTS_SOURCE);
  draft.fillTop('name', fallback.name, DEFAULTS_SOURCE);
  const json = { format: SPEC_FORMAT_VERSION, ...draft.top, input: draft.input, output: draft.output };
  const spec = validateSpec(json, where, draft.warnings);
  return { spec, provenance: draft.provenance, warnings: draft.warnings };
}
