/**
 * A user's TF.js layers model (a Teachable Machine export, or any model.json with its shards) → an ONNX file that
 * carries its own spec, so it loads like any ONNX model with an embedded spec and is never converted again.
 *
 * Steps: gather the files (tfjs-file-set.ts: loose, from a folder or from a .zip) → decode the weights → convert the
 * graph (tfjs-layers/) → resolve the spec from metadata.json / labels.txt and the converted model's inputs/outputs
 * (the same resolver the page and model:add use) → write the spec into the file's `metadata_props`. The page runs this
 * in the conversion worker; `model:add` runs it in Node.
 */
import { errorMessage } from '../error-message';
import { idFromFileName } from '../model/file-names';
import { DEFAULTS_SOURCE, GENERATED_LABELS_SOURCE } from '../model/provenance';
import { type ResolvedModelSpec, resolveModelSpec } from '../model/resolve-spec';
import { LICENSE_NOT_STATED, type ModelSource, type ModelSpec, SPEC_METADATA_KEY } from '../model/spec';
import type { ModelIO, PartialModelSpec } from '../model/types';
import { INPUT_FIELDS, OUTPUT_FIELDS } from '../model/validate';
import { setMetadataProps } from '../onnx/onnx-fields';
import { type GivenFile, gatherTfjsModel, ModelFilesError } from './tfjs-file-set';
import { type ConversionResult, convertDecodedModel, decodeTfjsLayersModel } from './tfjs-layers/index';

/** How far a conversion has got: step `done` of `total`, and what it is doing, in words. */
export interface ConversionProgress {
  done: number;
  total: number;
  text: string;
}

export interface ConvertedModel {
  /** The ONNX file's name, after the model: "recyclables.onnx". */
  fileName: string;
  /** The .onnx file, its spec in `metadata_props` under `onsight.spec`. */
  onnx: Uint8Array;
  /** The spec as resolved at conversion time (the page resolves it again from the file, to the same result). */
  spec: ModelSpec;
  /** Where the spec came from, and what to check (weights no layer read, guessed preprocessing). */
  summary: string;
  warnings: string[];
}

/** A conversion that cannot be done, with the reason in words for the user (the file or layer at fault named). */
export class ConversionError extends Error {
  override readonly name = 'ConversionError';
}

/** Folder and zip names that Teachable Machine gives every export: they say nothing about the model. */
const GENERIC_NAMES = /^(tm-my-image-model|my[_-]?model|model|tfjs[_-]?model|web[_-]?model)$/i;
const STEPS = 4;

/** The ModelIO of a converted graph: float32 in and out, NHWC input as Keras declared it. */
function ioOf(result: ConversionResult): ModelIO {
  const one = (v: ConversionResult['inputs'][number]) => ({ name: v.name, type: 'float32', shape: v.dims });
  return { inputs: result.inputs.map(one), outputs: result.outputs.map(one) };
}

/**
 * The spec to embed: what the model's files and its inputs/outputs said. Fields that only OnSight's defaults filled
 * (and numbered labels) are left out, so the page still flags them "please check" and the spec editor can fix them.
 */
export function embeddableSpec(resolved: ResolvedModelSpec): PartialModelSpec {
  const { spec, provenance } = resolved;
  const known = (field: string) => {
    const from = provenance[field];
    return from !== undefined && from !== DEFAULTS_SOURCE && from !== GENERATED_LABELS_SOURCE;
  };
  const pick = <T extends object>(obj: T, fields: readonly string[], prefix: string): Partial<T> =>
    Object.fromEntries(
      fields.filter((k) => known(`${prefix}${k}`) && k in obj).map((k) => [k, obj[k as keyof T]]),
    ) as Partial<T>;
  return {
    format: spec.format,
    id: spec.id,
    name: spec.name,
    ...(known('labels') ? { labels: spec.labels } : {}),
    input: pick(spec.input, INPUT_FIELDS, 'input.'),
    output: pick(spec.output, OUTPUT_FIELDS, 'output.'),
    ...(spec.source ? { source: spec.source } : {}),
  };
}

