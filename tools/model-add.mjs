#!/usr/bin/env node
// @ts-check
/**
 * npm run model:add -- <model.onnx> [options]
 *
 * Adds an ONNX image classifier to this deployment: works out its spec (command-line options, then --labels, then
 * what the model already carries in metadata_props, then its input/output shapes, then defaults — the same rules the
 * app uses, from src/model/spec-rules.js), writes the model with the spec embedded in metadata_props under
 * "onsight.spec" to <out>/<id>/model.onnx (every other byte of the model kept), and registers it in <out>/index.json.
 *
 * Options:
 *   --labels FILE           class names, one a line (default: labels.txt beside the model, if any)
 *   --size N | WxH          input size (default: from the model's input shape, else 224)
 *   --layout nchw|nhwc      (default: from the input shape)
 *   --mean imagenet|inception|unit|a,b,c   normalisation preset, or per-channel mean (with --std a,b,c)
 *   --std a,b,c             per-channel std
 *   --scale X               pixel multiplier before mean/std (default 1/255; 1 when --mean/--std look like 0..255 values)
 *   --resize crop|squish|pad   (default crop)    --crop-fraction F (default 0.875)
 *   --resample bilinear|bicubic|nearest        --bgr (model expects BGR)
 *   --kind logits|probabilities|sigmoid|auto   what the output holds (default auto)
 *   --id ID  --name NAME    (default: from the file name / its folder)
 *   --license SPDX  --source-url URL           credit, stored in the spec
 *   --copy                  keep the model byte-for-byte and write the spec beside it as model.onsight.json
 *   --default               make it the deployment's default model
 *   --out DIR               models folder (default public/models; tests use a temporary folder)
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeStringEntry, MODEL_FIELDS, scanTopLevel, setMetadataProps } from '../src/model/onnx-fields.js';
import {
  completeSpec,
  describeSession,
  IMAGENET_MEAN,
  IMAGENET_STD,
  idFromFileName,
  METADATA_KEY,
  parseLabelList,
  parseLabelsText,
  summarizeProvenance,
  validatePartialSpec,
  validateSpec,
} from '../src/model/spec-rules.js';

/** @typedef {import('../src/model/types').SpecPart} SpecPart */
/** @typedef {import('../src/model/types').PartialModelSpec} PartialModelSpec */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} msg @returns {never} */
function usage(msg) {
  throw new Error(
    `${msg}\nusage: npm run model:add -- <model.onnx> [--labels labels.txt] [--size 224] [--layout nchw|nhwc] [--mean imagenet|a,b,c --std a,b,c] [--resize crop|squish|pad] [--id ID] [--name NAME] [--copy] [--default] [--out DIR]`,
  );
}

/** @param {string} v @param {string} flag @returns {[number, number, number]} */
function triple(v, flag) {
  const n = v.split(',').map((s) => Number(s.trim()));
  if (n.length !== 3 || n.some((x) => !Number.isFinite(x))) usage(`${flag} needs three numbers a,b,c, got "${v}"`);
  return /** @type {[number, number, number]} */ (n);
}

/**
 * The spec fields given on the command line (validated by the shared rules).
 * @param {Record<string, string | boolean | undefined>} o
 * @returns {PartialModelSpec}
 */
