/**
 * Types of the model layer beyond the shared {@link ModelSpec} contract: the abstract description of a model's
 * inputs/outputs (filled from an ORT session by `describeSession`), partial specs as read from one source, and the
 * result of resolving a spec.
 */
import type { InputSpec, ModelSource, ModelSpec, OutputSpec } from './spec';

/** One model input or output, as ORT-web 1.30's `inputMetadata`/`outputMetadata` describe it. */
export interface ValueInfo {
  name: string;
  /** False for sequences/maps (never an image). Absent means tensor. */
  isTensor?: boolean;
  /** ORT tensor type name: 'float32', 'uint8', 'float16', 'int64'...; '' when not a tensor. */
  type: string;
  /** Dimensions; a string is a symbolic (dynamic) dimension. Empty when the model does not declare a shape. */
  shape: readonly (number | string)[];
}

/** What a model takes and returns; independent of ORT so the spec logic can be tested without a session. */
export interface ModelIO {
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export type PartialInputSpec = Partial<InputSpec>;
export type PartialOutputSpec = Partial<OutputSpec>;

/** A spec as far as one source knows it: every field optional, each present field already validated. */
export interface PartialModelSpec {
  format?: number;
  id?: string;
  name?: string;
  description?: string;
  author?: string;
  labels?: string[];
  input?: PartialInputSpec;
  output?: PartialOutputSpec;
  source?: ModelSource;
}

/** One source's contribution, e.g. `{ source: 'labels.txt', spec: { labels: [...] } }`. */
export interface SpecPart {
  /** Human-readable name of the source, used in messages and provenance. */
  source: string;
  spec: PartialModelSpec;
}

/** Spec field path ('labels', 'input.mean', 'output.kind'...) → the source that provided it. */
export type Provenance = Record<string, string>;

export interface ResolvedSpec {
  spec: ModelSpec;
  provenance: Provenance;
  /** Things the user should check (guessed values, ignored fields, generated labels). */
  warnings: string[];
}

/** What the model's declared inputs/outputs say, after checking they look like an image classifier. */
export interface IOFacts {
  input: {
    name: string;
    type: string;
    layout?: InputSpec['layout'];
    dtype: InputSpec['dtype'];
    /** Fixed spatial size, when the model declares it. */
    width?: number;
    height?: number;
    /** Fixed channel count (1 or 3), when declared. */
    channels?: 1 | 3;
  };
  output: {
    name: string;
    type: string;
    /** Number of scores per image, when the shape declares it. */
    classes?: number;
  };
}
