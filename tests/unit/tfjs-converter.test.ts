/**
 * Unit tests of the TF.js layers converter (src/convert/tfjs-layers): TF "same" padding, clear errors for unsupported
 * layers, weight decoding, and a small generated Sequential model wrapping a nested functional model (the shape of a
 * Teachable Machine export) converted and run in onnxruntime-web against TF.js, both from files on disk (through
 * tools/tfjs-layers-files.ts) and from bytes alone (as the browser will hand them over).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  convertDecodedModel,
  convertTfjsLayersModel,
  decodeManifest,
  decodeWeight,
  LAYERS,
  samePadding,
  UnsupportedLayerError,
  type WeightSpec,
} from '../../src/convert/tfjs-layers/index';
import { readTfjsLayersFiles } from '../../tools/tfjs-layers-files';

const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');

describe('samePadding (TF "same")', () => {
  it('puts the odd pixel after, as TF does', () => {
    expect(samePadding(224, 3, 2)).toEqual([0, 1]);
    expect(samePadding(225, 3, 2)).toEqual([1, 1]);
    expect(samePadding(112, 3, 1)).toEqual([1, 1]);
    expect(samePadding(7, 1, 2)).toEqual([0, 0]);
    expect(samePadding(4, 4, 2)).toEqual([1, 1]);
    expect(samePadding(10, 4, 1)).toEqual([1, 2]);
    expect(samePadding(5, 3, 2, 2)).toEqual([2, 2]);
  });
});

describe('unsupported layers', () => {
  it('throw an error naming the layer type and the layer', () => {
    const model = {
      modelTopology: {
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'seq',
            layers: [
              { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 8, 4], dtype: 'float32' } },
              { class_name: 'LSTM', config: { name: 'my_lstm', units: 4 } },
            ],
          },
        },
      },
      weights: new Map(),
    };
    expect(() => convertDecodedModel(model)).toThrow(UnsupportedLayerError);
    expect(() => convertDecodedModel(model)).toThrow(/unsupported layer type "LSTM" \(layer "my_lstm"\)/);
    expect(Object.keys(LAYERS)).toContain('DepthwiseConv2D');
  });
});

describe('layer registry', () => {
  it('holds every family of layers, each class name once', () => {
    expect(Object.keys(LAYERS).sort()).toEqual(
      [
        ...['Dense', 'Activation'],
        ...['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'],
        ...['AveragePooling2D', 'MaxPooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D'],
        'BatchNormalization',
        ...['ReLU', 'Softmax'],
        ...['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate'],
        ...['ZeroPadding2D', 'Flatten', 'Reshape'],
        ...['Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'],
      ].sort(),
    );
  });
});

describe('weight decoding', () => {
  it('dequantises uint8 / uint16 affinely and decodes float16', () => {
    const u8 = decodeWeight(
      { name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
      new Uint8Array([0, 2, 255]),
    );
    expect(Array.from(u8)).toEqual([-1, 0, 126.5]);
    const u16 = decodeWeight(
      { name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: 0.25, scale: 0.125 } },
      new Uint8Array(new Uint16Array([0, 1000]).buffer),
    );
    expect(Array.from(u16)).toEqual([0.25, 125.25]);
    const f16 = decodeWeight(
      { name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
      new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555]).buffer),
    );
    expect(f16[0]).toBe(1);
    expect(f16[1]).toBe(-2);
    expect(f16[2]).toBeCloseTo(1 / 3, 3);
  });

  it('rejects shards that do not match the manifest', () => {
    const manifest = [{ paths: ['a'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }];
    expect(() => decodeManifest(manifest, () => new Uint8Array(4))).toThrow(/runs past the end/);
    expect(() => decodeManifest(manifest, () => new Uint8Array(12))).toThrow(/left over/);
  });
});

/** A TM-like model: Sequential[ functional feature extractor (nested), Flatten, Dense head ]. */
function buildModel(): tf.Sequential {
  // Odd, non-square spatial size so that every stride-2 "same" layer needs asymmetric padding and H/W swaps show.
  const input = tf.input({ shape: [33, 27, 3] });
  let x = tf.layers
    .zeroPadding2d({
      padding: [
        [0, 1],
        [1, 0],
      ],
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: false })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  const dw = tf.layers
    .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, useBias: true })
    .apply(x) as tf.SymbolicTensor;
  const a = tf.layers
    .conv2d({ filters: 12, kernelSize: 1, padding: 'same', activation: 'relu' })
    .apply(dw) as tf.SymbolicTensor;
  const b = tf.layers
    .conv2d({ filters: 12, kernelSize: [3, 2], strides: 1, padding: 'same' })
    .apply(dw) as tf.SymbolicTensor;
  let y = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  const s = tf.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.concatenate().apply([y, s]) as tf.SymbolicTensor;
  y = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }).apply(y) as tf.SymbolicTensor;
  const features = tf.model({ inputs: input, outputs: y, name: 'features' });

  const head = tf.sequential({ name: 'head' });
  head.add(tf.layers.flatten({ inputShape: features.outputs[0]?.shape.slice(1) as number[] }));
  head.add(tf.layers.dense({ units: 10, activation: 'relu' }));
  head.add(tf.layers.dropout({ rate: 0.5 }));
  head.add(tf.layers.dense({ units: 3, activation: 'softmax' }));

  const model = tf.sequential({ name: 'tm_like' });
  model.add(features);
  model.add(head);

  // Non-trivial weights everywhere, positive variances for BatchNormalization.
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  model.setWeights(
    model.weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((p, d) => p * d, 1);
      const positive = /moving_variance|gamma/.test(w.originalName);
      const values = Float32Array.from({ length: size }, () => (positive ? 0.5 + rand() : (rand() - 0.5) * 0.8));
      return tf.tensor(values, shape);
    }),
  );
  return model;
}

