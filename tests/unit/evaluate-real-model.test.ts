/**
 * Evaluation of real models on real photos: labelled trees are built in a temp folder from ../shared (some photos
 * deliberately filed under the wrong class), every photo is classified by the Node pipeline (sharp → src/vision →
 * onnxruntime-web, the browser's code path), results go through `BatchResults` as the page keeps them, and the
 * evaluation must give the exact accuracy, the count in every matrix cell and the order of the top losses. The
 * predictions these numbers rest on were measured with the same pipeline (all four photos are "Neutral" to the
 * default model; the bears are recognised by the ImageNet model).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchResults } from '../../src/batch/batch-results';
import { parseCsv } from '../../src/batch/csv';
import { resultsToCsv } from '../../src/batch/export-results';
import { confusionCounts, evaluate, mostConfused, probabilityOfActual } from '../../src/evaluate/evaluation';
import { actualResolver, EMPTY_MAPPING, mapFolder, summariseFolders } from '../../src/evaluate/label-mapping';
import type { PartialModelSpec } from '../../src/model/types';
import { classifyFile, loadNodeModel, type NodeModel } from '../../src/node/classify-file';
import type { Prediction } from '../../src/vision/prediction';

ort.env.wasm.numThreads = 1;

const repo = fileURLToPath(new URL('../..', import.meta.url));
const shared = process.env.ONSIGHT_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const haveShared = existsSync(`${shared}/photos/dog.jpg`);
if (!haveShared && process.env.CI === 'true')
  throw new Error(`CI: the shared test data is missing (looked in ${shared})`);
const temp = mkdtempSync(join(tmpdir(), 'onsight-evaluate-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Copies `files` (tree path → source file) under a new folder named `root`; returns its path. */
function makeTree(root: string, files: Record<string, string>): string {
  const dir = join(temp, root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    copyFileSync(source, join(dir, path));
  }
  return dir;
}

/** Paths as folder intake gives them: relative to the chosen folder, starting with its name. */
function intakePaths(dir: string, root: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => `${root}/${p.split('\\').join('/')}`)
    .sort();
}

/** Classifies every photo of the tree (all predictions kept by the caller), as the page's queue would. */
async function classifyTree(model: NodeModel, parent: string, paths: readonly string[]) {
  const out = new Map<string, Prediction[]>();
  for (const path of paths) out.set(path, (await classifyFile(model, join(parent, path), 0)).predictions);
  return out;
}

/** The page's flow: add with actuals, complete with every prediction (kept: topK), evaluate. */
function runBatch(
  paths: readonly string[],
  predictions: ReadonlyMap<string, Prediction[]>,
  actualOf: (path: string) => string | undefined,
  topK: number,
  passAll = true,
) {
  const results = new BatchResults(topK);
  results.add(paths.map((path) => ({ id: path, path, actual: actualOf(path) })));
  for (const path of paths) {
    const ranked = predictions.get(path) ?? [];
    results.complete(path, passAll ? ranked : ranked.slice(0, topK), 'model');
  }
  return results;
}

const p = (predictions: Prediction[] | undefined, label: string) =>
  predictions?.find((x) => x.label === label)?.score as number;

