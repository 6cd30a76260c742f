/**
 * TF.js `model.json` of a layers model: its shape, and the checks that turn a wrong file (a graph model, another
 * format) into a clear error before any conversion starts.
 */
import { errorMessage } from '../../error-message';

/** Affine (uint8/uint16: value = q * scale + min) or float16 quantisation of one weight. */
export interface Quantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  min?: number;
  scale?: number;
  original_dtype?: string;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: Quantization;
}

/** One weights-manifest group: its shards' bytes, concatenated in `paths` order, hold `weights` back to back. */
export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** The parts of model.json the converter reads. */
export interface ModelJson {
  // biome-ignore lint/suspicious/noExplicitAny: Keras topology JSON, walked and checked field by field by graph.ts
  modelTopology: any;
  weightsManifest?: WeightGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  userDefinedMetadata?: Record<string, unknown>;
}

/**
 * Parses (when given text) and checks a TF.js layers model's model.json.
 * @param source the file's text, or the object it holds
 * @param label names the file in error messages
 */
export function parseModelJson(source: string | object, label = 'model.json'): ModelJson {
  let value: unknown = source;
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (e) {
      throw new Error(`${label}: not JSON (${errorMessage(e)})`);
    }
  }
  if (!value || typeof value !== 'object' || !('modelTopology' in value)) {
    throw new Error(`${label}: not a TF.js model (no modelTopology)`);
  }
  const json = value as ModelJson;
  if (json.format && json.format !== 'layers-model') {
    throw new Error(`${label}: format "${json.format}" is not supported, only TF.js layers models ("layers-model")`);
  }
  if (json.modelTopology?.node) {
    throw new Error(`${label}: this is a TF.js graph model (GraphDef), not a layers model`);
  }
  return json;
}
