/**
 * Validation of spec JSON from any source (embedded `onsight.spec`, a sidecar, the user's settings, a saved model).
 *
 * - `validatePartialSpec(json, where, warnings?)`: the fields present, checked; missing fields stay missing.
 * - `validateSpec(json, where, warnings?)`: a complete spec; the required fields must be there, optional ones get
 *   their defaults.
 *
 * Messages name the source and the field, e.g. `onsight.spec in model.onnx: input.layout must be "nchw" or "nhwc",
 * got "chw"`. Unknown fields are ignored and reported in `warnings`, so a newer writer does not break an older reader.
 */
import { DEFAULT_INPUT } from './defaults';
import { FieldReader } from './field-reader';
import { inputRangeWarning } from './input-range';
import { isObject, showValue } from './json-values';
import { webAddress } from './source-url';
import { INPUT_DTYPES, type ModelSource, type ModelSpec, SPEC_FORMAT_VERSION } from './spec';
import { SpecError } from './spec-error';
import type { PartialInputSpec, PartialModelSpec, PartialOutputSpec } from './types';

const TOP_FIELDS = ['format', 'id', 'name', 'description', 'author', 'labels', 'input', 'output', 'source'] as const;
/** The top-level fields a source can give besides input and output, in the order provenance lists them. */
export const TOP_VALUE_FIELDS = ['id', 'name', 'description', 'author', 'labels', 'source'] as const;
/** Leaf fields of a spec's input: the keys validation accepts, in the order provenance lists them. */
export const INPUT_FIELDS = [
  'name',
  'layout',
  'dtype',
  'width',
  'height',
  'channels',
  'resize',
  'cropFraction',
  'resample',
  'alignCorners',
  'antialias',
  'padColor',
  'channelOrder',
  'scale',
  'mean',
  'std',
] as const satisfies readonly (keyof PartialInputSpec)[];
/** Leaf fields of a spec's output, likewise. */
export const OUTPUT_FIELDS = [
  'name',
  'kind',
  'backgroundClass',
  'quantization',
] as const satisfies readonly (keyof PartialOutputSpec)[];
const SOURCE_FIELDS = ['name', 'package', 'version', 'license', 'url', 'notes'] as const;
/** Largest accepted input side; beyond this a "classifier" input is almost certainly a mistake. */
const MAX_SIDE = 8192;

/** Checks the fields present in a spec JSON value and returns them typed; missing fields stay missing. */
export function validatePartialSpec(json: unknown, where: string, warnings?: string[]): PartialModelSpec {
  const r: FieldReader = new FieldReader(where, warnings);
  if (!isObject(json)) r.fail(`a spec must be a JSON object, got ${showValue(json)}`);
  r.warnUnknown(json, TOP_FIELDS, '');
  const out: PartialModelSpec = {};
  if (json.format !== undefined) out.format = readFormat(r, json.format);
  if (json.id !== undefined) out.id = readId(r, json.id);
  if (json.name !== undefined) out.name = r.string(json.name, 'name');
  if (json.description !== undefined) out.description = readText(r, json.description, 'description', 500);
  if (json.author !== undefined) out.author = readText(r, json.author, 'author', 200);
  if (json.labels !== undefined) out.labels = readLabels(r, json.labels);
  if (json.input !== undefined) out.input = readInput(r, json.input);
  if (json.output !== undefined) out.output = readOutput(r, json.output);
  if (json.source !== undefined) out.source = readSource(r, json.source);
  checkCrossFields(r, out);
  return out;
}

function readFormat(r: FieldReader, v: unknown): number {
  const f = r.number(v, 'format', Number.isInteger, 'an integer');
  if (f > SPEC_FORMAT_VERSION)
    r.fail(`format ${f} is newer than this version of OnSight reads (${SPEC_FORMAT_VERSION}); update OnSight`);
  if (f < 1) r.fail(`format must be 1 or more, got ${f}`);
  return f;
}

function readId(r: FieldReader, v: unknown): string {
  const id = r.string(v, 'id');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) {
    r.fail(`id must be 1-128 letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${showValue(id)}`);
  }
  return id;
}

