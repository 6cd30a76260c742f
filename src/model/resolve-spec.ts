/**
 * Works out a model's {@link ModelSpec} from whatever came with it, in this order of trust (first source wins, field
 * by field):
 *
 * 1. the ONNX file's own `metadata_props`: `onsight.spec` (a full or partial spec), fastai-style `labels`/`vocab`/
 *    `classes` (JSON array or comma list), Ultralytics' `names`/`imgsz`;
 * 2. a sidecar in our format: `<model>.onsight.json` or `onsight.json`;
 * 3. Hugging Face layout: `config.json` (`id2label`) and `preprocessor_config.json`;
 * 4. Teachable Machine's `metadata.json` (labels, imageSize);
 * 5. `labels.txt` (one class a line);
 *
 * then the model's declared inputs/outputs (layout, size, dtype, class count; checked against the above), then
 * defaults. Every source is validated with a message naming it; `provenance` says which source gave each field.
 *
 * Runs in the worker after the ORT session exists: `io` comes from {@link describeSession}.
 */

import { type OnnxMetadata, readOnnxMetadata } from './onnx-metadata';
import type { ModelSpec } from './spec';
import { SPEC_METADATA_KEY } from './spec';
import {
  completeSpec,
  describeSession,
  idFromFileName,
  parseLabelList,
  parseLabelsText,
  SpecError,
  summarizeProvenance,
  validatePartialSpec,
} from './spec-rules.js';
import type { ModelIO, PartialInputSpec, PartialModelSpec, ResolvedSpec, SpecPart } from './types';

export type { ModelIO, ResolvedSpec };
export { describeSession, summarizeProvenance };

/** A file that came with the model (a `File` fits). */
export interface CompanionFile {
  name: string;
  text(): Promise<string>;
}

/** Companion files: `File`-like objects, or a map from file name to its text. */
export type Companions = readonly CompanionFile[] | ReadonlyMap<string, string>;

export interface ResolveModelSpecOptions {
  /** The model's file name (for messages, the sidecar name and the fallback id/name), e.g. "model.onnx". */
  modelFileName: string;
  /** The model's bytes, to read its `metadata_props`. Give this or `metadata`. */
  modelBytes?: Uint8Array;
  /** Metadata already read with `readOnnxMetadata`. */
  metadata?: OnnxMetadata;
  /** Files that came with the model; matched by base name, case-insensitively. */
  companions?: Companions;
  /** The model's inputs/outputs (from `describeSession(session)`); without it nothing is checked against the model. */
  io?: ModelIO;
  /** Fields that beat every source, e.g. the user's corrections in the UI. */
  overrides?: PartialModelSpec;
}

export interface ResolvedModelSpec extends ResolvedSpec {
  /** One line for the UI, e.g. "labels from labels.txt; preprocessing from defaults — please check". */
  summary: string;
  /** The sources that contributed, most trusted first. */
  sources: string[];
}

/** Resolves a model's spec; throws a `SpecError` (or `NotOnnxError`) whose message says what is wrong and where. */
export async function resolveModelSpec(opts: ResolveModelSpecOptions): Promise<ResolvedModelSpec> {
  const file = baseName(opts.modelFileName);
  const metadata = opts.metadata ?? (opts.modelBytes ? readOnnxMetadata(opts.modelBytes) : undefined);
  const warnings: string[] = [];
  const parts: SpecPart[] = [];
  if (opts.overrides)
    parts.push({ source: 'your settings', spec: validatePartialSpec(opts.overrides, 'your settings', warnings) });
  if (metadata) parts.push(...specPartsFromMetadata(metadata.metadata, file, warnings));
  parts.push(...(await specPartsFromCompanions(opts.companions ?? [], file, warnings)));

  // Labels from a lower source that disagree with the chosen ones are worth a word.
  const withLabels = parts.filter((p) => p.spec.labels);
  const chosen = withLabels[0];
  for (const p of withLabels.slice(1)) {
    if (chosen?.spec.labels && p.spec.labels && p.spec.labels.join('\n') !== chosen.spec.labels.join('\n')) {
      warnings.push(
        `labels in ${p.source} differ from those in ${chosen.source}, which take precedence; ${p.source} is ignored`,
      );
    }
  }
  const base = file.replace(/\.onnx$/i, '');
  const result = completeSpec(parts, opts.io, { id: idFromFileName(file), name: base || 'model', where: file });
  return {
    ...result,
    warnings: [...warnings, ...result.warnings],
    summary: summarizeProvenance(result.provenance),
    sources: [...new Set(Object.values(result.provenance))],
  };
}

