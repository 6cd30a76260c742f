/**
 * The backbone cut on every model kind the trainer takes — the default model, the two ImageNet MobileNetV2s (one with
 * QLinear ops, one QDQ), a converted Teachable Machine export, tiny generated models — run through onnxruntime-web:
 * the cut model's features equal the same tensor exposed as an extra output of the untouched original, on real
 * photos preprocessed by each backbone's own spec, two photos in one batch.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/classify-file';
import { writeOnnx } from '../../src/onnx/write-onnx';
import { cutBackbone, FEATURES_OUTPUT, NoFeaturePointError } from '../../src/train/backbone-cut';
import { preprocess } from '../../src/vision/pipeline';
import type { TensorData } from '../../src/vision/to-tensor';
import { initializerValues, withExtraOutput } from '../helpers/onnx-expose';
import { ort } from '../helpers/ort-node';
import { haveSharedModels } from '../helpers/shared-data';
import { buildTinyClassifier, onnx } from '../helpers/tiny-models';
import { type BackboneKind, loadBackbone, sharedRoot } from '../helpers/train-backbones';

const photos = ['dog.jpg', 'giraffe.jpg'].map((f) => join(sharedRoot, 'photos', f));

/** Two photos preprocessed by the spec, stacked into one batch. */
async function batchOf(spec: Parameters<typeof preprocess>[0]): Promise<TensorData> {
  const tensors = await Promise.all(photos.map(async (p) => preprocess(spec, await decodeImageFile(p))));
  const [a, b] = tensors as [TensorData, TensorData];
  const data = new (a.data.constructor as Float32ArrayConstructor)(a.data.length * 2);
  data.set(a.data as Float32Array);
  data.set(b.data as Float32Array, a.data.length);
  return { type: a.type, data: data as TensorData['data'], dims: [2, ...a.dims.slice(1)] };
}

async function run(bytes: Uint8Array, input: TensorData, outputs: string[]): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(new Uint8Array(bytes));
  const feeds = { [session.inputNames[0] as string]: new ort.Tensor(input.type, input.data, input.dims) };
  const result = await session.run(feeds, outputs);
  await session.release();
  return result as Record<string, ort.Tensor>;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(Number(a[i]) - Number(b[i])));
  return max;
}

/** Global average of an NCHW map over H×W: [N, C, H, W] → [N, C], as numbers. */
function averageOverSpace(values: ArrayLike<number>, dims: readonly number[]): number[] {
  const [n = 0, c = 0, h = 1, w = 1] = dims;
  const out: number[] = [];
  for (let i = 0; i < n * c; i++) {
    let sum = 0;
    for (let k = 0; k < h * w; k++) sum += Number(values[i * h * w + k]);
    out.push(sum / (h * w));
  }
  return out;
}

describe.skipIf(!haveSharedModels())('backbone cut on real models', () => {
  // Kind, the head's input, the residual stream tapped (null: none in a QLinear graph) and its channels.
  const cases: [BackboneKind, string, string | null, number][] = [
    ['default', 'flatten_1', 'block_14_add', 160],
    ['teachable-machine', 'global_average_pooling2d_GlobalAveragePooling2D1', 'block_14_add', 56],
    ['imagenet-zoo', '472_quantized', null, 0],
    ['imagenet-st', 'model_1/global_average_pooling2d/Mean_dequant', 'block_15_expand', 160],
  ];
  for (const [kind, expectedTensor, tapped, channels] of cases) {
    const size = 1280 + channels;
    it(`${kind}: features [2, ${size}] equal the original's ${expectedTensor}${tapped ? ' and its pooled residual stream' : ''} within 1e-5`, async () => {
      const backbone = await loadBackbone(kind);
      const { cut } = backbone;
      expect(cut.featureTensor).toBe(expectedTensor);
      expect(cut.headFeatureSize).toBe(1280);
      expect(cut.featureSize).toBe(size);
      expect(cut.taps.map((t) => t.channels)).toEqual(tapped ? [channels] : []);
      // The ST graph's tensor names are long fused TFLite names; the block they belong to is enough.
      if (tapped) expect(cut.taps[0]?.tensor).toContain(tapped);
      expect(cut.dequantized).toBe(kind === 'imagenet-zoo');
      expect(cut.bytes.length).toBeLessThan(backbone.modelBytes.length); // the head's weights are gone

      const input = await batchOf(backbone.spec);
      const features = (await run(cut.bytes, input, [FEATURES_OUTPUT]))[FEATURES_OUTPUT] as ort.Tensor;
      expect(features.type).toBe('float32');
      expect(features.dims).toEqual([2, size]);

      const quantized = kind === 'imagenet-zoo';
      const reference = withExtraOutput(backbone.modelBytes, expectedTensor, quantized ? 'uint8' : 'float32');
      const original = (await run(reference, input, [expectedTensor]))[expectedTensor] as ort.Tensor;
      let expected = Array.from(original.data as ArrayLike<number>, Number);
      if (quantized) {
        // The head (QLinearMatMul) reads uint8 features with its own input scale and zero point.
        const head = onnx.ModelProto.decode(backbone.modelBytes).graph?.node?.find(
          (n) => n.input?.[0] === expectedTensor,
        );
        expect(head?.opType).toBe('QLinearMatMul');
        const [scale] = initializerValues(backbone.modelBytes, head?.input?.[1] as string);
        const [zeroPoint] = initializerValues(backbone.modelBytes, head?.input?.[2] as string);
        expected = expected.map((q) => (q - (zeroPoint as number)) * (scale as number));
      }
      const values = features.data as Float32Array;
      const headPart = (row: number) => values.subarray(row * size, row * size + 1280);
      expect(maxAbsDiff([...headPart(0), ...headPart(1)], expected)).toBeLessThanOrEqual(1e-5);
      if (tapped) {
        // The appended features are the tapped map, exposed from the untouched original, averaged over H×W here.
        const tensor = cut.taps[0]?.tensor as string;
        const map = (await run(withExtraOutput(backbone.modelBytes, tensor), input, [tensor]))[tensor] as ort.Tensor;
        expect(map.dims).toHaveLength(4);
        expect(map.dims[1]).toBe(channels);
        const pooled = averageOverSpace(map.data as Float32Array, map.dims);
        const tapPart = (row: number) => values.subarray(row * size + 1280, (row + 1) * size);
        expect(maxAbsDiff([...tapPart(0), ...tapPart(1)], pooled)).toBeLessThanOrEqual(1e-5);
        expect(maxAbsDiff(tapPart(0), tapPart(1))).toBeGreaterThan(0.01);
      }
      // Real features, not zeros: the two photos differ and most features are non-zero somewhere.
      expect(maxAbsDiff(headPart(0), headPart(1))).toBeGreaterThan(0.1);
    });
  }

  it('residualTap: false cuts at the head input alone', async () => {
    const cut = cutBackbone((await loadBackbone('default')).modelBytes, { residualTap: false });
    expect(cut).toMatchObject({ featureSize: 1280, headFeatureSize: 1280, taps: [], featureTensor: 'flatten_1' });
  });
});

