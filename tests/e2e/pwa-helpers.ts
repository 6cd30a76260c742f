/**
 * Helpers for the PWA end-to-end tests: a static server whose root can be swapped (to deploy a new version under a
 * running page), which may leave out COOP/COEP like GitHub Pages and may serve under a sub-path, plus builds of the
 * app into temporary folders.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const distDir = join(repoRoot, 'dist');
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

export interface StaticServer {
  /** The app's URL, ending in the base path (e.g. http://127.0.0.1:4301/onsight/). */
  url: string;
  /** Serve another build from now on ("deploy"). */
  setRoot(dir: string): void;
  /** Paths requested so far (for asserting what came from the network). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A plain static host. `isolation: false` sends no COOP/COEP/CORP, as GitHub Pages; POST gets 405 as on a static
 * host (so a share can only work through the service worker).
 */
export async function startStaticServer(options: {
  root: string;
  base?: string;
  isolation?: boolean;
}): Promise<StaticServer> {
  let root = resolve(options.root);
  const base = options.base ?? '/';
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}`);
    const headers: Record<string, string> = {};
    if (options.isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404, headers).end('outside the base');
      return;
    }
    let path = resolve(join(root, decodeURIComponent(url.pathname.slice(base.length))));
    if (path !== root && !path.startsWith(root + sep)) {
      res.writeHead(400).end();
      return;
    }
    try {
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    } catch {
      if (extname(url.pathname) !== '') {
        res.writeHead(404, headers).end('not found');
        return;
      }
      path = join(root, 'index.html');
    }
    try {
      const body = await readFile(path);
      headers['Content-Type'] = MIME[extname(path)] ?? 'application/octet-stream';
      headers['Cache-Control'] = path.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache';
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    setRoot: (dir) => {
      root = resolve(dir);
    },
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The production build the tests run against; fails loudly when missing. */
export function requireDist(): string {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(join(distDir, 'sw.js'))) {
    throw new Error('dist/ has no production build with a service worker: run `npx vite build` first');
  }
  return distDir;
}

/** A photo from ../shared/photos; skips the test when absent locally, fails when CI=true. */
export function sharedPhoto(name: string): string | null {
  const path = resolve(process.env.ONSIGHT_PHOTOS ?? resolve(repoRoot, '..', 'shared', 'photos'), name);
  if (existsSync(path)) return path;
  if (process.env.CI === 'true')
    throw new Error(`test photo missing: ${path} (CI expects ../shared beside the checkout)`);
  return null;
}

/** Builds the app into `outDir` with extra environment (ONSIGHT_BASE, ONSIGHT_BUILD_ID...). */
export async function buildInto(outDir: string, env: Record<string, string>): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 },
  );
}

/**
 * Waits until a service worker controls the page and is activated, i.e. its install (the whole precache) completed.
 * (Polled from the test: an async predicate in page.waitForFunction would count its pending Promise as truthy.)
 */
const consoleLogs = new WeakMap<Page, string[]>();

/** Keeps the page's console warnings and errors, so a worker that fails to install can say why. */
export function recordConsole(page: Page): void {
  const lines: string[] = [];
  consoleLogs.set(page, lines);
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') lines.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
}

export async function waitForServiceWorker(page: Page, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await page
      .evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        const states = ['installing', 'waiting', 'active'] as const;
        const workers = states.map((key) => `${key}=${registration?.[key]?.state ?? '-'}`).join(' ');
        return `controller=${navigator.serviceWorker.controller?.state ?? 'none'} ${workers}`;
      })
      .catch(() => 'navigating'); // the page may be reloading itself (cross-origin isolation)
    if (state.startsWith('controller=activated')) return;
    if (Date.now() > deadline) {
      const logs = (consoleLogs.get(page) ?? []).join('\n  ');
      throw new Error(`no activated service worker controls the page after ${timeout} ms (${state})\n  ${logs}`);
    }
    await page.waitForTimeout(100);
  }
}