/** Spec parts from an ONNX model's `metadata_props`. */
export function specPartsFromMetadata(
  metadata: Record<string, string>,
  file: string,
  warnings: string[] = [],
): SpecPart[] {
  const parts: SpecPart[] = [];
  const specText = metadata[SPEC_METADATA_KEY];
  if (specText !== undefined) {
    const source = `${SPEC_METADATA_KEY} in ${file}`;
    parts.push({ source, spec: validatePartialSpec(parseJson(specText, source), source, warnings) });
  }
  for (const key of ['labels', 'vocab', 'classes', 'class_names']) {
    const v = metadata[key];
    if (v === undefined) continue;
    const source = `"${key}" metadata in ${file}`;
    parts.push({ source, spec: { labels: parseLabelList(v, source) } });
    break;
  }
  // Ultralytics (YOLO classify) exports: names = "{0: 'tench', 1: 'goldfish'}", imgsz = "[224, 224]".
  if (metadata.names !== undefined && !parts.some((p) => p.spec.labels)) {
    const source = `"names" metadata in ${file}`;
    const spec: PartialModelSpec = { labels: parsePythonNames(metadata.names, source) };
    if (metadata.task === 'classify') {
      const size = metadata.imgsz?.match(/\d+/g)?.map(Number);
      // Ultralytics classify_transforms: shorter side to imgsz, centre crop, RGB / 255, no mean/std; softmax in the graph.
      spec.input = { resize: 'crop', cropFraction: 1, scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };
      if (size?.length === 2) Object.assign(spec.input, { height: size[0], width: size[1] });
      spec.output = { kind: 'probabilities' };
    }
    parts.push({ source, spec });
  }
  return parts;
}

/** Spec parts from the files that came with the model, in precedence order. */
export async function specPartsFromCompanions(
  companions: Companions,
  modelFile: string,
  warnings: string[] = [],
): Promise<SpecPart[]> {
  const files = new Map<string, { name: string; text: () => Promise<string> }>();
  if (companions instanceof Map) {
    for (const [name, text] of companions)
      files.set(baseName(name).toLowerCase(), { name: baseName(name), text: async () => text });
  } else {
    for (const f of companions as readonly CompanionFile[])
      files.set(baseName(f.name).toLowerCase(), { name: baseName(f.name), text: () => f.text() });
  }
  const get = (name: string) => files.get(name.toLowerCase());
  const json = async (f: { name: string; text: () => Promise<string> }) => parseJson(await f.text(), f.name);
  const parts: SpecPart[] = [];
  const base = modelFile.replace(/\.onnx$/i, '');

  const sidecar = get(`${base}.onsight.json`) ?? get('onsight.json');
  if (sidecar)
    parts.push({ source: sidecar.name, spec: validatePartialSpec(await json(sidecar), sidecar.name, warnings) });

  const config = get('config.json');
  const pre = get('preprocessor_config.json');
  if (config)
    parts.push({ source: config.name, spec: specFromHuggingFaceConfig(await json(config), config.name, warnings) });
  if (pre) parts.push({ source: pre.name, spec: specFromHuggingFacePreprocessor(await json(pre), pre.name, warnings) });

  const tm = get('metadata.json');
  if (tm) {
    const meta = await json(tm);
    // metadata.json is a common name: only Teachable Machine's (labels, or its package name) is read.
    const isTm =
      isObj(meta) && (meta.labels !== undefined || String(meta.packageName ?? '').includes('teachablemachine'));
    if (isTm)
      parts.push({
        source: `${tm.name} (Teachable Machine)`,
        spec: specFromTeachableMachine(meta, `${tm.name} (Teachable Machine)`, warnings),
      });
    else warnings.push(`${tm.name} ignored: it is not Teachable Machine's metadata (no "labels")`);
  }

  const labels = get(`${base}.labels.txt`) ?? get('labels.txt') ?? get('classes.txt');
  if (labels) parts.push({ source: labels.name, spec: { labels: parseLabelsText(await labels.text(), labels.name) } });
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// Hugging Face

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `config.json`: labels from `id2label` ({"0": "tench", ...}); HF classifiers output logits. */
export function specFromHuggingFaceConfig(
  config: unknown,
  where = 'config.json',
  warnings: string[] = [],
): PartialModelSpec {
  if (!isObj(config)) throw new SpecError(`${where}: must be a JSON object`);
  const spec: PartialModelSpec = {};
  const id2label = config.id2label;
  if (id2label !== undefined) {
    if (!isObj(id2label)) throw new SpecError(`${where}: id2label must be an object {"0": "first class", ...}`);
    const entries = Object.entries(id2label);
    const labels: string[] = [];
    for (const [k, v] of entries) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i >= entries.length) {
        throw new SpecError(`${where}: id2label keys must be the class indices 0..${entries.length - 1}, got "${k}"`);
      }
      if (typeof v !== 'string') throw new SpecError(`${where}: id2label["${k}"] must be a string`);
      labels[i] = v;
    }
    if (entries.length === 0) throw new SpecError(`${where}: id2label is empty`);
    spec.labels = labels;
    if (labels.every((l) => /^LABEL_\d+$/.test(l))) {
      warnings.push(
        `${where}: id2label holds only placeholder names (LABEL_0, LABEL_1...); the model was exported without class names`,
      );
    }
  }
  const arch = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  if (arch.some((a) => a.endsWith('ForImageClassification'))) spec.output = { kind: 'logits' };
  return spec;
}

