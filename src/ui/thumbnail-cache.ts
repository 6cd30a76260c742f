/**
 * Object URLs for the thumbnails of the cards on screen. Thumbnails live in IndexedDB (or in memory where it cannot be
 * used); only the most recently shown `capacity` have an object URL, so scrolling through 10,000 photos does not keep
 * 10,000 URLs (and their Blobs) alive. A miss starts a load and says so through `onLoaded`, once per load. A URL is
 * made only when a card asks for it: making one is a synchronous round trip to the browser, too dear for every
 * thumbnail of a batch that nobody scrolls to.
 */

export interface ThumbnailCacheDeps {
  /** Reads a thumbnail; `undefined` when there is none. */
  load(id: string): Promise<Blob | undefined>;
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  /** A load finished: render again. */
  onLoaded(): void;
  /** URLs kept at most; well above the cards a screen shows. Default 400. */
  capacity?: number;
}

export class ThumbnailCache {
  /** In least-recently-shown order (a Map keeps insertion order; a hit moves its entry to the end). */
  private readonly urls = new Map<string, string>();
  /** Thumbnails just made, not asked for yet (a URL is made on the first ask); at most `capacity`, oldest out. */
  private readonly fresh = new Map<string, Blob>();
  private readonly loading = new Set<string>();
  /** Ids whose load found nothing: not asked again until `put`. */
  private readonly missing = new Set<string>();
  private readonly capacity: number;
  /** Bumped by `clear`, so that a load started before it does not put a URL back. */
  private generation = 0;

  constructor(private readonly deps: ThumbnailCacheDeps) {
    this.capacity = Math.max(1, deps.capacity ?? 400);
  }

  /** The thumbnail's URL when cached; otherwise starts loading it and returns `undefined`. */
  url(id: string): string | undefined {
    const url = this.urls.get(id);
    if (url !== undefined) {
      this.urls.delete(id);
      this.urls.set(id, url);
      return url;
    }
    const blob = this.fresh.get(id);
    if (blob) {
      this.fresh.delete(id);
      return this.set(id, this.deps.createObjectURL(blob));
    }
    if (!this.loading.has(id) && !this.missing.has(id)) void this.fetch(id);
    return undefined;
  }

  /** A thumbnail just made: kept at hand, so that a card in view shows it without a database read. */
  put(id: string, blob: Blob): void {
    this.forget(id);
    this.fresh.set(id, blob);
    while (this.fresh.size > this.capacity) this.fresh.delete(this.fresh.keys().next().value as string);
  }

  forget(id: string): void {
    const url = this.urls.get(id);
    if (url !== undefined) this.deps.revokeObjectURL(url);
    this.urls.delete(id);
    this.fresh.delete(id);
    this.missing.delete(id);
  }

  clear(): void {
    for (const url of this.urls.values()) this.deps.revokeObjectURL(url);
    this.urls.clear();
    this.fresh.clear();
    this.missing.clear();
    this.loading.clear();
    this.generation++;
  }

  get size(): number {
    return this.urls.size;
  }

  private async fetch(id: string): Promise<void> {
    const generation = this.generation;
    this.loading.add(id);
    let blob: Blob | undefined;
    try {
      blob = await this.deps.load(id);
    } catch {
      blob = undefined; // an unreadable thumbnail shows as none; the result itself is unaffected
    }
    if (generation !== this.generation) return;
    this.loading.delete(id);
    if (this.urls.has(id) || this.fresh.has(id)) return; // put() came first
    if (blob) this.set(id, this.deps.createObjectURL(blob));
    else this.missing.add(id);
    this.deps.onLoaded();
  }

  private set(id: string, url: string): string {
    this.urls.set(id, url);
    while (this.urls.size > this.capacity) {
      const [oldest, oldUrl] = this.urls.entries().next().value as [string, string];
      this.urls.delete(oldest);
      this.deps.revokeObjectURL(oldUrl);
    }
    return url;
  }
}