/** Free text shown to people: trimmed, and short enough for a line or two on a phone (r.string refuses a blank). */
function readText(r: FieldReader, v: unknown, field: string, maxLength: number): string {
  const text = r.string(v, field).trim();
  if (text.length > maxLength) r.fail(`${field} must be at most ${maxLength} characters, got ${text.length}`);
  return text;
}

function readLabels(r: FieldReader, v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) r.fail(`labels must be a non-empty array of strings, got ${showValue(v)}`);
  return v.map((l: unknown, i) => {
    if (typeof l !== 'string') r.fail(`labels[${i}] must be a string, got ${showValue(l)}`);
    return l;
  });
}

function readInput(r: FieldReader, v: unknown): PartialInputSpec {
  const i = r.object(v, 'input');
  r.warnUnknown(i, INPUT_FIELDS, 'input.');
  const side = (n: number) => Number.isInteger(n) && n > 0 && n <= MAX_SIDE;
  const pixels = `a whole number of pixels from 1 to ${MAX_SIDE}`;
  const positive = (n: number) => n > 0;
  const inp: PartialInputSpec = {};
  if (i.name !== undefined) inp.name = r.string(i.name, 'input.name');
  if (i.layout !== undefined) inp.layout = r.oneOf(i.layout, 'input.layout', ['nchw', 'nhwc']);
  if (i.dtype !== undefined) inp.dtype = r.oneOf(i.dtype, 'input.dtype', INPUT_DTYPES);
  if (i.width !== undefined) inp.width = r.number(i.width, 'input.width', side, pixels);
  if (i.height !== undefined) inp.height = r.number(i.height, 'input.height', side, pixels);
  if (i.channels !== undefined) {
    if (i.channels !== 1 && i.channels !== 3) r.fail(`input.channels must be 1 or 3, got ${showValue(i.channels)}`);
    inp.channels = i.channels;
  }
  if (i.resize !== undefined) inp.resize = r.oneOf(i.resize, 'input.resize', ['squish', 'crop', 'pad']);
  if (i.cropFraction !== undefined) {
    const inUnit = (n: number) => n > 0 && n <= 1;
    inp.cropFraction = r.number(i.cropFraction, 'input.cropFraction', inUnit, 'a number in (0, 1], e.g. 0.875');
  }
  if (i.resample !== undefined)
    inp.resample = r.oneOf(i.resample, 'input.resample', ['bilinear', 'bicubic', 'nearest']);
  if (i.alignCorners !== undefined) inp.alignCorners = r.boolean(i.alignCorners, 'input.alignCorners');
  if (i.antialias !== undefined) inp.antialias = r.boolean(i.antialias, 'input.antialias');
  if (i.padColor !== undefined) {
    const byte = (n: number) => Number.isInteger(n) && n >= 0 && n <= 255;
    inp.padColor = r.triple(i.padColor, 'input.padColor', byte, 'an integer 0..255');
  }
  if (i.channelOrder !== undefined) inp.channelOrder = r.oneOf(i.channelOrder, 'input.channelOrder', ['rgb', 'bgr']);
  if (i.scale !== undefined)
    inp.scale = r.number(i.scale, 'input.scale', positive, 'a positive number, e.g. 0.00392156862745098 (1/255)');
  if (i.mean !== undefined) inp.mean = r.triple(i.mean, 'input.mean', () => true, 'a number');
  if (i.std !== undefined) inp.std = r.triple(i.std, 'input.std', positive, 'a positive number');
  return inp;
}

function readOutput(r: FieldReader, v: unknown): PartialOutputSpec {
  const o = r.object(v, 'output');
  r.warnUnknown(o, OUTPUT_FIELDS, 'output.');
  const out: PartialOutputSpec = {};
  if (o.name !== undefined) out.name = r.string(o.name, 'output.name');
  if (o.kind !== undefined) out.kind = r.oneOf(o.kind, 'output.kind', ['logits', 'probabilities', 'sigmoid', 'auto']);
  if (o.backgroundClass !== undefined) out.backgroundClass = r.boolean(o.backgroundClass, 'output.backgroundClass');
  if (o.quantization !== undefined) {
    const q = r.object(o.quantization, 'output.quantization', 'an object {scale, zeroPoint}');
    out.quantization = {
      scale: r.number(q.scale, 'output.quantization.scale', (n) => n > 0, 'a positive number'),
      zeroPoint: r.number(q.zeroPoint, 'output.quantization.zeroPoint', Number.isInteger, 'an integer'),
    };
  }
  return out;
}

