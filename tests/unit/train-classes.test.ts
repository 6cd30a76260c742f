/**
 * The trainer's class editing and its evaluation of the held-out photos (#16), in Node: merge, remove and undo;
 * moving a wrongly labelled held-out photo to its class or taking it out; the held-out photos' predictions as
 * results that #15's evaluation reads (its accuracy is the trainer's, to the last bit); the camera's messages.
 * The training client is a stand-in that answers with a fixed run: the real worker's inference is tested in
 * train-run.test.ts and the end-to-end specs.
 */
import { describe, expect, it } from 'vitest';
import type { TrainOutcome, TrainRequest } from '../../src/train/training-protocol';
import type { TrainingSummary, ValidationPrediction } from '../../src/train/training-run';
import { cameraFileName, cameraProblem } from '../../src/ui/train/camera';
import { mergeClasses, movePhoto, removePhoto } from '../../src/ui/train/class-edits';
import { type TrainerEnvironment, TrainerStore } from '../../src/ui/train/trainer-store';
import { evaluateValidation, validationResults } from '../../src/ui/train/validation-view';

const jpeg = (name: string) => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], name, { type: 'image/jpeg' });
const photos = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => jpeg(`${prefix}${i}.jpg`));

describe('class edits (pure)', () => {
  const classes = [
    { name: 'a', photos: [1, 2] },
    { name: 'b', photos: [3] },
    { name: 'c', photos: [] as number[] },
  ];
  it('merges one class into another, keeping the rest and the original untouched', () => {
    expect(mergeClasses(classes, 0, 1)).toEqual([
      { name: 'b', photos: [3, 1, 2] },
      { name: 'c', photos: [] },
    ]);
    expect(mergeClasses(classes, 2, 0)?.map((c) => c.name)).toEqual(['a', 'b']);
    expect(mergeClasses(classes, 1, 1)).toBeUndefined();
    expect(mergeClasses(classes, 5, 1)).toBeUndefined();
    expect(classes[0]?.photos).toEqual([1, 2]);
  });
  it('moves a photo to another class, or takes it out; nothing to do gives undefined', () => {
    expect(movePhoto(classes, 2, 2)?.map((c) => c.photos)).toEqual([[1], [3], [2]]);
    expect(movePhoto(classes, 2, 0)).toBeUndefined();
    expect(movePhoto(classes, 9, 0)).toBeUndefined();
    expect(removePhoto(classes, 3)?.map((c) => c.photos)).toEqual([[1, 2], [], []]);
    expect(removePhoto(classes, 9)).toBeUndefined();
  });
});

function setUp(outcome?: TrainOutcome) {
  const announced: string[] = [];
  const requests: TrainRequest[] = [];
  const env: TrainerEnvironment = {
    createClient: () => ({
      train: async (request) => {
        requests.push(request);
        return outcome ?? { ok: false, code: 'failed', message: 'no run here' };
      },
      cancel: () => {},
      dispose: () => {},
    }),
    backbone: () => ({ source: { kind: 'url', url: 'http://localhost/m.onnx' }, spec: { name: 'Default' } as never }),
    useModel: async () => true,
    download: () => {},
    announce: (text) => announced.push(text),
  };
  return { store: new TrainerStore(env), announced, requests };
}

describe('merging and removing classes in the store', () => {
  it('merges a class into another and removes one with its photos, each announced and undoable', async () => {
    const { store, announced } = setUp();
    for (let i = 0; i < 3; i++) store.addClass();
    await store.addPhotos(0, photos('g', 3));
    await store.addPhotos(1, photos('b', 2));
    await store.addPhotos(2, photos('t', 5));
    const keys = store.current.classes.map((c) => c.key);
    expect(new Set(keys).size).toBe(3);
    store.mergeClass(1, 0);
    // Each class keeps its key (the page's row key), so a row's open question never passes to the class after it.
    expect(store.current.classes.map((c) => c.key)).toEqual([keys[0], keys[2]]);
    expect(store.current.classes).toMatchObject([
      { name: 'Class 1', count: 5 },
      { name: 'Class 3', count: 5 },
    ]);
    expect(announced.at(-1)).toBe('Class “Class 2” merged into “Class 1”: 2 photos moved.');
    expect(store.current.undo).toBe(announced.at(-1));
    store.undo();
    expect(store.current.classes.map((c) => c.count)).toEqual([3, 2, 5]);
    expect(store.current.undo).toBeUndefined();
    expect(announced.at(-1)).toMatch(/^Undone: Class “Class 2” merged/);

    store.removeClass(2);
    expect(store.current.classes.map((c) => c.name)).toEqual(['Class 1', 'Class 2']);
    expect(announced.at(-1)).toBe('Class “Class 3” removed with its 5 photos.');
    // Another change ends the undo: it would otherwise bring back classes without the change made since.
    store.renameClass(0, 'grizzly');
    expect(store.current.undo).toBeUndefined();
    expect(announced.at(-1)).toBe('Class “Class 1” renamed to “grizzly”.');
    store.undo();
    expect(store.current.classes.map((c) => c.name)).toEqual(['grizzly', 'Class 2']);
  });

  it('photos still being read for a class that is removed meanwhile go nowhere', async () => {
    const { store, announced } = setUp();
    store.addClass();
    store.addClass();
    const adding = store.addPhotos(0, photos('x', 4));
    store.removeClass(0);
    expect(announced.at(-1)).toBe('Class “Class 1” removed.');
    await adding;
    expect(store.current.classes).toMatchObject([{ name: 'Class 2', count: 0 }]);
  });
});

