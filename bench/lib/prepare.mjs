// @ts-check
/**
 * Everything the bench arranges at run time, outside the repository's tracked files: the 12-megapixel photo, the
 * Hugging Face layout Transformers.js needs, and the files the bench pages are served with (symlinks and copies
 * inside the git-ignored bench/dist/). Nothing here is committed.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Upscales a shared photo to about 12 megapixels (4256×2832) with sharp. @param {string} src @param {string} out */
export async function make12mp(src, out) {
  const { default: sharp } = await import('sharp');
  await sharp(src).resize(4256, 2832, { fit: 'fill', kernel: 'lanczos3' }).jpeg({ quality: 90 }).toFile(out);
  return out;
}

/**
 * The ImageNet MobileNetV2 (ONNX Model Zoo, int8) in the layout Transformers.js reads: config.json (id2label),
 * preprocessor_config.json (shorter side 256, centre crop 224, ImageNet mean/std, bilinear) and onnx/model.onnx.
 * Transformers.js feeds `pixel_values` and reads `logits`, so the copy's graph input/output are renamed
 * (input → pixel_values, output → logits); weights and operators are untouched.
 * @param {string} zooDir @param {string} outDir model directory to create
 */
export function makeHfModel(zooDir, outDir) {
  const labels = readFileSync(join(zooDir, 'labels.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  /** @type {Record<string, string>} */
  const id2label = {};
  /** @type {Record<string, number>} */
  const label2id = {};
  labels.forEach((label, i) => {
    id2label[String(i)] = label;
    label2id[label] = i;
  });
  mkdirSync(join(outDir, 'onnx'), { recursive: true });
  writeFileSync(
    join(outDir, 'config.json'),
    JSON.stringify(
      {
        model_type: 'mobilenet_v2',
        architectures: ['MobileNetV2ForImageClassification'],
        num_labels: labels.length,
        id2label,
        label2id,
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(outDir, 'preprocessor_config.json'),
    JSON.stringify(
      {
        image_processor_type: 'MobileNetV2ImageProcessor',
        do_resize: true,
        size: { shortest_edge: 256 },
        resample: 2, // PIL bilinear
        do_center_crop: true,
        crop_size: { height: 224, width: 224 },
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_normalize: true,
        image_mean: [0.485, 0.456, 0.406],
        image_std: [0.229, 0.224, 0.225],
      },
      null,
      2,
    ),
  );
  /** @type {any} */
  const { onnx } = require('onnx-proto');
  /** @type {any} */
  const model = onnx.ModelProto.decode(readFileSync(join(zooDir, 'model.onnx')));
  const rename = /** @param {string} n */ (n) => (n === 'input' ? 'pixel_values' : n === 'output' ? 'logits' : n);
  for (const v of [...model.graph.input, ...model.graph.output, ...(model.graph.valueInfo ?? [])])
    v.name = rename(v.name);
  for (const node of model.graph.node) {
    node.input = node.input.map(rename);
    node.output = node.output.map(rename);
  }
  writeFileSync(join(outDir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  return outDir;
}

/** @param {string} target @param {string} link */
function link(target, link) {
  rmSync(link, { force: true, recursive: true });
  symlinkSync(target, link);
}

/**
 * Puts what the bench pages fetch next to the Vite output in bench/dist/: models, photos, the HF layout, and the
 * peers' .wasm files (copied from bench/peers/node_modules, served locally: no CDN).
 * @param {{ benchDist: string, peersDir: string, models: Record<string, string>, photos: string[], hfModels: string }} o
 */
export function assembleBenchSite(o) {
  mkdirSync(join(o.benchDist, 'models'), { recursive: true });
  for (const [name, path] of Object.entries(o.models)) link(path, join(o.benchDist, 'models', name));
  mkdirSync(join(o.benchDist, 'photos'), { recursive: true });
  for (const photo of o.photos) link(photo, join(o.benchDist, 'photos', basename(photo)));
  link(o.hfModels, join(o.benchDist, 'hf-models'));
  const ortDist = join(o.peersDir, 'node_modules', 'onnxruntime-web', 'dist');
  mkdirSync(join(o.benchDist, 'ort'), { recursive: true });
  for (const f of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) {
    if (existsSync(join(ortDist, f))) cpSync(join(ortDist, f), join(o.benchDist, 'ort', f));
  }
  const tfWasm = join(o.peersDir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  mkdirSync(join(o.benchDist, 'tfjs-wasm'), { recursive: true });
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    cpSync(join(tfWasm, f), join(o.benchDist, 'tfjs-wasm', f));
  }
}

/**
 * A copy of the app's build to serve, so models can be added to it (never to the committed public/) and a rebuild of
 * dist/ during the run cannot change what is measured. Without the build's precompressed .br/.gz: the peers have none,
 * so every contender's bytes are counted as sent uncompressed, and compressed sizes are computed alike for all
 * (./compressed.mjs). @param {string} dist @param {string} out
 */
export function assembleAppSite(dist, out) {
  rmSync(out, { recursive: true, force: true });
  cpSync(dist, out, { recursive: true, dereference: true, filter: (src) => !/\.(br|gz)$/.test(src) });
  return out;
}