/** Saves a model with a custom IO handler and returns its topology, weight specs and weight bytes. */
async function saveToMemory(model: tf.LayersModel) {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.weightData || !saved.weightSpecs) throw new Error('save handler got no weights');
  const parts = Array.isArray(saved.weightData) ? saved.weightData : [saved.weightData];
  return {
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightSpecs,
    weightBytes: Buffer.concat(parts.map((p) => Buffer.from(p))),
  };
}

async function maxDiffVsTfjs(model: tf.LayersModel, onnxBytes: Uint8Array, inputName: string, outputName: string) {
  const n = 3;
  const input = tf.randomUniform([n, 33, 27, 3], 0, 1, 'float32', 42);
  const expected = (await (model.predict(input) as tf.Tensor).data()) as Float32Array;
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(onnxBytes);
  const out = await session.run({
    [inputName]: new ort.Tensor('float32', (await input.data()) as Float32Array, [n, 33, 27, 3]),
  });
  const actual = out[outputName]?.data as Float32Array;
  expect(actual.length).toBe(expected.length);
  // Not a degenerate (uniform) output: the comparison means something.
  expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.01);
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++)
    maxDiff = Math.max(maxDiff, Math.abs((expected[i] as number) - (actual[i] as number)));
  return maxDiff;
}

describe('Sequential wrapping a nested functional model, through JS-wrapped files', () => {
  let dir: string;
  let model: tf.Sequential;
  let onnxBytes: Uint8Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = buildModel();
    const saved = await saveToMemory(model);

    // Written the way nsfwjs ships its models: UMD bundles exporting the model JSON and the shard as base64.
    dir = mkdtempSync(join(tmpdir(), 'tfjs-layers-'));
    const umd = (global: string, value: string) =>
      `!function(e){if("object"==typeof exports&&"undefined"!=typeof module)module.exports=e();else this.${global}=e()}(function(){return ${value}});\n`;
    const modelJson = {
      modelTopology: saved.modelTopology,
      format: 'layers-model',
      weightsManifest: [{ paths: ['group1-shard1of1'], weights: saved.weightSpecs }],
    };
    writeFileSync(join(dir, 'model.min.js'), umd('model', JSON.stringify(modelJson)));
    writeFileSync(
      join(dir, 'group1-shard1of1.min.js'),
      umd('group1_shard1of1', JSON.stringify(saved.weightBytes.toString('base64'))),
    );

    const files = readTfjsLayersFiles(join(dir, 'model.min.js'));
    const result = await convertTfjsLayersModel(files, { inputName: 'pixels', outputName: 'scores' });
    expect(result.unusedWeights).toEqual([]);
    expect(result.inputs).toEqual([{ name: 'pixels', dims: ['batch', 33, 27, 3] }]);
    expect(result.outputs).toEqual([{ name: 'scores', dims: ['batch', 3] }]);
    onnxBytes = result.onnx;
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is saved by TF.js as Sequential → nested model → layers', () => {
    const topology = model.toJSON(null, false) as unknown as {
      class_name: string;
      config: { layers: { class_name: string }[] };
    };
    expect(topology.class_name).toBe('Sequential');
    expect(topology.config.layers.map((l) => l.class_name)).toEqual([
      expect.stringMatching(/^(Model|Functional)$/),
      'Sequential',
    ]);
  });

  it('computes what TF.js computes', async () => {
    expect(await maxDiffVsTfjs(model, onnxBytes, 'pixels', 'scores')).toBeLessThan(1e-5);
  });
});

