/**
 * npm run model:add -- <model.onnx | model.json | export.zip> [options]
 *
 * Adds an ONNX image classifier to this deployment: works out its spec with the app's own resolver
 * (src/model/resolve-spec.ts), so the same files give the same spec here and on the page, writes the model with the
 * spec embedded in metadata_props under "onsight.spec" to <out>/<id>/model.onnx (every other byte of the model kept),
 * and registers it in <out>/index.json.
 *
 * A TF.js layers model — a Teachable Machine export: its model.json (with weights.bin and metadata.json beside it)
 * or the .zip as downloaded — is first converted to ONNX exactly as the page converts it (src/convert/).
 *
 * Where the spec comes from, first source winning field by field: the options below, then --labels, then what the
 * model carries in metadata_props, then the files beside it (or given with --companion): <model>.onsight.json or
 * onsight.json, Hugging Face config.json + preprocessor_config.json, Teachable Machine metadata.json, labels.txt;
 * then the model's input/output shapes, then defaults.
 *
 * Options:
 *   --labels FILE           class names, one a line; beats every other source of labels
 *   --companion FILE        a file that came with the model, read as the page reads it (repeatable; by default the
 *                           files beside the model are read)
 *   --size N | WxH          input size (default: from the model's input shape, else 224)
 *   --layout nchw|nhwc      (default: from the input shape)
 *   --mean imagenet|inception|unit|a,b,c   normalisation preset, or per-channel mean (with --std a,b,c)
 *   --std a,b,c             per-channel std
 *   --scale X               pixel multiplier before mean/std (default 1/255; 1 when --mean/--std look like 0..255 values)
 *   --resize crop|squish|pad   (default crop)    --crop-fraction F (default 0.875)
 *   --resample bilinear|bicubic|nearest        --bgr (model expects BGR)
 *   --kind logits|probabilities|sigmoid|auto   what the output holds (default auto)
 *   --id ID  --name NAME    (default: from the file name / its folder)
 *   --description TEXT      one or two sentences for a newcomer: what the model is for, and what it is not for
 *   --author NAME           who made the model; shown with the name and description on the page's first screen
 *   --license SPDX  --source-url URL           credit, stored in the spec
 *   --copy                  keep the model byte-for-byte and write the spec beside it as model.onsight.json
 *   --default               make it the deployment's default model
 *   --out DIR               models folder (default public/models; tests use a temporary folder)
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { convertUserModel } from '../src/convert/convert-user-model';
import { errorMessage } from '../src/error-message';
import { IMAGENET_MEAN, IMAGENET_STD } from '../src/model/defaults';
import type { Triple } from '../src/model/field-reader';
import { type CompanionFile, describeSession, type ModelIO, resolveModelSpec } from '../src/model/resolve-spec';
import { parseLabelsText } from '../src/model/sources/labels-txt';
import { type ModelSpec, SPEC_METADATA_KEY } from '../src/model/spec';
import type { PartialInputSpec, PartialModelSpec, Provenance, SpecPart } from '../src/model/types';
import { validatePartialSpec, validateSpec } from '../src/model/validate';
import { setMetadataProps } from '../src/onnx/onnx-fields';
import { type OnnxMetadata, readOnnxMetadata } from '../src/onnx/read-onnx-metadata';
import { givenFilesFor } from './tfjs-layers-files';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Provenance name of the options, in messages: "command line says input.layout ...". */
const COMMAND_LINE = 'command line';

function usage(msg: string): never {
  throw new Error(
    `${msg}\nusage: npm run model:add -- <model.onnx | model.json | export.zip> [--labels labels.txt] [--companion config.json] [--size 224] [--layout nchw|nhwc] [--mean imagenet|a,b,c --std a,b,c] [--resize crop|squish|pad] [--id ID] [--name NAME] [--copy] [--default] [--out DIR]`,
  );
}

/** "a,b,c" → three numbers, one per channel. */
function threeNumbers(v: string, flag: string): Triple {
  const n = v.split(',').map((s) => Number(s.trim()));
  if (n.length !== 3 || n.some((x) => !Number.isFinite(x))) usage(`${flag} needs three numbers a,b,c, got "${v}"`);
  return n as Triple;
}

/** Normalisation presets for --mean. */
const MEAN_PRESETS: Readonly<Record<string, { scale: number; mean: Triple; std: Triple }>> = {
  imagenet: { scale: 1 / 255, mean: IMAGENET_MEAN, std: IMAGENET_STD },
  inception: { scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] },
  tf: { scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] },
  unit: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  none: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
};

/** Normalisation from --mean, --std and --scale. */
function normalisationFromOptions(mean?: string, std?: string, scale?: string): PartialInputSpec {
  const input: PartialInputSpec = {};
  const preset = mean !== undefined && Object.hasOwn(MEAN_PRESETS, mean) ? MEAN_PRESETS[mean] : undefined;
  if (preset) {
    input.scale = preset.scale;
    input.mean = [...preset.mean];
    input.std = std === undefined ? [...preset.std] : threeNumbers(std, '--std');
  } else if (mean !== undefined) {
    input.mean = threeNumbers(mean, '--mean');
    input.std = std ? threeNumbers(std, '--std') : [1, 1, 1];
    // Values above 1 are in pixel units (e.g. 123.7 or 58.4): no rescaling first.
    const pixelUnits = [...input.mean, ...input.std].some((x) => Math.abs(x) > 1);
    input.scale = pixelUnits ? 1 : 1 / 255;
  } else if (std !== undefined) usage('--std needs --mean a,b,c too');
  if (scale) input.scale = Number(scale);
  return input;
}

