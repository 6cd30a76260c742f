/**
 * Node side of the TF.js layers converter (src/convert/tfjs-layers): reads a model from disk and hands its bytes
 * to the library. Besides plain `model.json` + binary shards, it reads JS-wrapped copies as nsfwjs ships them
 * (`model.min.js`, `group1-shard1of1.min.js` exporting a base64 string), which need a JS engine to unwrap and so
 * stay out of the browser library.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import vm from 'node:vm';
import type { GivenFile } from '../src/convert/tfjs-file-set';
import { parseModelJson, type TfjsLayersModelSource } from '../src/convert/tfjs-layers/index';

const JS_FILE = /\.[cm]?js$/;

/**
 * Evaluates a JS-wrapped file (UMD/browserify bundle, or `module.exports = ...`) in an isolated context and returns
 * what it exports. Neither the file's folder `package.json` "type" nor Node's module cache matter.
 */
export function evaluateJsWrapped(file: string): unknown {
  const source = readFileSync(file, 'utf8');
  const module: { exports: unknown } = { exports: {} };
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
 * The bytes of one weight shard named in the manifest: the binary file itself, or a JS-wrapped copy
 * (`<path>.min.js` / `<path>.js`) exporting a base64 string.
 */
export function readShard(dir: string, path: string): Uint8Array {
  for (const candidate of [path, `${path}.min.js`, `${path}.js`]) {
    const file = resolve(dir, candidate);
    if (!existsSync(file)) continue;
    if (!JS_FILE.test(candidate)) return new Uint8Array(readFileSync(file));
    const value = evaluateJsWrapped(file);
    if (typeof value !== 'string') throw new Error(`${file}: expected a JS file exporting a base64 string`);
    return new Uint8Array(Buffer.from(value, 'base64'));
  }
  throw new Error(`weight shard "${path}" not found in ${dir} (also tried ${path}.min.js and ${path}.js)`);
}

/**
 * A TF.js layers model on disk as the converter's source.
 * @param modelFile model.json, or a JS file exporting the same object (model.min.js)
 */
export function readTfjsLayersFiles(modelFile: string): TfjsLayersModelSource {
  const value = JS_FILE.test(modelFile) ? evaluateJsWrapped(modelFile) : readFileSync(modelFile, 'utf8');
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) {
    throw new Error(`${modelFile}: not a TF.js model (no modelTopology)`);
  }
  const dir = dirname(modelFile);
  return { modelJson: parseModelJson(value, modelFile), weights: async (path) => readShard(dir, path) };
}

/** Reads a Teachable Machine style `metadata.json` beside a model, if present. */
export function readSideMetadata(
  modelFile: string,
): ({ labels?: string[]; imageSize?: number } & Record<string, unknown>) | undefined {
  const file = join(dirname(modelFile), 'metadata.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * A user's TF.js model on disk as the files the page's converter takes (src/convert/convert-user-model.ts): a .zip
 * as downloaded from Teachable Machine, or model.json with the files beside it (weights, metadata.json, labels.txt).
 */
export function givenFilesFor(path: string): GivenFile[] {
  const file = (p: string): GivenFile => ({
    name: basename(p),
    size: statSync(p).size,
    bytes: async () => new Uint8Array(readFileSync(p)),
  });
  if (/\.zip$/i.test(path)) return [file(path)];
  const dir = dirname(path);
  const beside = readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => p !== path && statSync(p).isFile() && !/\.(onnx|zip)$/i.test(p));
  return [file(path), ...beside.map(file)];
}
