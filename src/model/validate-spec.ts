/**
 * Validation of spec JSON. The rules live in `spec-rules.js` (shared with `tools/model-add.mjs`); this module is the
 * typed entry point for the app.
 *
 * - `validateSpec(json, where, warnings?)`: a complete spec; checks every field, naming the source and the field in
 *   its messages (e.g. `onsight.spec in model.onnx: input.layout must be "nchw" or "nhwc", got "chw"`), fills the
 *   defaults of optional fields. Required: id, name, labels, input.layout/dtype/width/height.
 * - `validatePartialSpec(json, where, warnings?)`: the fields present, checked; used for sources that know only part.
 */
export { SpecError, validatePartialSpec, validateSpec } from './spec-rules.js';