/** The spec fields given as options, validated by the app's rules (messages say "command line: ..."). */
export function specFromOptions(o: Record<string, string | boolean | string[] | undefined>): PartialModelSpec {
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const spec: Record<string, unknown> = {};
  const input: Record<string, unknown> = {};
  if (str('id')) spec.id = str('id');
  if (str('name')) spec.name = str('name');
  if (str('description')) spec.description = str('description');
  if (str('author')) spec.author = str('author');
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
  Object.assign(input, normalisationFromOptions(str('mean'), str('std'), str('scale')));
  if (Object.keys(input).length > 0) spec.input = input;
  if (str('kind')) spec.output = { kind: str('kind') };
  const license = str('license');
  if (license) {
    const url = str('source-url');
    spec.source = { name: spec.name ?? 'user', license, ...(url ? { url } : {}) };
  }
  return validatePartialSpec(spec, COMMAND_LINE);
}

/** The files beside the model, then those named with --companion (which replace a namesake), read when asked for. */
function companionFiles(modelPath: string | undefined, named: readonly string[]): CompanionFile[] {
  const files = new Map<string, CompanionFile>();
  const add = (path: string) =>
    files.set(basename(path).toLowerCase(), { name: basename(path), text: async () => readFileSync(path, 'utf8') });
  const dir = modelPath && dirname(modelPath);
  for (const name of dir ? readdirSync(dir) : []) {
    const path = join(dir as string, name);
    if (path !== modelPath && statSync(path).isFile()) add(path);
  }
  for (const path of named) {
    if (!existsSync(path)) usage(`no such companion file: ${path}`);
    add(path);
  }
  return [...files.values()];
}

async function modelIO(bytes: Uint8Array): Promise<ModelIO> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(bytes);
  const io = describeSession(session);
  await session.release();
  return io;
}

