/// <reference lib="webworker" />
/**
 * OnSight's service worker (built by vite-plugin-pwa in `injectManifest` mode).
 *
 * - Offline: precaches the app shell (the list is injected at build time with a revision per file, so a deploy never
 *   mixes two versions); navigations are answered with the precached index.html. The files the page downloads before
 *   its first result (the CPU onnxruntime-web .wasm, the default model, the model list) are cached from the page's own
 *   first download instead of a second one (./pwa/sw-core-files.ts).
 * - Threads on any static host: every response it serves gets COOP/COEP/CORP added, so the page is
 *   `crossOriginIsolated` even where the host cannot send headers (GitHub Pages) — the approach of workbox #2963.
 * - Updates wait for the user: the page posts SKIP_WAITING when they accept the "new version" prompt.
 * - Web Share Target: a POST to ./share-target stores the shared images in a cache and redirects to ./?shared=1.
 */
import { clientsClaim } from 'workbox-core';
import type { WorkboxPlugin } from 'workbox-core/types';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst, NetworkOnly } from 'workbox-strategies';
import {
  CACHE_CORE,
  MODELS_CACHE,
  ORT_GPU_CACHE,
  SHARE_TARGET_PATH,
  SHARED_FILES_CACHE,
  SHARED_MODIFIED_HEADER,
  SHARED_NAME_HEADER,
  SHARED_QUERY,
  SKIP_WAITING,
} from './pwa/constants';
import { CoreFiles, isCoreFile } from './pwa/sw-core-files';

declare const self: ServiceWorkerGlobalScope;

const scope = new URL(self.registration.scope);
const inScope = (url: URL) => url.origin === scope.origin && url.pathname.startsWith(scope.pathname);

/** Statuses whose responses must not have a body. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * Adds the cross-origin isolation headers, and the security headers the host did not send, to a response we serve.
 * Opaque responses (cross-origin, no-cors) cannot be rewritten and are passed through; so are responses that carry all
 * of them already (from a host that sends them, or stored with them): answering with the very response Cache Storage
 * gave lets Chromium use its code cache for it. Others are re-wrapped with the body streamed, not buffered.
 */
function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const has = (name: string, value: string) => response.headers.get(name) === value;
  if (
    has('Cross-Origin-Opener-Policy', 'same-origin') &&
    has('Cross-Origin-Embedder-Policy', 'require-corp') &&
    has('Cross-Origin-Resource-Policy', 'same-origin') &&
    Object.keys(import.meta.env.ONSIGHT_SECURITY_HEADERS).every((name) => response.headers.has(name))
  )
    return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  for (const [name, value] of Object.entries<string>(import.meta.env.ONSIGHT_SECURITY_HEADERS))
    if (!headers.has(name)) headers.set(name, value);
  return new Response(NULL_BODY_STATUS.has(response.status) ? null : response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

const isolationPlugin: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => withIsolationHeaders(response),
};

/**
 * Precache downloads may be answered by the HTTP cache: the page's own first requests (its scripts, styles, index.json)
 * are, so each crosses the network once. Content-hashed assets (no revision) are fetched with the default mode: a
 * cached copy is the right one.
 * Workbox fetches revisioned entries (index.html, the default model...) with `cache: 'reload'`, which would download
 * the model again; `no-cache` still asks the server but accepts a 304 to its validator (ETag / Last-Modified), so
 * what is stored is the host's current file either way — only the bytes are saved.
 */
const revalidatePlugin: WorkboxPlugin = {
  requestWillFetch: async ({ request }) =>
    request.cache === 'reload' ? new Request(request, { cache: 'no-cache' }) : request,
};

/**
 * Keeps one copy per file name in a runtime cache: the hashed names change on every deploy, so without this each
 * update would leave another ~27 MB .wasm behind.
 */
const keepLatestPlugin: WorkboxPlugin = {
  cacheDidUpdate: async ({ cacheName, request }) => {
    const stem = (url: string) => new URL(url).pathname.replace(/-[\w-]{8,}(\.\w+)$/, '$1');
    const cache = await caches.open(cacheName);
    for (const key of await cache.keys()) {
      if (key.url !== request.url && stem(key.url) === stem(request.url)) await cache.delete(key);
    }
  },
};

// --- Lifecycle ---------------------------------------------------------------------------------------------------

// Take control of the page that registered us as soon as we are active, so the first visit is served (and isolated)
// by the worker after one reload. Updates still wait in `waiting` until the user accepts them.
clientsClaim();
cleanupOutdatedCaches();

self.addEventListener('message', (event) => {
  if (event.data?.type === SKIP_WAITING) void self.skipWaiting();
});

// --- Precache + navigation ------------------------------------------------------------------------------------------

