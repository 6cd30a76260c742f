/**
 * Editing the trainer's classes (#16), pure: merge one class into another, move a photo to another class, take a
 * photo out. Each returns new arrays (the old ones stay as they were, which is what makes undo a kept reference) or
 * undefined when there is nothing to do.
 */

export interface EditableClass<P> {
  name: string;
  photos: readonly P[];
}

/** Class `from`'s photos appended to class `into`'s, and `from` gone. */
export function mergeClasses<P, C extends EditableClass<P>>(
  classes: readonly C[],
  from: number,
  into: number,
): C[] | undefined {
  const source = classes[from];
  const target = classes[into];
  if (!source || !target || from === into) return undefined;
  return classes.flatMap((c, i) =>
    i === from ? [] : i === into ? [{ ...c, photos: [...c.photos, ...source.photos] }] : [c],
  );
}

/** Where a photo is: its class's index, or -1. Photos are told apart by identity (two copies of a file are two). */
export function classOfPhoto<P>(classes: readonly EditableClass<P>[], photo: P): number {
  return classes.findIndex((c) => c.photos.includes(photo));
}

/** The photo taken out of its class and added to class `to`. */
export function movePhoto<P, C extends EditableClass<P>>(classes: readonly C[], photo: P, to: number): C[] | undefined {
  const from = classOfPhoto(classes, photo);
  if (from < 0 || from === to || !classes[to]) return undefined;
  return classes.map((c, i) =>
    i === from
      ? { ...c, photos: c.photos.filter((p) => p !== photo) }
      : i === to
        ? { ...c, photos: [...c.photos, photo] }
        : c,
  );
}

/** The photo taken out of its class (it stays on the device, out of the training set). */
export function removePhoto<P, C extends EditableClass<P>>(classes: readonly C[], photo: P): C[] | undefined {
  const from = classOfPhoto(classes, photo);
  if (from < 0) return undefined;
  return classes.map((c, i) => (i === from ? { ...c, photos: c.photos.filter((p) => p !== photo) } : c));
}

/** "1 photo", "3 photos". */
export function photoCount(n: number): string {
  return `${n.toLocaleString('en')} photo${n === 1 ? '' : 's'}`;
}
