/**
 * tools/model-add.ts end to end: run as `npm run model:add` runs it (tsx, a separate Node process) on the real models
 * in ../shared, writing into a temporary folder (never public/), then read the written model back with the app's own
 * reader and validator. Smaller cases call the tool's main() in-process on generated models.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SPEC_FORMAT_VERSION, SPEC_METADATA_KEY } from '../../src/model/spec';
import { validateSpec } from '../../src/model/validate';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { main, specFromOptions } from '../../tools/model-add';
import { haveSharedModels, repoRoot, stModel, zooModel } from '../helpers/shared-data';
import { buildTinyClassifier } from '../helpers/tiny-models';

const run = promisify(execFile);
/** `npm run model:add -- ...args`, without npm: tsx running the TypeScript tool. */
const modelAdd = (args: string[]) =>
  run(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/model-add.ts', ...args], {
    cwd: repoRoot,
  });
const out = mkdtempSync(join(tmpdir(), 'onsight-model-add-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const shared = haveSharedModels();
/** The spec model:add embedded, under the one metadata key and format version the app reads (src/model/spec.ts). */
const readSpec = (file: string) => {
  const meta = readOnnxMetadata(new Uint8Array(readFileSync(file)));
  const json = JSON.parse(meta.metadata[SPEC_METADATA_KEY] ?? 'null');
  expect(json.format).toBe(SPEC_FORMAT_VERSION);
  return validateSpec(json, file);
};

describe.skipIf(!shared)('model:add on the real models', () => {
  // Start from the deployment's real index so we can check its entries survive.
  writeFileSync(join(out, 'index.json'), readFileSync(join(repoRoot, 'public', 'models', 'index.json')));
  const before = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));

  it('ONNX Model Zoo MobileNetV2 with --labels: NCHW float32 224, centre crop, ImageNet normalisation', async () => {
    const { stderr } = await modelAdd([
      join(zooModel, 'model.onnx'),
      '--labels',
      join(zooModel, 'labels.txt'),
      '--mean',
      'imagenet',
      '--kind',
      'logits',
      '--out',
      out,
    ]);
    expect(stderr).toMatch(/model:add: imagenet-mobilenetv2-zoo → /);
    const spec = readSpec(join(out, 'imagenet-mobilenetv2-zoo', 'model.onnx'));
    expect(spec).toMatchObject({
      id: 'imagenet-mobilenetv2-zoo',
      labels: expect.arrayContaining(['tench', 'bald eagle']),
    });
    expect(spec.labels).toHaveLength(1000);
    expect(spec.input).toMatchObject({
      name: 'input',
      layout: 'nchw',
      dtype: 'float32',
      width: 224,
      height: 224,
      resize: 'crop',
      cropFraction: 0.875,
      resample: 'bilinear',
      channelOrder: 'rgb',
    });
    expect(spec.input.mean).toEqual([0.485, 0.456, 0.406]);
    expect(spec.input.std).toEqual([0.229, 0.224, 0.225]);
    expect(spec.input.scale).toBeCloseTo(1 / 255, 12);
    expect(spec.output).toEqual({ name: 'output', kind: 'logits' });
    // the original model bytes are all still there, the spec appended
    const original = readFileSync(join(zooModel, 'model.onnx'));
    expect(
      Buffer.compare(
        readFileSync(join(out, 'imagenet-mobilenetv2-zoo', 'model.onnx')).subarray(0, original.length),
        original,
      ),
    ).toBe(0);
  }, 60_000);

  it('STMicroelectronics MobileNetV2: NHWC uint8 224 (labels.txt beside the model picked up)', async () => {
    await modelAdd([join(stModel, 'model.onnx'), '--name', 'ST MobileNetV2', '--kind', 'probabilities', '--out', out]);
    const spec = readSpec(join(out, 'imagenet-mobilenetv2-st', 'model.onnx'));
    expect(spec).toMatchObject({ id: 'imagenet-mobilenetv2-st', name: 'ST MobileNetV2' });
    expect(spec.labels).toHaveLength(1000);
    expect(spec.input).toMatchObject({
      name: 'serving_default_input_1:0',
      layout: 'nhwc',
      dtype: 'uint8',
      width: 224,
      height: 224,
      resize: 'crop',
    });
    expect(spec.output).toMatchObject({ name: 'StatefulPartitionedCall:0', kind: 'probabilities' });
  }, 60_000);

  it('index.json keeps existing entries and its default, and lists the new models', () => {
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index.default).toBe(before.default);
    expect(index.models.slice(0, before.models.length)).toEqual(before.models);
    expect(index.models.slice(before.models.length)).toEqual([
      {
        id: 'imagenet-mobilenetv2-zoo',
        name: 'imagenet-mobilenetv2-zoo',
        url: 'models/imagenet-mobilenetv2-zoo/model.onnx',
      },
      { id: 'imagenet-mobilenetv2-st', name: 'ST MobileNetV2', url: 'models/imagenet-mobilenetv2-st/model.onnx' },
    ]);
  });

  it("a bad option is refused with the shared rules' message, exit status 1", async () => {
    const err = await modelAdd([join(zooModel, 'model.onnx'), '--layout', 'chw', '--out', out]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('model:add: command line: input.layout must be "nchw" or "nhwc", got "chw"');
  }, 60_000);

  it('a layout contradicting the model is refused', async () => {
    const err = await modelAdd([join(stModel, 'model.onnx'), '--layout', 'nchw', '--out', out]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toContain(
      'model.onnx: command line says input.layout "nchw", but input "serving_default_input_1:0" has shape [unk__1590,224,224,3], which is NHWC',
    );
  }, 60_000);
});

describe('model:add in-process on generated models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onsight-model-add-tiny-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const quiet = <T>(f: () => Promise<T>) => {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = () => true;
    return f().finally(() => {
      process.stderr.write = write;
    });
  };

  it('re-adding replaces the embedded spec (one onsight.spec entry) and --default switches the default', async () => {
    const tiny = join(dir, 'tiny.onnx');
    writeFileSync(
      tiny,
      buildTinyClassifier({ layout: 'nhwc', classes: 3, metadata: { vocab: '["a","b","c"]' } }).bytes,
    );
    await quiet(() =>
      main([tiny, '--out', join(dir, 'models'), '--size', '4', '--resize', 'squish', '--mean', 'unit']),
    );
    const first = readSpec(join(dir, 'models', 'tiny', 'model.onnx'));
    expect(first).toMatchObject({
      labels: ['a', 'b', 'c'],
      input: { layout: 'nhwc', resize: 'squish', mean: [0, 0, 0], std: [1, 1, 1] },
    });
    // Re-add the written model itself with another name: the earlier spec is the base, the command line wins.
    await quiet(() =>
      main([
        join(dir, 'models', 'tiny', 'model.onnx'),
        '--id',
        'tiny',
        '--name',
        'Tiny v2',
        '--description',
        'Sorts tiny test pictures into a, b and c. Not for real photos.',
        '--author',
        'The OnSight tests',
        '--default',
        '--out',
        join(dir, 'models'),
      ]),
    );
    const bytes = readFileSync(join(dir, 'models', 'tiny', 'model.onnx'));
    expect(bytes.toString('latin1').split('onsight.spec').length - 1).toBe(1);
    // The deployment's default introduces itself on the page with the spec's name, author and description.
    expect(readSpec(join(dir, 'models', 'tiny', 'model.onnx'))).toMatchObject({
      name: 'Tiny v2',
      description: 'Sorts tiny test pictures into a, b and c. Not for real photos.',
      author: 'The OnSight tests',
      input: { resize: 'squish' },
    });
    expect(JSON.parse(readFileSync(join(dir, 'models', 'index.json'), 'utf8'))).toEqual({
      default: 'tiny',
      models: [{ id: 'tiny', name: 'Tiny v2', url: 'models/tiny/model.onnx' }],
    });
  }, 30_000);

  it('--copy keeps the model byte-for-byte and writes model.onsight.json beside it', async () => {
    const tiny = join(dir, 'copied.onnx');
    const original = buildTinyClassifier({ classes: 2 }).bytes;
    writeFileSync(tiny, original);
    writeFileSync(join(dir, 'labels.txt'), 'no\nyes\n');
    await quiet(() => main([tiny, '--copy', '--out', join(dir, 'models')]));
    expect(Buffer.compare(readFileSync(join(dir, 'models', 'copied', 'model.onnx')), original)).toBe(0);
    const sidecar = validateSpec(
      JSON.parse(readFileSync(join(dir, 'models', 'copied', 'model.onsight.json'), 'utf8')),
      'sidecar',
    );
    expect(sidecar.labels).toEqual(['no', 'yes']);
  }, 30_000);

  it('--labels beats the labels embedded in the model; --companion reads a file from elsewhere as the page would', async () => {
    const own = join(dir, 'own');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(own);
    mkdirSync(elsewhere);
    writeFileSync(join(own, 'vocab.onnx'), buildTinyClassifier({ metadata: { vocab: '["m1","m2","m3"]' } }).bytes);
    writeFileSync(join(elsewhere, 'my-classes.txt'), 'x\ny\nz\n');
    writeFileSync(
      join(elsewhere, 'preprocessor_config.json'),
      JSON.stringify({ size: { shortest_edge: 4 }, crop_pct: 0.5, resample: 0 }),
    );
    const r = await quiet(() =>
      main([
        join(own, 'vocab.onnx'),
        '--labels',
        join(elsewhere, 'my-classes.txt'),
        '--companion',
        join(elsewhere, 'preprocessor_config.json'),
        '--out',
        join(dir, 'models'),
      ]),
    );
    expect(r?.spec).toMatchObject({ labels: ['x', 'y', 'z'], input: { cropFraction: 0.5, resample: 'nearest' } });
    expect(r?.provenance).toMatchObject({
      labels: '--labels my-classes.txt',
      'input.resample': 'preprocessor_config.json',
    });
    expect(r?.warnings).toContain(
      'labels in "vocab" metadata in vocab.onnx differ from those in --labels my-classes.txt, which take precedence; "vocab" metadata in vocab.onnx is ignored',
    );
  }, 30_000);

  it('the plain-Node entry tools/model-add.mjs runs the same tool (exit status, message)', async () => {
    const tiny = join(dir, 'plain.onnx');
    writeFileSync(tiny, buildTinyClassifier({}).bytes);
    const err = await run(process.execPath, ['tools/model-add.mjs', tiny, '--kind', 'softmax', '--out', dir], {
      cwd: repoRoot,
    }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toContain(
      'model:add: command line: output.kind must be "logits" or "probabilities" or "sigmoid" or "auto", got "softmax"',
    );
  }, 30_000);

  it('option parsing: presets and pixel-unit mean/std', () => {
    expect(specFromOptions({ mean: '123.7,116.3,103.5', std: '58.4,57.1,57.4', bgr: true })).toEqual({
      input: { mean: [123.7, 116.3, 103.5], std: [58.4, 57.1, 57.4], scale: 1, channelOrder: 'bgr' },
    });
    expect(specFromOptions({ mean: 'inception', size: '299' }).input).toEqual({
      width: 299,
      height: 299,
      scale: 1 / 127.5,
      mean: [1, 1, 1],
      std: [1, 1, 1],
    });
    expect(specFromOptions({ size: '320x240', layout: 'NHWC' }).input).toEqual({
      width: 320,
      height: 240,
      layout: 'nhwc',
    });
    expect(() => specFromOptions({ size: 'big' })).toThrow('--size must be N or WxH, got "big"');
  });
});
