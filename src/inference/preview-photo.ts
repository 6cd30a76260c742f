/**
 * The spec editor's live check, in the worker: a sample photo through the loaded session with the settings being
 * edited. It answers with what the model sees (its input drawn back) and the top classes, or with what is wrong in
 * plain words; nothing about the loaded model changes.
 */
import { errorMessage } from '../error-message';
import type { ModelSpec } from '../model/spec';
import { preprocess, runTensor } from '../vision/pipeline';
import { postprocess } from '../vision/postprocess';
import { tensorToPicture } from '../vision/tensor-image';
import type { TensorData } from '../vision/to-tensor';
import type { ActiveModel } from './load-model';
import { decodePhoto } from './photo-decode';
import type { SpecPreview } from './types';

/** How many labels a model with `scores` output values needs (one sigmoid score stands for two classes). */
function labelsNeeded(scores: number, spec: ModelSpec): number {
  const classes = spec.output.backgroundClass ? scores - 1 : scores;
  return classes === 1 ? 2 : classes;
}

export async function previewPhoto(
  model: ActiveModel | undefined,
  photo: Blob,
  spec: ModelSpec,
  topK: number,
): Promise<SpecPreview> {
  const decoded = await decodePhoto(photo);
  if (!decoded.ok) return { predictions: [], problem: decoded.message };
  if (!model) return { predictions: [], problem: 'No model is loaded yet' };
  let input: TensorData;
  let seen: SpecPreview['seen'];
  try {
    input = preprocess(spec, decoded.pixels);
    seen = tensorToPicture(input, spec.input);
  } catch (e) {
    return { predictions: [], problem: `These settings cannot prepare a photo: ${errorMessage(e)}` };
  }
  try {
    const output = await runTensor(model.session, spec, input);
    const needed = labelsNeeded(output.data.length, spec);
    const predictions = postprocess(output, spec.output, spec.labels, topK);
    if (needed !== spec.labels.length) {
      const problem = `The model gives scores for ${needed} classes, but there are ${spec.labels.length} labels`;
      return { seen, predictions, problem };
    }
    return { seen, predictions };
  } catch (e) {
    // ORT's words name the dimension that does not fit, which is what someone editing these fields needs.
    const problem = `The model does not take its input this way — check the size, layout and pixel type (${errorMessage(e)})`;
    return { seen, predictions: [], problem };
  }
}
