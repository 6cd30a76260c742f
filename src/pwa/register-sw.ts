/**
 * Service-worker registration and the update flow: registering (after the page's own first downloads on a first
 * visit), the one-time reload that makes the page cross-origin isolated on hosts that cannot send COOP/COEP, "a new
 * version is available", and explaining a failed install. What it learns goes to the PWA state (./pwa-state.ts).
 *
 * Call `registerServiceWorker()` from main.tsx and pass, as `after`, the page's own first downloads (the model load):
 * on a first visit the worker is registered only once those are done, so its precache is filled from the HTTP cache
 * instead of downloading the 14 MB .wasm and the model a second time alongside the page.
 */
import { Workbox } from 'workbox-window';
import { getPwaState, markOfflineReady, updatePwaState } from './pwa-state';
import { readStorage, writeStorage } from './web-storage';

export const BUILD_ID: string = typeof __ONSIGHT_BUILD_ID__ === 'string' ? __ONSIGHT_BUILD_ID__ : 'dev';

const COI_RELOAD_KEY = 'onsight:coi-reload';

let workbox: Workbox | null = null;
let registering = false;
let reloadRequested = false;

export interface RegisterOptions {
  /**
   * Whether reloading now (to become cross-origin isolated) would lose nothing the user did. Default: no result card
   * on the page. When false, the next visit is isolated instead.
   */
  canReloadForIsolation?: () => boolean;
  /**
   * Settles when the page has finished its own big downloads (the onnxruntime .wasm and the model). A first visit
   * (no worker controls the page yet) registers only then: the precache is then served by the HTTP cache (one
   * transfer per file instead of two), and the page and the install never fetch the same large file at the same
   * time — when they did, Chromium sometimes aborted one body and the whole install failed. A page that a worker
   * already controls registers at once (its files come from the precache; only update checks go to the network).
   */
  after?: Promise<unknown>;
}

/**
 * The page was loaded straight from the network by a host that sends no COOP/COEP; now that our worker controls
 * it, a reload comes back through the worker with the headers and threads become available. Once per tab session,
 * so a browser that ignores worker-provided headers cannot loop.
 */
function reloadForIsolation(canReload: () => boolean): void {
  if (window.crossOriginIsolated || !navigator.serviceWorker.controller) return;
  if (readStorage('session', COI_RELOAD_KEY)) return;
  if (!canReload()) return;
  writeStorage('session', COI_RELOAD_KEY, String(Date.now()));
  window.location.reload();
}

export function registerServiceWorker(options: RegisterOptions = {}): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.build = BUILD_ID;
  if (registering || !getPwaState().supported || !import.meta.env.PROD) return;
  registering = true;
  if (navigator.serviceWorker.controller || !options.after) register(options);
  else {
    const go = () => register(options);
    options.after.then(go, go);
  }
}

function register(options: RegisterOptions): void {
  const canReload = options.canReloadForIsolation ?? (() => document.querySelector('[data-testid="result"]') === null);

  // BASE_URL is './' for relative builds: resolve against the document, which is always at the app's root.
  const base = new URL(import.meta.env.BASE_URL, document.baseURI);
  const wb = new Workbox(new URL('sw.js', base).href, { scope: base.pathname, type: 'classic' });
  workbox = wb;

  wb.addEventListener('installed', (event) => {
    if (!event.isUpdate) markOfflineReady(true);
  });
  wb.addEventListener('controlling', (event) => {
    if (event.isUpdate) {
      // A new version took over. If this tab asked for it, reload into it; if another tab did, say so (this page's
      // lazily loaded assets may be gone from the new precache, so it must not keep running unnoticed).
      if (reloadRequested) window.location.reload();
      else updatePwaState({ updateAvailable: true });
      return;
    }
    reloadForIsolation(canReload);
  });
  wb.addEventListener('waiting', () => updatePwaState({ updateAvailable: true }));
  wb.addEventListener('redundant', (event) => {
    // The first install failed (e.g. quota exceeded while precaching the model and runtime).
    if (!event.isUpdate && !getPwaState().offlineReady) void explainInstallFailure();
  });

  wb.register({ immediate: true })
    .then(async (registration) => {
      if (!registration) return;
      // A returning visit: the worker was already active, so the precache is complete.
      if (registration.active && navigator.serviceWorker.controller) markOfflineReady(false);
      // Covers the case where the worker activated before our listeners saw it (e.g. a fast install).
      reloadForIsolation(canReload);
      // Look for a new version when the app comes back to the foreground, and hourly while open.
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') void wb.update().catch(() => {});
      });
      setInterval(() => void wb.update().catch(() => {}), 60 * 60 * 1000);
    })
    .catch((error: unknown) => {
      console.warn('OnSight: service worker registration failed', error);
    });
}

async function explainInstallFailure(): Promise<void> {
  let message = 'Offline use could not be set up; OnSight still works while you are online.';
  try {
    const { usage = 0, quota = 0 } = (await navigator.storage?.estimate?.()) ?? {};
    if (quota > 0 && quota - usage < 64 * 1024 * 1024) {
      message = 'Not enough free storage to keep OnSight available offline. Free up some space and reload.';
    }
  } catch {
    // keep the generic message
  }
  updatePwaState({ message });
}

/** Activates the waiting version and reloads into it (the user said "Reload"). */
export function acceptUpdate(): void {
  reloadRequested = true;
  const wb = workbox;
  if (!wb) {
    window.location.reload();
    return;
  }
  void navigator.serviceWorker.getRegistration().then((registration) => {
    if (registration?.waiting) wb.messageSkipWaiting();
    else window.location.reload(); // already active (another tab accepted it): just load it
  });
}
