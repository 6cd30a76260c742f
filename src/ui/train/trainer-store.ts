/**
 * The trainer's state and intents (#16): a labelled folder in, a training run in the training worker with the loaded
 * model as backbone, live progress and curves, then the trained model used (loaded and kept under *Your models*) or
 * downloaded. What it reaches outside itself comes in as a {@link TrainerEnvironment}, so tests drive it in Node.
 */
import { collectIntake, type IntakeItem, type IntakePhoto } from '../../batch';
import type { ModelSource } from '../../inference/types';
import type { ModelSpec } from '../../model/spec';
import type { EpochReport } from '../../train/head-trainer';
import { folderProblem, groupByClass, type LabelledClass } from '../../train/labelled-folder';
import type { TrainingClientLike } from '../../train/training-client';
import type { TrainTimings } from '../../train/training-protocol';
import type { TrainingProgress, TrainingSummary } from '../../train/training-run';
import { classOfPhoto, mergeClasses, movePhoto, photoCount, removePhoto } from './class-edits';
import type { TrainedPhoto } from './validation-view';

export type TrainingStatus = 'idle' | 'embedding' | 'training' | 'done' | 'error';

/** Share of the progress bar the embeddings take: they are nearly all of a run's time. */
export const EMBEDDING_SHARE = 0.9;

export interface TrainerState {
  open: boolean;
  /** Reading the chosen folder. */
  reading: boolean;
  /** The classes to train on, from a labelled folder or made here: names and photo counts; `key` is the class's own,
   * kept through renames and others' removal (the page's row keys). */
  classes: { key: number; name: string; count: number }[];
  /** The last folder chosen: its name, photos in no class sub-folder, files left out (not photos). */
  folder?: { name: string; unlabelled: number; skipped: number };
  /** Why the classes cannot be trained on yet, in plain words. */
  folderProblem?: string;
  /** The new model's name (the folder's name until the user changes it). */
  modelName: string;
  /** Flip augmentation: also learn from each photo's mirror image. */
  flip: boolean;
  status: TrainingStatus;
  /** 0..1 over the whole run. */
  progress: number;
  embedded: number;
  total: number;
  epochs: EpochReport[];
  result?: {
    summary: TrainingSummary;
    spec: ModelSpec;
    fileName: string;
    timings: TrainTimings;
    /** The run's photos in request order (what `summary.validationPredictions` index). */
    photos: TrainedPhoto[];
  };
  /** What was done to held-out photos since the run, by request index: "Moved to dogs", "Taken out". */
  fixes: Record<number, string>;
  /** The last merge or removal of a class, which "Undo" takes back. */
  undo?: string;
  /** Why the run failed (status `error`), or that it was cancelled (status `idle`). */
  message?: string;
  /** The trained model is being loaded, or has been. */
  use?: 'loading' | 'loaded' | 'failed';
}

export interface TrainerEnvironment {
  createClient: () => TrainingClientLike;
  /** The loaded model as the page loaded it, or undefined while none is. */
  backbone: () => { source: ModelSource; spec: ModelSpec } | undefined;
  /** Loads a model file as if the user had picked it (and keeps it under *Your models*); resolves whether it runs. */
  useModel: (file: File) => Promise<boolean>;
  download: (blob: Blob, fileName: string) => void;
  announce: (text: string) => void;
}

const INITIAL: TrainerState = {
  open: false,
  reading: false,
  classes: [],
  modelName: '',
  flip: false,
  status: 'idle',
  progress: 0,
  embedded: 0,
  total: 0,
  epochs: [],
  fixes: {},
};

