/**
 * Proof that public/models/default/model.onnx (converted at install time by src/convert/tfjs-layers) computes what
 * nsfwjs computes: the original TF.js layers model, loaded by nsfwjs's own loader from its JS-wrapped files and run
 * on TF.js's pure-JS CPU backend, against the ONNX model in onnxruntime-web, on the same preprocessed tensors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { load as loadNsfwjs, type NSFWJS } from 'nsfwjs';
import * as ort from 'onnxruntime-web';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ModelSpec, SPEC_FORMAT_VERSION, SPEC_METADATA_KEY } from '../../src/model/spec';
import { validateSpec } from '../../src/model/validate';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const modelFile = join(root, 'public', 'models', 'default', 'model.onnx');
const photoDir = join(root, '..', 'shared', 'photos');
const PHOTOS = ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg'];
const SIZE = 224;
const TOLERANCE = 1e-4;
const LABELS = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof import('onnx-proto');

interface Rgb {
  name: string;
  data: Uint8Array;
  width: number;
  height: number;
}

/** Decodes any image sharp reads to packed 8-bit RGB. */
async function decode(name: string, input: Buffer): Promise<Rgb> {
  const { data, info } = await sharp(input)
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return {
    name,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

/** nsfwjs's preprocessing (NSFWJS.infer): float / 255, then tf.image.resizeBilinear(…, [224, 224], alignCorners = true). */
function preprocess(img: Rgb): Float32Array {
  return tf.tidy(() => {
    const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    const resized = tf.image.resizeBilinear(pixels.toFloat().div(255) as tf.Tensor3D, [SIZE, SIZE], true);
    return resized.dataSync() as Float32Array;
  });
}

/** Generated test images: smooth gradients, a flat-colour cartoon (SVG), noise, a checkerboard. */
async function generatedImages(): Promise<Rgb[]> {
  const w = 320;
  const h = 240;
  const gradient = new Uint8Array(w * h * 3);
  const checker = new Uint8Array(w * h * 3);
  const noise = new Uint8Array(w * h * 3);
  let seed = 12345;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      gradient[i] = Math.round((255 * x) / (w - 1));
      gradient[i + 1] = Math.round((255 * y) / (h - 1));
      gradient[i + 2] = Math.round((255 * (x + y)) / (w + h - 2));
      const on = ((x >> 4) + (y >> 4)) % 2 === 0 ? 230 : 20;
      checker.fill(on, i, i + 3);
      for (let c = 0; c < 3; c++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        noise[i + c] = seed >>> 24;
      }
    }
  }
  const cartoon = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">
      <rect width="400" height="300" fill="#8fd3ff"/>
      <rect y="220" width="400" height="80" fill="#5cc85c" stroke="#000" stroke-width="4"/>
      <circle cx="330" cy="60" r="35" fill="#ffe14d" stroke="#000" stroke-width="4"/>
      <rect x="80" y="130" width="140" height="100" fill="#e8553d" stroke="#000" stroke-width="5"/>
      <polygon points="70,135 150,70 230,135" fill="#7a4a2a" stroke="#000" stroke-width="5"/>
      <rect x="135" y="175" width="30" height="55" fill="#ffd" stroke="#000" stroke-width="4"/>
    </svg>`,
  );
  return [
    { name: 'gradient', data: gradient, width: w, height: h },
    { name: 'checkerboard', data: checker, width: w, height: h },
    { name: 'noise', data: noise, width: w, height: h },
    await decode('cartoon.svg', cartoon),
  ];
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

describe('default model (nsfwjs MobileNetV2 → ONNX) parity', () => {
  const havePhotos = PHOTOS.every((p) => existsSync(join(photoDir, p)));
  let images: Rgb[] = [];
  let batch: Float32Array;
  let tfjsProbs: Float32Array;
  let ortProbs: Float32Array;
  let nsfwjs: NSFWJS;
  let session: ort.InferenceSession;
  let modelBytes: Uint8Array;

  beforeAll(async () => {
    if (!havePhotos && process.env.CI === 'true') {
      throw new Error(`CI: the shared test photos are missing from ${photoDir} (${PHOTOS.join(', ')})`);
    }
    // Regenerates the model only when its inputs changed (a stamp check otherwise).
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'tools', 'ensure-default-model.ts')], {
      cwd: root,
      stdio: 'pipe',
    });
    modelBytes = new Uint8Array(readFileSync(modelFile));

    await tf.setBackend('cpu');
    nsfwjs = await loadNsfwjs('MobileNetV2');

    if (havePhotos) {
      for (const p of PHOTOS) images.push(await decode(p, readFileSync(join(photoDir, p))));
    } else {
      console.warn(`default-model-parity: ${photoDir} not found, running on generated images only`);
    }
    images = [...images, ...(await generatedImages())];

    batch = new Float32Array(images.length * SIZE * SIZE * 3);
    images.forEach((img, i) => {
      batch.set(preprocess(img), i * SIZE * SIZE * 3);
    });

    const input = tf.tensor4d(batch, [images.length, SIZE, SIZE, 3]);
    const out = nsfwjs.model.predict(input) as tf.Tensor;
    tfjsProbs = (await out.data()) as Float32Array;
    out.dispose();
    input.dispose();

    ort.env.wasm.numThreads = 1;
    session = await ort.InferenceSession.create(modelBytes);
    const result = await session.run({ input: new ort.Tensor('float32', batch, [images.length, SIZE, SIZE, 3]) });
    ortProbs = result.probabilities?.data as Float32Array;
  }, 300_000);

  it('declares NHWC float32 [batch,224,224,3] → probabilities [batch,5]', () => {
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['probabilities']);
    expect(ortProbs.length).toBe(images.length * LABELS.length);
  });

  it('agrees with TF.js on every probability within 1e-4', () => {
    let maxDiff = 0;
    const rows: string[] = [];
    images.forEach((img, i) => {
      const a = tfjsProbs.subarray(i * 5, i * 5 + 5);
      const b = ortProbs.subarray(i * 5, i * 5 + 5);
      for (let c = 0; c < 5; c++) maxDiff = Math.max(maxDiff, Math.abs((a[c] as number) - (b[c] as number)));
      rows.push(
        `${img.name.padEnd(14)} ${LABELS[argmax(b)]?.padEnd(8)} ${Array.from(b, (v) => v.toFixed(5)).join(' ')}`,
      );
    });
    console.log(
      `default-model-parity: ${images.length} images, max |tfjs - onnx| = ${maxDiff.toExponential(3)}\n${rows.join('\n')}`,
    );
    expect(Array.from(ortProbs).every(Number.isFinite)).toBe(true);
    expect(maxDiff).toBeLessThan(TOLERANCE);
  });

  it('uses nsfwjs preprocessing exactly (classify() on the raw pixels gives the same numbers)', async () => {
    const img = images[0] as Rgb;
    const pixels = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    const predictions = await nsfwjs.classify(pixels, 5);
    pixels.dispose();
    for (const p of predictions) {
      const c = LABELS.indexOf(p.className);
      expect(c).toBeGreaterThanOrEqual(0);
      expect(Math.abs(p.probability - (tfjsProbs[c] as number))).toBeLessThan(1e-6);
    }
  });

  it('gives the same answer at batch size 1 as in the batch', async () => {
    const last = images.length - 1;
    const one = batch.slice(last * SIZE * SIZE * 3, (last + 1) * SIZE * SIZE * 3);
    const r = await session.run({ input: new ort.Tensor('float32', one, [1, SIZE, SIZE, 3]) });
    const probs = r.probabilities?.data as Float32Array;
    for (let c = 0; c < 5; c++)
      expect(Math.abs((probs[c] as number) - (ortProbs[last * 5 + c] as number))).toBeLessThan(1e-5);
  });

  it.skipIf(!havePhotos)('calls the real animal photos Neutral', () => {
    PHOTOS.forEach((p, i) => {
      const probs = ortProbs.subarray(i * 5, i * 5 + 5);
      expect({ photo: p, top1: LABELS[argmax(probs)] }).toEqual({ photo: p, top1: 'Neutral' });
    });
  });

  it('carries its ModelSpec and Netron-readable metadata', () => {
    const model = onnx.ModelProto.decode(modelBytes);
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(model.producerName).toBe('onsight-tfjs-to-onnx');
    const spec = JSON.parse(meta[SPEC_METADATA_KEY] as string) as ModelSpec;
    expect(spec.format).toBe(SPEC_FORMAT_VERSION);
    expect(spec.id).toBe('nsfwjs-mobilenet-v2');
    expect(spec.labels).toEqual(LABELS);
    expect(spec.input).toMatchObject({ name: 'input', layout: 'nhwc', dtype: 'float32', width: 224, height: 224 });
    expect(spec.input).toMatchObject({ resize: 'squish', resample: 'bilinear', alignCorners: true, antialias: false });
    expect(spec.input).toMatchObject({ channelOrder: 'rgb', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(spec.output).toEqual({ name: 'probabilities', kind: 'probabilities' });
    const version = JSON.parse(readFileSync(join(root, 'node_modules', 'nsfwjs', 'package.json'), 'utf8')).version;
    expect(spec.source).toMatchObject({ name: 'nsfwjs', package: 'nsfwjs', version, license: 'MIT' });
    // The app's own validator accepts it as a complete spec, with nothing to warn about.
    const warnings: string[] = [];
    validateSpec(spec, 'default model', warnings);
    expect(warnings).toEqual([]);
    expect(JSON.parse(meta.labels as string)).toEqual(LABELS);
    expect(meta.license).toBe('MIT');
    expect(meta.source).toContain('nsfwjs');
  });
});
