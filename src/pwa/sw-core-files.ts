/// <reference lib="webworker" />
/**
 * The files the page downloads before its first result — onnxruntime-web's CPU .wasm (14 MB), the default model and
 * the model list (`isCoreFile`) — kept apart from Workbox's precache so that each crosses the network once, on any
 * first visit:
 *
 * - The first install does not download them. The page starts loading its model at once (it does not wait for this
 *   worker) and stores a copy of each as it downloads it, under the file's plain URL (./core-copy.ts). Once the page's
 *   model is loaded it asks us ({@link CoreFiles.ensureCached}) and we adopt those copies under our keys: one
 *   transfer, whatever the browser's HTTP cache keeps (a private window keeps no 14 MB file), and nothing downloaded
 *   behind the user's first photo.
 * - Where the page waits for us (a host without COOP/COEP, where the page reloads into isolation once we control it)
 *   it downloads through {@link CoreFiles.handle}, which answers from the network, and keeps its copy the same way.
 * - An update's install (an older version in control) fetches those that changed, as Workbox would: the new version
 *   must work offline the moment it takes over.
 * - Entries are keyed by URL and revision (the build's precache manifest), so a deploy that changes neither keeps them.
 *   A page's copy of a revisioned file (the model and the list, whose URLs stay the same across deploys) is adopted
 *   only when its MD5 is that revision (Workbox's revisions are content MD5s), so a copy from another version is never
 *   kept.
 * - They are stored with the isolation headers already on, and answered as stored: a response straight from Cache
 *   Storage is one that Chromium keeps compiled code for, so repeat visits compile the .wasm from the code cache.
 */
import type { PrecacheEntry } from 'workbox-precaching';
import { CORE_CACHE } from './constants';
import { md5Hex } from './md5';

export { isCoreFile } from './constants';

declare const self: ServiceWorkerGlobalScope;

/** The search parameter of a cache key that carries the file's revision (the MD5 of its content). */
const REVISION_PARAM = '__rev';

/** A file's name across builds: its path without the content hash Vite puts before the extension. */
function stemOf(url: string): string {
  return new URL(url).pathname.replace(/-[\w-]{8,}(\.\w+)$/, '$1');
}

/** Absolute URL → cache key (the URL with its revision), for the build's core entries. */
export class CoreFiles {
  private readonly keys = new Map<string, string>();
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
      if (revision) key.searchParams.set(REVISION_PARAM, revision);
      this.keys.set(absolute.href, key.href);
    }
  }

  keyOf(url: string): string | undefined {
    return this.keys.get(url.split(/[?#]/)[0] ?? url);
  }

  /**
   * Answers a request for a core file: from the cache, else from the network. It stores nothing: the page keeps its
   * own copy as it reads the response (./core-copy.ts), adopted by {@link ensureCached}. (The .wasm's key is its plain
   * URL, so a page's copy of it is answered at once; a model's copy waits for its MD5 check.)
   */
  async handle(request: Request, key: string): Promise<Response> {
    this.requested.add(stemOf(request.url));
    const cached = await (await caches.open(CORE_CACHE)).match(key);
    return this.withHeaders(cached ?? (await fetch(request)));
  }

  /**
   * Makes sure the core files this origin's pages use are cached: adopting the pages' copies, then downloading what is
   * missing — those a page asked us for or copied, and those an earlier version had cached (an update). The default
   * model is not downloaded behind a page that runs another model; it is cached when first used. When nothing is
   * known (the page loaded without us and kept no copy), all of them. True when all of those are cached.
   */
  async ensureCached(): Promise<boolean> {
    const cache = await caches.open(CORE_CACHE);
    const used = new Set([...this.requested, ...(await cache.keys()).map((request) => stemOf(request.url))]);
    let complete = true;
    for (const [url, key] of this.keys) {
      try {
        if (await this.adoptPageCopy(cache, url, key)) continue;
        if (await cache.match(key)) continue;
        if (used.size > 0 && !used.has(stemOf(url))) continue;
        const response = this.withHeaders(await fetch(url, { cache: 'no-cache' }));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await cache.put(key, response);
      } catch {
        complete = false;
      }
    }
    return complete;
  }

  /**
   * Turns a page's copy of `url` into our entry under `key`, with the isolation headers on (stored once, so it is
   * answered as stored from then on). The copy of a revisioned file (the model, whose URL stays the same across
   * deploys) is kept only when its MD5 is the manifest's revision — a copy from another version is dropped and the
   * file downloaded as Workbox would; a content-hashed file (the .wasm) is its name. True when the entry is in place.
   */
  private async adoptPageCopy(cache: Cache, url: string, key: string): Promise<boolean> {
    const copy = await cache.match(url);
    if (!copy) return false;
    const revision = key === url ? null : new URL(key).searchParams.get(REVISION_PARAM);
    if (revision === null) {
      const withHeaders = this.withHeaders(copy);
      if (withHeaders !== copy) await cache.put(key, withHeaders);
      return true;
    }
    const bytes = new Uint8Array(await copy.arrayBuffer());
    if (md5Hex(bytes) === revision)
      await cache.put(key, this.withHeaders(new Response(bytes, { status: 200, headers: copy.headers })));
    await cache.delete(url);
    return (await cache.match(key)) !== undefined;
  }

  /**
   * Keeps only this version's entries, and pages' copies of this version's files not adopted yet (after activation,
   * when the old version no longer needs its files).
   */
  async dropOthers(): Promise<void> {
    const cache = await caches.open(CORE_CACHE);
    const wanted = new Set([...this.keys.values(), ...this.keys.keys()]);
    for (const request of await cache.keys()) if (!wanted.has(request.url)) await cache.delete(request);
  }
}
