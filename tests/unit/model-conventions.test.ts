/**
 * Every input/output convention OnSight supports, on tiny generated ONNX models run for real with onnxruntime-web:
 * the resolved spec is what the model needs, and the model's raw output equals a hand computation on a hand-made
 * tensor (so the generated models, which other tests rely on, are what they claim to be).
 */
import { describe, expect, it } from 'vitest';
import { resolveModelSpec } from '../../src/model/resolve-spec';
import { createSession, runOnce } from '../helpers/ort-node';
import { buildTinyClassifier, makeImage, type TinyModelOptions, toFloat16Bits } from '../helpers/tiny-models';

const labels3 = 'cat\ndog\nbird\n';

function expectClose(actual: readonly number[], expected: readonly number[], digits: number) {
  expect(actual).toHaveLength(expected.length);
  for (let k = 0; k < expected.length; k++) expect(actual[k]).toBeCloseTo(expected[k] ?? Number.NaN, digits);
}

async function resolveAndRun(opts: TinyModelOptions, labelsText: string, imageSize = { H: 4, W: 4 }) {
  const model = buildTinyClassifier(opts);
  const { session, io } = await createSession(model.bytes);
  const resolved = await resolveModelSpec({
    modelFileName: 'tiny.onnx',
    modelBytes: model.bytes,
    companions: new Map([['labels.txt', labelsText]]),
    io,
  });
  const C = model.options.channels;
  // Distinct per-channel levels plus a spatial ramp: a wrong layout would average the wrong values.
  const img = makeImage(model.options.layout, C, imageSize.H, imageSize.W, (c, h, w) => 10 + 60 * c + 4 * h + w);
  const data = model.options.inputType === 'float16' ? toFloat16Bits(img.data) : img.data;
  const out = await runOnce(session, model.options.inputType, data, img.shape);
  return { model, resolved, img, out };
}

