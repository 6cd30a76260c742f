/**
 * Source: a Hugging Face export: `config.json` (class names in `id2label`, the architecture) and
 * `preprocessor_config.json` (transformers' image processor: size, crop, resampling, rescale, normalisation).
 */
import { FieldReader } from '../field-reader';
import { isObject, showValue } from '../json-values';
import type { PartialInputSpec, PartialModelSpec, SpecPart } from '../types';
import { companionJson, type SpecSource } from './spec-source';

export const huggingFaceSource: SpecSource = {
  name: 'Hugging Face',
  async read(ctx) {
    const parts: SpecPart[] = [];
    const config = ctx.companion('config.json');
    const pre = ctx.companion('preprocessor_config.json');
    if (config) {
      const spec = specFromHuggingFaceConfig(await companionJson(config), config.name, ctx.warnings);
      parts.push({ source: config.name, spec });
    }
    if (pre) {
      const spec = specFromHuggingFacePreprocessor(await companionJson(pre), pre.name, ctx.warnings);
      parts.push({ source: pre.name, spec });
    }
    return parts;
  },
};

/** `config.json`: labels from `id2label` ({"0": "tench", ...}); HF classifiers output logits. */
export function specFromHuggingFaceConfig(
  config: unknown,
  where = 'config.json',
  warnings: string[] = [],
): PartialModelSpec {
  const r: FieldReader = new FieldReader(where, warnings);
  if (!isObject(config)) r.fail(`must be a JSON object, got ${showValue(config)}`);
  const spec: PartialModelSpec = {};
  if (config.id2label !== undefined) spec.labels = readId2label(r, config.id2label);
  const arch = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  if (arch.some((a) => a.endsWith('ForImageClassification'))) spec.output = { kind: 'logits' };
  return spec;
}

function readId2label(r: FieldReader, id2label: unknown): string[] {
  if (!isObject(id2label)) r.fail('id2label must be an object {"0": "first class", ...}');
  const entries = Object.entries(id2label);
  if (entries.length === 0) r.fail('id2label is empty');
  const labels: string[] = [];
  for (const [k, v] of entries) {
    const i = Number(k);
    if (!Number.isInteger(i) || i < 0 || i >= entries.length) {
      r.fail(`id2label keys must be the class indices 0..${entries.length - 1}, got "${k}"`);
    }
    if (typeof v !== 'string') r.fail(`id2label["${k}"] must be a string`);
    labels[i] = v;
  }
  if (labels.every((l) => /^LABEL_\d+$/.test(l))) {
    r.warn('id2label holds only placeholder names (LABEL_0, LABEL_1...); the model was exported without class names');
  }
  return labels;
}

/** PIL resampling codes, as in `preprocessor_config.json`'s `resample`. */
const PIL_RESAMPLE: Record<number, PartialInputSpec['resample']> = { 0: 'nearest', 2: 'bilinear', 3: 'bicubic' };

type Size = { height: number; width: number } | { shortest: number };

/** transformers' size forms: a number, {height, width} or {shortest_edge}. */
function readSize(r: FieldReader, v: unknown, field: string): Size | undefined {
  if (v === undefined || v === null) return undefined;
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  const side = (n: unknown, f: string) => r.number(n, f, positiveInt, 'a positive whole number');
  if (typeof v === 'number') return { height: side(v, field), width: v };
  if (isObject(v)) {
    if (v.height !== undefined || v.width !== undefined)
      return { height: side(v.height, `${field}.height`), width: side(v.width, `${field}.width`) };
    if (v.shortest_edge !== undefined) return { shortest: side(v.shortest_edge, `${field}.shortest_edge`) };
  }
  return r.fail(`${field} must be a number, {height, width} or {shortest_edge}, got ${showValue(v)}`);
}

/** transformers accepts one number for all channels, or three. */
function readChannels(r: FieldReader, v: unknown, field: string): [number, number, number] {
  return r.triple(typeof v === 'number' ? [v, v, v] : v, field, () => true, 'a number', '3 numbers');
}

