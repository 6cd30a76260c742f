/**
 * Where a spec comes from: embedded onsight.spec, fastai/Ultralytics metadata, our sidecar, Hugging Face
 * config.json + preprocessor_config.json, Teachable Machine metadata.json, labels.txt, and their precedence.
 * The models are tiny generated ONNX files; `io` comes from a real onnxruntime-web session.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompanionFile, resolveModelSpec, SPEC_SOURCES } from '../../src/model/resolve-spec';
import { specFromHuggingFacePreprocessor } from '../../src/model/sources/hugging-face';
import { parseLabelsText } from '../../src/model/sources/labels-txt';
import { parseLabelList } from '../../src/model/sources/onnx-metadata';
import { specFromTeachableMachine } from '../../src/model/sources/teachable-machine';
import { createSession } from '../helpers/ort-node';
import { haveSharedModels, stModel, zooModel } from '../helpers/shared-data';
import { buildTinyClassifier, type TinyModelOptions } from '../helpers/tiny-models';

async function resolve(opts: TinyModelOptions, companions: Record<string, string> = {}, modelFileName = 'model.onnx') {
  const model = buildTinyClassifier(opts);
  const { io } = await createSession(model.bytes);
  return resolveModelSpec({
    modelFileName,
    modelBytes: model.bytes,
    companions: new Map(Object.entries(companions)),
    io,
  });
}

const hfConfig = JSON.stringify({
  architectures: ['ViTForImageClassification'],
  id2label: { 1: 'dog', 0: 'cat', 2: 'bird' },
});

describe('labels.txt', () => {
  it('one class a line, trimmed, trailing empty lines and CRLF tolerated', () => {
    expect(parseLabelsText('\uFEFF tench \r\ngoldfish\r\n\r\n')).toEqual(['tench', 'goldfish']);
    expect(() => parseLabelsText('\n\n')).toThrow('labels.txt: no labels (the file is empty)');
  });

  it('metadata label lists: JSON array or comma list', () => {
    expect(parseLabelList('["a", "b, c"]', 'x')).toEqual(['a', 'b, c']);
    expect(parseLabelList('grizzly, black, teddy', 'x')).toEqual(['grizzly', 'black', 'teddy']);
    expect(() => parseLabelList('[1,', '"labels" metadata in m.onnx')).toThrow(
      /"labels" metadata in m.onnx: looks like a JSON array but does not parse/,
    );
  });
});

describe('embedded metadata', () => {
  it('a partial onsight.spec: its fields win, the rest comes from the model and defaults', async () => {
    const spec = {
      labels: ['x', 'y', 'z'],
      input: { resize: 'squish', mean: [0, 0, 0], std: [1, 1, 1] },
      output: { kind: 'logits' },
    };
    const r = await resolve({ metadata: { 'onsight.spec': JSON.stringify(spec) } }, { 'labels.txt': 'a\nb\nc' });
    expect(r.spec.labels).toEqual(['x', 'y', 'z']);
    expect(r.spec.input).toMatchObject({ resize: 'squish', mean: [0, 0, 0], std: [1, 1, 1], layout: 'nchw', width: 4 });
    expect(r.spec.input.cropFraction).toBeUndefined();
    expect(r.provenance).toMatchObject({
      labels: 'onsight.spec in model.onnx',
      'input.resize': 'onsight.spec in model.onnx',
      'input.scale': 'defaults',
      'output.kind': 'onsight.spec in model.onnx',
    });
    expect(r.warnings).toContain(
      'labels in labels.txt differ from those in onsight.spec in model.onnx, which take precedence; labels.txt is ignored',
    );
  });

  it('a full onsight.spec (as model:add and the converter write it) is used as is', async () => {
    const full = {
      format: 1,
      id: 'tiny',
      name: 'Tiny',
      labels: ['a', 'b', 'c'],
      input: {
        name: 'image',
        layout: 'nchw',
        dtype: 'float32',
        width: 4,
        height: 4,
        resize: 'crop',
        cropFraction: 1,
        resample: 'bicubic',
        alignCorners: false,
        antialias: true,
        channelOrder: 'bgr',
        scale: 1,
        mean: [103.9, 116.8, 123.7],
        std: [1, 1, 1],
      },
      output: { name: 'scores', kind: 'logits' },
    };
    const r = await resolve({ metadata: { 'onsight.spec': JSON.stringify(full) } });
    expect(r.spec).toEqual(full);
    expect(new Set(Object.values(r.provenance))).toEqual(new Set(['onsight.spec in model.onnx']));
    expect(r.summary).not.toMatch(/please check/);
  });

  it('fastai-style "vocab" metadata (JSON array)', async () => {
    const r = await resolve({ metadata: { vocab: '["grizzly","black","teddy"]' } });
    expect(r.spec.labels).toEqual(['grizzly', 'black', 'teddy']);
    expect(r.provenance.labels).toBe('"vocab" metadata in model.onnx');
  });

  it('"labels" metadata as a comma list', async () => {
    const r = await resolve({ metadata: { labels: 'grizzly,black,teddy' } });
    expect(r.spec.labels).toEqual(['grizzly', 'black', 'teddy']);
  });

  it('Ultralytics classify metadata: names dict, imgsz, crop without mean/std, probabilities', async () => {
    const r = await resolve({
      metadata: { names: "{0: 'cat', 1: \"dog's\", 2: 'bird'}", task: 'classify', imgsz: '[4, 4]' },
    });
    expect(r.spec.labels).toEqual(['cat', "dog's", 'bird']);
    expect(r.spec.input).toMatchObject({
      resize: 'crop',
      cropFraction: 1,
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    expect(r.spec.output.kind).toBe('probabilities');
  });
});

describe('sidecar and precedence', () => {
  it('sources are asked in this order of trust', () => {
    expect(SPEC_SOURCES.map((s) => s.name)).toEqual([
      'ONNX metadata',
      'sidecar',
      'Hugging Face',
      'Teachable Machine',
      'labels.txt',
    ]);
  });

  it('<model>.onsight.json beats onsight.json, HF, TM and labels.txt', async () => {
    const r = await resolve(
      { layout: 'nhwc' },
      {
        'flowers.onsight.json': JSON.stringify({ labels: ['s1', 's2', 's3'], input: { scale: 0.5 } }),
        'onsight.json': JSON.stringify({ labels: ['o1', 'o2', 'o3'], input: { resample: 'nearest' } }),
        'config.json': hfConfig,
        'metadata.json': JSON.stringify({ labels: ['t1', 't2', 't3'], imageSize: 4 }),
        'labels.txt': 'l1\nl2\nl3',
      },
      'flowers.onnx',
    );
    expect(r.spec.labels).toEqual(['s1', 's2', 's3']);
    expect(r.spec.input.scale).toBe(0.5);
    // onsight.json is only used when the model-specific sidecar is absent
    expect(r.spec.input.resample).toBe('bilinear');
    expect(r.provenance['input.resample']).toBe('metadata.json (Teachable Machine)');
    expect(r.spec.id).toBe('flowers');
  });

  it('embedded metadata beats the sidecar; HF beats TM beats labels.txt', async () => {
    const r1 = await resolve(
      { metadata: { labels: 'm1,m2,m3' } },
      { 'onsight.json': JSON.stringify({ labels: ['o1', 'o2', 'o3'] }) },
    );
    expect(r1.spec.labels).toEqual(['m1', 'm2', 'm3']);
    const r2 = await resolve(
      {},
      {
        'config.json': hfConfig,
        'metadata.json': JSON.stringify({ labels: ['t1', 't2', 't3'] }),
        'labels.txt': 'l1\nl2\nl3',
      },
    );
    expect(r2.spec.labels).toEqual(['cat', 'dog', 'bird']);
    const r3 = await resolve(
      {},
      { 'metadata.json': JSON.stringify({ labels: ['t1', 't2', 't3'], imageSize: 4 }), 'labels.txt': 'l1\nl2\nl3' },
    );
    expect(r3.spec.labels).toEqual(['t1', 't2', 't3']);
  });

  it('companions can be File-like objects with paths; names match case-insensitively', async () => {
    const files: CompanionFile[] = [{ name: 'export/Labels.TXT', text: async () => 'a\nb\nc\n' }];
    const model = buildTinyClassifier({});
    const r = await resolveModelSpec({
      modelFileName: 'export/model.onnx',
      modelBytes: model.bytes,
      companions: files,
      io: (await createSession(model.bytes)).io,
    });
    expect(r.spec.labels).toEqual(['a', 'b', 'c']);
    expect(r.provenance.labels).toBe('Labels.TXT');
  });

  it("overrides (the user's corrections) beat everything", async () => {
    const model = buildTinyClassifier({ metadata: { labels: 'a,b,c' } });
    const r = await resolveModelSpec({
      modelFileName: 'm.onnx',
      modelBytes: model.bytes,
      io: (await createSession(model.bytes)).io,
      overrides: { labels: ['x', 'y', 'z'], input: { resize: 'pad' } },
    });
    expect(r.spec.labels).toEqual(['x', 'y', 'z']);
    expect(r.spec.input).toMatchObject({ resize: 'pad', padColor: [0, 0, 0] });
    expect(r.provenance.labels).toBe('your settings');
  });
});

describe('Hugging Face layout', () => {
  it('config.json id2label (ordered by index) and logits for *ForImageClassification', async () => {
    const r = await resolve({}, { 'config.json': hfConfig });
    expect(r.spec.labels).toEqual(['cat', 'dog', 'bird']);
    expect(r.spec.output.kind).toBe('logits');
    expect(r.provenance.labels).toBe('config.json');
  });

  it('id2label with a gap is refused', async () => {
    await expect(
      resolve({}, { 'config.json': JSON.stringify({ id2label: { 0: 'a', 1: 'b', 3: 'c' } }) }),
    ).rejects.toThrow('config.json: id2label keys must be the class indices 0..2, got "3"');
  });

  it('ViT: size {height, width}, no crop → squish; resample 2 → bilinear; mean/std 0.5', () => {
    const pp = {
      do_normalize: true,
      do_resize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      resample: 2,
      rescale_factor: 0.00392156862745098,
      size: { height: 224, width: 224 },
    };
    expect(specFromHuggingFacePreprocessor(pp).input).toEqual({
      resize: 'squish',
      height: 224,
      width: 224,
      resample: 'bilinear',
      scale: 0.00392156862745098,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      antialias: true,
      channelOrder: 'rgb',
    });
  });

  it('ConvNeXt/ResNet: shortest_edge + crop_pct → crop with that fraction; resample 3 → bicubic', () => {
    const pp = {
      crop_pct: 0.875,
      do_normalize: true,
      do_rescale: true,
      image_mean: [0.485, 0.456, 0.406],
      image_std: [0.229, 0.224, 0.225],
      resample: 3,
      size: { shortest_edge: 224 },
    };
    expect(specFromHuggingFacePreprocessor(pp).input).toMatchObject({
      resize: 'crop',
      width: 224,
      height: 224,
      cropFraction: 0.875,
      resample: 'bicubic',
      scale: 1 / 255,
    });
  });

  it('DeiT/BEiT: size 256 + crop_size 224 + do_center_crop → crop 224 at 224/256; int sizes accepted', () => {
    const pp = { do_center_crop: true, crop_size: 224, size: 256, resample: 3 };
    expect(specFromHuggingFacePreprocessor(pp).input).toMatchObject({
      resize: 'crop',
      width: 224,
      height: 224,
      cropFraction: 0.875,
    });
    const pp2 = {
      do_center_crop: true,
      crop_size: { height: 224, width: 224 },
      size: { shortest_edge: 224 },
      resample: 0,
    };
    expect(specFromHuggingFacePreprocessor(pp2).input).toMatchObject({
      resize: 'crop',
      cropFraction: 1,
      resample: 'nearest',
    });
  });

  it('do_rescale false and do_normalize false', () => {
    expect(specFromHuggingFacePreprocessor({ do_rescale: false, do_normalize: false, size: 32 }).input).toMatchObject({
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'squish',
      width: 32,
    });
  });

  it('bad values name the file and field', () => {
    expect(() => specFromHuggingFacePreprocessor({ size: { long: 3 } })).toThrow(
      'preprocessor_config.json: size must be a number, {height, width} or {shortest_edge}, got {"long":3}',
    );
    expect(() => specFromHuggingFacePreprocessor({ resample: 9 })).toThrow(
      'preprocessor_config.json: resample must be a PIL resampling code',
    );
    expect(() => specFromHuggingFacePreprocessor({ image_mean: [0.5, 0.5] })).toThrow(
      'preprocessor_config.json: image_mean must be 3 numbers, got [0.5,0.5]',
    );
  });

  it('a full HF export resolves against the model (size from crop_size must agree with the fixed input)', async () => {
    const pp = {
      do_center_crop: true,
      crop_size: { height: 4, width: 4 },
      size: { shortest_edge: 4 },
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      resample: 3,
    };
    const r = await resolve({}, { 'config.json': hfConfig, 'preprocessor_config.json': JSON.stringify(pp) });
    expect(r.spec.input).toMatchObject({
      resize: 'crop',
      cropFraction: 1,
      resample: 'bicubic',
      mean: [0.5, 0.5, 0.5],
      width: 4,
    });
    expect(r.provenance['input.mean']).toBe('preprocessor_config.json');
  });
});

describe('Teachable Machine', () => {
  it('labels and imageSize; centre square crop; pixels / 127 − 1 as TM computes; probabilities', async () => {
    const meta = {
      tfjsVersion: '1.3.1',
      tmVersion: '2.4.7',
      packageName: '@teachablemachine/image',
      modelName: 'Plants',
      labels: ['fern', 'moss', 'ivy'],
      imageSize: 4,
    };
    const r = await resolve({ layout: 'nhwc' }, { 'metadata.json': JSON.stringify(meta) });
    expect(r.spec.labels).toEqual(['fern', 'moss', 'ivy']);
    expect(r.spec.name).toBe('Plants');
    expect(r.spec.input).toMatchObject({
      layout: 'nhwc',
      width: 4,
      height: 4,
      resize: 'crop',
      cropFraction: 1,
      scale: 1 / 127,
      mean: [1, 1, 1],
      std: [1, 1, 1],
    });
    // 0 → −1, 127 → 0, 255 → 1.0079 (what TM's capture() feeds its models)
    const f = (p: number) => (p * r.spec.input.scale - r.spec.input.mean[0]) / r.spec.input.std[0];
    expect([f(0), f(127), f(255)].map((v) => Number(v.toFixed(4)))).toEqual([-1, 0, 1.0079]);
    expect(r.spec.output.kind).toBe('probabilities');
  });

  it('bad metadata.json', () => {
    expect(() => specFromTeachableMachine({ labels: [] })).toThrow(
      'metadata.json: labels must be a non-empty array of class names',
    );
    expect(() => specFromTeachableMachine({ labels: ['a'], imageSize: '224' })).toThrow(
      'metadata.json: imageSize must be a positive whole number, got "224"',
    );
  });

  it("a metadata.json that is not Teachable Machine's is ignored with a warning", async () => {
    const r = await resolve({}, { 'metadata.json': JSON.stringify({ author: 'someone' }), 'labels.txt': 'a\nb\nc' });
    expect(r.spec.labels).toEqual(['a', 'b', 'c']);
    expect(r.warnings).toContain('metadata.json ignored: it is not Teachable Machine\'s metadata (no "labels")');
  });

  it('a TM imageSize that contradicts the model is refused', async () => {
    await expect(
      resolve({ layout: 'nhwc' }, { 'metadata.json': JSON.stringify({ labels: ['a', 'b', 'c'], imageSize: 224 }) }),
    ).rejects.toThrow(
      'model.onnx: metadata.json (Teachable Machine) says input.width 224, but input "image" has a fixed width of 4',
    );
  });
});

describe.skipIf(!haveSharedModels())('the real models in ../shared with their labels.txt', () => {
  const load = async (dir: string) => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
    const { io } = await createSession(bytes);
    return resolveModelSpec({
      modelFileName: 'model.onnx',
      modelBytes: bytes,
      companions: new Map([['labels.txt', readFileSync(join(dir, 'labels.txt'), 'utf8')]]),
      io,
    });
  };

  it('Model Zoo MobileNetV2: NCHW float32 224, defaults = the ImageNet recipe it needs', async () => {
    const r = await load(zooModel);
    expect(r.spec.input).toMatchObject({
      name: 'input',
      layout: 'nchw',
      dtype: 'float32',
      width: 224,
      height: 224,
      resize: 'crop',
      cropFraction: 0.875,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
    expect(r.spec.labels).toHaveLength(1000);
    expect(r.spec.output).toEqual({ name: 'output', kind: 'auto' });
  });

  it('ST MobileNetV2: NHWC uint8 224', async () => {
    const r = await load(stModel);
    expect(r.spec.input).toMatchObject({
      name: 'serving_default_input_1:0',
      layout: 'nhwc',
      dtype: 'uint8',
      width: 224,
      height: 224,
    });
    expect(r.spec.output.name).toBe('StatefulPartitionedCall:0');
  });
});
