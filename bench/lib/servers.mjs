// @ts-check
/**
 * Static servers for the run: the project's own tools/serve.mjs (COOP/COEP on), each behind a byte-counting proxy
 * so that bytes are what actually left the server.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';
import { startCountingProxy } from './proxy.mjs';

/** @typedef {{ proxy: import('./proxy.mjs').CountingProxy, origin: string, root: string }} Server `root`: the folder it serves */

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

/** @param {number} port */
async function waitForPort(port, timeoutMs = 15_000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => {
        c.destroy();
        res(true);
      });
      c.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on port ${port} did not start`);
}

/**
 * Starts servers on demand and stops them all at the end of the run (a section may start one late: the app without
 * COOP/COEP for the 1-thread row).
 */
export function createServers() {
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = [];
  /** @type {{ close: () => Promise<void> }[]} */
  const proxies = [];
  /** @param {string} dir @param {string[]} [extraArgs] tools/serve.mjs options, e.g. --no-isolation @returns {Promise<Server>} */
  async function serve(dir, extraArgs = []) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(ROOT, 'tools', 'serve.mjs'), dir, '--port', String(port), ...extraArgs],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(child);
    await waitForPort(port);
    const proxy = await startCountingProxy(port);
    proxies.push(proxy);
    return { proxy, origin: `http://localhost:${proxy.port}`, root: dir };
  }
  async function closeAll() {
    for (const proxy of proxies) await proxy.close().catch(() => {});
    for (const child of children) child.kill('SIGTERM');
  }
  return { serve, closeAll };
}
