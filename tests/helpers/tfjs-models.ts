/**
 * TF.js layers models made in the tests with `@tensorflow/tfjs` (Node, CPU backend): Keras-style MobileNet v1 and v2
 * feature extractors and the Teachable Machine topology around them (Sequential[Sequential[base, global average
 * pooling], Sequential[Dense 100 relu, Dense N softmax without bias]]), saved in memory as the files a user would
 * bring: model.json, weights.bin and a Teachable Machine metadata.json.
 */
import * as tf from '@tensorflow/tfjs';
import type { GivenFile } from '../../src/convert/tfjs-file-set';

type Sym = tf.SymbolicTensor;

/** Keras's `_make_divisible`: channel counts rounded to a multiple of 8, never down by more than 10 %. */
function divisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

const bn = (name: string) => tf.layers.batchNormalization({ axis: -1, epsilon: 1e-3, momentum: 0.999, name });
const relu6 = (name: string) => tf.layers.reLU({ maxValue: 6, name });
const conv1x1 = (filters: number, name: string) =>
  tf.layers.conv2d({ filters, kernelSize: 1, padding: 'same', useBias: false, name });
const apply = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** Keras applications' MobileNetV2 (`include_top=False`), cut at `out_relu` as Teachable Machine's is. */
export function mobileNetV2(size: number, channels: 1 | 3, alpha: number): tf.LayersModel {
  const input = tf.input({ shape: [size, size, channels], name: 'input_1' });
  let x = apply(
    tf.layers.zeroPadding2d({
      padding: [
        [0, 1],
        [0, 1],
      ],
      name: 'Conv1_pad',
    }),
    input,
  );
  x = apply(
    tf.layers.conv2d({
      filters: divisible(32 * alpha),
      kernelSize: 3,
      strides: 2,
      useBias: false,
      name: 'Conv1',
    }),
    x,
  );
  x = apply(relu6('Conv1_relu'), apply(bn('bn_Conv1'), x));
  const blocks: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  let id = 0;
  let inChannels = divisible(32 * alpha);
  for (const [expansion, c, n, s] of blocks) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const out = divisible(c * alpha);
      const prefix = id === 0 ? 'expanded_conv_' : `block_${id}_`;
      let y = x;
      if (expansion !== 1) {
        y = apply(conv1x1(inChannels * expansion, `${prefix}expand`), y);
        y = apply(relu6(`${prefix}expand_relu`), apply(bn(`${prefix}expand_BN`), y));
      }
      if (stride === 2)
        y = apply(
          tf.layers.zeroPadding2d({
            padding: [
              [0, 1],
              [0, 1],
            ],
            name: `${prefix}pad`,
          }),
          y,
        );
      const dw = tf.layers.depthwiseConv2d({
        kernelSize: 3,
        strides: stride,
        padding: stride === 2 ? 'valid' : 'same',
        useBias: false,
        name: `${prefix}depthwise`,
      });
      y = apply(relu6(`${prefix}depthwise_relu`), apply(bn(`${prefix}depthwise_BN`), apply(dw, y)));
      y = apply(bn(`${prefix}project_BN`), apply(conv1x1(out, `${prefix}project`), y));
      x = stride === 1 && inChannels === out ? apply(tf.layers.add({ name: `${prefix}add` }), [x, y]) : y;
      inChannels = out;
      id++;
    }
  }
  x = apply(
    relu6('out_relu'),
    apply(bn('Conv_1_bn'), apply(conv1x1(alpha > 1 ? divisible(1280 * alpha) : 1280, 'Conv_1'), x)),
  );
  return tf.model({ inputs: input, outputs: x, name: 'model1' });
}

/** Keras applications' MobileNet (v1, `include_top=False`), cut at `conv_pw_13_relu`. */
export function mobileNetV1(size: number, channels: 1 | 3, alpha: number): tf.LayersModel {
  const input = tf.input({ shape: [size, size, channels], name: 'input_1' });
  const f = (n: number) => Math.floor(n * alpha);
  let x = apply(
    tf.layers.conv2d({
      filters: f(32),
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      name: 'conv1',
    }),
    input,
  );
  x = apply(relu6('conv1_relu'), apply(bn('conv1_bn'), x));
  const blocks: [number, number][] = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ];
  blocks.forEach(([filters, stride], i) => {
    const id = i + 1;
    if (stride === 2)
      x = apply(
        tf.layers.zeroPadding2d({
          padding: [
            [0, 1],
            [0, 1],
          ],
          name: `conv_pad_${id}`,
        }),
        x,
      );
    const dw = tf.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: stride,
      padding: stride === 2 ? 'valid' : 'same',
      useBias: false,
      name: `conv_dw_${id}`,
    });
    x = apply(relu6(`conv_dw_${id}_relu`), apply(bn(`conv_dw_${id}_bn`), apply(dw, x)));
    x = apply(
      relu6(`conv_pw_${id}_relu`),
      apply(bn(`conv_pw_${id}_bn`), apply(conv1x1(f(filters), `conv_pw_${id}`), x)),
    );
  });
  return tf.model({ inputs: input, outputs: x, name: 'model1' });
}

