/**
 * A photo → the backbone's input tensor: decoded as classifying decodes it (the inference worker's `decodePhoto`,
 * small to about the model's input), mirrored for flip augmentation, preprocessed per the backbone's spec. The same
 * steps whether they run in the photo-prep worker (photo-prep-worker.ts) or, where that cannot start, in the training
 * worker itself, so the embeddings are the same either way.
 */
import { decodePhoto } from '../inference/photo-decode';
import type { ModelSpec } from '../model/spec';
import { preprocess } from '../vision/pipeline';
import type { TensorData } from '../vision/to-tensor';
import { mirrorPixels } from './mirror-pixels';

export type PreparedPhoto = { ok: true; tensor: TensorData } | { ok: false; message: string };

export async function preparePhoto(photo: Blob, spec: ModelSpec, mirror: boolean): Promise<PreparedPhoto> {
  const decoded = await decodePhoto(photo, { input: spec.input });
  if (!decoded.ok) return { ok: false, message: decoded.message };
  const pixels = mirror ? mirrorPixels(decoded.pixels) : decoded.pixels;
  return { ok: true, tensor: preprocess(spec, pixels) };
}

/** What the training worker asks of the photo-prep worker. */
export interface PhotoPrepApi {
  prepare(photo: Blob, spec: ModelSpec, mirror: boolean): Promise<PreparedPhoto>;
}
