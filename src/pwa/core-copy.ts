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
 * visit, served from that cache, writes nothing). The copies are written when the page says so, after its first work.
 */
import { CORE_CACHE, CORE_COPIES_CHANNEL, isCoreFile } from './constants';

/** Copies kept (or being dropped) since this global started; each settles once stored or given up. */
const pending = new Set<Promise<void>>();
let installed = false;
/** Resolves when the page says to store the copies (see {@link STORE_COPIES}). */
let storeWord: Promise<void> = Promise.resolve();

/**
 * The page's word on {@link CORE_COPIES_CHANNEL} that the copies may be written now; a global that has stored its
 * copies answers {@link COPIES_STORED} on it. The page says it after its first work (when it registers the service
 * worker, ./register-sw.ts): writing 17 MB into Cache Storage beside ORT's start and the first photo took CPU from
 * them; until then a copy waits in memory (the other branch of the download's stream).
 */
export const STORE_COPIES = 'store';
export const COPIES_STORED = 'stored';
/** A worker started after the word asks for it; the page answers {@link STORE_COPIES} if it was said. */
const WORD_WANTED = 'store?';
/** Whether this page has said the word (the page's global only). */
let wordGiven = false;

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return new URL(input, self.location.href).href;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** Stores `copy` under `url` once the page says so, unless the cache has the file already (under any key for it). */
async function storeIfMissing(url: string, copy: Response): Promise<void> {
  try {
    const cache = await caches.open(CORE_CACHE);
    // Checked at once: a repeat visit, served from that cache, holds nothing back.
    if (await cache.match(url, { ignoreSearch: true })) {
      await copy.body?.cancel();
      return;
    }
    await storeWord;
    await cache.put(url, copy);
  } catch {
    // No Cache Storage (quota, a browser setting): the service worker downloads the file itself later.
    await copy.body?.cancel().catch(() => undefined);
  }
}

/** Waits for the page's word, then says {@link COPIES_STORED} once the copies kept so far are stored. */
function listenForStoreWord(): void {
  if (typeof BroadcastChannel === 'undefined') return; // nobody could say it: store at once
  const channel = new BroadcastChannel(CORE_COPIES_CHANNEL);
  storeWord = new Promise((resolve) => {
    channel.onmessage = (event: MessageEvent) => {
      if (event.data === WORD_WANTED && wordGiven) channel.postMessage(STORE_COPIES);
      if (event.data !== STORE_COPIES) return;
      resolve();
      void coreCopiesStored().then(() => {
        performance.mark('onsight:copies-stored');
        // The inference worker's word is the one the page waits for (the page's own copy is awaited there directly).
        if (typeof document === 'undefined') channel.postMessage(COPIES_STORED);
      });
    };
  });
  if (typeof document === 'undefined') channel.postMessage(WORD_WANTED);
}

/**
 * Wraps this global's `fetch` (a worker's or the page's) so that a successful, same-origin download of a core file is
 * also stored in {@link CORE_CACHE}. Idempotent; does nothing where Cache Storage is missing (e.g. Node).
 */
export function keepCoreCopies(): void {
  if (installed || typeof caches === 'undefined' || typeof self.fetch !== 'function') return;
  installed = true;
  listenForStoreWord();
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

/** Asks every global of this page (the page, its inference workers) to store the copies it keeps now. */
export function storeCoreCopies(): void {
  wordGiven = true;
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CORE_COPIES_CHANNEL);
  channel.postMessage(STORE_COPIES);
  channel.close();
}
