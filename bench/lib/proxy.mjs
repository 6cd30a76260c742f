// @ts-check
/**
 * A byte-counting TCP proxy in front of a static server. It counts every byte the server sends (headers included),
 * whoever asked for it: the page, its workers, or a service worker precaching. Chromium does not pipeline HTTP/1.1
 * requests, so the bytes of a response are attributed to the last request line seen on the same connection.
 */
import net from 'node:net';

/**
 * @typedef {{ path: string, bytes: number, requests: number }} Transfer
 * @typedef {{ port: number, reset: () => void, transfers: () => Transfer[], idleFor: (ms: number, timeoutMs?: number) => Promise<void>, close: () => Promise<void> }} CountingProxy
 */

/** @param {number} targetPort @returns {Promise<CountingProxy>} */
export async function startCountingProxy(targetPort) {
  /** @type {Map<string, number>} */
  let counts = new Map();
  /** @type {Map<string, number>} */
  let requests = new Map();
  let lastActivity = Date.now();
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let current = '(unknown)';
    client.on('data', (chunk) => {
      lastActivity = Date.now();
      const text = chunk.subarray(0, 2048).toString('latin1');
      const match = /^(GET|HEAD|POST|PUT|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/.exec(text);
      if (match) {
        current = (match[2] ?? '').split('?')[0] ?? '';
        requests.set(current, (requests.get(current) ?? 0) + 1);
      }
    });
    upstream.on('data', (chunk) => {
      lastActivity = Date.now();
      counts.set(current, (counts.get(current) ?? 0) + chunk.length);
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    reset() {
      counts = new Map();
      requests = new Map();
    },
    transfers() {
      return [...counts].map(([path, bytes]) => ({ path, bytes, requests: requests.get(path) ?? 0 }));
    },
    async idleFor(ms, timeoutMs = 15_000) {
      const start = Date.now();
      while (Date.now() - lastActivity < ms && Date.now() - start < timeoutMs)
        await new Promise((r) => setTimeout(r, 100));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * Groups transfers into js / wasm / model / other (photos fetched by the peer pages as test input are left out).
 * @param {Transfer[]} transfers
 */
export function categorize(transfers) {
  const out = { total: 0, js: 0, wasm: 0, model: 0, other: 0 };
  for (const { path, bytes } of transfers) {
    if (path.startsWith('/photos/')) continue;
    let kind = /** @type {'js' | 'wasm' | 'model' | 'other'} */ ('other');
    if (/\.wasm$/.test(path)) kind = 'wasm';
    else if (/\.onnx$|\.ort$|\/models\/|\/hf-models\/|group1-shard|model\.min|model\.json$|weights.*\.bin$/.test(path))
      kind = 'model';
    else if (/\.m?js$/.test(path)) kind = 'js';
    out[kind] += bytes;
    out.total += bytes;
  }
  return out;
}

/** Large files (over 100 kB) the server sent more than once in one visit. @param {Transfer[]} transfers */
export function duplicates(transfers) {
  return transfers.filter((t) => t.requests > 1 && t.bytes > 100_000).map((t) => `${t.path} ×${t.requests}`);
}