describe.skipIf(!haveShared)('the default model on real photos, some in the wrong folder', () => {
  const photo = (name: string) => join(shared, 'photos', name);
  const dir = makeTree('set', {
    'Neutral/dog.jpg': photo('dog.jpg'),
    'Neutral/eagle.jpg': photo('eagle.jpg'),
    'Neutral/giraffe.jpg': photo('giraffe.jpg'),
    'Neutral/horses.jpg': photo('horses.jpg'),
    'Drawing/dog.jpg': photo('dog.jpg'),
    'Drawing/giraffe.jpg': photo('giraffe.jpg'),
    'sexy/eagle.jpg': photo('eagle.jpg'),
    'sexy/horses.jpg': photo('horses.jpg'),
    'cartoons/dog.jpg': photo('dog.jpg'), // no such label: the user maps it to Drawing
    'misc/eagle.jpg': photo('eagle.jpg'), // no such label: the user ignores it
    'stray.jpg': photo('horses.jpg'), // in no class folder
  });
  const paths = intakePaths(dir, 'set');
  let model: NodeModel;
  let predictions: Map<string, Prediction[]>;

  it('classifies the tree', async () => {
    model = await loadNodeModel(join(repo, 'public', 'models', 'default', 'model.onnx'));
    predictions = await classifyTree(model, temp, paths);
    expect(paths).toHaveLength(11);
    // What the numbers below rest on: the default model calls every one of these photos Neutral.
    expect([...predictions.values()].map((ranked) => ranked[0]?.label)).toEqual(new Array(11).fill('Neutral'));
  });

  it('lists the unmatched folders, and takes the mapping', () => {
    const labels = model.spec.labels;
    let mapping = EMPTY_MAPPING;
    const before = summariseFolders(paths, labels, mapping);
    expect(before.unmatched.map(({ folder, photos }) => [folder, photos])).toEqual([
      ['cartoons', 1],
      ['misc', 1],
      ['set', 1],
    ]);
    expect(before.folders.find((row) => row.folder === 'sexy')).toMatchObject({ label: 'Sexy', state: 'matched' });
    mapping = mapFolder(mapFolder(mapFolder(mapping, 'cartoons', 'Drawing'), 'misc', null), 'set', null);
    const after = summariseFolders(paths, labels, mapping);
    expect(after.unmatched).toEqual([]);
    expect(after.labelled).toBe(9);
  });

  it('gives the exact accuracy, matrix cells and top-loss order', () => {
    const labels = model.spec.labels;
    const mapping = mapFolder(mapFolder(mapFolder(EMPTY_MAPPING, 'cartoons', 'Drawing'), 'misc', null), 'set', null);
    // topK 1: every true class but Neutral is past the kept top; its probability travels in actualScore.
    const results = runBatch(paths, predictions, actualResolver(labels, mapping), 1);
    const ev = evaluate(results.all(), { labels });
    expect(ev.n).toBe(9);
    expect(ev.correct).toBe(4);
    expect(ev.accuracy).toBe(4 / 9);
    expect(ev.classes).toEqual(['Drawing', 'Neutral', 'Sexy']);
    expect(ev.cells).toEqual([
      { actual: 'Drawing', predicted: 'Neutral', count: 3, share: 1 },
      { actual: 'Neutral', predicted: 'Neutral', count: 4, share: 1 },
      { actual: 'Sexy', predicted: 'Neutral', count: 2, share: 1 },
    ]);
    expect(mostConfused(ev).map(({ actual, count }) => [actual, count])).toEqual([
      ['Drawing', 3],
      ['Sexy', 2],
    ]);
    expect(ev.perClass.find((c) => c.label === 'Drawing')).toMatchObject({ precision: undefined, recall: 0 });
    expect(ev.perClass.find((c) => c.label === 'Neutral')).toMatchObject({ precision: 4 / 9, recall: 1 });
    // Highest loss first. The two copies of dog.jpg have the same loss: natural path order (cartoons < Drawing).
    expect(ev.losses.map(({ path }) => path)).toEqual([
      'set/sexy/horses.jpg', // p(Sexy) ≈ 0.0002
      'set/cartoons/dog.jpg', // p(Drawing) ≈ 0.023
      'set/Drawing/dog.jpg',
      'set/sexy/eagle.jpg', // p(Sexy) ≈ 0.089
      'set/Drawing/giraffe.jpg', // p(Drawing) ≈ 0.117
      'set/Neutral/giraffe.jpg',
      'set/Neutral/eagle.jpg',
      'set/Neutral/dog.jpg',
      'set/Neutral/horses.jpg',
    ]);
    for (const loss of ev.losses) {
      const ranked = predictions.get(loss.path);
      expect(loss.loss).toBeCloseTo(-Math.log(p(ranked, loss.actual)), 12);
      expect(loss.probability).toBe(p(ranked, 'Neutral'));
    }
    expect(ev.lossUnknown).toEqual([]);
  });

  it('the CSV export carries actual and correct for labelled photos', () => {
    const labels = model.spec.labels;
    const mapping = mapFolder(mapFolder(mapFolder(EMPTY_MAPPING, 'cartoons', 'Drawing'), 'misc', null), 'set', null);
    const results = runBatch(paths, predictions, actualResolver(labels, mapping), 1);
    const [header, ...rows] = parseCsv(resultsToCsv(results.query()));
    const column = (name: string) => header?.indexOf(name) as number;
    const cells = Object.fromEntries(rows.map((row) => [row[0], [row[column('actual')], row[column('correct')]]]));
    expect(cells['set/sexy/horses.jpg']).toEqual(['Sexy', 'false']);
    expect(cells['set/Neutral/dog.jpg']).toEqual(['Neutral', 'true']);
    expect(cells['set/cartoons/dog.jpg']).toEqual(['Drawing', 'false']);
    expect(cells['set/misc/eagle.jpg']).toEqual(['', '']);
    expect(cells['set/stray.jpg']).toEqual(['', '']);
  });
});

