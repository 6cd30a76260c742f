/**
 * Works out a model's {@link ModelSpec} from whatever came with it: the user's overrides, then each source in
 * {@link SPEC_SOURCES} in order of trust (first source wins, field by field), then the model's declared
 * inputs/outputs (layout, size, dtype, class count; checked against the above), then defaults. Every source is
 * validated with a message naming it; `provenance` says which source gave each field.
 *
 * The page's worker and `model:add` both resolve through here, so the same files give the same spec everywhere.
 * `io` comes from {@link describeSession} once an ORT session exists.
 */
import { type OnnxMetadata, readOnnxMetadata } from '../onnx/read-onnx-metadata';
import { completeSpec } from './complete-spec';
import { idFromFileName } from './file-names';
import { describeSession } from './model-io';
import { summarizeProvenance } from './provenance';
import { huggingFaceSource } from './sources/hugging-face';
import { labelsTxtSource } from './sources/labels-txt';
import { onnxMetadataSource } from './sources/onnx-metadata';
import { sidecarSource } from './sources/sidecar';
import { type Companions, createSourceContext, type SpecSource } from './sources/spec-source';
import { teachableMachineSource } from './sources/teachable-machine';
import type { ModelSpec } from './spec';
import type { ModelIO, PartialModelSpec, ResolvedSpec, SpecPart } from './types';
import { validatePartialSpec } from './validate';

export type { CompanionFile, Companions } from './sources/spec-source';
export type { ModelIO, ModelSpec, ResolvedSpec };
export { describeSession, summarizeProvenance };

/**
 * The sources of a spec, most trusted first: what travels inside the model, then our own sidecar, then other tools'
 * exports, then a bare class list.
 */
export const SPEC_SOURCES: readonly SpecSource[] = [
  onnxMetadataSource,
  sidecarSource,
  huggingFaceSource,
  teachableMachineSource,
  labelsTxtSource,
];

/** Overrides not named otherwise are the user's corrections on the page. */
const USER_SETTINGS = 'your settings';

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
  /**
   * Fields that beat every source: the user's corrections on the page (a spec, named "your settings"), or named parts,
   * most trusted first (model:add's command line, then its --labels file). Each is validated under its name.
   */
  overrides?: PartialModelSpec | readonly SpecPart[];
  /**
   * What to call the model when no source names it, instead of its file name (model:add uses the folder of a file
   * called model.onnx); the fallback id is made from it too.
   */
  fallbackName?: string;
}

export interface ResolvedModelSpec extends ResolvedSpec {
  /** One line for the UI, e.g. "labels from labels.txt; preprocessing from defaults — please check". */
  summary: string;
  /** The sources that contributed, most trusted first. */
  sources: string[];
}

/** Resolves a model's spec; throws a `SpecError` (or `NotOnnxError`) whose message says what is wrong and where. */
export async function resolveModelSpec(opts: ResolveModelSpecOptions): Promise<ResolvedModelSpec> {
  const metadata = opts.metadata ?? (opts.modelBytes ? readOnnxMetadata(opts.modelBytes) : undefined);
  const warnings: string[] = [];
  const ctx = createSourceContext(opts.modelFileName, metadata?.metadata, opts.companions ?? [], warnings);
  const parts = overrideParts(opts.overrides, warnings);
  for (const source of SPEC_SOURCES) parts.push(...(await source.read(ctx)));
  warnAboutIgnoredLabels(parts, warnings);

  const fallback = {
    id: idFromFileName(opts.fallbackName || ctx.modelFile),
    name: opts.fallbackName || ctx.modelStem || 'model',
    where: ctx.modelFile,
  };
  const result = completeSpec(parts, opts.io, fallback);
  return {
    ...result,
    warnings: [...warnings, ...result.warnings],
    summary: summarizeProvenance(result.provenance),
    sources: [...new Set(Object.values(result.provenance))],
  };
}

function overrideParts(overrides: ResolveModelSpecOptions['overrides'], warnings: string[]): SpecPart[] {
  if (!overrides) return [];
  const named: readonly SpecPart[] = Array.isArray(overrides)
    ? overrides
    : [{ source: USER_SETTINGS, spec: overrides as PartialModelSpec }];
  return named.map(({ source, spec }) => ({ source, spec: validatePartialSpec(spec, source, warnings) }));
}

/** Labels from a lower source that disagree with the chosen ones are worth a word. */
function warnAboutIgnoredLabels(parts: readonly SpecPart[], warnings: string[]): void {
  const [chosen, ...others] = parts.filter((p) => p.spec.labels);
  for (const p of others) {
    if (chosen?.spec.labels && p.spec.labels && p.spec.labels.join('\n') !== chosen.spec.labels.join('\n')) {
      warnings.push(
        `labels in ${p.source} differ from those in ${chosen.source}, which take precedence; ${p.source} is ignored`,
      );
    }
  }
}
