/**
 * How the batch tells photos apart across visits: ids made in time order (the database loads records in id order,
 * so "order added" survives a reload), and photos from an earlier visit found again by path when their folder is
 * added again (files are never kept, so that is how a reload's unfinished photos get finished).
 */

/** Ids that sort in the order they were made, across visits; random enough to be unique between tabs. */
export class PhotoIds {
  private seq = 0;

  next(now = Date.now()): string {
    const time = now.toString(36).padStart(9, '0');
    const seq = (this.seq++).toString(36).padStart(6, '0');
    return `${time}-${seq}-${crypto.randomUUID().slice(0, 8)}`;
  }
}

/** Photos restored from an earlier visit, without their files, by path. */
export class RestoredPhotos {
  private readonly byPath = new Map<string, string[]>();

  remember(path: string, id: string): void {
    const ids = this.byPath.get(path);
    if (ids) ids.push(id);
    else this.byPath.set(path, [id]);
  }

  /** The first id remembered at `path` for which `usable` holds (still in the batch, no file yet); each is taken
   * once. */
  take(path: string, usable: (id: string) => boolean): string | undefined {
    const ids = this.byPath.get(path);
    while (ids && ids.length > 0) {
      const id = ids.shift() as string;
      if (usable(id)) return id;
    }
    this.byPath.delete(path);
    return undefined;
  }

  clear(): void {
    this.byPath.clear();
  }
}
