/**
 * Makes sure public/models/default/model.onnx exists and is current: converts nsfwjs's MobileNetV2 (a TF.js
 * layers model shipped inside the npm package) to ONNX with the converter library in src/convert/tfjs-layers,
 * embedding OnSight's ModelSpec in the ONNX metadata. Runs at `npm install` (postinstall) and before
 * dev/build/test; skips the work when a stamp says the inputs (nsfwjs's model files, its version, the converter's
 * sources) have not changed.
 *
 * Usage: tsx tools/ensure-default-model.ts [--force]
 */
import { createHash } from 'node:crypto';
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
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorMessage } from '../src/error-message';
import type { ModelSpec } from '../src/model/spec';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'models', 'default');
const outFile = join(outDir, 'model.onnx');
const stampFile = join(outDir, '.stamp.json');
/** Every source file whose change can change the converted model, so that the stamp goes stale with it. */
const converterSources = (): string[] => [
  ...readdirSync(join(root, 'src', 'convert', 'tfjs-layers'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, 'src', 'convert', 'tfjs-layers', f)),
  join(root, 'src', 'onnx', 'write-onnx.ts'),
  join(root, 'tools', 'tfjs-layers-files.ts'),
  fileURLToPath(import.meta.url),
];

export const MODEL_ID = 'nsfwjs-mobilenet-v2';
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'probabilities';

/** Named for what it does (a newcomer cannot know what "nsfwjs" is); public/models/index.json repeats it. */
export const DEFAULT_MODEL_NAME = 'Content filter — nsfwjs';
/** What it is for and, as plainly, what it is not for: it does not say what is in a photo. */
export const DEFAULT_MODEL_DESCRIPTION =
  'Tells whether a photo may be unsafe to show at work: it sorts every photo into Drawing, Hentai, Neutral, Porn or ' +
  'Sexy. It does not say what is in a photo — a dog, a beach and a birthday cake are all just “Neutral”.';

/** The nsfwjs package folder, if installed. */
function findNsfwjs(): string | undefined {
  const require = createRequire(join(root, 'package.json'));
  let entry: string;
  try {
    entry = require.resolve('nsfwjs');
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'nsfwjs') return dir;
  }
  return undefined;
}

/**
 * @param version nsfwjs's version
 * @param labels class names in output order
 */