const OPTIONS = {
  labels: { type: 'string' },
  companion: { type: 'string', multiple: true },
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
  description: { type: 'string' },
  author: { type: 'string' },
  license: { type: 'string' },
  'source-url': { type: 'string' },
  copy: { type: 'boolean' },
  default: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ModelAddResult {
  spec: ModelSpec;
  provenance: Provenance;
  warnings: string[];
  /** The model file written. */
  target: string;
  indexPath: string;
}

/** A TF.js model (model.json or a .zip) or an ONNX file: the ONNX bytes and the name they go by. */
async function readModel(modelPath: string): Promise<{ file: string; bytes: Uint8Array }> {
  if (!/\.(json|zip)$/i.test(modelPath)) {
    return { file: basename(modelPath), bytes: new Uint8Array(readFileSync(modelPath)) };
  }
  const converted = await convertUserModel(givenFilesFor(modelPath));
  process.stderr.write(
    `model:add: converted ${basename(modelPath)} from TF.js layers to ONNX (${converted.fileName})\n`,
  );
  process.stderr.write(`  ${converted.summary}\n`);
  for (const w of converted.warnings) process.stderr.write(`  warning: ${w}\n`);
  return { file: converted.fileName, bytes: converted.onnx };
}

/** Adds one model; resolves with what was written, or undefined for --help. */
export async function main(argv: string[]): Promise<ModelAddResult | undefined> {
  const { values: o, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (o.help) {
    const header = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] ?? '';
    process.stdout.write(`${header.replace(/^[\s\S]*?\/\*\*/, '')}\n`);
    return undefined;
  }
  if (positionals.length !== 1)
    usage(
      positionals.length
        ? `one model at a time, got ${positionals.length}`
        : 'which model? give the path of an .onnx file, a TF.js model.json or a Teachable Machine .zip',
    );
  const modelPath = resolve(positionals[0] as string);
  if (!existsSync(modelPath)) usage(`no such file: ${modelPath}`);
  const { file, bytes } = await readModel(modelPath);

  const overrides: SpecPart[] = [{ source: COMMAND_LINE, spec: specFromOptions(o) }];
  if (o.labels) {
    const labelsPath = resolve(o.labels);
    if (!existsSync(labelsPath)) usage(`no such labels file: ${labelsPath}`);
    const source = `--labels ${basename(labelsPath)}`;
    overrides.push({
      source,
      spec: { labels: parseLabelsText(readFileSync(labelsPath, 'utf8'), basename(labelsPath)) },
    });
  }
  let metadata: OnnxMetadata;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (e) {
    throw new Error(`${file}: ${errorMessage(e)}`);
  }
  let io: ModelIO;
  try {
    io = await modelIO(bytes);
  } catch (e) {
    throw new Error(`onnxruntime-web cannot load ${file}: ${errorMessage(e)}`);
  }
  const resolved = await resolveModelSpec({
    modelFileName: file,
    metadata,
    // A zip's companions are inside it, already in the converted model's spec.
    companions: companionFiles(
      /\.zip$/i.test(modelPath) ? undefined : modelPath,
      (o.companion ?? []).map((p) => resolve(p)),
    ),
    io,
    overrides,
    // A file called model.onnx is named after its folder.
    ...(file.toLowerCase() === 'model.onnx' ? { fallbackName: basename(dirname(modelPath)) } : {}),
  });
  const { spec } = resolved;

  const outDir = resolve(o.out ?? join(root, 'public', 'models'));
  const target = writeModel(bytes, spec, outDir, o.copy === true);
  await checkWritten(target, spec, io, o.copy === true);
  const indexPath = join(outDir, 'index.json');
  const isDefault = register(indexPath, spec, o.default === true);
  report(spec, resolved.summary, resolved.warnings, target, indexPath, isDefault);
  return { spec, provenance: resolved.provenance, warnings: resolved.warnings, target, indexPath };
}

/** Writes <out>/<id>/model.onnx (spec embedded, or with --copy beside it); returns its path. */
function writeModel(bytes: Uint8Array, spec: ModelSpec, outDir: string, copy: boolean): string {
  const modelDir = join(outDir, spec.id);
  mkdirSync(modelDir, { recursive: true });
  const target = join(modelDir, 'model.onnx');
  // Written beside, then renamed: a reader never sees a half-written model.
  if (copy) {
    writeFileSync(`${target}.tmp`, bytes);
    writeFileSync(join(modelDir, 'model.onsight.json'), `${JSON.stringify(spec, null, 2)}\n`);
  } else {
    writeFileSync(`${target}.tmp`, setMetadataProps(bytes, { [SPEC_METADATA_KEY]: JSON.stringify(spec) }));
  }
  renameSync(`${target}.tmp`, target);
  return target;
}

/** Reads back what was written, by the rules the app will apply, and checks the model still loads the same. */
async function checkWritten(target: string, spec: ModelSpec, io: ModelIO, copy: boolean): Promise<void> {
  const written = new Uint8Array(readFileSync(target));
  const back = copy
    ? readFileSync(join(dirname(target), 'model.onsight.json'), 'utf8')
    : readOnnxMetadata(written).metadata[SPEC_METADATA_KEY];
  validateSpec(JSON.parse(back ?? 'null'), `spec written for ${spec.id}`);
  const ioBack = await modelIO(written);
  if (JSON.stringify(ioBack) !== JSON.stringify(io))
    throw new Error(`the written model's inputs/outputs changed: ${JSON.stringify(ioBack)}`);
}

interface ModelIndex {
  default?: string;
  models: { id: string; name: string; url: string }[];
}

/** Adds or updates the model's entry in index.json, keeping the others; returns whether it is the default. */
function register(indexPath: string, spec: ModelSpec, makeDefault: boolean): boolean {
  const index: ModelIndex = existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, 'utf8')) : { models: [] };
  if (!Array.isArray(index.models)) throw new Error(`${indexPath}: "models" must be an array`);
  const entry = { id: spec.id, name: spec.name, url: `models/${spec.id}/model.onnx` };
  const at = index.models.findIndex((m) => m.id === spec.id);
  if (at >= 0) index.models[at] = { ...index.models[at], ...entry };
  else index.models.push(entry);
  if (makeDefault || index.default === undefined) index.default = spec.id;
  const ordered = { default: index.default, ...index, models: index.models };
  writeFileSync(indexPath, `${JSON.stringify(ordered, null, 2)}\n`);
  return index.default === spec.id;
}

function report(
  spec: ModelSpec,
  summary: string,
  warnings: readonly string[],
  target: string,
  indexPath: string,
  isDefault: boolean,
): void {
  const { input, output } = spec;
  const err = process.stderr;
  err.write(`model:add: ${spec.id} → ${target}\n`);
  err.write(
    `  ${spec.labels.length} labels; input ${input.layout.toUpperCase()} ${input.dtype} ${input.width}×${input.height}, ${input.resize}; output ${output.kind}${output.backgroundClass ? ' (background class)' : ''}\n`,
  );
  err.write(`  ${summary}\n`);
  for (const w of warnings) err.write(`  warning: ${w}\n`);
  err.write(`  registered in ${indexPath}${isDefault ? ' (default)' : ''}\n`);
}

/** Runs model:add as a command: exit status 0, or 1 with the reason on stderr. */
export async function runCommand(argv: string[]): Promise<number> {
  try {
    await main(argv);
    return 0;
  } catch (e) {
    process.stderr.write(`model:add: ${errorMessage(e)}\n`);
    return 1;
  }
}

// Run when executed directly (compared through realpath: Node resolves symlinks for import.meta.url, not argv[1]).
const invoked = process.argv[1];
if (invoked && existsSync(invoked) && realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url))) {
  runCommand(process.argv.slice(2)).then((status) => process.exit(status));
}
