/**
 * Node-only classification pipeline, for tests and benchmarks: the same preprocessing, ORT build family and
 * postprocessing as the browser worker, with sharp in place of createImageBitmap.
 *
 * - Photos are decoded with sharp, `.rotate()` applying the EXIF orientation (as `imageOrientation: 'from-image'`
 *   does in the browser), to raw RGBA.
 * - Models are loaded with `onnxruntime-web` (Node picks its plain wasm build) from a `Uint8Array`.
 * - The spec is resolved by `src/model`'s resolver from the model's `metadata_props`, companion files beside it
 *   (labels.txt, onsight.json, config.json, metadata.json...), the session's inputs/outputs and `overrides`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-web';
import sharp from 'sharp';
import type { ClassifyResult } from '../inference/types';
import { describeSession, type ResolvedModelSpec, resolveModelSpec } from '../model/resolve-spec';
import type { ModelSpec } from '../model/spec';
import type { PartialModelSpec } from '../model/types';
import { adaptOrtSession, classifyPixels, type TensorSession } from '../vision/pipeline';
import type { PixelBuffer } from '../vision/resize';

export interface NodeModel {
  spec: ModelSpec;
  /** How the spec was resolved (provenance, warnings); absent when a full spec was passed in. */
  resolved?: ResolvedModelSpec;
  session: TensorSession;
  ort: ort.InferenceSession;
  bytes: number;
  /** Wall time of InferenceSession.create. */
  createMs: number;
  threads: number;
}

export interface LoadNodeModelOptions {
  /** A complete spec: used as is, nothing is resolved. */
  spec?: ModelSpec;
  /** Fields that beat every other source (e.g. the preprocessing of a model that carries none). */
  overrides?: PartialModelSpec;
  /** Read companion files from the model's folder (default true). */
  companions?: boolean;
}

const COMPANION =
  /^(labels\.txt|.*\.onsight\.json|onsight\.json|config\.json|preprocessor_config\.json|metadata\.json)$/i;

/** Decodes a photo file to RGBA pixels, EXIF orientation applied. */
export async function decodeImageFile(path: string): Promise<PixelBuffer> {
  const { data, info } = await sharp(path).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: 4,
  };
}

/** Loads an ONNX model with onnxruntime-web in Node and resolves its spec. */
export async function loadNodeModel(modelPath: string, options: LoadNodeModelOptions = {}): Promise<NodeModel> {
  const buf = await readFile(modelPath);
  // A plain Uint8Array (not a Buffer subclass), as onnxruntime-web expects.
  const bytes = new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const createMs = performance.now() - t0;
  let spec = options.spec;
  let resolved: ResolvedModelSpec | undefined;
  if (!spec) {
    const companions = new Map<string, string>();
    if (options.companions !== false) {
      const dir = dirname(modelPath);
      for (const name of await readdir(dir)) {
        if (COMPANION.test(name)) companions.set(name, await readFile(join(dir, name), 'utf8'));
      }
    }
    resolved = await resolveModelSpec({
      modelFileName: basename(modelPath),
      modelBytes: bytes,
      companions,
      io: describeSession(session),
      overrides: options.overrides,
    });
    spec = resolved.spec;
  }
  return {
    spec,
    resolved,
    session: adaptOrtSession(ort, session),
    ort: session,
    bytes: bytes.byteLength,
    createMs,
    threads: ort.env.wasm.numThreads ?? 1,
  };
}

/** Classifies decoded pixels with a loaded model (decodeMs 0). */
export async function classifyDecoded(model: NodeModel, pixels: PixelBuffer, topK = 5): Promise<ClassifyResult> {
  const t0 = performance.now();
  const r = await classifyPixels(model.session, model.spec, pixels, topK);
  return {
    predictions: r.predictions,
    timings: {
      decodeMs: 0,
      preprocessMs: r.preprocessMs,
      inferenceMs: r.inferenceMs,
      postprocessMs: r.postprocessMs,
      totalMs: performance.now() - t0,
    },
    width: pixels.width,
    height: pixels.height,
  };
}

/** Decodes and classifies a photo file: the predictions the browser gives for the same file and model. */
export async function classifyFile(model: NodeModel, photoPath: string, topK = 5): Promise<ClassifyResult> {
  const t0 = performance.now();
  const pixels = await decodeImageFile(photoPath);
  const decodeMs = performance.now() - t0;
  const result = await classifyDecoded(model, pixels, topK);
  result.timings.decodeMs = decodeMs;
  result.timings.totalMs = performance.now() - t0;
  return result;
}