const IMAGENET_ZOO: PartialModelSpec = {
  input: {
    width: 224,
    height: 224,
    resize: 'crop',
    cropFraction: 0.875,
    resample: 'bilinear',
    alignCorners: false,
    antialias: true,
    channelOrder: 'rgb',
    layout: 'nchw',
    dtype: 'float32',
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  output: { kind: 'logits' },
};

describe.skipIf(!haveShared)('an ImageNet model on the bears, two photos misfiled under grizzly', () => {
  const bear = (path: string) => join(shared, 'datasets', 'bears', path);
  const dir = makeTree('bears', {
    'black/00000001.jpg': bear('black/00000001.jpg'),
    'black/00000002.jpg': bear('black/00000002.jpg'),
    'black/00000005.jpg': bear('black/00000005.jpg'),
    'grizzly/00000001.jpg': bear('grizzly/00000001.jpg'),
    'grizzly/00000001-Copy1.jpg': bear('grizzly/00000001-Copy1.jpg'),
    'grizzly/00000002.jpg': bear('grizzly/00000002.jpg'),
    'grizzly/stray-teddy.jpg': bear('teddy/00000000.jpg'),
    'grizzly/stray-black.jpg': bear('black/00000000.jpg'),
    'teddy/00000001.jpg': bear('teddy/00000001.jpg'),
    'teddy/00000002.jpg': bear('teddy/00000002.jpg'),
  });
  const paths = intakePaths(dir, 'bears');
  let labels: readonly string[];
  let predictions: Map<string, Prediction[]>;

  it('classifies the tree', async () => {
    const model = await loadNodeModel(join(shared, 'models', 'imagenet-mobilenetv2-zoo', 'model.onnx'), {
      overrides: IMAGENET_ZOO,
    });
    labels = model.spec.labels;
    predictions = await classifyTree(model, temp, paths);
    expect(labels).toHaveLength(1000);
  });

  it('maps "black" and "grizzly" by hand ("teddy" matches by itself) and evaluates', () => {
    const auto = summariseFolders(paths, labels, EMPTY_MAPPING);
    expect(auto.unmatched.map(({ folder }) => folder)).toEqual(['black', 'grizzly']);
    expect(auto.folders.find((row) => row.folder === 'teddy')).toMatchObject({ label: 'teddy', state: 'matched' });
    const mapping = mapFolder(mapFolder(EMPTY_MAPPING, 'black', 'American black bear'), 'grizzly', 'brown bear');
    const results = runBatch(paths, predictions, actualResolver(labels, mapping), 5);
    const ev = evaluate(results.all(), { labels });
    expect([ev.n, ev.correct, ev.accuracy]).toEqual([10, 8, 0.8]);
    // The matrix follows the model's label order: brown bear (295) before American black bear (296).
    expect(ev.classes).toEqual(['brown bear', 'American black bear', 'teddy']);
    expect(confusionCounts(ev)).toEqual([
      [3, 1, 1],
      [0, 3, 0],
      [0, 0, 2],
    ]);
    expect(mostConfused(ev)).toEqual([
      { actual: 'brown bear', predicted: 'American black bear', count: 1, share: 0.2 },
      { actual: 'brown bear', predicted: 'teddy', count: 1, share: 0.2 },
    ]);
    // The misfiled photos lead the top losses, the teddy first (p(brown bear) is far outside its top 5).
    expect(ev.losses.slice(0, 2).map(({ path, predicted }) => [path, predicted])).toEqual([
      ['bears/grizzly/stray-teddy.jpg', 'teddy'],
      ['bears/grizzly/stray-black.jpg', 'American black bear'],
    ]);
    const strayTeddy = results.get('bears/grizzly/stray-teddy.jpg');
    expect(strayTeddy?.top.map(({ label }) => label)).not.toContain('brown bear');
    expect(strayTeddy && probabilityOfActual(strayTeddy)).toBe(
      p(predictions.get(strayTeddy?.path ?? ''), 'brown bear'),
    );
    expect(ev.losses.map(({ loss }) => loss)).toEqual([...ev.losses.map(({ loss }) => loss)].sort((a, b) => b - a));
    expect(ev.lossUnknown).toEqual([]);
  });

  it('without every prediction passed to complete, the far-off p(actual) is unknown and said so', () => {
    const mapping = mapFolder(mapFolder(EMPTY_MAPPING, 'black', 'American black bear'), 'grizzly', 'brown bear');
    const results = runBatch(paths, predictions, actualResolver(labels, mapping), 5, false);
    const ev = evaluate(results.all(), { labels });
    expect(ev.lossUnknown).toEqual(['bears/grizzly/stray-black.jpg', 'bears/grizzly/stray-teddy.jpg']);
    expect(ev.accuracy).toBe(0.8);
  });
});
