/// <reference lib="webworker" />
/**
 * The service worker's two large files — onnxruntime-web's CPU .wasm (14 MB) and the default model — kept apart from
 * Workbox's precache so that each crosses the network once, on any first visit:
 *
 * - The first install does not download them. The page waits for this worker to control it (a second or less, the
 *   rest of the precache is small) and then downloads them itself, through {@link handleCoreFile}, which stores the
 *   response in the cache while the page streams it: one transfer, whatever the browser's HTTP cache keeps (a private
 *   window keeps no 14 MB file), and nothing left to fetch behind the user's first photo.
 * - An update's install (an older version in control) fetches those that changed, as Workbox would: the new version
 *   must work offline the moment it takes over.
 * - Entries are keyed by URL and revision (the build's precache manifest), so a deploy that changes neither keeps them.
 * - They are stored with the isolation headers already on, and answered as stored: a response straight from Cache
 *   Storage is one that Chromium keeps compiled code for, so repeat visits compile the .wasm from the code cache.
 */
import type { PrecacheEntry } from 'workbox-precaching';
import { CORE_CACHE } from './constants';

declare const self: ServiceWorkerGlobalScope;

/** The files handled here: onnxruntime-web's CPU .wasm and the default model. */
export function isCoreFile(path: string): boolean {
  return /\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(path) || /\/models\/default\/model\.onnx$/.test(path);
}

/** A file's name across builds: its path without the content hash Vite puts before the extension. */
function stemOf(url: string): string {
  return new URL(url).pathname.replace(/-[\w-]{8,}(\.\w+)$/, '$1');
}

/** Absolute URL → cache key (the URL with its revision), for the build's core entries. */
export class CoreFiles {
  private readonly keys = new Map<string, string>();
  /** Stores still in flight, so "are they all cached?" can wait for them. */
  private readonly pending = new Set<Promise<unknown>>();
  /** Files pages asked us for since this worker started (by stem). */
  private readonly requested = new Set<string>();

  constructor(
    entries: (string | PrecacheEntry)[],
    private readonly withHeaders: (response: Response) => Response,
  ) {
    for (const entry of entries) {
      const { url, revision } = typeof entry === 'string' ? { url: entry, revision: null } : entry;
      const absolute = new URL(url, self.location.href);
      const key = new URL(absolute);
      if (revision) key.searchParams.set('__rev', revision);
      this.keys.set(absolute.href, key.href);
    }
  }

  keyOf(url: string): string | undefined {
    return this.keys.get(url.split(/[?#]/)[0] ?? url);
  }

  /** Answers a request for a core file: from the cache, else from the network while storing it. */
  async handle(request: Request, key: string): Promise<Response> {
    this.requested.add(stemOf(request.url));
    const cache = await caches.open(CORE_CACHE);
    const cached = await cache.match(key);
    if (cached) return cached;
    const response = this.withHeaders(await fetch(request));
    if (response.ok && response.status === 200) this.track(cache.put(key, response.clone()).catch(() => undefined));
    return response;
  }

  /**
   * Makes sure the core files this origin's pages use are cached (waiting for stores in flight, downloading what is
   * missing): those a page asked us for, and those an earlier version had cached (an update). The default model is
   * not downloaded behind a page that runs another model; it is cached when first used. When nothing is known (the
   * page loaded without us), all of them. True when all of those are cached.
   */
  async ensureCached(): Promise<boolean> {
    await Promise.all([...this.pending]);
    const cache = await caches.open(CORE_CACHE);
    const used = new Set([...this.requested, ...(await cache.keys()).map((request) => stemOf(request.url))]);
    let complete = true;
    for (const [url, key] of this.keys) {
      if (await cache.match(key)) continue;
      if (used.size > 0 && !used.has(stemOf(url))) continue;
      try {
        const response = this.withHeaders(await fetch(url, { cache: 'no-cache' }));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await cache.put(key, response);
      } catch {
        complete = false;
      }
    }
    return complete;
  }

  /** Keeps only this version's entries (after activation, when the old version no longer needs its files). */
  async dropOthers(): Promise<void> {
    const cache = await caches.open(CORE_CACHE);
    const wanted = new Set(this.keys.values());
    for (const request of await cache.keys()) if (!wanted.has(request.url)) await cache.delete(request);
  }

  /** Remembers a store in flight until it settles. */
  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}
