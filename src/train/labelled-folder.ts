/**
 * A labelled folder → classes to train on: each sub-folder of the chosen folder is a class, named by the sub-folder
 * (`Bears/grizzly/IMG_1.jpg` → class `grizzly`, deeper folders belong to their top sub-folder). Pure: takes the paths
 * the folder intake (src/batch/folder-intake.ts) found, so the same rules hold for a picked or a dropped folder.
 */

/** Fewer photos than this in a class and training is refused: one goes to validation, the rest must teach. */
export const MIN_PHOTOS_PER_CLASS = 5;

export interface LabelledClass<T> {
  name: string;
  photos: T[];
}

export interface LabelledFolder<T> {
  /** The chosen folder's own name (the first path segment), or '' when the photos came without a folder. */
  folderName: string;
  /** In natural name order of the sub-folders. */
  classes: LabelledClass<T>[];
  /** Photos directly in the chosen folder, which no sub-folder names a class for. */
  unlabelled: T[];
}

/** Groups photos by the first sub-folder under the chosen folder. `pathOf` gives a photo's `Folder/class/…/x.jpg`. */
export function groupByClass<T>(photos: readonly T[], pathOf: (photo: T) => string): LabelledFolder<T> {
  const byName = new Map<string, T[]>();
  const unlabelled: T[] = [];
  let folderName = '';
  for (const photo of photos) {
    const segments = pathOf(photo).split('/');
    if (!folderName && segments.length >= 2) folderName = segments[0] ?? '';
    const className = segments.length >= 3 ? (segments[1] ?? '').trim() : '';
    if (!className) {
      unlabelled.push(photo);
      continue;
    }
    const list = byName.get(className);
    if (list) list.push(photo);
    else byName.set(className, [photo]);
  }
  const names = [...byName.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return { folderName, classes: names.map((name) => ({ name, photos: byName.get(name) ?? [] })), unlabelled };
}

/**
 * Why these classes cannot be trained on, in plain words, or undefined when they can: at least 2 classes, each
 * with a name of its own and at least {@link MIN_PHOTOS_PER_CLASS} photos.
 */
export function folderProblem(
  classes: readonly { name: string; photos: readonly unknown[] }[],
  minPerClass = MIN_PHOTOS_PER_CLASS,
): string | undefined {
  if (classes.length === 0)
    return 'This folder has no sub-folders with photos. Put the photos of each class in a sub-folder named after it (for example cats/ and dogs/), then choose the folder that holds them.';
  if (classes.length === 1)
    return `This folder has only one class (“${classes[0]?.name}”). A classifier needs at least 2: add a sub-folder of photos for each other class.`;
  const unnamed = classes.findIndex((c) => !c.name.trim());
  if (unnamed >= 0) return `Class ${unnamed + 1} has no name: give every class a name.`;
  const seen = new Map<string, string>();
  for (const c of classes) {
    const key = c.name.trim().toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) return `Two classes are named “${other}”: give each class a name of its own.`;
    seen.set(key, c.name.trim());
  }
  const few = classes.filter((c) => c.photos.length < minPerClass);
  if (few.length > 0) {
    const list = few.map((c) => `“${c.name}” has ${c.photos.length}`).join(', ');
    return `Each class needs at least ${minPerClass} photos: ${list}. Add photos to ${few.length === 1 ? 'it' : 'them'}.`;
  }
  return undefined;
}
