// @ts-check
/**
 * Reads a TF.js layers model from disk: `model.json` (or a JS-wrapped `model.min.js` as nsfwjs ships it) plus its
 * weight shards (binary, or JS-wrapped base64 strings), and returns the topology with every weight dequantised to
 * float32. Pure Node, no TF.js: this runs at `npm install` time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import vm from 'node:vm';

/**
 * @typedef {{ dtype: 'uint8' | 'uint16' | 'float16', min?: number, scale?: number, original_dtype?: string }} Quantization
 * @typedef {{ name: string, shape: number[], dtype: string, quantization?: Quantization }} WeightSpec
 * @typedef {{ paths: string[], weights: WeightSpec[] }} WeightGroup
 * @typedef {{ values: Uint8Array, scale: number, min: number }} Quantized uint8 weight as stored (value = q * scale + min)
 * @typedef {{ shape: number[], data: Float32Array, quantized?: Quantized }} Weight
 * @typedef {{
 *   modelTopology: any,
 *   weightsManifest?: WeightGroup[],
 *   format?: string,
 *   generatedBy?: string,
 *   convertedBy?: string | null,
 *   userDefinedMetadata?: Record<string, unknown>,
 * }} ModelJson
 * @typedef {{
 *   modelTopology: any,
 *   weights: Map<string, Weight>,
 *   format?: string,
 *   generatedBy?: string,
 *   convertedBy?: string | null,
 *   userDefinedMetadata?: Record<string, unknown>,
 *   files: string[],
 * }} TfjsModel
 */

/**
 * Evaluates a JS-wrapped file (UMD/browserify bundle, or `module.exports = ...`) in an isolated context and returns
 * what it exports. Neither the file's folder `package.json` "type" nor Node's module cache matter.
 * @param {string} file
 * @returns {unknown}
 */
export function evaluateJsWrapped(file) {
  const source = readFileSync(file, 'utf8');
  /** @type {{ exports: any }} */
  const module = { exports: {} };
  const context = vm.createContext({ module, exports: module.exports });
  new vm.Script(source, { filename: file }).runInContext(context, { timeout: 30_000 });
  const value = module.exports;
  // An ES-module-interop wrapper: { default: ... }
  if (value && typeof value === 'object' && 'default' in value && Object.keys(value).length === 1) {
    return value.default;
  }
  return value;
}

/**
 * @param {string} file model.json, or a JS file exporting the same object
 * @returns {ModelJson}
 */
export function readModelJson(file) {
  const value = /\.[cm]?js$/.test(file) ? evaluateJsWrapped(file) : JSON.parse(readFileSync(file, 'utf8'));
  if (!value || typeof value !== 'object' || !('modelTopology' in value)) {
    throw new Error(`${file}: not a TF.js model (no modelTopology)`);
  }
  const json = /** @type {ModelJson} */ (value);
  if (json.format && json.format !== 'layers-model') {
    throw new Error(`${file}: format "${json.format}" is not supported, only TF.js layers models ("layers-model")`);
  }
  if (json.modelTopology?.node) {
    throw new Error(`${file}: this is a TF.js graph model (GraphDef), not a layers model`);
  }
  return json;
}

/**
 * Finds the bytes of one weight shard named in the manifest: the binary file itself, or a JS-wrapped copy
 * (`<path>.min.js` / `<path>.js`) exporting a base64 string.
 * @param {string} dir
 * @param {string} path
 * @returns {{ file: string, bytes: Uint8Array }}
 */
export function readShard(dir, path) {
  for (const candidate of [path, `${path}.min.js`, `${path}.js`]) {
    const file = resolve(dir, candidate);
    if (!existsSync(file)) continue;
    if (!/\.[cm]?js$/.test(candidate)) return { file, bytes: new Uint8Array(readFileSync(file)) };
    const value = evaluateJsWrapped(file);
    if (typeof value !== 'string') throw new Error(`${file}: expected a JS file exporting a base64 string`);
    const buf = Buffer.from(value, 'base64');
    return { file, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
  }
  throw new Error(`weight shard "${path}" not found in ${dir} (also tried ${path}.min.js and ${path}.js)`);
}

/** @param {string} dtype */
function bytesPerElement(dtype) {
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

/** @param {number} h IEEE 754 half-precision bits */
function halfToFloat(h) {
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
 * @param {WeightSpec} spec
 * @param {Uint8Array} bytes exactly this weight's bytes
 * @returns {Float32Array}
 */
export function decodeWeight(spec, bytes) {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(size);
  const q = spec.quantization;
  if (q) {
    if (q.dtype === 'float16') {
      for (let i = 0; i < size; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      if (typeof q.min !== 'number' || typeof q.scale !== 'number') {
        throw new Error(`weight ${spec.name}: ${q.dtype} quantisation without min/scale is not supported`);
      }
      const wide = q.dtype === 'uint16';
      for (let i = 0; i < size; i++) {
        const v = wide ? view.getUint16(i * 2, true) : view.getUint8(i);
        out[i] = v * q.scale + q.min;
      }
    } else {
      throw new Error(`weight ${spec.name}: quantisation dtype "${q.dtype}" is not supported`);
    }
    if (spec.dtype === 'int32') for (let i = 0; i < size; i++) out[i] = Math.round(/** @type {number} */ (out[i]));
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

/**
 * Splits the concatenated shard bytes of every manifest group into named float32 weights.
 * @param {WeightGroup[]} manifest
 * @param {(path: string) => Uint8Array} shardBytes
 * @returns {Map<string, Weight>}
 */
export function decodeManifest(manifest, shardBytes) {
  /** @type {Map<string, Weight>} */
  const weights = new Map();
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
        throw new Error(`weight ${spec.name} runs past the end of its shards (${offset + length} > ${total} bytes)`);
      }
      const bytes = all.subarray(offset, offset + length);
      /** @type {Weight} */
      const weight = { shape: spec.shape, data: decodeWeight(spec, bytes) };
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
      throw new Error(`shards ${group.paths.join(', ')}: ${total - offset} bytes left over after the last weight`);
    }
  }
  return weights;
}

/**
 * Reads a TF.js layers model and all its weights.
 * @param {string} modelFile path of model.json (or model.min.js)
 * @returns {TfjsModel}
 */
export function readTfjsModel(modelFile) {
  const json = readModelJson(modelFile);
  const dir = dirname(modelFile);
  /** @type {string[]} */
  const files = [resolve(modelFile)];
  const weights = decodeManifest(json.weightsManifest ?? [], (path) => {
    const shard = readShard(dir, path);
    files.push(shard.file);
    return shard.bytes;
  });
  return {
    modelTopology: json.modelTopology,
    weights,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    userDefinedMetadata: json.userDefinedMetadata,
    files,
  };
}

/**
 * Reads a Teachable Machine style `metadata.json` beside a model, if present.
 * @param {string} modelFile
 * @returns {{ labels?: string[], imageSize?: number } & Record<string, unknown> | undefined}
 */
export function readSideMetadata(modelFile) {
  const file = join(dirname(modelFile), 'metadata.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8'));
}