const manifest = self.__WB_MANIFEST;
const entryPath = (entry: (typeof manifest)[number]) =>
  new URL(typeof entry === 'string' ? entry : entry.url, self.location.href).pathname;
const core = new CoreFiles(
  manifest.filter((entry) => isCoreFile(entryPath(entry))),
  withIsolationHeaders,
);

addPlugins([revalidatePlugin, isolationPlugin]);
precacheAndRoute(manifest.filter((entry) => !isCoreFile(entryPath(entry))));

// The large files: a first install leaves them to the page, whose own download we adopt when it asks (CACHE_CORE); an
// update (an older version still in control) fetches what changed before it may take over, so it works offline from
// its first page.
self.addEventListener('install', (event) => {
  if (self.registration.active) event.waitUntil(core.ensureCached());
});
self.addEventListener('activate', (event) => event.waitUntil(core.dropOthers()));
self.addEventListener('message', (event) => {
  if (event.data?.type !== CACHE_CORE) return;
  event.waitUntil(core.ensureCached().then((complete) => event.ports[0]?.postMessage(complete)));
});
registerRoute(
  ({ url, request }) => request.method === 'GET' && core.keyOf(url.href) !== undefined,
  ({ url, request }) => core.handle(request, core.keyOf(url.href) as string),
);

// Every navigation inside the scope gets the precached index.html of *this* version (with isolation headers).
const scopePattern = scope.pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    allowlist: [new RegExp(`^${scopePattern}`)],
    // Opening one of our files directly (a model, the manifest) must give that file, not the app.
    denylist: [
      new RegExp(`^${scopePattern}(assets|models|icons)/`),
      /\.(js|mjs|json|webmanifest|wasm|onnx|png|svg|map)$/,
    ],
  }),
);

// --- Share target --------------------------------------------------------------------------------------------------

const shareTargetUrl = new URL(SHARE_TARGET_PATH, scope).href;

function redirectAfterShare(value: string): Response {
  const target = new URL(`./?${SHARED_QUERY}=${encodeURIComponent(value)}`, scope);
  return Response.redirect(target.href, 303);
}

registerRoute(
  ({ url }) => url.href.split('?')[0] === shareTargetUrl,
  async ({ request }) => {
    let files: File[];
    try {
      const form = await request.formData();
      files = [...form.values()].filter((value): value is File => typeof value !== 'string' && value.size > 0);
    } catch {
      return redirectAfterShare('unreadable');
    }
    if (files.length === 0) return redirectAfterShare('empty');
    try {
      const cache = await caches.open(SHARED_FILES_CACHE);
      const stamp = Date.now();
      // Awaited one by one: an un-awaited put can be lost when the worker stops (transformers.js #99).
      for (const [i, file] of files.entries()) {
        const key = new URL(`__shared__/${stamp}-${i}`, scope).href;
        await cache.put(
          key,
          new Response(file, {
            headers: {
              'Content-Type': file.type || 'application/octet-stream',
              [SHARED_NAME_HEADER]: encodeURIComponent(file.name || `shared-${i + 1}`),
              [SHARED_MODIFIED_HEADER]: String(file.lastModified || stamp),
            },
          }),
        );
      }
    } catch (error) {
      return redirectAfterShare(
        error instanceof DOMException && error.name === 'QuotaExceededError' ? 'quota' : 'failed',
      );
    }
    return redirectAfterShare('1');
  },
  'POST',
);

// --- Runtime caching -----------------------------------------------------------------------------------------------

// The WebGPU/JSEP builds of onnxruntime-web (~27 MB each) are only fetched when that backend is chosen: cache them on
// first use instead of making every visitor download them. Their names are content-hashed, so cache-first is safe.
registerRoute(
  ({ url, request }) =>
    request.method === 'GET' && inScope(url) && /\/ort-wasm[^/]*\.(asyncify|jsep|jspi)[^/]*\.wasm$/.test(url.pathname),
  new CacheFirst({ cacheName: ORT_GPU_CACHE, plugins: [isolationPlugin, keepLatestPlugin] }),
);

// Further models listed in models/index.json: from the network when online (a model author may replace a file
// under the same name), from the cache when offline.
registerRoute(
  ({ url, request }) => request.method === 'GET' && inScope(url) && url.pathname.startsWith(`${scope.pathname}models/`),
  new NetworkFirst({ cacheName: MODELS_CACHE, plugins: [isolationPlugin] }),
);

// Anything else of ours that is not precached still needs the headers, or COEP would block it (e.g. a worker script).
registerRoute(
  ({ url, request }) => request.method === 'GET' && url.origin === self.location.origin,
  new NetworkOnly({ plugins: [isolationPlugin] }),
);
