/**
 * The validation split: a fixed share of each class held out, as Teachable Machine does (`ceil(15 %)` per class
 * after a per-class shuffle), seeded so that the same photos and seed always give the same split.
 *
 * With `keys` (e.g. each photo's content hash) a photo's side depends only on its key and the seed, not on the order
 * the photos came in, so adding photos leaves the others where they were; and photos with the same key (exact
 * duplicates, as a scraped folder often has) always land on the same side, so a copy of a training photo never
 * inflates validation accuracy.
 */
import { createRandom, seededHash, shuffleInPlace } from './random';

/** Teachable Machine holds out 15 % of each class. */
export const DEFAULT_VALIDATION_FRACTION = 0.15;

export interface SplitOptions {
  /** Share of each class held out for validation, rounded up per class (default 0.15). */
  validationFraction?: number;
  seed?: number;
  /** One stable key per photo (a content hash): order-independent split, duplicates kept together. */
  keys?: readonly string[];
}

/** Row indices into the photos, each list ascending. */
export interface DataSplit {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * Splits photos by class. Each class with n photos gives ceil(fraction × n) of them to validation, but always keeps at
 * least one for training (a class of one photo has none in validation). Labels must be integers in [0, classCount).
 */
export function splitByClass(labels: ArrayLike<number>, classCount: number, options: SplitOptions = {}): DataSplit {
  const fraction = options.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validationFraction must be in [0, 1), got ${fraction}`);
  const { keys } = options;
  if (keys && keys.length !== labels.length) {
    throw new Error(`keys has ${keys.length} entries for ${labels.length} photos`);
  }
  const seed = options.seed ?? 0;
  const random = createRandom(seed);
  const validation: number[] = [];
  for (let c = 0; c < classCount; c++) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i] as number;
      if (!Number.isInteger(label) || label < 0 || label >= classCount) {
        throw new Error(`label ${label} of photo ${i} is not a class index in [0, ${classCount})`);
      }
      if (label === c) members.push(i);
    }
    const groups = groupMembers(members, keys, seed, random);
    const target = Math.min(Math.ceil(fraction * members.length), members.length - 1);
    let held = 0;
    // Whole groups go to validation until the target is met; the last group always stays in training.
    for (let g = 0; g < groups.length - 1 && held < target; g++) {
      const group = groups[g] as number[];
      validation.push(...group);
      held += group.length;
    }
  }
  const isValidation = new Uint8Array(labels.length);
  for (const i of validation) isValidation[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < labels.length; i++) if (!isValidation[i]) train.push(i);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation).sort() };
}

/** A class's photos in the order they are offered to validation: shuffled, or grouped by key in hash order. */
function groupMembers(
  members: number[],
  keys: readonly string[] | undefined,
  seed: number,
  random: () => number,
): number[][] {
  if (!keys) return shuffleInPlace(members, random).map((i) => [i]);
  const byKey = new Map<string, number[]>();
  for (const i of members) {
    const key = keys[i] as string;
    const group = byKey.get(key);
    if (group) group.push(i);
    else byKey.set(key, [i]);
  }
  return [...byKey.entries()]
    .map(([key, group]) => ({ order: seededHash(seed, key), key, group }))
    .sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((g) => g.group);
}

/** How many of the given rows each class has. */
export function countPerClass(labels: ArrayLike<number>, rows: ArrayLike<number>, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let r = 0; r < rows.length; r++) {
    const label = labels[rows[r] as number] as number;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/**
 * Flip augmentation's rows: when the embedding matrix holds the photos' rows followed by their mirrored copies (row
 * i + photoCount is photo i mirrored), training uses both copies of each training photo and validation only the
 * originals, so no mirror of a validation photo leaks into training.
 */
export function withMirroredTrainRows(split: DataSplit, photoCount: number): DataSplit {
  const train = new Int32Array(split.train.length * 2);
  train.set(split.train);
  for (let i = 0; i < split.train.length; i++) train[split.train.length + i] = (split.train[i] as number) + photoCount;
  return { train, validation: split.validation };
}
