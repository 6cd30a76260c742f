/**
 * Names a trained model's graph and metadata use, in a module of their own: the inference worker reads them (the
 * "unlike" warning) without pulling in the graph code (onnx-proto) that cutting and exporting need.
 */

/** Name of the cut model's output (and of the feature output an exported model keeps). */
export const FEATURES_OUTPUT = 'features';
export const PROBABILITIES_OUTPUT = 'probabilities';
export const TRAINING_METADATA_KEY = 'onsight.training';
export const OOD_METADATA_KEY = 'onsight.ood';
