/**
 * Service-worker registration and the update flow: registering (first thing, or after the page's first work where
 * the page need not wait for the worker), starting the page's own large downloads (at once, or once the worker
 * controls the page where it will reload into isolation), the one-time reload that makes
 * the page cross-origin isolated on hosts that cannot send COOP/COEP, "a new version is available", and explaining a
 * failed install. What it learns goes to the PWA state (./pwa-state.ts).
 *
 * Call `registerServiceWorker()` from main.tsx with `start`, the page's own large downloads (the model load). A page
 * that is already cross-origin isolated (the host sends COOP/COEP, or the worker served it) starts at once, and
 * registers the worker when `registerAfter` says (main.tsx: after the load and the first photos): the inference worker
 * keeps a copy of the .wasm and the model as it downloads them, which the service worker adopts when asked once it is
 * installed (./core-copy.ts, ./sw-core-files.ts), and its precache finds the page's scripts in the HTTP cache — each
 * file crosses the network once, in any profile, and nothing is downloaded or cached beside the user's first photo.
 * Waiting for the worker to take control first cost a first visit 0.2–0.9 s (its install, then `clients.claim`);
 * installing it beside the load still took ~0.25 s of CPU from it on a 2-core machine. A page that is not isolated
 * waits for the worker to control it, since it will reload into isolation then (and a download cut off by the reload
 * would have to start again).
 */
import { Workbox } from 'workbox-window';
import { CACHE_CORE, CORE_COPIES_CHANNEL } from './constants';
import { COPIES_STORED, coreCopiesStored, storeCoreCopies } from './core-copy';
import { getPwaState, markOfflineReady, noteFirstInstall, updatePwaState } from './pwa-state';
import { readStorage, writeStorage } from './web-storage';

export const BUILD_ID: string = typeof __ONSIGHT_BUILD_ID__ === 'string' ? __ONSIGHT_BUILD_ID__ : 'dev';

const COI_RELOAD_KEY = 'onsight:coi-reload';
/**
 * How long a first visit waits for the worker to take control before starting its downloads anyway (a slow or failing
 * install must not hold the app back; the worker then fetches the large files itself afterwards).
 */
const CONTROL_TIMEOUT_MS = 5_000;

/** How long the page waits for its worker's copies before it asks the service worker anyway. */
const COPIES_TIMEOUT_MS = 15_000;

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
   * Starts the page's own large downloads (the model load) and settles when they are done. Called once: at once when
   * the page is cross-origin isolated or controlled already, or where there is no worker (unsupported, a dev build);
   * otherwise when the worker controls the page, after {@link CONTROL_TIMEOUT_MS} or a failed registration. Once it
   * settles the worker is asked to make sure the large files are cached, and then the app says it is ready to work
   * offline.
   */
  start?: () => Promise<unknown>;
  /**
   * On a page whose downloads start at once (isolated or controlled already), the worker is registered only when
   * this settles: its install (the script, the precache of the scripts the first result does not need, their code
   * caching) took ~0.25 s of CPU on a first visit, which on a 2-core machine came out of the first result. Given
   * `start`'s promise; default: register at once. A page that must reload into isolation registers at once anyway.
   */
  registerAfter?: (started: Promise<unknown>) => Promise<void>;
}

/**
 * The page was loaded straight from the network by a host that sends no COOP/COEP; now that our worker controls
 * it, a reload comes back through the worker with the headers and threads become available. Once per tab session,
 * so a browser that ignores worker-provided headers cannot loop. Returns whether the page is reloading.
 */
function reloadForIsolation(canReload: () => boolean): boolean {
  if (window.crossOriginIsolated || !navigator.serviceWorker.controller) return false;
  if (readStorage('session', COI_RELOAD_KEY)) return false;
  if (!canReload()) return false;
  writeStorage('session', COI_RELOAD_KEY, String(Date.now()));
  window.location.reload();
  return true;
}

export function registerServiceWorker(options: RegisterOptions = {}): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.build = BUILD_ID;
  if (registering) return;
  if (!getPwaState().supported || !import.meta.env.PROD) {
    void options.start?.();
    return;
  }
  registering = true;
  register(options);
}

/**
 * The inference worker's "copies stored" (../pwa/core-copy.ts), listened for from now on so it cannot be missed;
 * `ask()` says to store them (after the page's first work) and starts the wait of at most `timeoutMs` (a worker that
 * stored nothing still answers; the timeout covers one that failed or is gone). Then the page's own copies too.
 */
function copiesStored(timeoutMs: number): { stored: Promise<void>; ask: () => void } {
  if (typeof BroadcastChannel === 'undefined') return { stored: coreCopiesStored(), ask: () => undefined };
  const channel = new BroadcastChannel(CORE_COPIES_CHANNEL);
  let done: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => {
    done = () => {
      channel.close();
      resolve();
    };
    channel.onmessage = (event: MessageEvent) => {
      if (event.data === COPIES_STORED) done();
    };
  });
  const ask = () => {
    storeCoreCopies();
    setTimeout(done, timeoutMs);
  };
  return { stored: answered.then(coreCopiesStored), ask };
}