/** Teachable Machine's image model around a feature extractor: Sequential[Sequential[base, GAP], Sequential[head]]. */
export function teachableMachineModel(base: tf.LayersModel, classes: number): tf.Sequential {
  const features = tf.sequential({ name: 'sequential_1' });
  features.add(base);
  features.add(tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_GlobalAveragePooling2D1' }));
  const width = features.outputs[0]?.shape[1] as number;
  const head = tf.sequential({ name: 'sequential_3' });
  head.add(
    tf.layers.dense({
      units: 100,
      activation: 'relu',
      inputShape: [width],
      name: 'dense_Dense1',
    }),
  );
  head.add(
    tf.layers.dense({
      units: classes,
      activation: 'softmax',
      useBias: false,
      name: 'dense_Dense2',
    }),
  );
  const model = tf.sequential({ name: 'sequential_4' });
  model.add(features);
  model.add(head);
  return randomizeWeights(model);
}

/** A fixed pseudo-random sequence, so a failure can be reproduced. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Seeded random weights that keep a signal alive through 50 layers: kernels uniform with variance 2 / fan-in (He; the
 * fan-in of a depthwise kernel is its window alone, which TF.js's own initialisers get wrong, and TF.js's default
 * Glorot init leaves the features of such a net ~0 for every input, so a test on them could not fail), small biases,
 * and BatchNormalization statistics away from the identity (mean 0, variance 1, γ 1, β 0 would leave their folding
 * untested).
 */
function randomizeWeights<M extends tf.LayersModel>(model: M, seed = 11): M {
  const rand = seededRandom(seed);
  const uniform = (size: number, lo: number, hi: number) =>
    Float32Array.from({ length: size }, () => lo + rand() * (hi - lo));
  const ranges: Record<string, [number, number]> = {
    moving_mean: [-0.2, 0.2],
    moving_variance: [0.5, 1.5],
    gamma: [0.7, 1.3],
    beta: [-0.2, 0.2],
    bias: [-0.1, 0.1],
  };
  model.setWeights(
    model.weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((p, d) => p * d, 1);
      const kind = w.originalName.split('/').pop() ?? '';
      const range = ranges[kind];
      if (range) return tf.tensor(uniform(size, ...range), shape);
      // kernel [kh, kw, in, out] or [in, out]; depthwise_kernel [kh, kw, channels, multiplier]
      const fanIn =
        kind === 'depthwise_kernel' ? (shape[0] as number) * (shape[1] as number) : size / (shape.at(-1) as number);
      const limit = Math.sqrt(6 / fanIn); // uniform(−a, a) has variance a² / 3 = 2 / fan-in
      return tf.tensor(uniform(size, -limit, limit), shape);
    }),
  );
  return model;
}

/** A model as the files of a TF.js export: model.json (topology + weights manifest) and weights.bin. */
export async function exportFiles(model: tf.LayersModel): Promise<{ modelJson: string; weightsBin: Uint8Array }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.weightData || !saved.weightSpecs) throw new Error('the save handler got no weights');
  const parts = Array.isArray(saved.weightData) ? saved.weightData : [saved.weightData];
  const weightsBin = new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
  const modelJson = JSON.stringify({
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs }],
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
  });
  return { modelJson, weightsBin };
}

/** Teachable Machine's metadata.json for a model with these labels. */
export function teachableMachineMetadata(labels: string[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    tfjsVersion: tf.version.tfjs,
    tmVersion: '2.4.10',
    packageVersion: '0.8.4-alpha2',
    packageName: '@teachablemachine/image',
    timeStamp: '2025-01-01T00:00:00.000Z',
    userMetadata: {},
    modelName: 'Generated',
    labels,
    ...extra,
  });
}

/** In-memory files as the converter takes them. */
export function given(files: Record<string, string | Uint8Array>, folder?: string): GivenFile[] {
  return Object.entries(files).map(([name, data]) => {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return { name, ...(folder ? { path: `${folder}/${name}` } : {}), size: bytes.byteLength, bytes: async () => bytes };
  });
}

/**
 * `count` images of size×size×channels in −1..1 that differ in what a network sees (patterns, contrast, brightness),
 * unlike i.i.d. noise, whose per-channel averages — all global average pooling keeps — are nearly equal.
 */
export function testImages(count: number, size: number, channels: number): Float32Array {
  const out = new Float32Array(count * size * size * channels);
  const rand = seededRandom(5);
  let i = 0;
  for (let b = 0; b < count; b++) {
    const [fy, fx, amp, offset] = [0.05 + 0.3 * rand(), 0.05 + 0.3 * rand(), 0.5 + rand(), 0.6 * (rand() - 0.5)];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < channels; c++) {
          const v = offset + amp * Math.sin(y * fy + c) * Math.cos(x * fx - c) + 0.2 * (rand() - 0.5);
          out[i++] = Math.max(-1, Math.min(1, v));
        }
      }
    }
  }
  return out;
}
