/**
 * "Unlike the photos this model was trained on" (#16) at classify time: a model OnSight trained carries its training
 * photos' feature statistics (`onsight.ood`, see ood.ts) and a `features` output; a photo whose features lie farther
 * outside the training photos' subspace than the 95th percentile of theirs (format 1 models: farther from every class
 * mean than its threshold) gets a warning on its card. The inference worker calls this instead of the plain pipeline
 * for such models; one `session.run` gives both outputs.
 */
import type { ModelSpec } from '../model/spec';
import {
  classifyPixels,
  inputNameOf,
  outputNameOf,
  type PipelineResult,
  preprocess,
  type TensorSession,
} from '../vision/pipeline';
import { postprocess } from '../vision/postprocess';
import type { PixelBuffer } from '../vision/resize';
import { FEATURES_OUTPUT, OOD_METADATA_KEY } from './model-names';
import { judgeFeatures, type OodStats, oodStatsFromJson } from './ood';

export const UNLIKE_TRAINING_WARNING =
  'This photo is unlike the photos this model was trained on, so its answer may mean little.';

/** The statistics in a model's metadata, or undefined when it has none or they cannot be read (no warning then). */
export function oodStatsFromMetadata(metadata: Readonly<Record<string, string>>): OodStats | undefined {
  const text = metadata[OOD_METADATA_KEY];
  if (!text) return undefined;
  try {
    return oodStatsFromJson(JSON.parse(text));
  } catch (error) {
    console.info('OnSight: the model’s onsight.ood statistics are unreadable; no “unlike” warnings', error);
    return undefined;
  }
}

/** The pipeline's classification, plus `unlike` when the model has a features output the statistics fit. */
export async function classifyWithOod(
  session: TensorSession,
  spec: ModelSpec,
  pixels: PixelBuffer,
  topK: number,
  stats: OodStats,
): Promise<PipelineResult & { unlike?: boolean }> {
  if (!session.outputNames.includes(FEATURES_OUTPUT)) return classifyPixels(session, spec, pixels, topK);
  const t0 = performance.now();
  const input = preprocess(spec, pixels);
  const t1 = performance.now();
  const outputName = outputNameOf(session, spec);
  const outputs = await session.run({ [inputNameOf(session, spec)]: input }, [outputName, FEATURES_OUTPUT]);
  const t2 = performance.now();
  const output = outputs[outputName];
  if (!output) throw new Error(`session returned no ${outputName}`);
  const predictions = postprocess(output, spec.output, spec.labels, topK);
  const features = outputs[FEATURES_OUTPUT]?.data as ArrayLike<number> | undefined; // float32, as the export writes it
  const unlike = features && features.length === stats.featureSize ? judgeFeatures(stats, features).unlike : undefined;
  return {
    predictions,
    preprocessMs: t1 - t0,
    inferenceMs: t2 - t1,
    postprocessMs: performance.now() - t2,
    ...(unlike === undefined ? {} : { unlike }),
  };
}