/** Runs `start` once, then asks the worker to confirm the large files are cached. */
function startOnce(
  options: RegisterOptions,
  firstInstall: () => boolean,
  registered: Promise<void>,
): { start: () => void; settled: Promise<unknown>; storeCopies: () => void } {
  let started = false;
  // Listening from before the model load starts, so the worker's word cannot come first.
  const copies = copiesStored(COPIES_TIMEOUT_MS);
  let settle: (value: unknown) => void = () => undefined;
  const settled = new Promise<unknown>((resolve) => {
    settle = resolve;
  });
  const start = () => {
    if (started) return;
    started = true;
    // A mark for the bench and DevTools: whether (and how long) a first visit waited for the worker.
    performance.mark('onsight:start', { detail: { controlled: navigator.serviceWorker.controller !== null } });
    const loaded = options.start?.() ?? Promise.resolve();
    settle(loaded.catch(() => undefined));
    const confirm = async () => {
      await registered;
      // Also when the worker did not take control in time: it then downloads the large files itself.
      if (!workbox) return;
      // The model may be loaded before the worker's install (its precache) is done: "ready to work offline" waits for
      // an active worker. (Never settles when the install fails: then there is nothing to confirm.)
      await navigator.serviceWorker.ready;
      // And for the page's copies of the large files to be stored, so the worker adopts them instead of downloading.
      await copies.stored;
      const cached = await workbox.messageSW({ type: CACHE_CORE }).catch(() => false);
      if (cached === true) markOfflineReady(firstInstall());
    };
    loaded.then(confirm, confirm);
  };
  return { start, settled, storeCopies: copies.ask };
}

function register(options: RegisterOptions): void {
  let installedNow = false;
  let markRegistered: () => void = () => undefined;
  const registered = new Promise<void>((resolve) => {
    markRegistered = resolve;
  });
  const { start, settled, storeCopies } = startOnce(options, () => installedNow, registered);
  const registerNow = () => {
    // The copies kept since the page started are written now, for the worker to adopt once installed.
    storeCopies();
    registerWorker(options, start, () => {
      installedNow = true;
    });
    markRegistered();
  };
  // No reload into isolation will come when the page is isolated already (or controlled): start now, and register the
  // worker once the page's first work is done. Otherwise register now and start once the worker controls the page.
  if (navigator.serviceWorker.controller || window.crossOriginIsolated) {
    start();
    const after = options.registerAfter?.(settled) ?? Promise.resolve();
    void after.catch(() => undefined).then(registerNow);
  } else {
    setTimeout(start, CONTROL_TIMEOUT_MS);
    registerNow();
  }
}

/** Creates the Workbox, listens to its life cycle and registers the worker. */
function registerWorker(options: RegisterOptions, start: () => void, noteInstalledNow: () => void): void {
  const canReload = options.canReloadForIsolation ?? (() => document.querySelector('[data-testid="result"]') === null);
  // BASE_URL is './' for relative builds: resolve against the document, which is always at the app's root.
  const base = new URL(import.meta.env.BASE_URL, document.baseURI);
  const wb = new Workbox(new URL('sw.js', base).href, { scope: base.pathname, type: 'classic' });
  workbox = wb;

  wb.addEventListener('installed', (event) => {
    if (event.isUpdate) return;
    performance.mark('onsight:sw-installed');
    noteInstalledNow();
    noteFirstInstall();
  });
  wb.addEventListener('controlling', (event) => {
    if (event.isUpdate) {
      // A new version took over. If this tab asked for it, reload into it; if another tab did, say so (this page's
      // lazily loaded assets may be gone from the new precache, so it must not keep running unnoticed).
      if (reloadRequested) window.location.reload();
      else updatePwaState({ updateAvailable: true });
      return;
    }
    performance.mark('onsight:sw-controlling');
    // The first install took control: start the downloads through it — unless the page reloads into isolation.
    if (!reloadForIsolation(canReload)) start();
  });
  wb.addEventListener('waiting', () => updatePwaState({ updateAvailable: true }));
  wb.addEventListener('redundant', (event) => {
    // The first install failed (e.g. quota exceeded while precaching): start without the worker.
    if (event.isUpdate) return;
    start();
    if (!getPwaState().offlineReady) void explainInstallFailure();
  });

  performance.mark('onsight:sw-register');
  wb.register({ immediate: true })
    .then(async (registration) => {
      if (!registration) {
        start();
        return;
      }
      // Covers the case where the worker activated before our listeners saw it (e.g. a fast install).
      if (!reloadForIsolation(canReload) && navigator.serviceWorker.controller) start();
      // Look for a new version when the app comes back to the foreground, and hourly while open.
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') void wb.update().catch(() => {});
      });
      setInterval(() => void wb.update().catch(() => {}), 60 * 60 * 1000);
    })
    .catch((error: unknown) => {
      console.warn('OnSight: service worker registration failed', error);
      start();
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
