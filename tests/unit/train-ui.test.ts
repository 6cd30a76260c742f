/**
 * The trainer's pure parts and its UI store (src/ui/train/trainer-store.ts), in Node: a labelled folder becomes
 * classes (sub-folders) or a plain refusal; the store goes idle → embedding → training → done with progress 0..1,
 * reports cancel and failure, and hands the trained bytes to "use" and "download" as one .onnx file. The training
 * client is a stand-in here: the real worker's inference is tested in train-run.test.ts and the end-to-end spec.
 */
import { describe, expect, it } from 'vitest';
import type { EpochReport } from '../../src/train/head-trainer';
import { folderProblem, groupByClass, MIN_PHOTOS_PER_CLASS } from '../../src/train/labelled-folder';
import type { TrainingClientLike } from '../../src/train/training-client';
import type { TrainOutcome, TrainRequest } from '../../src/train/training-protocol';
import type { TrainingProgress, TrainingSummary } from '../../src/train/training-run';
import { accuracyCurves, lossCurves, polyline } from '../../src/ui/train/curves';
import { onnxFileName, progressOf, type TrainerEnvironment, TrainerStore } from '../../src/ui/train/trainer-store';

function photo(path: string): File {
  const file = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], path.split('/').at(-1) as string, {
    type: 'image/jpeg',
  });
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

const tree = (counts: Record<string, number>, root = 'Pets') =>
  Object.entries(counts).flatMap(([cls, n]) => Array.from({ length: n }, (_, i) => photo(`${root}/${cls}/p${i}.jpg`)));

describe('a labelled folder', () => {
  it('groups photos by the first sub-folder, in natural order; deeper folders belong to it', () => {
    const paths = [
      'B/dogs/a.jpg',
      'B/cats/x/b.jpg',
      'B/cats/c.jpg',
      'B/loose.jpg',
      'B/class10/d.jpg',
      'B/class9/e.jpg',
    ];
    const grouped = groupByClass(paths, (p) => p);
    expect(grouped.folderName).toBe('B');
    expect(grouped.classes.map((c) => [c.name, c.photos])).toEqual([
      ['cats', ['B/cats/x/b.jpg', 'B/cats/c.jpg']],
      ['class9', ['B/class9/e.jpg']],
      ['class10', ['B/class10/d.jpg']],
      ['dogs', ['B/dogs/a.jpg']],
    ]);
    expect(grouped.unlabelled).toEqual(['B/loose.jpg']);
  });

  it('says plainly what is wrong: no classes, one class, too few photos in a class', () => {
    const cls = (name: string, n: number) => ({ name, photos: new Array(n).fill(0) });
    expect(folderProblem([])).toMatch(/no sub-folders with photos/);
    expect(folderProblem([cls('teddy', 9)])).toMatch(/only one class \(“teddy”\).*at least 2/);
    expect(folderProblem([cls('a', MIN_PHOTOS_PER_CLASS), cls('b', 2), cls('c', 1)])).toBe(
      `Each class needs at least ${MIN_PHOTOS_PER_CLASS} photos: “b” has 2, “c” has 1. Add photos to them.`,
    );
    expect(folderProblem([cls('a', MIN_PHOTOS_PER_CLASS), cls('b', MIN_PHOTOS_PER_CLASS)])).toBeUndefined();
  });
});

const epoch = (n: number, max = 10): EpochReport => ({
  epoch: n,
  maxEpochs: max,
  trainLoss: 1 / n,
  trainAccuracy: 0.5 + n / 40,
  validationLoss: 1.2 / n,
  validationAccuracy: n === 1 ? null : 0.5 + n / 50,
  learningRate: 1e-3,
  best: true,
});

describe('the training curves', () => {
  const box = { width: 100, height: 50 };
  it('maps values to the box, top = max, skipping missing values', () => {
    expect(polyline([0, 0.5, 1], 3, 0, 1, box)).toBe('0.0,50.0 50.0,25.0 100.0,0.0');
    expect(polyline([null, 1], 2, 0, 1, box)).toBe('100.0,0.0');
  });
  it('scales loss to the largest loss seen and accuracy to 0..1', () => {
    const history = [epoch(1), epoch(2)];
    const loss = lossCurves(history, box);
    expect(loss.max).toBeCloseTo(1.2);
    expect(loss.series.map((s) => s.last)).toEqual([0.5, 0.6]);
    expect(accuracyCurves(history, box)[1]?.points).toBe(`100.0,${(50 - 0.54 * 50).toFixed(1)}`);
  });
});

