/**
 * The copies a worker keeps of the files the page downloads first: held (the other branch of the download) until the
 * page's word, then written to the core cache and announced; a file the cache has already is not held. Node stands in
 * for the worker: real Response, BroadcastChannel and streams; Cache Storage is a Map behind the same calls.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const ORIGIN = 'https://app.test';
const WASM = `${ORIGIN}/assets/ort-wasm-simd-threaded-abc123.wasm`;

/** An in-memory Cache Storage with one cache, recording what was put and when. */
function fakeCaches(preset: Record<string, string> = {}) {
  const entries = new Map<string, Response>(Object.entries(preset).map(([url, body]) => [url, new Response(body)]));
  const cache = {
    match: async (url: string) => entries.get(url),
    put: async (url: string, response: Response) => {
      entries.set(url, new Response(await response.text()));
    },
  };
  return { entries, caches: { open: async () => cache } };
}

async function setUp(preset: Record<string, string> = {}) {
  vi.resetModules();
  const store = fakeCaches(preset);
  vi.stubGlobal('caches', store.caches);
  vi.stubGlobal('self', {
    location: { href: `${ORIGIN}/assets/worker.js`, origin: ORIGIN },
    fetch: async () => Object.defineProperty(new Response('wasm bytes'), 'type', { value: 'basic' }),
  });
  const copy = await import('../../src/pwa/core-copy');
  copy.keepCoreCopies();
  return { ...store, copy };
}

/** The next message on the copies channel that is `data`. */
function next(data: string): Promise<void> {
  const channel = new BroadcastChannel('onsight-core-copies');
  return new Promise((resolve) => {
    channel.onmessage = (event) => {
      if (event.data !== data) return;
      channel.close();
      resolve();
    };
  });
}

/**
 * Says the word, lets it arrive, then waits for this module's own copies (earlier tests' modules still listen on the
 * channel and answer too, so their "stored" proves nothing here).
 */
async function sayAndSettle(copy: typeof import('../../src/pwa/core-copy')): Promise<void> {
  copy.storeCoreCopies();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await copy.coreCopiesStored();
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('core copies', () => {
  it('a download is held until the page says to store it, then stored and announced', async () => {
    const { entries, copy } = await setUp();
    const response = await self.fetch(WASM);
    expect(await response.text()).toBe('wasm bytes'); // the download itself is not held back
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(entries.has(WASM)).toBe(false);

    const stored = next(copy.COPIES_STORED);
    copy.storeCoreCopies();
    await stored;
    expect(await entries.get(WASM)?.text()).toBe('wasm bytes');
  });

  it('a file the cache has already is not stored again (a repeat visit holds nothing back)', async () => {
    const { entries, copy } = await setUp({ [WASM]: 'older copy' });
    await (await self.fetch(WASM)).text();
    await sayAndSettle(copy);
    expect(await entries.get(WASM)?.text()).toBe('older copy');
  });

  it('another file is none of its business', async () => {
    const { entries, copy } = await setUp();
    await (await self.fetch(`${ORIGIN}/assets/index-abc.js`)).text();
    await sayAndSettle(copy);
    expect(entries.size).toBe(0);
  });
});