export function defaultModelSpec(version: string, labels: string[]): ModelSpec {
  return {
    format: 1,
    id: MODEL_ID,
    name: DEFAULT_MODEL_NAME,
    description: DEFAULT_MODEL_DESCRIPTION,
    author: 'Gant Laborde / Infinite Red',
    labels,
    input: {
      name: INPUT_NAME,
      layout: 'nhwc',
      dtype: 'float32',
      width: 224,
      height: 224,
      resize: 'squish',
      resample: 'bilinear',
      alignCorners: true,
      antialias: false,
      channelOrder: 'rgb',
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    output: { name: OUTPUT_NAME, kind: 'probabilities' },
    source: {
      name: 'nsfwjs',
      package: 'nsfwjs',
      version,
      license: 'MIT',
      url: 'https://github.com/infinitered/nsfwjs',
      notes:
        'MobileNetV2 (Keras 2.2.4, 224x224, uint8-quantised weights) by Gant Laborde / Infinite Red, ' +
        `converted from the npm package's TF.js layers model (dist/models/mobilenet_v2) to ONNX by OnSight's ` +
        'tools/tfjs-to-onnx at install time; the uint8 weights stay uint8 and are dequantised in the graph ' +
        '(q * scale + min, constant-folded by ONNX Runtime). Preprocessing as nsfwjs: RGB/255, bilinear resize ' +
        'to 224x224 with alignCorners=true (squish, no crop).',
    },
  };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function inputsHash(pkgDir: string, version: string): string {
  const modelDir = join(pkgDir, 'dist', 'models', 'mobilenet_v2');
  const files = [
    ...readdirSync(modelDir).map((f) => join(modelDir, f)),
    join(pkgDir, 'dist', 'esm', 'nsfw_classes.js'),
    ...converterSources(),
  ].sort();
  const h = createHash('sha256').update(`nsfwjs@${version}\n`);
  for (const f of files) h.update(`${relative(root, f)} ${sha256(f)}\n`);
  return h.digest('hex');
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const pkgDir = findNsfwjs();
  if (!pkgDir) {
    if (existsSync(outFile)) {
      console.warn(`default model: nsfwjs is not installed; keeping the existing ${relative(root, outFile)} unchecked`);
      return;
    }
    console.error(
      'default model: cannot build public/models/default/model.onnx because the npm package "nsfwjs" (a ' +
        'devDependency holding the weights) is not installed. Run a full `npm install` / `npm ci` (without ' +
        '--omit=dev), then `npm run model:default`.',
    );
    process.exit(1);
  }
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const hash = inputsHash(pkgDir, version);
  if (!force && existsSync(outFile) && existsSync(stampFile)) {
    try {
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (stamp.inputs === hash && stamp.bytes === statSync(outFile).size) {
        console.log(`default model: up to date (${relative(root, outFile)}, ${stamp.bytes} bytes, nsfwjs ${version})`);
        return;
      }
    } catch {
      // unreadable stamp: regenerate
    }
  }

  // Loaded only when there is work to do: the up-to-date check above must stay fast.
  const { convertTfjsLayersModel } = await import('../src/convert/tfjs-layers/index');
  const { readTfjsLayersFiles } = await import('./tfjs-layers-files');
  const started = performance.now();
  const { NSFW_CLASSES } = await import(pathToFileURL(join(pkgDir, 'dist', 'esm', 'nsfw_classes.js')).href);
  const classes: Record<number, string> = NSFW_CLASSES;
  const labels = Object.keys(classes)
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => classes[i] as string);
  const spec = defaultModelSpec(version, labels);
  const source = readTfjsLayersFiles(join(pkgDir, 'dist', 'models', 'mobilenet_v2', 'model.min.js'));
  const result = await convertTfjsLayersModel(source, {
    // nsfwjs's weights are uint8: keeping them so makes the file 2.8 MB instead of 10.4 MB with identical outputs.
    keepQuantizedWeights: true,
    inputName: INPUT_NAME,
    outputName: OUTPUT_NAME,
    graphName: MODEL_ID,
    producerVersion: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
    docString: spec.name,
    metadata: {
      'onsight.spec': JSON.stringify(spec),
      labels: JSON.stringify(labels),
      license: 'MIT',
      source: `nsfwjs ${version} (https://github.com/infinitered/nsfwjs), dist/models/mobilenet_v2`,
      author: 'Gant Laborde / Infinite Red (nsfwjs)',
    },
  });
  if (result.unusedWeights.length > 0) {
    throw new Error(`default model: weights left unused by the conversion: ${result.unusedWeights.join(', ')}`);
  }
  const out = result.outputs[0];
  if (result.outputs.length !== 1 || out?.dims[1] !== labels.length) {
    throw new Error(
      `default model: expected one output of ${labels.length} classes, got ${JSON.stringify(result.outputs)}`,
    );
  }
  mkdirSync(outDir, { recursive: true });
  const tmp = `${outFile}.tmp`;
  writeFileSync(tmp, result.onnx);
  renameSync(tmp, outFile);
  const ms = performance.now() - started;
  writeFileSync(
    stampFile,
    `${JSON.stringify({ inputs: hash, nsfwjs: version, bytes: result.onnx.length, sha256: createHash('sha256').update(result.onnx).digest('hex') }, null, 2)}\n`,
  );
  console.log(
    `default model: wrote ${relative(root, outFile)} (${result.onnx.length} bytes, ${(result.onnx.length / 2 ** 20).toFixed(1)} MiB, ` +
      `${result.nodeCount} nodes, ${result.parameterCount} parameters) from nsfwjs ${version} in ${(ms / 1000).toFixed(2)} s`,
  );
}

// Run when executed directly (compared through realpath: Node resolves symlinks for import.meta.url, not argv[1]).
if (process.argv[1] && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1])) {
  main().catch((err) => {
    console.error(`default model: ${err instanceof Error && err.stack ? err.stack : errorMessage(err)}`);
    process.exit(1);
  });
}
