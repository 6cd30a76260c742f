/**
 * Photos → embeddings through a cut backbone (`backbone-cut.ts`), with the same preprocessing the backbone classifies
 * with (its spec), and the mirrored photo for flip augmentation. Written against the pipeline's
 * {@link TensorSession}, so the worker (onnxruntime-web/wasm) and Node (tests) embed identically.
 */
import type { ModelSpec } from '../model/spec';
import { inputNameOf, preprocess, preprocessorFor, type TensorSession } from '../vision/pipeline';
import type { PixelBuffer } from '../vision/resize';
import type { TensorData } from '../vision/to-tensor';
import { FEATURES_OUTPUT } from './backbone-cut';
import type { Embeddings } from './head-model';

export { mirrorPixels } from './mirror-pixels';

/**
 * One photo's feature vector: preprocessed per the backbone's spec (only `spec.input` is read), run through the cut
 * model, read from its {@link FEATURES_OUTPUT} output. The input tensor goes back to the preprocessor's pool.
 */
export async function embedPixels(session: TensorSession, spec: ModelSpec, pixels: PixelBuffer): Promise<Float32Array> {
  const input = preprocess(spec, pixels);
  try {
    return await embedTensor(session, spec, input);
  } finally {
    preprocessorFor(spec).release(input);
  }
}

/** The feature vector of an input tensor already preprocessed per the backbone's spec. */
export async function embedTensor(session: TensorSession, spec: ModelSpec, input: TensorData): Promise<Float32Array> {
  const outputs = await session.run({ [inputNameOf(session, spec)]: input }, [FEATURES_OUTPUT]);
  const features = outputs[FEATURES_OUTPUT];
  if (!features) throw new Error(`the backbone returned no "${FEATURES_OUTPUT}" output`);
  return Float32Array.from(features.data as ArrayLike<number>);
}

/**
 * Feature vectors gathered one at a time into one matrix with room for `capacity` rows, allocated when the first
 * arrives (its length is D): N photos then hold N × D floats once, not an array per photo and their stacked copy
 * beside them (5,000 photos × 1,600 features: 32 MB instead of 64).
 */
export class EmbeddingMatrix {
  private values = new Float32Array(0);
  private rows = 0;
  private size = 0;

  constructor(private readonly capacity: number) {}

  /** Appends a copy of `vector`; returns its row. */
  push(vector: Float32Array): number {
    if (this.rows === 0 && this.values.length === 0) {
      this.size = vector.length;
      this.values = new Float32Array(Math.max(1, this.capacity) * this.size);
    }
    if (vector.length !== this.size) {
      throw new Error(`embedding ${this.rows} has ${vector.length} values, the first has ${this.size}`);
    }
    if (this.rows >= this.capacity) throw new Error(`more than the ${this.capacity} embeddings room was made for`);
    this.values.set(vector, this.rows * this.size);
    return this.rows++;
  }

  row(index: number): Float32Array {
    return this.values.subarray(index * this.size, (index + 1) * this.size);
  }

  get count(): number {
    return this.rows;
  }

  /** The rows so far as {@link Embeddings} (a view, not a copy). */
  toEmbeddings(): Embeddings {
    return { vectors: this.values.subarray(0, this.rows * this.size), count: this.rows, size: this.size };
  }
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