/**
 * `preprocessor_config.json` (transformers' image processors): size, crop, resampling, rescale, normalisation.
 * Differences from transformers that remain: with `size: {height, width}` plus a centre crop, transformers squishes
 * to that size before cropping, while OnSight's `crop` keeps the aspect ratio (same result on square photos).
 */
export function specFromHuggingFacePreprocessor(
  pp: unknown,
  where = 'preprocessor_config.json',
  warnings: string[] = [],
): PartialModelSpec {
  const r: FieldReader = new FieldReader(where, warnings);
  if (!isObject(pp)) r.fail(`must be a JSON object, got ${showValue(pp)}`);
  const input: PartialInputSpec = { ...readGeometry(r, pp) };
  const resample = readResample(r, pp.resample);
  if (resample) input.resample = resample;
  if (pp.do_rescale === false) input.scale = 1;
  else if (pp.rescale_factor !== undefined)
    input.scale = r.number(pp.rescale_factor, 'rescale_factor', (n) => n > 0, 'a positive number');
  else input.scale = 1 / 255;
  if (pp.do_normalize === false) {
    input.mean = [0, 0, 0];
    input.std = [1, 1, 1];
  } else {
    if (pp.image_mean !== undefined) input.mean = readChannels(r, pp.image_mean, 'image_mean');
    if (pp.image_std !== undefined) input.std = readChannels(r, pp.image_std, 'image_std');
  }
  // PIL resizes with a filter widened to the scale factor, i.e. antialiased; RGB order.
  input.antialias = true;
  input.channelOrder = 'rgb';
  return { input };
}

/** Size and resize policy from `size`, `crop_size`, `crop_pct`, `do_resize` and `do_center_crop`. */
function readGeometry(r: FieldReader, pp: Record<string, unknown>): PartialInputSpec {
  const size = pp.do_resize === false ? undefined : readSize(r, pp.size, 'size');
  const crop = readSize(r, pp.crop_size, 'crop_size');
  const cropPct =
    pp.crop_pct === undefined || pp.crop_pct === null
      ? undefined
      : r.number(pp.crop_pct, 'crop_pct', (n) => n > 0 && n <= 1, 'a number in (0, 1]');
  const doCrop = pp.do_center_crop === true || (pp.do_center_crop === undefined && crop !== undefined);
  const sideOf = (s: Size) => ('shortest' in s ? s.shortest : Math.min(s.height, s.width));
  if (doCrop && crop && 'height' in crop) {
    let fraction = size ? Math.min(crop.height, crop.width) / sideOf(size) : 1;
    if (fraction > 1) {
      r.warn('crop_size is larger than size; cropping without margin instead');
      fraction = 1;
    }
    return { resize: 'crop', height: crop.height, width: crop.width, cropFraction: fraction };
  }
  if (size && 'shortest' in size) {
    // ConvNeXt-style: shorter side to shortest_edge / crop_pct, centre crop shortest_edge (crop_pct absent → 1).
    return { resize: 'crop', height: size.shortest, width: size.shortest, cropFraction: cropPct ?? 1 };
  }
  if (size) return { resize: 'squish', height: size.height, width: size.width };
  return {};
}

/** PIL's resampling code; filters OnSight lacks are approximated, with a warning. */
function readResample(r: FieldReader, code: unknown): PartialInputSpec['resample'] {
  if (code === undefined || code === null) return undefined;
  const exact = PIL_RESAMPLE[code as number];
  if (exact) return exact;
  if (code === 1) {
    r.warn('resample 1 (Lanczos) is approximated with bicubic');
    return 'bicubic';
  }
  if (code === 4 || code === 5) {
    r.warn(`resample ${code} (box/Hamming) is approximated with bilinear`);
    return 'bilinear';
  }
  return r.fail(`resample must be a PIL resampling code (0 nearest, 2 bilinear, 3 bicubic), got ${showValue(code)}`);
}
