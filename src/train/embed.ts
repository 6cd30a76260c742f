/**
 * Photos → embeddings through a cut backbone (`backbone-cut.ts`), with the same preprocessing the backbone classifies
 * with (its spec), and the mirrored photo for flip augmentation. Written against the pipeline's
 * {@link TensorSession}, so the worker (onnxruntime-web/wasm) and Node (tests) embed identically.
 */
import type { ModelSpec } from '../model/spec';
import { inputNameOf, preprocess, type TensorSession } from '../vision/pipeline';
import type { PixelBuffer } from '../vision/resize';
import { FEATURES_OUTPUT } from './backbone-cut';
import type { Embeddings } from './head-model';

/** The photo mirrored left–right (a new buffer; the original is untouched). */
export function mirrorPixels(pixels: PixelBuffer): PixelBuffer {
  const channels = pixels.channels ?? (pixels.data.length / (pixels.width * pixels.height) === 3 ? 3 : 4);
  const { width, height } = pixels;
  const data = new Uint8Array(pixels.data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < width; x++) {
      const from = row + x * channels;
      const to = row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) data[to + c] = pixels.data[from + c] as number;
    }
  }
  return { data, width, height, channels };
}

/**
 * One photo's feature vector: preprocessed per the backbone's spec (only `spec.input` is read), run through the cut
 * model, read from its {@link FEATURES_OUTPUT} output.
 */
export async function embedPixels(session: TensorSession, spec: ModelSpec, pixels: PixelBuffer): Promise<Float32Array> {
  const input = preprocess(spec, pixels);
  const outputs = await session.run({ [inputNameOf(session, spec)]: input }, [FEATURES_OUTPUT]);
  const features = outputs[FEATURES_OUTPUT];
  if (!features) throw new Error(`the backbone returned no "${FEATURES_OUTPUT}" output`);
  return Float32Array.from(features.data as ArrayLike<number>);
}

/** Packs equal-length vectors into one row-major {@link Embeddings} matrix. */
export function stackEmbeddings(vectors: readonly Float32Array[]): Embeddings {
  const size = vectors[0]?.length ?? 0;
  const out = new Float32Array(vectors.length * size);
  vectors.forEach((v, i) => {
    if (v.length !== size) throw new Error(`embedding ${i} has ${v.length} values, the first has ${size}`);
    out.set(v, i * size);
  });
  return { vectors: out, count: vectors.length, size };
}