/** PIL resampling codes, as in `preprocessor_config.json`'s `resample`. */
const PIL_RESAMPLE: Record<number, PartialInputSpec['resample']> = { 0: 'nearest', 2: 'bilinear', 3: 'bicubic' };

type Size = { height: number; width: number } | { shortest: number };

function hfSize(v: unknown, field: string, where: string): Size | undefined {
  if (v === undefined || v === null) return undefined;
  const pos = (n: unknown, f: string) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
      throw new SpecError(`${where}: ${f} must be a positive whole number, got ${JSON.stringify(n)}`);
    return n;
  };
  if (typeof v === 'number') return { height: pos(v, field), width: v };
  if (isObj(v)) {
    if (v.height !== undefined || v.width !== undefined)
      return { height: pos(v.height, `${field}.height`), width: pos(v.width, `${field}.width`) };
    if (v.shortest_edge !== undefined) return { shortest: pos(v.shortest_edge, `${field}.shortest_edge`) };
  }
  throw new SpecError(
    `${where}: ${field} must be a number, {height, width} or {shortest_edge}, got ${JSON.stringify(v)}`,
  );
}

function triple(v: unknown, field: string, where: string): [number, number, number] {
  if (typeof v === 'number') return [v, v, v];
  if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    return v as [number, number, number];
  throw new SpecError(`${where}: ${field} must be 3 numbers, got ${JSON.stringify(v)}`);
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
  if (!isObj(pp)) throw new SpecError(`${where}: must be a JSON object`);
  const input: PartialInputSpec = {};
  const size = pp.do_resize === false ? undefined : hfSize(pp.size, 'size', where);
  const crop = hfSize(pp.crop_size, 'crop_size', where);
  const cropPct = pp.crop_pct;
  if (cropPct !== undefined && cropPct !== null && (typeof cropPct !== 'number' || !(cropPct > 0 && cropPct <= 1))) {
    throw new SpecError(`${where}: crop_pct must be a number in (0, 1], got ${JSON.stringify(cropPct)}`);
  }
  const doCrop = pp.do_center_crop === true || (pp.do_center_crop === undefined && crop !== undefined);
  const sideOf = (s: Size) => ('shortest' in s ? s.shortest : Math.min(s.height, s.width));
  if (doCrop && crop && 'height' in crop) {
    input.resize = 'crop';
    input.height = crop.height;
    input.width = crop.width;
    let fraction = size ? Math.min(crop.height, crop.width) / sideOf(size) : 1;
    if (fraction > 1) {
      warnings.push(`${where}: crop_size is larger than size; cropping without margin instead`);
      fraction = 1;
    }
    input.cropFraction = fraction;
  } else if (size && 'shortest' in size) {
    // ConvNeXt-style: shorter side to shortest_edge / crop_pct, centre crop shortest_edge (crop_pct absent → 1).
    input.resize = 'crop';
    input.height = size.shortest;
    input.width = size.shortest;
    input.cropFraction = typeof cropPct === 'number' ? cropPct : 1;
  } else if (size) {
    input.resize = 'squish';
    input.height = size.height;
    input.width = size.width;
  }
  if (pp.resample !== undefined && pp.resample !== null) {
    const r = PIL_RESAMPLE[pp.resample as number];
    if (r) input.resample = r;
    else if (pp.resample === 1) {
      input.resample = 'bicubic';
      warnings.push(`${where}: resample 1 (Lanczos) is approximated with bicubic`);
    } else if (pp.resample === 4 || pp.resample === 5) {
      input.resample = 'bilinear';
      warnings.push(`${where}: resample ${pp.resample} (box/Hamming) is approximated with bilinear`);
    } else
      throw new SpecError(
        `${where}: resample must be a PIL resampling code (0 nearest, 2 bilinear, 3 bicubic), got ${JSON.stringify(pp.resample)}`,
      );
  }
  if (pp.do_rescale === false) input.scale = 1;
  else if (pp.rescale_factor !== undefined) {
    if (typeof pp.rescale_factor !== 'number' || !(pp.rescale_factor > 0))
      throw new SpecError(`${where}: rescale_factor must be a positive number`);
    input.scale = pp.rescale_factor;
  } else input.scale = 1 / 255;
  if (pp.do_normalize === false) {
    input.mean = [0, 0, 0];
    input.std = [1, 1, 1];
  } else {
    if (pp.image_mean !== undefined) input.mean = triple(pp.image_mean, 'image_mean', where);
    if (pp.image_std !== undefined) input.std = triple(pp.image_std, 'image_std', where);
  }
  // PIL resizes with a filter widened to the scale factor, i.e. antialiased; RGB order.
  input.antialias = true;
  input.channelOrder = 'rgb';
  return { input };
}