export function specFromOptions(o) {
  /** @type {Record<string, unknown>} */
  const input = {};
  /** @type {Record<string, unknown>} */
  const spec = {};
  const str = (/** @type {string} */ k) => (typeof o[k] === 'string' ? /** @type {string} */ (o[k]) : undefined);
  if (str('id')) spec.id = str('id');
  if (str('name')) spec.name = str('name');
  const size = str('size');
  if (size) {
    const m = size.match(/^(\d+)(?:x(\d+))?$/i);
    if (!m) usage(`--size must be N or WxH, got "${size}"`);
    input.width = Number(m[1]);
    input.height = Number(m[2] ?? m[1]);
  }
  if (str('layout')) input.layout = str('layout')?.toLowerCase();
  if (str('resize')) input.resize = str('resize');
  if (str('crop-fraction')) input.cropFraction = Number(str('crop-fraction'));
  if (str('resample')) input.resample = str('resample');
  if (o.bgr) input.channelOrder = 'bgr';
  const mean = str('mean');
  const std = str('std');
  if (mean === 'imagenet') Object.assign(input, { scale: 1 / 255, mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] });
  else if (mean === 'inception' || mean === 'tf')
    Object.assign(input, { scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] });
  else if (mean === 'unit' || mean === 'none')
    Object.assign(input, { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] });
  else if (mean !== undefined) {
    const m = triple(mean, '--mean');
    const s = std ? triple(std, '--std') : [1, 1, 1];
    input.mean = m;
    input.std = s;
    // Values above 1 are in pixel units (e.g. 123.7 or 58.4): no rescaling first.
    const pixelUnits = [...m, ...s].some((x) => Math.abs(x) > 1);
    input.scale = pixelUnits ? 1 : 1 / 255;
  } else if (std !== undefined) usage('--std needs --mean a,b,c too');
  if (
    std !== undefined &&
    (mean === 'imagenet' || mean === 'inception' || mean === 'tf' || mean === 'unit' || mean === 'none')
  ) {
    input.std = triple(std, '--std');
  }
  if (str('scale')) input.scale = Number(str('scale'));
  if (Object.keys(input).length > 0) spec.input = input;
  if (str('kind')) spec.output = { kind: str('kind') };
  if (str('license'))
    spec.source = {
      name: spec.name ?? 'user',
      license: str('license'),
      ...(str('source-url') ? { url: str('source-url') } : {}),
    };
  return validatePartialSpec(spec, 'command line');
}

/** @param {Uint8Array} bytes @returns {Record<string, string>} */
function metadataOf(bytes) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const f of scanTopLevel(bytes)) {
    if (f.field !== MODEL_FIELDS.metadataProps) continue;
    const { key, value } = decodeStringEntry(bytes.subarray(f.dataStart, f.end));
    out[key] = value;
  }
  return out;
}

/** @param {Uint8Array} bytes */
async function modelIO(bytes) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(bytes);
  const io = describeSession(session);
  await session.release();
  return io;
}