function readSource(r: FieldReader, v: unknown): ModelSource {
  const s = r.object(v, 'source');
  r.warnUnknown(s, SOURCE_FIELDS, 'source.');
  const source: ModelSource = { name: r.string(s.name, 'source.name'), license: r.string(s.license, 'source.license') };
  for (const k of ['package', 'version', 'notes'] as const) {
    if (s[k] !== undefined) source[k] = r.string(s[k], `source.${k}`);
  }
  if (s.url !== undefined) {
    const url = r.string(s.url, 'source.url');
    // Dropped rather than refused: the model itself is fine, and a spec saved with it must never carry the link.
    if (webAddress(url)) source.url = url;
    else r.warn(`source.url ${showValue(url)} is not an http(s) address; it is ignored`);
  }
  return source;
}

/** Checks that hold between fields of one spec. */
function checkCrossFields(r: FieldReader, s: PartialModelSpec): void {
  if (s.output?.kind === 'sigmoid' && s.labels && s.labels.length !== 2) {
    r.fail(`output.kind "sigmoid" needs exactly 2 labels (negative, positive), got ${s.labels.length}`);
  }
  if (s.output?.kind === 'sigmoid' && s.output.backgroundClass) {
    r.fail('output.backgroundClass cannot be used with output.kind "sigmoid"');
  }
}

/**
 * Validates a complete spec and fills the defaults of its optional fields. Required: id, name, labels,
 * input.layout, input.dtype, input.width, input.height.
 */
export function validateSpec(json: unknown, where: string, warnings?: string[]): ModelSpec {
  const p = validatePartialSpec(json, where, warnings);
  const missing = (field: string): never => {
    throw new SpecError(`${where}: ${field} is missing`);
  };
  const input = p.input ?? missing('input');
  const spec: ModelSpec = {
    format: p.format ?? SPEC_FORMAT_VERSION,
    id: p.id ?? missing('id'),
    name: p.name ?? missing('name'),
    labels: p.labels ?? missing('labels'),
    input: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      layout: input.layout ?? missing('input.layout'),
      dtype: input.dtype ?? missing('input.dtype'),
      width: input.width ?? missing('input.width'),
      height: input.height ?? missing('input.height'),
      ...(input.channels !== undefined ? { channels: input.channels } : {}),
      resize: input.resize ?? DEFAULT_INPUT.resize,
      resample: input.resample ?? DEFAULT_INPUT.resample,
      alignCorners: input.alignCorners ?? DEFAULT_INPUT.alignCorners,
      antialias: input.antialias ?? DEFAULT_INPUT.antialias,
      channelOrder: input.channelOrder ?? DEFAULT_INPUT.channelOrder,
      scale: input.scale ?? DEFAULT_INPUT.scale,
      mean: input.mean ?? [...DEFAULT_INPUT.mean],
      std: input.std ?? [...DEFAULT_INPUT.std],
    },
    output: { kind: 'auto', ...p.output },
  };
  const resize = spec.input.resize;
  if (resize === 'crop') spec.input.cropFraction = input.cropFraction ?? DEFAULT_INPUT.cropFraction;
  else if (input.cropFraction !== undefined) spec.input.cropFraction = input.cropFraction;
  if (resize === 'pad') spec.input.padColor = input.padColor ?? [0, 0, 0];
  else if (input.padColor !== undefined) spec.input.padColor = input.padColor;
  if (p.source) spec.source = p.source;
  if (p.description !== undefined) spec.description = p.description;
  if (p.author !== undefined) spec.author = p.author;
  const range = inputRangeWarning(spec.input);
  if (range) warnings?.push(`${where}: ${range}`);
  return spec;
}