// ---------------------------------------------------------------------------------------------------------------
// Teachable Machine

/**
 * Teachable Machine's `metadata.json` ({labels, imageSize, modelName, packageName: "@teachablemachine/image"...}).
 *
 * What TM's runtime (`@teachablemachine/image`) does to a photo, which a converted TM model therefore expects:
 * - `cropTo` draws the centre square of the photo scaled to imageSize × imageSize → `resize: 'crop'` with
 *   `cropFraction: 1` (shorter side to imageSize, centre square);
 * - `capture` then computes `pixels / 127 - 1` (its code divides by 127, not 127.5, although its comment says
 *   "between -1 and 1"). OnSight computes (pixel × scale − mean) / std, so scale 1/127, mean 1, std 1 reproduces
 *   TM exactly; 1/127.5 would map 0..255 onto exactly −1..1 but differ from what the model was trained on by ≤ 0.8 %;
 * - the model ends in a softmax (TM trains a dense + softmax head on MobileNet), so the output is probabilities;
 * - the tensor is float32 NHWC (TF.js); the layout is left to the ONNX model's input shape, which a converter may
 *   have changed.
 */
export function specFromTeachableMachine(
  meta: unknown,
  where = 'metadata.json',
  _warnings: string[] = [],
): PartialModelSpec {
  if (!isObj(meta)) throw new SpecError(`${where}: must be a JSON object`);
  if (!Array.isArray(meta.labels) || meta.labels.length === 0 || meta.labels.some((l) => typeof l !== 'string')) {
    throw new SpecError(`${where}: labels must be a non-empty array of class names`);
  }
  const spec: PartialModelSpec = { labels: meta.labels as string[] };
  const size = meta.imageSize;
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size <= 0)) {
    throw new SpecError(`${where}: imageSize must be a positive whole number, got ${JSON.stringify(size)}`);
  }
  spec.input = {
    ...(typeof size === 'number' ? { width: size, height: size } : {}),
    resize: 'crop',
    cropFraction: 1,
    resample: 'bilinear',
    channelOrder: 'rgb',
    scale: 1 / 127,
    mean: [1, 1, 1],
    std: [1, 1, 1],
  };
  spec.output = { kind: 'probabilities' };
  if (typeof meta.modelName === 'string' && meta.modelName.trim() && meta.modelName !== 'tm-my-image-model')
    spec.name = meta.modelName;
  return spec;
}

// ---------------------------------------------------------------------------------------------------------------

function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SpecError(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** A Python dict repr of class names: "{0: 'tench', 1: \"goldfish\"}". */
function parsePythonNames(text: string, where: string): string[] {
  const names: string[] = [];
  const re = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const m of text.matchAll(re)) names[Number(m[1])] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  if (
    names.length === 0 ||
    Array.from(names).some((n) => n === undefined) ||
    names.length !== [...text.matchAll(re)].length
  ) {
    throw new SpecError(`${where}: expected a dict of class indices 0..N-1 to names, e.g. {0: 'cat', 1: 'dog'}`);
  }
  return names;
}

export type { ModelSpec };
