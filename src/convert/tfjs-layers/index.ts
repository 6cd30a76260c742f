/**
 * TF.js layers model → ONNX, as a library for the browser, workers and Node alike: callers hand it bytes and get
 * the .onnx bytes back. See README.md beside this file.
 */
export {
  type ConversionResult,
  type ConvertOptions,
  convertDecodedModel,
  convertTfjsLayersModel,
  type DecodedTfjsModel,
  decodeTfjsLayersModel,
  PRODUCER_NAME,
  type TfjsLayersModelSource,
} from './convert';
export { UnsupportedLayerError } from './layers/converter';
export { LAYERS } from './layers/registry';
export { samePadding } from './layers/spatial';
export type { ModelJson, WeightGroup, WeightSpec } from './model-json';
export { parseModelJson } from './model-json';
export type { Weight, WeightShards } from './weights';
export { decodeManifest, decodeWeight } from './weights';
