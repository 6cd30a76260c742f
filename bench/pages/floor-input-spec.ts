/**
 * The input spec the floor makes photo tensors with: the one OnSight embeds in the model (`npm run model:add`, the
 * default model's conversion), so the floor's `run(…, 'photo')` feeds the tensor the app would. Pure, Node-testable.
 */
import { type InputSpec, type ModelSpec, SPEC_METADATA_KEY } from '../../src/model/spec';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';

/** The model's embedded input spec, or why there is none (a plain ONNX file). */
export function embeddedInputSpec(bytes: Uint8Array): InputSpec | string {
  const json = readOnnxMetadata(bytes).metadata[SPEC_METADATA_KEY];
  if (!json) return `the model has no ${SPEC_METADATA_KEY} metadata`;
  return (JSON.parse(json) as ModelSpec).input;
}