describe('backbone cut on generated models', () => {
  it('a tiny classifier (ReduceMean → MatMul → Add → Softmax → QuantizeLinear) is cut at its pooled channels', async () => {
    const tiny = buildTinyClassifier({ output: 'uint8', batch: 'batch', classes: 4 });
    const cut = cutBackbone(tiny.bytes);
    expect(cut).toMatchObject({ featureTensor: 'pooled', featureSize: 3, dequantized: false, inputName: 'image' });
    const data = Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, i) => Math.sin(i) * 3);
    const input: TensorData = { type: 'float32', data, dims: [2, 3, 4, 4] };
    const features = (await run(cut.bytes, input, [FEATURES_OUTPUT]))[FEATURES_OUTPUT] as ort.Tensor;
    const pooled = (await run(withExtraOutput(tiny.bytes, 'pooled'), input, ['pooled'])).pooled as ort.Tensor;
    expect(features.dims).toEqual([2, 3]);
    expect(maxAbsDiff(features.data as Float32Array, pooled.data as Float32Array)).toBeLessThanOrEqual(1e-6);
    // The head's weights are not in the cut model.
    const inits = onnx.ModelProto.decode(cut.bytes).graph?.initializer?.map((i) => i.name);
    expect(inits).not.toContain('W');
  });

  it('a Gemm head after GlobalAveragePool → Flatten (a torchvision export) is cut at the Flatten', () => {
    const bytes = writeOnnx({
      graph: {
        name: 'torchvision-like',
        nodes: [
          { op: 'Conv', inputs: ['image', 'conv_w'], outputs: ['conv'], attrs: { kernel_shape: [1, 1] } },
          { op: 'Relu', inputs: ['conv'], outputs: ['relu'] },
          { op: 'GlobalAveragePool', inputs: ['relu'], outputs: ['gap'] },
          { op: 'Flatten', inputs: ['gap'], outputs: ['flat'], attrs: { axis: 1 } },
          { op: 'Gemm', inputs: ['flat', 'fc_w', 'fc_b'], outputs: ['logits'], attrs: { transB: 1 } },
        ],
        initializers: [
          { name: 'conv_w', dims: [8, 3, 1, 1], type: 'float32', data: new Float32Array(24).fill(0.5) },
          { name: 'fc_w', dims: [5, 8], type: 'float32', data: new Float32Array(40).fill(0.1) },
          { name: 'fc_b', dims: [5], type: 'float32', data: new Float32Array(5) },
        ],
        inputs: [{ name: 'image', dims: ['N', 3, 8, 8] }],
        outputs: [{ name: 'logits', dims: ['N', 5] }],
      },
    });
    expect(cutBackbone(bytes)).toMatchObject({ featureTensor: 'flat', featureSize: 8, headNode: 'Gemm → logits' });
  });

  /** A tiny residual net: stem conv, a residual block (skip = the stem), an expansion conv, pooled, Gemm head. */
  function residualNet(skipFeedsConv: boolean): Uint8Array {
    const w = (name: string, dims: number[]) => ({
      name,
      dims,
      type: 'float32' as const,
      data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i * 0.7) * 0.5),
    });
    const skip = skipFeedsConv ? 'stem' : 'stem_relu';
    return writeOnnx({
      graph: {
        name: 'residual',
        nodes: [
          { op: 'Conv', inputs: ['image', 'w_stem'], outputs: ['stem'], attrs: { kernel_shape: [1, 1] } },
          { op: 'Relu', inputs: ['stem'], outputs: ['stem_relu'] },
          { op: 'Conv', inputs: ['stem', 'w_branch'], outputs: ['branch'], attrs: { kernel_shape: [1, 1] } },
          { op: 'Add', inputs: [skip, 'branch'], outputs: ['res'] },
          { op: 'Conv', inputs: ['res', 'w_expand'], outputs: ['expand'], attrs: { kernel_shape: [1, 1] } },
          { op: 'Relu', inputs: ['expand'], outputs: ['expand_relu'] },
          { op: 'GlobalAveragePool', inputs: ['expand_relu'], outputs: ['gap'] },
          { op: 'Flatten', inputs: ['gap'], outputs: ['flat'], attrs: { axis: 1 } },
          { op: 'Gemm', inputs: ['flat', 'fc_w'], outputs: ['logits'], attrs: { transB: 1 } },
        ],
        initializers: [
          w('w_stem', [4, 3, 1, 1]),
          w('w_branch', [4, 4, 1, 1]),
          w('w_expand', [6, 4, 1, 1]),
          w('fc_w', [5, 6]),
        ],
        inputs: [{ name: 'image', dims: ['N', 3, 8, 8] }],
        outputs: [{ name: 'logits', dims: ['N', 5] }],
      },
    });
  }

  it('a residual net also gets the stream entering its last residual block, pooled and appended', async () => {
    const bytes = residualNet(true);
    const cut = cutBackbone(bytes);
    expect(cut).toMatchObject({ featureTensor: 'flat', headFeatureSize: 6, featureSize: 10 });
    expect(cut.taps).toEqual([{ tensor: 'stem', channels: 4 }]);
    const data = Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(i * 0.3));
    const input: TensorData = { type: 'float32', data, dims: [2, 3, 8, 8] };
    const features = (await run(cut.bytes, input, [FEATURES_OUTPUT]))[FEATURES_OUTPUT] as ort.Tensor;
    const reference = await run(withExtraOutput(withExtraOutput(bytes, 'flat'), 'stem'), input, ['flat', 'stem']);
    const flat = Array.from(reference.flat?.data as Float32Array);
    const stem = averageOverSpace(reference.stem?.data as Float32Array, reference.stem?.dims ?? []);
    const expected = [...flat.slice(0, 6), ...stem.slice(0, 4), ...flat.slice(6), ...stem.slice(4)];
    expect(features.dims).toEqual([2, 10]);
    expect(maxAbsDiff(features.data as Float32Array, expected)).toBeLessThanOrEqual(1e-6);
    expect(cutBackbone(bytes, { residualTap: false })).toMatchObject({ featureSize: 6, taps: [] });
  });

  it('taps nothing when the residual skip does not feed a Conv (its layout is unknown)', () => {
    expect(cutBackbone(residualNet(false))).toMatchObject({ featureSize: 6, headFeatureSize: 6, taps: [] });
  });

  it('says so when the output is not computed by a dense classifier', () => {
    const bytes = writeOnnx({
      graph: {
        name: 'no-head',
        nodes: [{ op: 'GlobalAveragePool', inputs: ['image'], outputs: ['scores'] }],
        inputs: [{ name: 'image', dims: [1, 3, 8, 8] }],
        outputs: [{ name: 'scores', dims: [1, 3, 1, 1] }],
      },
    });
    expect(() => cutBackbone(bytes)).toThrow(NoFeaturePointError);
    expect(() => cutBackbone(bytes)).toThrow(
      /cannot use this model as a backbone: its output "scores" is not computed by a dense classifier layer \(MatMul or Gemm\).*GlobalAveragePool/,
    );
  });

  it('says so when the dense layer reads the raw input rather than pooled image features', () => {
    const bytes = writeOnnx({
      graph: {
        name: 'mlp',
        nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
        initializers: [{ name: 'w', dims: [4, 2], type: 'float32', data: new Float32Array(8) }],
        inputs: [{ name: 'x', dims: [1, 4] }],
        outputs: [{ name: 'y', dims: [1, 2] }],
      },
    });
    expect(() => cutBackbone(bytes)).toThrow(
      /is fed by the graph input "x", not by a global pooling, flatten or reshape/,
    );
  });

  it('refuses bytes that are not a model', () => {
    expect(() => cutBackbone(new TextEncoder().encode('{"modelTopology": {}}'))).toThrow(/not an ONNX model/);
  });
});