const SUMMARY: TrainingSummary = {
  validationAccuracy: 0.9,
  trainCount: 8,
  validationCount: 2,
  classes: [
    { label: 'cats', train: 4, validation: 1, validationCorrect: 1, skipped: 0 },
    { label: 'dogs', train: 4, validation: 1, validationCorrect: 0, skipped: 0 },
  ],
  epochs: [epoch(1), epoch(2)],
  bestEpoch: 2,
  stoppedEarly: false,
  skipped: [],
  featureSize: 4,
  head: 'Dense 2 softmax',
  headMs: 3,
  validationPredictions: [],
};

/** A stand-in client that plays back a run: progress reports, then `outcome`. */
class PlaybackClient implements TrainingClientLike {
  requests: TrainRequest[] = [];
  cancelled = false;
  private release?: () => void;
  constructor(
    private readonly outcome: TrainOutcome,
    private readonly hold = false,
  ) {}
  async train(request: TrainRequest, onProgress?: (p: TrainingProgress) => void): Promise<TrainOutcome> {
    this.requests.push(request);
    const total = request.photos.length * (request.flipAugmentation ? 2 : 1); // as the worker counts
    for (let done = 1; done <= total; done++) onProgress?.({ stage: 'embedding', done, total });
    if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
    if (this.cancelled) return { ok: false, code: 'cancelled', message: 'Training was cancelled.' };
    for (const e of SUMMARY.epochs) onProgress?.({ stage: 'training', epoch: e });
    return this.outcome;
  }
  cancel(): void {
    this.cancelled = true;
    this.release?.();
  }
  dispose(): void {}
}

function setUp(client: PlaybackClient, loaded = true) {
  const announced: string[] = [];
  const used: File[] = [];
  const downloads: { blob: Blob; name: string }[] = [];
  const env: TrainerEnvironment = {
    createClient: () => client,
    backbone: () =>
      loaded
        ? {
            source: { kind: 'url', url: 'http://localhost/models/default/model.onnx' },
            spec: { name: 'Default' } as never,
          }
        : undefined,
    useModel: async (file) => {
      used.push(file);
      return true;
    },
    download: (blob, name) => downloads.push({ blob, name }),
    announce: (text) => announced.push(text),
  };
  return { store: new TrainerStore(env), announced, used, downloads };
}

const BYTES = new Uint8Array([8, 7, 6]);
const TIMINGS = {
  setupMs: 900,
  setup: { readMs: 100, cutMs: 200, runtimeMs: 100, sessionMs: 500 },
  decodeMs: 2000,
  runMs: 8000,
  firstRunMs: 900,
  idleMs: 300,
  firstIdleMs: 100,
  embedded: 10,
  fromCache: 0,
  embedMs: 8400,
  headMs: 500,
  oodMs: 100,
  exportMs: 200,
  workerMs: 11_500,
};
const DONE: TrainOutcome = {
  timings: TIMINGS,
  ok: true,
  bytes: BYTES,
  spec: { name: 'Pets' } as never,
  summary: SUMMARY,
  backboneId: 'b',
};

