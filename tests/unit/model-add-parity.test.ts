/**
 * The page and the command line give the SAME spec for the same files, for every kind of companion: `model:add`
 * (tools/model-add.ts, in-process) on a folder, against what the worker does with the same files dropped on the page
 * (resolveModelSpec over `File`s, with the inputs/outputs of an onnxruntime-web session).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveModelSpec } from '../../src/model/resolve-spec';
import { SPEC_METADATA_KEY } from '../../src/model/spec';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { main } from '../../tools/model-add';
import { createSession } from '../helpers/ort-node';
import { haveSharedModels, zooModel } from '../helpers/shared-data';
import { buildTinyClassifier, type TinyModelOptions } from '../helpers/tiny-models';

const work = mkdtempSync(join(tmpdir(), 'onsight-model-parity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** model:add's report goes to stderr; keep the test output clean. */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true;
  try {
    return await f();
  } finally {
    process.stderr.write = write;
  }
}

/** What the page resolves for a model file dropped together with every other file of its folder. */
async function onThePage(modelPath: string) {
  const dir = join(modelPath, '..');
  const modelFileName = modelPath.slice(dir.length + 1);
  const bytes = new Uint8Array(readFileSync(modelPath));
  const companions = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== modelFileName)
    .map((e) => new File([readFileSync(join(dir, e.name))], e.name));
  const { session, io } = await createSession(bytes);
  await session.release();
  return resolveModelSpec({ modelFileName, modelBytes: bytes, companions, io });
}

/** What `npm run model:add -- <model>` resolves, and the spec it embeds in the model it writes. */
async function onTheCommandLine(modelPath: string, out: string) {
  const result = await quietly(() => main([modelPath, '--out', out]));
  if (!result) throw new Error('model:add wrote nothing');
  const embedded = readOnnxMetadata(new Uint8Array(readFileSync(result.target))).metadata[SPEC_METADATA_KEY];
  return { ...result, embedded: JSON.parse(embedded ?? 'null') };
}

let caseNo = 0;
/** A folder holding tiny.onnx and the given companions. */
function folder(model: TinyModelOptions, companions: Record<string, string>): string {
  const dir = join(work, `case-${++caseNo}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tiny.onnx'), buildTinyClassifier(model).bytes);
  for (const [name, text] of Object.entries(companions)) writeFileSync(join(dir, name), text);
  return join(dir, 'tiny.onnx');
}

const onsightSpec = JSON.stringify({ labels: ['x', 'y', 'z'], input: { resize: 'squish', mean: [0, 0, 0] } });
const hfConfig = JSON.stringify({
  architectures: ['ViTForImageClassification'],
  id2label: { 0: 'cat', 1: 'dog', 2: 'owl' },
});
const hfPreprocessor = JSON.stringify({
  do_center_crop: true,
  crop_size: { height: 4, width: 4 },
  size: { shortest_edge: 4 },
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
  resample: 3,
});
const teachableMachine = JSON.stringify({
  packageName: '@teachablemachine/image',
  modelName: 'Plants',
  labels: ['fern', 'moss', 'ivy'],
  imageSize: 4,
});

const cases: [string, TinyModelOptions, Record<string, string>, (spec: Record<string, unknown>) => void][] = [
  [
    'ONNX metadata: onsight.spec',
    { metadata: { [SPEC_METADATA_KEY]: onsightSpec } },
    {},
    (s) => expect(s).toMatchObject({ labels: ['x', 'y', 'z'], input: { resize: 'squish' } }),
  ],
  [
    'ONNX metadata: fastai "vocab"',
    { metadata: { vocab: '["grizzly","black","teddy"]' } },
    {},
    (s) => expect(s.labels).toEqual(['grizzly', 'black', 'teddy']),
  ],
  [
    'ONNX metadata: Ultralytics names/imgsz',
    { metadata: { names: "{0: 'a', 1: 'b', 2: 'c'}", task: 'classify', imgsz: '[4, 4]' } },
    {},
    (s) => expect(s).toMatchObject({ labels: ['a', 'b', 'c'], output: { kind: 'probabilities' } }),
  ],
  [
    'sidecar tiny.onsight.json',
    {},
    { 'tiny.onsight.json': JSON.stringify({ labels: ['s1', 's2', 's3'], input: { resample: 'nearest' } }) },
    (s) => expect(s).toMatchObject({ labels: ['s1', 's2', 's3'], input: { resample: 'nearest' } }),
  ],
  [
    'Hugging Face config.json + preprocessor_config.json',
    {},
    { 'config.json': hfConfig, 'preprocessor_config.json': hfPreprocessor },
    (s) =>
      expect(s).toMatchObject({
        labels: ['cat', 'dog', 'owl'],
        input: { resample: 'bicubic', mean: [0.5, 0.5, 0.5] },
        output: { kind: 'logits' },
      }),
  ],
  [
    'Teachable Machine metadata.json',
    { layout: 'nhwc' },
    { 'metadata.json': teachableMachine },
    (s) => expect(s).toMatchObject({ name: 'Plants', labels: ['fern', 'moss', 'ivy'], input: { scale: 1 / 127 } }),
  ],
  ['labels.txt', {}, { 'labels.txt': 'l1\nl2\nl3\n' }, (s) => expect(s.labels).toEqual(['l1', 'l2', 'l3'])],
  [
    'all of them at once (precedence)',
    { metadata: { vocab: '["m1","m2","m3"]' } },
    {
      'onsight.json': JSON.stringify({ input: { scale: 0.5 } }),
      'config.json': hfConfig,
      'preprocessor_config.json': hfPreprocessor,
      'metadata.json': teachableMachine,
      'labels.txt': 'l1\nl2\nl3\n',
    },
    (s) => expect(s).toMatchObject({ labels: ['m1', 'm2', 'm3'], input: { scale: 0.5 } }),
  ],
];

describe('model:add and the page resolve the same spec', () => {
  for (const [what, model, companions, check] of cases) {
    it(what, async () => {
      const modelPath = folder(model, companions);
      const page = await onThePage(modelPath);
      const cli = await onTheCommandLine(modelPath, join(work, 'models'));
      check(page.spec as unknown as Record<string, unknown>);
      expect(cli.spec).toEqual(page.spec);
      expect(cli.embedded).toEqual(page.spec);
      expect(cli.provenance).toEqual(page.provenance);
      expect(cli.warnings).toEqual(page.warnings);
    }, 30_000);
  }

  it.skipIf(!haveSharedModels())(
    'the real Model Zoo MobileNetV2 with its labels.txt',
    async () => {
      const modelPath = join(zooModel, 'model.onnx');
      const page = await onThePage(modelPath);
      const cli = await onTheCommandLine(modelPath, join(work, 'models'));
      // A file called model.onnx is named after its folder on the command line; the page only has the file name.
      expect(cli.spec.id).toBe('imagenet-mobilenetv2-zoo');
      expect(page.spec.id).toBe('model');
      const { id: _cliId, name: _cliName, ...cliRest } = cli.spec;
      const { id: _pageId, name: _pageName, ...pageRest } = page.spec;
      expect(cliRest).toEqual(pageRest);
      expect(cliRest.labels).toHaveLength(1000);
    },
    60_000,
  );
});