describe('from bytes alone (model.json text + shard bytes, no files), as the browser will call it', () => {
  it('computes what TF.js computes, whether the shards come from a Map or from a function', async () => {
    await tf.setBackend('cpu');
    const model = buildModel();
    const saved = await saveToMemory(model);
    // Plain Uint8Arrays (not Node Buffers), split in two shards that the library must join in manifest order.
    const all = new Uint8Array(saved.weightBytes);
    const cut = Math.floor(all.length / 3);
    const paths = ['weights/group1-shard1of2.bin', 'weights/group1-shard2of2.bin'];
    const shards = new Map([
      [paths[0] as string, all.slice(0, cut)],
      [paths[1] as string, all.slice(cut)],
    ]);
    const modelJson = JSON.stringify({
      modelTopology: saved.modelTopology,
      format: 'layers-model',
      weightsManifest: [{ paths, weights: saved.weightSpecs }],
    });
    const requested: string[] = [];
    const fromFunction = await convertTfjsLayersModel({
      modelJson,
      weights: async (path) => {
        requested.push(path);
        return (shards.get(path) as Uint8Array).slice().buffer; // an ArrayBuffer, as fetch's arrayBuffer() gives
      },
    });
    const fromMap = await convertTfjsLayersModel({ modelJson, weights: shards }, { outputName: 'scores' });
    expect(requested).toEqual(paths);
    expect(fromMap.unusedWeights).toEqual([]);
    expect(fromMap.outputs).toEqual([{ name: 'scores', dims: ['batch', 3] }]);
    expect(fromFunction.onnx).toBeInstanceOf(Uint8Array);
    expect(fromFunction.outputs.map((o) => o.name)).toEqual(['output_0']);
    const inputName = fromMap.inputs[0]?.name as string;
    expect(await maxDiffVsTfjs(model, fromMap.onnx, inputName, 'scores')).toBeLessThan(1e-5);
    expect(await maxDiffVsTfjs(model, fromFunction.onnx, inputName, 'output_0')).toBeLessThan(1e-5);
  });

  it('names a shard the source does not have', async () => {
    const modelJson = {
      modelTopology: { class_name: 'Sequential', config: { layers: [] } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }],
    };
    await expect(convertTfjsLayersModel({ modelJson, weights: new Map() })).rejects.toThrow(
      'weight shard "group1-shard1of1.bin" is missing',
    );
  });

  it('refuses a graph model and text that is not JSON', async () => {
    const graphModel = { format: 'graph-model', modelTopology: { node: [] } };
    await expect(convertTfjsLayersModel({ modelJson: graphModel, weights: new Map() })).rejects.toThrow(
      /format "graph-model" is not supported/,
    );
    await expect(convertTfjsLayersModel({ modelJson: '<html>', weights: new Map() })).rejects.toThrow(
      /model\.json: not JSON/,
    );
  });
});

describe('uint8-quantised weights (keepQuantizedWeights)', () => {
  it('stay uint8 in the file and give what TF.js gives from the same bytes', async () => {
    await tf.setBackend('cpu');
    const { modelTopology, weightSpecs, weightBytes } = await saveToMemory(buildModel());
    // Quantise every weight as tensorflowjs_converter --quantize_uint8 does: value ≈ min + scale * q.
    const floats = new Float32Array(weightBytes.buffer, weightBytes.byteOffset, weightBytes.byteLength / 4);
    const specs: tf.io.WeightsManifestEntry[] = [];
    const q: number[] = [];
    let offset = 0;
    for (const spec of weightSpecs) {
      const size = spec.shape.reduce((a, d) => a * d, 1);
      const values = floats.subarray(offset, offset + size);
      offset += size;
      const min = Math.min(...values);
      const scale = (Math.max(...values) - min) / 255 || 1;
      for (const v of values) q.push(Math.round((v - min) / scale));
      specs.push({ ...spec, quantization: { dtype: 'uint8', min, scale } });
    }
    const qBytes = Uint8Array.from(q);
    const original = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology, weightSpecs: specs, weightData: qBytes.buffer }),
    );

    const weights = decodeManifest([{ paths: ['shard'], weights: specs as WeightSpec[] }], () => qBytes);
    const kept = convertDecodedModel({ modelTopology, weights }, { keepQuantizedWeights: true, outputName: 'out' });
    const plain = convertDecodedModel({ modelTopology, weights }, { outputName: 'out' });
    expect(kept.onnx.length).toBeLessThan(plain.onnx.length);
    const uint8Inits = onnx.ModelProto.decode(kept.onnx).graph?.initializer?.filter(
      (t) => t.dataType === onnx.TensorProto.DataType.UINT8,
    );
    expect(uint8Inits?.length).toBeGreaterThan(0);
    const inputName = kept.inputs[0]?.name as string;
    expect(await maxDiffVsTfjs(original, kept.onnx, inputName, 'out')).toBeLessThan(1e-5);
  });
});
