/**
 * Source: the model's own `metadata_props`, the most trusted after the user's settings (it travels inside the file):
 *
 * - `onsight.spec`: a full or partial spec in our format (written by `model:add` and the default-model converter);
 * - fastai-style class lists: `labels`, `vocab`, `classes` or `class_names` (JSON array or comma list);
 * - Ultralytics (YOLO classify) exports: `names` ("{0: 'tench', 1: 'goldfish'}"), with `task` and `imgsz`.
 */
import { errorMessage } from '../../error-message';
import { parseJson } from '../json-values';
import { SPEC_METADATA_KEY } from '../spec';
import { SpecError } from '../spec-error';
import type { PartialModelSpec, SpecPart } from '../types';
import { validatePartialSpec } from '../validate';
import type { SourceContext, SpecSource } from './spec-source';

/** Metadata keys holding a plain class list, in the order they are looked for; the first found is used. */
const LABEL_LIST_KEYS = ['labels', 'vocab', 'classes', 'class_names'];

export const onnxMetadataSource: SpecSource = {
  name: 'ONNX metadata',
  async read(ctx) {
    return ctx.metadata ? specPartsFromMetadata(ctx.metadata, ctx) : [];
  },
};

function specPartsFromMetadata(metadata: Readonly<Record<string, string>>, ctx: SourceContext): SpecPart[] {
  const parts: SpecPart[] = [];
  const specText = metadata[SPEC_METADATA_KEY];
  if (specText !== undefined) {
    const source = `${SPEC_METADATA_KEY} in ${ctx.modelFile}`;
    parts.push({ source, spec: validatePartialSpec(parseJson(specText, source), source, ctx.warnings) });
  }
  const listKey = LABEL_LIST_KEYS.find((k) => metadata[k] !== undefined);
  if (listKey !== undefined) {
    const source = `"${listKey}" metadata in ${ctx.modelFile}`;
    parts.push({ source, spec: { labels: parseLabelList(metadata[listKey] ?? '', source) } });
  } else if (metadata.names !== undefined && !parts.some((p) => p.spec.labels)) {
    // Read only when nothing above named the classes, so that its preprocessing is not mixed into another spec.
    const source = `"names" metadata in ${ctx.modelFile}`;
    parts.push({ source, spec: specFromUltralytics(metadata, source) });
  }
  return parts;
}

/**
 * Ultralytics exports: `names` is a Python dict repr of the classes. A classify export also says `imgsz` ("[224, 224]")
 * and is preprocessed as Ultralytics' classify_transforms: shorter side to imgsz, centre crop, RGB / 255, no
 * mean/std; the softmax is in the graph.
 */
function specFromUltralytics(metadata: Readonly<Record<string, string>>, source: string): PartialModelSpec {
  const spec: PartialModelSpec = { labels: parsePythonNames(metadata.names ?? '', source) };
  if (metadata.task === 'classify') {
    const size = metadata.imgsz?.match(/\d+/g)?.map(Number);
    spec.input = { resize: 'crop', cropFraction: 1, scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };
    if (size?.length === 2) Object.assign(spec.input, { height: size[0], width: size[1] });
    spec.output = { kind: 'probabilities' };
  }
  return spec;
}

/** A label list stored as text in metadata: a JSON array of strings, or a comma-separated list. */
export function parseLabelList(text: string, where: string): string[] {
  const t = text.trim();
  if (t.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      throw new SpecError(`${where}: looks like a JSON array but does not parse (${errorMessage(e)})`);
    }
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
      throw new SpecError(`${where}: must be a non-empty JSON array of class names`);
    }
    return v.map(String);
  }
  const list = t.split(',').map((s) => s.trim());
  if (list.length === 0 || list.some((s) => s === ''))
    throw new SpecError(`${where}: must be a comma-separated list of class names`);
  return list;
}

/** A Python dict repr of class names: "{0: 'tench', 1: \"goldfish\"}". */
function parsePythonNames(text: string, where: string): string[] {
  const names: string[] = [];
  const re = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  const entries = [...text.matchAll(re)];
  for (const m of entries) names[Number(m[1])] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  if (names.length === 0 || Array.from(names).some((n) => n === undefined) || names.length !== entries.length) {
    throw new SpecError(`${where}: expected a dict of class indices 0..N-1 to names, e.g. {0: 'cat', 1: 'dog'}`);
  }
  return names;
}