/** A file name from a model name: "Bears & teddies" → "bears-teddies.onnx". */
export function onnxFileName(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${stem || 'my-classifier'}.onnx`;
}

/** The bar's value for a progress report. */
export function progressOf(report: TrainingProgress): number {
  if (report.stage === 'embedding') return report.total ? (EMBEDDING_SHARE * report.done) / report.total : 0;
  const { epoch, maxEpochs } = report.epoch;
  return EMBEDDING_SHARE + ((1 - EMBEDDING_SHARE) * epoch) / Math.max(1, maxEpochs);
}

type TrainerClass = LabelledClass<IntakePhoto> & { key: number };

export class TrainerStore {
  private state: TrainerState = INITIAL;
  private readonly listeners = new Set<(state: TrainerState) => void>();
  private classes: TrainerClass[] = [];
  private nextKey = 0;
  private client?: TrainingClientLike;
  private bytes?: Uint8Array;
  private chooseToken = 0;
  /** The last run's photos, in request order. */
  private trained: IntakePhoto[] = [];
  /** The classes before the last merge or removal. */
  private undoClasses?: TrainerClass[];

  constructor(private readonly env: TrainerEnvironment) {}

  get current(): TrainerState {
    return this.state;
  }

  subscribe(listener: (state: TrainerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<TrainerState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  private get busy(): boolean {
    return this.state.status === 'embedding' || this.state.status === 'training';
  }

  setOpen(open: boolean): void {
    if (open !== this.state.open) this.set({ open });
  }

  setModelName(modelName: string): void {
    this.set({ modelName });
  }

  setFlip(flip: boolean): void {
    if (!this.busy) this.set({ flip });
  }

  /** Takes a labelled folder: its sub-folders are the classes (replacing the classes so far). */
  async chooseFolder(items: Iterable<IntakeItem>): Promise<void> {
    if (this.busy) return;
    const token = ++this.chooseToken;
    this.set({ reading: true });
    const intake = await collectIntake(items);
    if (token !== this.chooseToken) return;
    const grouped = groupByClass(intake.photos, (photo) => photo.path);
    this.classes = grouped.classes.map((c) => ({ ...c, key: this.nextKey++ }));
    const folder = { name: grouped.folderName, unlabelled: grouped.unlabelled.length, skipped: intake.skipped.length };
    const modelName = this.state.modelName || grouped.folderName || 'My classifier';
    this.set({ reading: false, folder, modelName });
    const problem = this.classesChanged();
    const photos = this.classes.reduce((sum, c) => sum + c.photos.length, 0);
    this.env.announce(problem ?? `${this.classes.length} classes, ${photos} photos: ready to train.`);
    // The training worker opens the backbone while the user looks at the classes (~1 s off the Train click).
    const backbone = this.env.backbone();
    this.client ??= this.env.createClient();
    if (backbone) this.client.prepare?.(backbone);
  }

  /** Publishes the classes and whether they can be trained on; returns the problem, if any. `undo`: the change can
   * be taken back (the classes before it are kept); any other change ends the last one's undo. */
  private classesChanged(undo?: { text: string; before: TrainerClass[] }): string | undefined {
    this.undoClasses = undo?.before;
    const problem = this.classes.length === 0 && !this.state.folder ? undefined : folderProblem(this.classes);
    const classes = this.classes.map((c) => ({ key: c.key, name: c.name, count: c.photos.length }));
    this.set({ classes, folderProblem: problem, undo: undo?.text });
    return problem;
  }

  /** A new, empty class to add photos to (Teachable Machine's way). */
  addClass(): void {
    if (this.busy) return;
    const taken = new Set(this.classes.map((c) => c.name.toLowerCase()));
    let n = this.classes.length + 1;
    while (taken.has(`class ${n}`)) n++;
    this.classes = [...this.classes, { name: `Class ${n}`, photos: [], key: this.nextKey++ }];
    this.classesChanged();
  }

  renameClass(index: number, name: string): void {
    const target = this.classes[index];
    if (this.busy || !target || target.name === name) return;
    this.classes = this.classes.map((c, i) => (i === index ? { ...c, name } : c));
    this.classesChanged(); // a name problem (taken, empty) shows in the trainer's alert
    this.env.announce(`Class “${target.name}” renamed to “${name}”.`);
  }

  /** Removes a class and its photos (the page asks first); undoable. */
  removeClass(index: number): void {
    const target = this.classes[index];
    if (this.busy || !target) return;
    const before = this.classes;
    this.classes = this.classes.filter((_, i) => i !== index);
    const photos = target.photos.length;
    const text = `Class “${target.name}” removed${photos ? ` with its ${photoCount(photos)}` : ''}.`;
    this.classesChanged({ text, before });
    this.env.announce(text);
  }

  /** Moves every photo of class `from` into class `into` and removes `from`; undoable. */
  mergeClass(from: number, into: number): void {
    const source = this.classes[from];
    const target = this.classes[into];
    const merged = mergeClasses(this.classes, from, into);
    if (this.busy || !source || !target || !merged) return;
    const before = this.classes;
    this.classes = merged;
    const text = `Class “${source.name}” merged into “${target.name}”: ${photoCount(source.photos.length)} moved.`;
    this.classesChanged({ text, before });
    this.env.announce(text);
  }

  /** Takes back the last merge or removal of a class. */
  undo(): void {
    const before = this.undoClasses;
    if (this.busy || !before) return;
    const text = this.state.undo;
    this.classes = before;
    this.classesChanged();
    this.env.announce(`Undone: ${text ?? 'the last change'}`);
  }

  /** From the held-out photos' list: moves photo `index` of the last run to class `to` (its label was wrong). */
  moveTrainedPhoto(index: number, to: number): void {
    const photo = this.trained[index];
    const target = this.classes[to];
    const moved = photo && movePhoto(this.classes, photo, to);
    if (this.busy || !target || !moved) return;
    this.classes = moved;
    this.fixed(index, `Moved to “${target.name}”`);
  }

  /** From the held-out photos' list: takes photo `index` of the last run out of the training set. */
  removeTrainedPhoto(index: number): void {
    const photo = this.trained[index];
    const removed = photo && removePhoto(this.classes, photo);
    if (this.busy || !removed) return;
    this.classes = removed;
    this.fixed(index, 'Taken out of the training photos');
  }

  private fixed(index: number, text: string): void {
    this.classesChanged();
    this.set({ fixes: { ...this.state.fixes, [index]: text } });
    this.env.announce(`${text}. Train again to see the difference.`);
  }

  /** The file of photo `index` of the last run (for its thumbnail). */
  trainedFile(index: number): File | undefined {
    return this.trained[index]?.file;
  }

  /** The class photo `index` of the last run is in now, or -1 when it was taken out. */
  classOfTrained(index: number): number {
    const photo = this.trained[index];
    return photo ? classOfPhoto(this.classes, photo) : -1;
  }

  /** Adds picked, dropped or pasted photos to a class (files that are not pictures are left out and counted). */
  async addPhotos(index: number, items: Iterable<IntakeItem>): Promise<void> {
    const target = this.classes[index];
    if (!target) return;
    if (this.busy) {
      this.env.announce('Photos can be added once this training run is over (or cancelled).');
      return;
    }
    const intake = await collectIntake(items);
    // The class itself, not its place: a class removed or merged meanwhile takes no photos.
    if (!this.classes.includes(target) || this.busy) return;
    this.classes = this.classes.map((c) => (c === target ? { ...c, photos: [...c.photos, ...intake.photos] } : c));
    this.classesChanged();
    const left = intake.skipped.length ? `; ${intake.skipped.length} not a photo, left out` : '';
    this.env.announce(`${photoCount(intake.photos.length)} added to “${target.name}”${left}.`);
  }

  /** True when the classes can be trained on and nothing is running. */
  get canStart(): boolean {
    return !this.busy && !this.state.reading && this.classes.length > 0 && !folderProblem(this.classes);
  }

  async start(): Promise<void> {
    if (!this.canStart) return;
    const backbone = this.env.backbone();
    if (!backbone) {
      this.fail('No model is loaded yet: the trainer builds on the loaded model. Wait for it, or choose one.');
      return;
    }
    const trained = this.classes.flatMap((c, label) => c.photos.map((photo) => ({ photo, label })));
    const photos = trained.map(({ photo, label }) => ({ file: photo.file as Blob, label }));
    const name = this.state.modelName.trim() || this.state.folder?.name || 'My classifier';
    const classNames = this.classes.map((c) => c.name.trim());
    this.bytes = undefined;
    this.set({
      status: 'embedding',
      progress: 0,
      embedded: 0,
      total: this.state.flip ? 2 * photos.length : photos.length,
      epochs: [],
      result: undefined,
      message: undefined,
      use: undefined,
      fixes: {},
    });
    this.env.announce(`Training started: reading ${photos.length} photos with ${backbone.spec.name}.`);
    this.client ??= this.env.createClient();
    const request = { backbone, classNames, photos, name, flipAugmentation: this.state.flip };
    const outcome = await this.client.train(request, (report) => this.onProgress(report));
    if (!outcome.ok) {
      if (outcome.code === 'cancelled') {
        this.set({ status: 'idle', progress: 0, message: outcome.message });
        this.env.announce(outcome.message);
      } else this.fail(outcome.message);
      return;
    }
    this.bytes = outcome.bytes;
    this.trained = trained.map((t) => t.photo);
    const { summary } = outcome;
    const fileName = onnxFileName(name);
    const trainedPhotos = trained.map(({ photo, label }) => ({ path: photo.path, label }));
    this.set({
      status: 'done',
      progress: 1,
      result: { summary, spec: outcome.spec, fileName, timings: outcome.timings, photos: trainedPhotos },
    });
    const accuracy = summary.validationAccuracy;
    this.env.announce(
      accuracy === null
        ? 'Training done.'
        : `Training done: ${Math.round(accuracy * 100)} % of the ${summary.validationCount} held-out photos right.`,
    );
  }

  private onProgress(report: TrainingProgress): void {
    if (!this.busy) return;
    if (report.stage === 'embedding') {
      // About 500 renders however many photos: 10,000 per-photo updates would keep the page busy for nothing.
      const step = Math.max(1, Math.floor(report.total / 500));
      if (report.done < report.total && report.done - this.state.embedded < step) return;
      this.set({ status: 'embedding', progress: progressOf(report), embedded: report.done, total: report.total });
      return;
    }
    if (this.state.status === 'embedding') this.env.announce('Photos read; training the classifier.');
    this.set({ status: 'training', progress: progressOf(report), epochs: [...this.state.epochs, report.epoch] });
  }

  cancel(): void {
    if (this.busy) this.client?.cancel();
  }

  private fail(message: string): void {
    this.set({ status: 'error', message });
    this.env.announce(message);
  }

  private file(): File | undefined {
    const { result } = this.state;
    if (!this.bytes || !result) return undefined;
    return new File([this.bytes as Uint8Array<ArrayBuffer>], result.fileName, { type: 'application/octet-stream' });
  }

  /** Loads the trained model on the page (and keeps it under *Your models*). */
  async use(): Promise<void> {
    const file = this.file();
    if (!file || this.state.use === 'loading') return;
    this.set({ use: 'loading' });
    const ok = await this.env.useModel(file);
    this.set({ use: ok ? 'loaded' : 'failed' });
  }

  download(): void {
    const file = this.file();
    if (file) this.env.download(file, file.name);
  }

  dispose(): void {
    this.client?.cancel();
    this.client?.dispose();
    this.listeners.clear();
  }
}
