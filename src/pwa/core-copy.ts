/**
 * The page's side of "each file crosses the network once": what the page downloads before its first result — the CPU
 * .wasm and the default model (in the inference worker), the model list (on the page) — is also stored, as it
 * downloads, in the service worker's {@link CORE_CACHE} under the file's plain URL. The service worker adopts that
 * copy (./sw-core-files.ts) instead of downloading the file again, so the page need not wait for the service worker
 * to take control before it starts loading the model: on a first visit both run at once.
 *
 * onnxruntime-web fetches its .wasm itself (`fetch` then `WebAssembly.instantiateStreaming`), so the copy is taken by
 * wrapping the global `fetch` (of the worker, and of the page): ORT keeps its streaming compilation, the cache gets the
 * other branch of the stream. Only those files are touched, and only when the cache does not have them yet (a repeat
 * visit, served from that cache, writes nothing).
 */
import { CORE_CACHE, CORE_COPIES_CHANNEL, isCoreFile } from './constants';

/** Copies being written, so a load can make sure they are stored before it reports ready. */
const pending = new Set<Promise<void>>();
let installed = false;

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return new URL(input, self.location.href).href;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** Stores `copy` under `url` unless the cache has the file already (under any key for that path). */
async function storeIfMissing(url: string, copy: Response): Promise<void> {
  try {
    const cache = await caches.open(CORE_CACHE);
    if (await cache.match(url, { ignoreSearch: true })) {
      await copy.body?.cancel();
      return;
    }
    await cache.put(url, copy);
  } catch {
    // No Cache Storage (quota, a browser setting): the service worker downloads the file itself later.
    await copy.body?.cancel().catch(() => undefined);
  }
}

/**
 * Wraps this global's `fetch` (a worker's or the page's) so that a successful, same-origin download of a core file is
 * also stored in {@link CORE_CACHE}. Idempotent; does nothing where Cache Storage is missing (e.g. Node).
 */
export function keepCoreCopies(): void {
  if (installed || typeof caches === 'undefined' || typeof self.fetch !== 'function') return;
  installed = true;
  const original = self.fetch.bind(self);
  self.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await original(input, init);
    const url = urlOf(input).split(/[?#]/)[0] ?? '';
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (
      method !== 'GET' ||
      response.status !== 200 ||
      response.type !== 'basic' ||
      new URL(url).origin !== self.location.origin ||
      !isCoreFile(new URL(url).pathname)
    )
      return response;
    const stored = storeIfMissing(url, response.clone());
    pending.add(stored);
    void stored.finally(() => pending.delete(stored));
    return response;
  };
}

/** Settles once the copies started so far are stored (or given up). */
export async function coreCopiesStored(): Promise<void> {
  await Promise.all([...pending]);
}

/**
 * Says on {@link CORE_COPIES_CHANNEL} when the copies started so far are stored, without waiting for it: the page
 * waits for this before it asks the service worker to adopt them (./register-sw.ts), and nothing else waits.
 */
export function announceCoreCopies(): void {
  void coreCopiesStored().then(() => {
    performance.mark('onsight:copies-stored');
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(CORE_COPIES_CHANNEL);
    channel.postMessage('stored');
    channel.close();
  });
}