describe('the trainer store', () => {
  it('takes a folder, trains with progress through embedding and training, and ends done', async () => {
    const client = new PlaybackClient(DONE);
    const { store, announced, used, downloads } = setUp(client);
    expect(store.canStart).toBe(false);
    await store.chooseFolder(tree({ dogs: 5, cats: 6 }));
    expect(store.current.classes).toMatchObject([
      { name: 'cats', count: 6 },
      { name: 'dogs', count: 5 },
    ]);
    expect(store.current.modelName).toBe('Pets');
    expect(store.canStart).toBe(true);
    const seen: [string, number][] = [];
    store.subscribe((s) => seen.push([s.status, s.progress]));
    await store.start();
    expect(client.requests[0]?.classNames).toEqual(['cats', 'dogs']);
    expect(client.requests[0]?.photos.map((p) => p.label)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(seen[0]).toEqual(['embedding', 0]);
    const progress = seen.map(([, p]) => p);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(seen.some(([s]) => s === 'training')).toBe(true);
    expect(store.current.status).toBe('done');
    expect(store.current.progress).toBe(1);
    expect(store.current.epochs).toHaveLength(2);
    expect(store.current.result?.timings).toEqual(TIMINGS);
    expect(announced.at(-1)).toBe('Training done: 90 % of the 2 held-out photos right.');

    await store.use();
    expect(used[0]?.name).toBe('pets.onnx');
    expect(new Uint8Array(await (used[0] as File).arrayBuffer())).toEqual(BYTES);
    expect(store.current.use).toBe('loaded');
    store.download();
    expect(downloads[0]?.name).toBe('pets.onnx');
  });

  it('refuses a folder with one class in words, and cannot start', async () => {
    const { store, announced } = setUp(new PlaybackClient(DONE));
    await store.chooseFolder(tree({ teddy: 7 }));
    expect(store.current.folderProblem).toMatch(/only one class/);
    expect(announced.at(-1)).toMatch(/only one class/);
    expect(store.canStart).toBe(false);
  });

  it('cancel goes back to idle with a message; a failure shows its message as error', async () => {
    const held = new PlaybackClient(DONE, true);
    const { store } = setUp(held);
    await store.chooseFolder(tree({ a: 5, b: 5 }));
    const running = store.start();
    await Promise.resolve();
    expect(store.current.status).toBe('embedding');
    store.cancel();
    await running;
    expect(store.current.status).toBe('idle');
    expect(store.current.message).toBe('Training was cancelled.');

    const failing = new PlaybackClient({ ok: false, code: 'no-feature-point', message: 'X cannot be trained on: …' });
    const second = setUp(failing);
    await second.store.chooseFolder(tree({ a: 5, b: 5 }));
    await second.store.start();
    expect(second.store.current.status).toBe('error');
    expect(second.store.current.message).toBe('X cannot be trained on: …');
  });

  it('builds classes here: add, name, add photos, remove; duplicate or missing names are refused in words', async () => {
    const client = new PlaybackClient(DONE);
    const { store, announced } = setUp(client);
    store.addClass();
    store.addClass();
    expect(store.current.classes).toMatchObject([
      { name: 'Class 1', count: 0 },
      { name: 'Class 2', count: 0 },
    ]);
    expect(store.current.folderProblem).toMatch(/at least 5 photos: “Class 1” has 0, “Class 2” has 0/);
    await store.addPhotos(0, tree({ x: 5 }, 'Grizzly'));
    await store.addPhotos(1, [...tree({ y: 5 }, 'Teddy'), new File(['hello'], 'notes.txt', { type: 'text/plain' })]);
    expect(announced.at(-1)).toBe('5 photos added to “Class 2”; 1 not a photo, left out.');
    store.renameClass(1, 'class 1 ');
    expect(store.current.folderProblem).toBe('Two classes are named “Class 1”: give each class a name of its own.');
    expect(store.canStart).toBe(false);
    store.renameClass(1, '   ');
    expect(store.current.folderProblem).toBe('Class 2 has no name: give every class a name.');
    store.renameClass(0, ' grizzly ');
    store.renameClass(1, 'teddy');
    expect(store.current.folderProblem).toBeUndefined();
    expect(store.canStart).toBe(true);
    store.addClass();
    store.removeClass(2);
    expect(store.current.classes.map((c) => c.name)).toEqual([' grizzly ', 'teddy']);
    await store.start();
    expect(client.requests[0]?.classNames).toEqual(['grizzly', 'teddy']);
    expect(client.requests[0]?.photos).toHaveLength(10);
  });

  it('asks for flip augmentation when ticked, counting each photo twice', async () => {
    const client = new PlaybackClient(DONE, true);
    const { store } = setUp(client);
    await store.chooseFolder(tree({ a: 5, b: 5 }));
    store.setFlip(true);
    const running = store.start();
    await Promise.resolve();
    expect(client.requests[0]?.flipAugmentation).toBe(true);
    expect(store.current.total).toBe(20);
    store.setFlip(false); // not while training
    expect(store.current.flip).toBe(true);
    store.cancel();
    await running;
  });

  it('says so when no model is loaded to build on', async () => {
    const { store } = setUp(new PlaybackClient(DONE), false);
    await store.chooseFolder(tree({ a: 5, b: 5 }));
    await store.start();
    expect(store.current.status).toBe('error');
    expect(store.current.message).toMatch(/No model is loaded/);
  });

  it('names files and measures progress', () => {
    expect(onnxFileName('Bears & teddies')).toBe('bears-teddies.onnx');
    expect(onnxFileName('Ours brun é')).toBe('ours-brun-e.onnx');
    expect(onnxFileName('∑')).toBe('my-classifier.onnx');
    expect(progressOf({ stage: 'embedding', done: 50, total: 100 })).toBeCloseTo(0.45);
    expect(progressOf({ stage: 'training', epoch: epoch(10, 10) })).toBeCloseTo(1);
  });
});

describe('progress for a large folder', () => {
  it('renders about 500 times for 10,000 photos, and ends at the last photo', async () => {
    const client = new PlaybackClient(DONE);
    const { store } = setUp(client);
    await store.chooseFolder(tree({ a: 5000, b: 5000 }));
    let renders = 0;
    let lastEmbedded = 0;
    store.subscribe((s) => {
      renders++;
      if (s.status === 'embedding') lastEmbedded = s.embedded;
    });
    await store.start();
    expect(renders).toBeLessThan(520);
    expect(lastEmbedded).toBe(10_000);
    expect(store.current.status).toBe('done');
  });
});