/** Credit for the converted file: the maker's (Teachable Machine's) when known, and how it became ONNX. */
function creditOf(spec: ModelSpec, meta: { generatedBy?: string; convertedBy?: string | null }): ModelSource {
  const converted = 'Converted from TF.js to ONNX by OnSight.';
  if (spec.source) return { ...spec.source, notes: [spec.source.notes, converted].filter(Boolean).join(' ') };
  const made = [meta.generatedBy, meta.convertedBy].filter((s): s is string => typeof s === 'string' && s !== '');
  return {
    name: 'a TF.js layers model',
    license: LICENSE_NOT_STATED,
    notes: `A TF.js layers model${made.length ? ` (${made.join(', ')})` : ''}. ${converted}`,
  };
}

/**
 * Converts a user's TF.js layers model to an ONNX file with its spec embedded. Throws a {@link ConversionError} (or a
 * `ModelFilesError` for missing or wrong files) whose message says what is wrong and where.
 */
export async function convertUserModel(
  files: readonly GivenFile[],
  onProgress?: (p: ConversionProgress) => void,
): Promise<ConvertedModel> {
  const step = (done: number, text: string) => onProgress?.({ done, total: STEPS, text });
  step(0, 'Reading model.json and its weights');
  const gathered = await gatherTfjsModel(files);
  const { where } = gathered;
  step(1, 'Decoding the weights');
  const fail = (e: unknown): never => {
    if (e instanceof ModelFilesError || e instanceof ConversionError) throw e;
    throw new ConversionError(`${where}: ${errorMessage(e)}`);
  };
  const decoded = await decodeTfjsLayersModel({ modelJson: gathered.modelJson, weights: gathered.weights }).catch(fail);
  step(2, 'Converting the layers to ONNX');
  let result: ConversionResult;
  try {
    result = convertDecodedModel(decoded);
  } catch (e) {
    return fail(e);
  }
  step(3, 'Reading the labels and preprocessing');
  const fallback = gathered.fallbackName && !GENERIC_NAMES.test(gathered.fallbackName) ? gathered.fallbackName : '';
  const metadata = gathered.companions.find((c) => c.name.toLowerCase() === 'metadata.json')?.text ?? '';
  const fallbackName = fallback || (metadata.includes('teachablemachine') ? 'Teachable Machine model' : 'TF.js model');
  const resolve = (fileName: string) =>
    resolveModelSpec({
      modelFileName: fileName,
      companions: new Map(gathered.companions.map((c) => [c.name, c.text])),
      io: ioOf(result),
      fallbackName,
    }).catch(fail);
  let resolved = await resolve(`${idFromFileName(fallbackName)}.onnx`);
  // Named by the model's own name (Teachable Machine's modelName) rather than by its folder, when it has one.
  // (Without dots, which idFromFileName keeps: "TF.js model" → "tf-js-model".)
  const id =
    resolved.provenance.id === DEFAULTS_SOURCE
      ? idFromFileName(resolved.spec.name.replace(/\./g, ' '))
      : resolved.spec.id;
  const fileName = `${id}.onnx`;
  if (id !== resolved.spec.id) resolved = { ...resolved, spec: { ...resolved.spec, id } };
  const spec: ModelSpec = { ...resolved.spec, source: creditOf(resolved.spec, decoded) };
  const embedded = embeddableSpec({ ...resolved, spec });
  const onnx = setMetadataProps(result.onnx, { [SPEC_METADATA_KEY]: JSON.stringify(embedded) });
  const warnings = [...resolved.warnings];
  if (result.unusedWeights.length > 0) {
    warnings.push(
      `${where}: ${result.unusedWeights.length} weight(s) no layer uses (${result.unusedWeights.slice(0, 3).join(', ')}); check the results`,
    );
  }
  step(4, 'Converted');
  return { fileName, onnx, spec, summary: resolved.summary, warnings };
}