/** @param {string[]} argv */
export async function main(argv) {
  const { values: o, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      labels: { type: 'string' },
      size: { type: 'string' },
      layout: { type: 'string' },
      mean: { type: 'string' },
      std: { type: 'string' },
      scale: { type: 'string' },
      resize: { type: 'string' },
      'crop-fraction': { type: 'string' },
      resample: { type: 'string' },
      bgr: { type: 'boolean' },
      kind: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      license: { type: 'string' },
      'source-url': { type: 'string' },
      copy: { type: 'boolean' },
      default: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (o.help) {
    process.stdout.write(
      `${readFileSync(fileURLToPath(import.meta.url), 'utf8')
        .split('*/')[0]
        ?.replace(/^[\s\S]*?\/\*\*/, '')}\n`,
    );
    return;
  }
  if (positionals.length !== 1)
    usage(
      positionals.length
        ? `one model at a time, got ${positionals.length}`
        : 'which model? give the path of an .onnx file',
    );
  const modelPath = resolve(/** @type {string} */ (positionals[0]));
  if (!existsSync(modelPath)) usage(`no such file: ${modelPath}`);
  const file = basename(modelPath);
  const bytes = new Uint8Array(readFileSync(modelPath));

  /** @type {SpecPart[]} */
  const parts = [{ source: 'command line', spec: specFromOptions(o) }];
  const labelsPath = o.labels ? resolve(o.labels) : join(dirname(modelPath), 'labels.txt');
  if (o.labels && !existsSync(labelsPath)) usage(`no such labels file: ${labelsPath}`);
  if (existsSync(labelsPath)) {
    const name = o.labels ? basename(labelsPath) : `${basename(labelsPath)} beside the model`;
    parts.push({
      source: name,
      spec: { labels: parseLabelsText(readFileSync(labelsPath, 'utf8'), basename(labelsPath)) },
    });
  }
  /** @type {Record<string, string>} */
  let metadata;
  try {
    metadata = metadataOf(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model: ${file} (${/** @type {Error} */ (e).message})`);
  }
  /** @type {string[]} */
  const warnings = [];
  if (metadata[METADATA_KEY] !== undefined) {
    const where = `${METADATA_KEY} already in ${file}`;
    parts.push({ source: where, spec: validatePartialSpec(JSON.parse(metadata[METADATA_KEY]), where, warnings) });
  }
  for (const key of ['labels', 'vocab', 'classes', 'class_names']) {
    const v = metadata[key];
    if (v === undefined) continue;
    parts.push({
      source: `"${key}" metadata in ${file}`,
      spec: { labels: parseLabelList(v, `"${key}" metadata in ${file}`) },
    });
    break;
  }

  let io;
  try {
    io = await modelIO(bytes);
  } catch (e) {
    throw new Error(`onnxruntime-web cannot load ${file}: ${/** @type {Error} */ (e).message}`);
  }
  const base = file.replace(/\.onnx$/i, '');
  const fallbackId = idFromFileName(base === 'model' ? basename(dirname(modelPath)) : base);
  const result = completeSpec(parts, io, { id: fallbackId, name: fallbackId, where: file });
  const { spec } = result;
  warnings.push(...result.warnings);

  const outDir = resolve(o.out ?? join(root, 'public', 'models'));
  const modelDir = join(outDir, spec.id);
  mkdirSync(modelDir, { recursive: true });
  const target = join(modelDir, 'model.onnx');
  const specJson = JSON.stringify(spec);
  if (o.copy) {
    copyFileSync(modelPath, `${target}.tmp`);
    writeFileSync(join(modelDir, 'model.onsight.json'), `${JSON.stringify(spec, null, 2)}\n`);
  } else {
    writeFileSync(`${target}.tmp`, setMetadataProps(bytes, { [METADATA_KEY]: specJson }));
  }
  renameSync(`${target}.tmp`, target);

  // Read back what was written, by the same rules the app will apply.
  const written = new Uint8Array(readFileSync(target));
  const back = o.copy ? readFileSync(join(modelDir, 'model.onsight.json'), 'utf8') : metadataOf(written)[METADATA_KEY];
  validateSpec(JSON.parse(back ?? 'null'), `spec written for ${spec.id}`);
  const ioBack = await modelIO(written);
  if (JSON.stringify(ioBack) !== JSON.stringify(io))
    throw new Error(`the written model's inputs/outputs changed: ${JSON.stringify(ioBack)}`);

  const indexPath = join(outDir, 'index.json');
  /** @type {{ default?: string; models: { id: string; name: string; url: string }[] }} */
  const index = existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, 'utf8')) : { models: [] };
  if (!Array.isArray(index.models)) throw new Error(`${indexPath}: "models" must be an array`);
  const entry = { id: spec.id, name: spec.name, url: `models/${spec.id}/model.onnx` };
  const at = index.models.findIndex((m) => m.id === spec.id);
  if (at >= 0) index.models[at] = { ...index.models[at], ...entry };
  else index.models.push(entry);
  if (o.default || index.default === undefined) index.default = spec.id;
  const ordered = { default: index.default, ...index, models: index.models };
  writeFileSync(indexPath, `${JSON.stringify(ordered, null, 2)}\n`);

  const err = process.stderr;
  err.write(`model:add: ${spec.id} → ${target}\n`);
  err.write(
    `  ${spec.labels.length} labels; input ${spec.input.layout.toUpperCase()} ${spec.input.dtype} ${spec.input.width}×${spec.input.height}, ${spec.input.resize}; output ${spec.output.kind}${spec.output.backgroundClass ? ' (background class)' : ''}\n`,
  );
  err.write(`  ${summarizeProvenance(result.provenance)}\n`);
  for (const w of warnings) err.write(`  warning: ${w}\n`);
  err.write(`  registered in ${indexPath}${index.default === spec.id ? ' (default)' : ''}\n`);
  return { spec, provenance: result.provenance, warnings, target, indexPath };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`model:add: ${e instanceof Error ? e.message : e}\n`);
      process.exit(1);
    },
  );
}