/** Two classes of 6: held out are photo 0 (cats, right), 6 (dogs, taken for cats) and 7 (dogs, right). */
const HELD: ValidationPrediction[] = [
  { index: 0, probabilities: [0.9, 0.1] },
  { index: 6, probabilities: [0.7, 0.3] },
  { index: 7, probabilities: [0.2, 0.8] },
];
const SUMMARY: TrainingSummary = {
  validationAccuracy: 2 / 3,
  trainCount: 9,
  validationCount: 3,
  classes: [
    { label: 'cats', train: 5, validation: 1, validationCorrect: 1, skipped: 0 },
    { label: 'dogs', train: 4, validation: 2, validationCorrect: 1, skipped: 0 },
  ],
  epochs: [],
  bestEpoch: 1,
  stoppedEarly: false,
  skipped: [],
  featureSize: 4,
  head: 'Dense 2 softmax',
  headMs: 1,
  validationPredictions: HELD,
};
const DONE: TrainOutcome = {
  ok: true,
  bytes: new Uint8Array([1]),
  spec: { name: 'Pets' } as never,
  summary: SUMMARY,
  backboneId: 'b',
  timings: {
    setupMs: 0,
    setup: { readMs: 0, cutMs: 0, runtimeMs: 0, sessionMs: 0 },
    decodeMs: 0,
    runMs: 0,
    firstRunMs: 0,
    idleMs: 0,
    firstIdleMs: 0,
    embedded: 12,
    fromCache: 0,
    embedMs: 0,
    headMs: 0,
    oodMs: 0,
    exportMs: 0,
    workerMs: 0,
  },
};

describe('the held-out photos in the evaluation views', () => {
  const trained = Array.from({ length: 12 }, (_, i) => ({ path: `p${i}.jpg`, label: i < 6 ? 0 : 1 }));

  it('become done results with every class ranked, highest first, ties in class order', () => {
    const results = validationResults(
      [...HELD, { index: 8, probabilities: [0.5, 0.5] }, { index: 99, probabilities: [1, 0] }],
      trained,
      ['cats', 'dogs'],
    );
    expect(results.map((r) => [r.id, r.path, r.actual, r.top.map((t) => t.label)])).toEqual([
      ['0', 'p0.jpg', 'cats', ['cats', 'dogs']],
      ['6', 'p6.jpg', 'dogs', ['cats', 'dogs']],
      ['7', 'p7.jpg', 'dogs', ['dogs', 'cats']],
      ['8', 'p8.jpg', 'dogs', ['cats', 'dogs']], // a tie goes to the first class, as the trainer's argmax does
    ]);
  });

  it('give the evaluation the trainer’s accuracy, the confusion cells and the worst photo first', () => {
    const { evaluation } = evaluateValidation(HELD, trained, ['cats', 'dogs']);
    expect(evaluation.accuracy).toBe(SUMMARY.validationAccuracy);
    expect(evaluation.cells.map((c) => [c.actual, c.predicted, c.count])).toEqual([
      ['cats', 'cats', 1],
      ['dogs', 'cats', 1],
      ['dogs', 'dogs', 1],
    ]);
    expect(evaluation.losses[0]).toMatchObject({ id: '6', actual: 'dogs', predicted: 'cats' });
    expect(evaluation.losses[0]?.loss).toBeCloseTo(-Math.log(0.3), 12);
    // A class with no held-out photo still has its row.
    expect(evaluateValidation([], trained, ['cats', 'dogs']).evaluation.classes).toEqual(['cats', 'dogs']);
  });

  it('a held-out photo moved to its class or taken out changes the next run’s training set', async () => {
    const { store, announced, requests } = setUp(DONE);
    store.addClass();
    store.addClass();
    const cats = photos('c', 6);
    const dogs = photos('d', 6);
    await store.addPhotos(0, cats);
    await store.addPhotos(1, dogs);
    await store.start();
    expect(store.current.result?.photos.map((p) => p.label)).toEqual(trained.map((p) => p.label));
    expect(store.trainedFile(6)).toBe(dogs[0]);
    expect(store.classOfTrained(6)).toBe(1);

    store.moveTrainedPhoto(6, 0);
    expect(store.classOfTrained(6)).toBe(0);
    expect(store.current.fixes).toEqual({ 6: 'Moved to “Class 1”' });
    expect(announced.at(-1)).toBe('Moved to “Class 1”. Train again to see the difference.');
    store.removeTrainedPhoto(7);
    expect(store.classOfTrained(7)).toBe(-1);
    expect(store.current.classes.map((c) => c.count)).toEqual([7, 4]);
    expect(store.current.status).toBe('done'); // the run's evaluation stays on screen until the next run

    await store.addPhotos(1, photos('e', 1));
    await store.start();
    const again = requests[1]?.photos ?? [];
    expect(again).toHaveLength(12);
    expect(again.filter((p) => p.file === dogs[0]).map((p) => p.label)).toEqual([0]);
    expect(again.some((p) => p.file === dogs[1])).toBe(false);
    expect(store.current.fixes).toEqual({});
  });
});

describe('the camera', () => {
  const named = (name: string) => Object.assign(new Error('x'), { name });
  it('says in plain words why it did not start, and points at the camera app', () => {
    expect(cameraProblem(named('NotAllowedError'))).toMatch(/^The camera was refused\..*camera app/);
    expect(cameraProblem(named('NotFoundError'))).toMatch(/^No camera was found on this device\./);
    expect(cameraProblem(named('NotReadableError'))).toMatch(/another app may be using it/);
    expect(cameraProblem(new Error('odd'))).toMatch(/^The camera could not be started \(odd\)\./);
  });
  it('names each photo by its time and number', () => {
    expect(cameraFileName(3, new Date(2025, 0, 2, 14, 25, 3))).toBe('camera-142503-3.jpg');
  });
});