describe('input conventions', () => {
  it('NCHW float32 logits: layout, size and dtype from the input shape, ImageNet defaults', async () => {
    const { resolved, out, model, img } = await resolveAndRun({ layout: 'nchw', classes: 3 }, labels3);
    const { spec, provenance } = resolved;
    expect(spec.input).toMatchObject({ name: 'image', layout: 'nchw', dtype: 'float32', width: 4, height: 4 });
    expect(spec.input).toMatchObject({
      resize: 'crop',
      cropFraction: 0.875,
      resample: 'bilinear',
      antialias: true,
      channelOrder: 'rgb',
    });
    expect(spec.input.scale).toBeCloseTo(1 / 255, 12);
    expect(spec.input.mean).toEqual([0.485, 0.456, 0.406]);
    expect(spec.labels).toEqual(['cat', 'dog', 'bird']);
    expect(spec.output).toEqual({ name: 'scores', kind: 'auto' });
    expect(provenance).toMatchObject({
      labels: 'labels.txt',
      'input.layout': "the model's input/output",
      'input.mean': 'defaults',
    });
    expect(resolved.summary).toMatch(/^labels from labels\.txt;.*preprocessing from defaults.* — please check$/);
    expect(out.dims).toEqual([1, 3]);
    // By hand: channel c averages 10 + 60c + mean(4h) + mean(w) = 10 + 60c + 6 + 1.5.
    const means = [17.5, 77.5, 137.5];
    const byHand = [0, 1, 2].map((k) =>
      means.reduce((s, m, c) => s + m * (model.weights[c]?.[k] ?? 0), model.bias[k] ?? 0),
    );
    expect(model.expected(img.data, img.shape)).toEqual(byHand);
    expectClose(out.values, byHand, 3);
  });

  it('NHWC float32: channels last detected from dim 3', async () => {
    const { resolved, out, model, img } = await resolveAndRun({ layout: 'nhwc', classes: 3 }, labels3);
    expect(resolved.spec.input).toMatchObject({ layout: 'nhwc', dtype: 'float32', width: 4, height: 4 });
    // TensorFlow's resizes do not antialias by default; torchvision's (NCHW models) do.
    expect(resolved.spec.input.antialias).toBe(false);
    const byHand = model.expected(img.data, img.shape);
    expectClose(out.values, byHand, 3);
  });

  it('NHWC uint8: raw pixels, scale/mean/std neutral', async () => {
    const { resolved, out, model, img } = await resolveAndRun(
      { layout: 'nhwc', inputType: 'uint8', classes: 3 },
      labels3,
    );
    expect(resolved.spec.input).toMatchObject({
      layout: 'nhwc',
      dtype: 'uint8',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    expect(resolved.provenance['input.dtype']).toBe("the model's input/output");
    const byHand = model.expected(img.data, img.shape);
    expectClose(out.values, byHand, 3);
  });

  it('NCHW float16 input (ORT-web takes float16 as Uint16Array bits in Node)', async () => {
    const { resolved, out, model, img } = await resolveAndRun(
      { layout: 'nchw', inputType: 'float16', classes: 3 },
      labels3,
    );
    expect(resolved.spec.input).toMatchObject({ layout: 'nchw', dtype: 'float16' });
    // The test pixels (integers < 2048) are exact in float16, so the result matches the float computation.
    const byHand = model.expected(img.data, img.shape);
    expectClose(out.values, byHand, 3);
  });

  it('dynamic batch: a symbolic batch dim is accepted', async () => {
    const { resolved, out } = await resolveAndRun({ batch: 'N', classes: 3 }, labels3);
    expect(resolved.spec.input).toMatchObject({ width: 4, height: 4, layout: 'nchw' });
    expect(resolved.warnings.join('\n')).not.toMatch(/any input size/);
    expect(out.dims).toEqual([1, 3]);
  });

  it('dynamic spatial size: 224 by default, with a warning; the model runs at that size', async () => {
    const { resolved, out, model, img } = await resolveAndRun(
      { batch: 'N', height: 'H', width: 'W', classes: 3 },
      labels3,
      { H: 224, W: 224 },
    );
    expect(resolved.spec.input).toMatchObject({ width: 224, height: 224 });
    expect(resolved.provenance['input.width']).toBe('defaults');
    expect(resolved.warnings.join('\n')).toMatch(/accepts any input size; using 224×224/);
    const byHand = model.expected(img.data, img.shape);
    // float32 sums over 224×224 pixels: compare with a relative tolerance.
    expect(
      Math.max(...out.values.map((v, k) => Math.abs(v - (byHand[k] ?? Number.NaN)) / (Math.abs(byHand[k] ?? 0) + 1))),
    ).toBeLessThan(1e-3);
  });

  it('grayscale [N,1,H,W]: channels 1', async () => {
    const { resolved } = await resolveAndRun({ channels: 1, classes: 3 }, labels3);
    expect(resolved.spec.input).toMatchObject({ layout: 'nchw', channels: 1 });
  });
});

describe('output conventions', () => {
  it('probabilities (softmax inside the model)', async () => {
    const { resolved, out, model, img } = await resolveAndRun({ output: 'probabilities', classes: 3 }, labels3);
    expect(resolved.spec.output.kind).toBe('auto');
    const byHand = model.expected(img.data, img.shape);
    expect(byHand.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expectClose(out.values, byHand, 5);
  });

  it('uint8 quantised scores, dequantisation from the embedded spec', async () => {
    const spec = { output: { quantization: { scale: 1 / 256, zeroPoint: 0 }, kind: 'probabilities' } };
    const { resolved, out, model, img } = await resolveAndRun(
      { output: 'uint8', classes: 3, metadata: { 'onsight.spec': JSON.stringify(spec) } },
      labels3,
    );
    expect(resolved.spec.output).toMatchObject({
      kind: 'probabilities',
      quantization: { scale: 1 / 256, zeroPoint: 0 },
    });
    expect(resolved.provenance['output.quantization']).toBe('onsight.spec in tiny.onnx');
    expect(out.type).toBe('uint8');
    expect(out.values).toEqual(model.expected(img.data, img.shape));
  });

  it('uint8 scores without quantisation: accepted, with a warning', async () => {
    const { resolved } = await resolveAndRun({ output: 'uint8', classes: 3 }, labels3);
    expect(resolved.spec.output.quantization).toBeUndefined();
    expect(resolved.warnings.join('\n')).toMatch(/uint8 and no output.quantization/);
  });

  it('1001 classes for 1000 labels: background class at index 0', async () => {
    const labels = Array.from({ length: 1000 }, (_, i) => `class-${i}`).join('\n');
    const { resolved, out, model, img } = await resolveAndRun({ classes: 1001 }, labels);
    expect(resolved.spec.output.backgroundClass).toBe(true);
    expect(resolved.spec.labels).toHaveLength(1000);
    expect(resolved.provenance['output.backgroundClass']).toBe("the model's input/output");
    expect(out.dims).toEqual([1, 1001]);
    const byHand = model.expected(img.data, img.shape);
    expectClose(out.values, byHand, 3);
  });

  it('a single output for two labels: sigmoid', async () => {
    const { resolved, out, model, img } = await resolveAndRun({ output: 'sigmoid' }, 'not hotdog\nhotdog\n');
    expect(resolved.spec.output.kind).toBe('sigmoid');
    expect(resolved.spec.labels).toEqual(['not hotdog', 'hotdog']);
    expect(out.dims).toEqual([1, 1]);
    expect(out.values[0]).toBeCloseTo(model.expected(img.data, img.shape)[0] ?? Number.NaN, 3);
  });

  it('no labels at all: numbered classes, with a warning', async () => {
    const model = buildTinyClassifier({ classes: 4 });
    const { io } = await createSession(model.bytes);
    const r = await resolveModelSpec({ modelFileName: 'My Model.onnx', modelBytes: model.bytes, io });
    expect(r.spec.labels).toEqual(['class 0', 'class 1', 'class 2', 'class 3']);
    expect(r.spec.id).toBe('my-model');
    expect(r.spec.name).toBe('My Model');
    expect(r.warnings.join('\n')).toMatch(/no labels found/);
    expect(r.summary).toMatch(/please check/);
  });
});
