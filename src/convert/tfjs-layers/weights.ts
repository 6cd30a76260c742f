/**
 * A TF.js layers model's weights: fetches the shards the manifest names through the caller's source, and decodes
 * every weight to float32 the way TF.js's `io.decodeWeights` does (keeping uint8-quantised ones as stored too).
 * No TF.js and no Node API: it runs in the browser, in workers and in Node alike.
 */
import type { WeightGroup, WeightSpec } from './model-json';

/** A uint8 weight as stored: value = q * scale + min. */
export interface Quantized {
  values: Uint8Array;
  scale: number;
  min: number;
}

/** One decoded weight, float32 row-major in its Keras shape. */
export interface Weight {
  shape: number[];
  data: Float32Array;
  /** Present for uint8-quantised float32 weights, so the converter can keep them uint8. */
  quantized?: Quantized;
}

/**
 * Where the shard bytes come from: a map from the path written in the manifest to the bytes, or a function
 * returning them (e.g. a `fetch` relative to model.json, or a file read in Node).
 */
export type WeightShards =
  | ReadonlyMap<string, Uint8Array>
  | ((path: string) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>);

/** Gets the bytes of every shard the manifest names, once each. */
export async function fetchShards(
  manifest: readonly WeightGroup[],
  shards: WeightShards,
): Promise<Map<string, Uint8Array>> {
  const paths = [...new Set(manifest.flatMap((group) => group.paths))];
  const fetched = new Map<string, Uint8Array>();
  for (const path of paths) {
    const bytes = typeof shards === 'function' ? await shards(path) : shards.get(path);
    if (bytes === undefined) throw new Error(`weight shard "${path}" is missing`);
    fetched.set(path, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  }
  return fetched;
}

function bytesPerElement(dtype: string): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return 4;
    case 'uint16':
    case 'float16':
      return 2;
    case 'uint8':
    case 'bool':
      return 1;
    default:
      throw new Error(`unsupported weight dtype "${dtype}"`);
  }
}

/** @param h IEEE 754 half-precision bits */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/**
 * Decodes one weight to float32, the way TF.js's io.decodeWeights does (value = q * scale + min for uint8/uint16
 * affine quantisation, rounded once to float32).
 * @param bytes exactly this weight's bytes
 */
export function decodeWeight(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(size);
  const q = spec.quantization;
  if (q) {
    if (q.dtype === 'float16') {
      for (let i = 0; i < size; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      const { min, scale } = q;
      if (typeof min !== 'number' || typeof scale !== 'number') {
        throw new Error(`weight ${spec.name}: ${q.dtype} quantisation without min/scale is not supported`);
      }
      const wide = q.dtype === 'uint16';
      for (let i = 0; i < size; i++) {
        const v = wide ? view.getUint16(i * 2, true) : view.getUint8(i);
        out[i] = v * scale + min;
      }
    } else {
      throw new Error(`weight ${spec.name}: quantisation dtype "${q.dtype}" is not supported`);
    }
    if (spec.dtype === 'int32') for (let i = 0; i < size; i++) out[i] = Math.round(out[i] as number);
    return out;
  }
  switch (spec.dtype) {
    case 'float32':
      for (let i = 0; i < size; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    case 'int32':
      for (let i = 0; i < size; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    case 'bool':
      for (let i = 0; i < size; i++) out[i] = view.getUint8(i);
      return out;
    default:
      throw new Error(`weight ${spec.name}: dtype "${spec.dtype}" is not supported`);
  }
}

/** "weights.bin", or "group1-shard1of2, group1-shard2of2", for messages. */
const files = (paths: readonly string[]) => paths.join(', ');

/** The layer a weight belongs to: "sequential_3/dense_Dense2/kernel" → "dense_Dense2". */
export const layerOf = (weightName: string): string => weightName.split('/').slice(-2, -1)[0] ?? weightName;

/** Splits the concatenated shard bytes of every manifest group into named float32 weights. */
export function decodeManifest(
  manifest: readonly WeightGroup[],
  shardBytes: (path: string) => Uint8Array,
): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  for (const group of manifest) {
    const parts = group.paths.map(shardBytes);
    const total = parts.reduce((a, b) => a + b.byteLength, 0);
    const all = new Uint8Array(total);
    let offset = 0;
    for (const p of parts) {
      all.set(p, offset);
      offset += p.byteLength;
    }
    offset = 0;
    for (const spec of group.weights) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const length = size * bytesPerElement(spec.quantization?.dtype ?? spec.dtype);
      if (offset + length > total) {
        throw new Error(
          `${files(group.paths)} ${group.paths.length > 1 ? 'hold' : 'holds'} ${total} bytes, too few for the weights model.json lists: weight "${spec.name}" (layer "${layerOf(spec.name)}") runs past the end, to byte ${offset + length}. The weights do not match the topology: are they from another export?`,
        );
      }
      const bytes = all.subarray(offset, offset + length);
      const weight: Weight = { shape: spec.shape, data: decodeWeight(spec, bytes) };
      const q = spec.quantization;
      if (
        q?.dtype === 'uint8' &&
        spec.dtype === 'float32' &&
        typeof q.min === 'number' &&
        typeof q.scale === 'number'
      ) {
        weight.quantized = { values: bytes.slice(), scale: q.scale, min: q.min };
      }
      weights.set(spec.name, weight);
      offset += length;
    }
    if (offset !== total) {
      const last = group.weights[group.weights.length - 1]?.name ?? '';
      throw new Error(
        `${files(group.paths)} ${group.paths.length > 1 ? 'hold' : 'holds'} ${total - offset} bytes left over after the last weight model.json lists ("${last}", layer "${layerOf(last)}"). The weights do not match the topology: are they from another export?`,
      );
    }
  }
  return weights;
}
