/**
 * What a spec source is: one kind of information that can come with a model (its own metadata, a sidecar, a Hugging
 * Face export, a Teachable Machine export, a labels file), read into validated spec parts with provenance. The
 * resolver asks each source in turn, in order of trust (see `../resolve-spec.ts`).
 */
import { baseName, modelStem } from '../file-names';
import { parseJson } from '../json-values';
import type { SpecPart } from '../types';

/** A file that came with the model (a `File` fits). */
export interface CompanionFile {
  name: string;
  text(): Promise<string>;
}

/** Companion files: `File`-like objects, or a map from file name to its text. */
export type Companions = readonly CompanionFile[] | ReadonlyMap<string, string>;

/** What a source gets to read. */
export interface SourceContext {
  /** The model's file name without folders, e.g. "model.onnx". */
  readonly modelFile: string;
  /** The model's file name without folders and ".onnx", e.g. "model": sidecars are named after it. */
  readonly modelStem: string;
  /** The model's `metadata_props`, when its bytes were read. */
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** The first companion with one of these base names (matched case-insensitively), with its name as given. */
  companion(...names: string[]): CompanionFile | undefined;
  /** Receives notes for the user (ignored fields, approximations). */
  readonly warnings: string[];
}

export interface SpecSource {
  /** What kind of source it is, e.g. "Hugging Face"; the files it reads are in its module's header. */
  readonly name: string;
  /** The spec parts this source finds, most trusted first; none when its files are absent. */
  read(ctx: SourceContext): Promise<SpecPart[]>;
}

/** A context over a model's metadata and companions; companions are matched by base name, case-insensitively. */
export function createSourceContext(
  modelFileName: string,
  metadata: Record<string, string> | undefined,
  companions: Companions,
  warnings: string[],
): SourceContext {
  const files = new Map<string, CompanionFile>();
  const add = (f: CompanionFile) => files.set(f.name.toLowerCase(), f);
  if (companions instanceof Map) {
    for (const [name, text] of companions) add({ name: baseName(name), text: async () => text });
  } else {
    for (const f of companions as readonly CompanionFile[]) add({ name: baseName(f.name), text: () => f.text() });
  }
  return {
    modelFile: baseName(modelFileName),
    modelStem: modelStem(modelFileName),
    metadata,
    warnings,
    companion: (...names) => names.map((n) => files.get(n.toLowerCase())).find((f) => f !== undefined),
  };
}

/** A companion's text parsed as JSON; a syntax error names the file. */
export async function companionJson(file: CompanionFile): Promise<unknown> {
  return parseJson(await file.text(), file.name);
}
