/**
 * The page's side of the PWA: service-worker registration, the update flow, the one-time reload that makes the page
 * cross-origin isolated on hosts that cannot send COOP/COEP, install prompts, and files that arrive from the OS
 * (Web Share Target, File Handling via `launchQueue`).
 *
 * Call `registerServiceWorker()` early (main.tsx, before rendering) and pass, as `after`, the page's own first
 * downloads (the model load): on a first visit the worker is registered only once those are done, so its precache is
 * filled from the HTTP cache instead of downloading the 14 MB .wasm and the model a second time alongside the page.
 * UI components subscribe with `subscribePwa()`.
 */
import { Workbox } from 'workbox-window';
import { SHARED_FILES_CACHE, SHARED_MODIFIED_HEADER, SHARED_NAME_HEADER, SHARED_QUERY } from './constants';

export const BUILD_ID: string = typeof __ONSIGHT_BUILD_ID__ === 'string' ? __ONSIGHT_BUILD_ID__ : 'dev';

/** Minimal typing of the (Chromium-only) install prompt event. */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

export interface PwaState {
  /** A service worker is registered and supported in this browser. */
  supported: boolean;
  /** The precache finished installing: the app works offline from now on. */
  offlineReady: boolean;
  /** Show "Ready to work offline" (once, right after the first install). */
  showOfflineReady: boolean;
  /** A new version is installed and waiting for the user's word. */
  updateAvailable: boolean;
  /** The install prompt the browser offered (Chromium), if any. */
  installPrompt: BeforeInstallPromptEvent | null;
  /** Running as an installed app (standalone display mode). */
  installed: boolean;
  /** A problem worth telling the user about (install failed for lack of space, a share that could not be stored). */
  message: string | null;
}

const state: PwaState = {
  supported: typeof navigator !== 'undefined' && 'serviceWorker' in navigator,
  offlineReady: false,
  showOfflineReady: false,
  updateAvailable: false,
  installPrompt: null,
  installed: isStandalone(),
  message: null,
};

type Listener = (state: PwaState) => void;
const listeners = new Set<Listener>();

function update(patch: Partial<PwaState>): void {
  Object.assign(state, patch);
  const snapshot = { ...state };
  for (const listener of listeners) listener(snapshot);
}

export function getPwaState(): PwaState {
  return { ...state };
}

/** Calls `listener` now and on every change; returns an unsubscribe function. */
export function subscribePwa(listener: Listener): () => void {
  listeners.add(listener);
  listener({ ...state });
  return () => listeners.delete(listener);
}

/** Hides "Ready to work offline" for good (the user saw it). */
export function dismissOfflineReady(): void {
  if (state.showOfflineReady) storageSet('local', OFFLINE_READY_SHOWN_KEY, 'shown');
  update({ showOfflineReady: false });
}

/** Hides the current problem message. */
export function dismissPwaMessage(): void {
  update({ message: null });
}

export function isStandalone(): boolean {
  if (typeof window === 'undefined') return false;
  const nav = navigator as Navigator & { standalone?: boolean };
  return window.matchMedia?.('(display-mode: standalone)').matches === true || nav.standalone === true;
}

// The browser fires these whenever it likes, often before the UI mounts: listen from module load.
if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    update({ installPrompt: event as BeforeInstallPromptEvent });
  });
  window.addEventListener('appinstalled', () => update({ installPrompt: null, installed: true }));
}

/** Shows the browser's install dialog; resolves true when the user accepted. */
export async function promptInstall(): Promise<boolean> {
  const prompt = state.installPrompt;
  if (!prompt) return false;
  update({ installPrompt: null }); // a prompt event can be used only once
  await prompt.prompt();
  const { outcome } = await prompt.userChoice;
  return outcome === 'accepted';
}

// --- Registration and updates -------------------------------------------------------------------------------------

const COI_RELOAD_KEY = 'onsight:coi-reload';
const OFFLINE_READY_SHOWN_KEY = 'onsight:offline-ready-shown';

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

function storageGet(storage: 'local' | 'session', key: string): string | null {
  try {
    return (storage === 'local' ? localStorage : sessionStorage).getItem(key);
  } catch {
    return null;
  }
}

function storageSet(storage: 'local' | 'session', key: string, value: string): void {
  try {
    (storage === 'local' ? localStorage : sessionStorage).setItem(key, value);
  } catch {
    // private mode or storage disabled: the worst case is one more reload or one more "offline ready" toast
  }
}

/**
 * The page was loaded straight from the network by a host that sends no COOP/COEP; now that our worker controls
 * it, a reload comes back through the worker with the headers and threads become available. Once per tab session,
 * so a browser that ignores worker-provided headers cannot loop.
 */
function reloadForIsolation(canReload: () => boolean): void {
  if (window.crossOriginIsolated || !navigator.serviceWorker.controller) return;
  if (storageGet('session', COI_RELOAD_KEY)) return;
  if (!canReload()) return;
  storageSet('session', COI_RELOAD_KEY, String(Date.now()));
  window.location.reload();
}

/**
 * "Ready to work offline" is said once: from the first install until the user has seen it (dismissed, or timed out).
 * It stays 'pending' across the isolation reload that usually follows the first install within a second.
 */
function markOfflineReady(firstInstall: boolean): void {
  document.documentElement.dataset.offlineReady = 'true';
  const said = storageGet('local', OFFLINE_READY_SHOWN_KEY);
  const show = (firstInstall && said === null) || said === 'pending';
  if (show && said === null) storageSet('local', OFFLINE_READY_SHOWN_KEY, 'pending');
  update({ offlineReady: true, showOfflineReady: state.showOfflineReady || show });
}

export function registerServiceWorker(options: RegisterOptions = {}): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.build = BUILD_ID;
  if (registering || !state.supported || !import.meta.env.PROD) return;
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
      else update({ updateAvailable: true });
      return;
    }
    reloadForIsolation(canReload);
  });
  wb.addEventListener('waiting', () => update({ updateAvailable: true }));
  wb.addEventListener('redundant', (event) => {
    // The first install failed (e.g. quota exceeded while precaching the model and runtime).
    if (!event.isUpdate && !state.offlineReady) void explainInstallFailure();
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
  update({ message });
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

// --- Files from the OS --------------------------------------------------------------------------------------------

const SHARE_ERRORS: Record<string, string> = {
  quota: 'The shared photos could not be stored: your device is out of storage space.',
  empty: 'Nothing to classify was shared — only images can be shared to OnSight.',
  unreadable: 'The shared photos could not be read.',
  failed: 'The shared photos could not be received.',
};

/** Reads (and removes) the files the service worker stored for a share, after its redirect to `./?shared=…`. */
export async function takeSharedFiles(): Promise<File[]> {
  const url = new URL(window.location.href);
  const flag = url.searchParams.get(SHARED_QUERY);
  if (flag === null) return [];
  url.searchParams.delete(SHARED_QUERY);
  history.replaceState(history.state, '', url.href);
  if (flag !== '1') {
    update({ message: SHARE_ERRORS[flag] ?? SHARE_ERRORS.failed ?? null });
    return [];
  }
  if (!('caches' in window)) return [];
  const cache = await caches.open(SHARED_FILES_CACHE);
  const files: File[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (response) {
      const blob = await response.blob();
      const name = decodeURIComponent(response.headers.get(SHARED_NAME_HEADER) ?? 'shared-photo');
      const lastModified = Number(response.headers.get(SHARED_MODIFIED_HEADER)) || Date.now();
      files.push(new File([blob], name, { type: blob.type, lastModified }));
    }
    await cache.delete(request);
  }
  return files;
}

interface LaunchParams {
  files: readonly FileSystemFileHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/**
 * Delivers photos the OS hands to OnSight: shared to the installed app (share_target) or opened with it
 * (file_handlers → `window.launchQueue`). Call once when the app can accept photos; `onFiles` gets each batch.
 */
export function listenForIncomingFiles(onFiles: (files: File[]) => void): void {
  takeSharedFiles()
    .then((files) => {
      if (files.length > 0) onFiles(files);
    })
    .catch((error: unknown) => {
      console.warn('OnSight: could not read shared photos', error);
      update({ message: SHARE_ERRORS.failed ?? null });
    });

  const launchQueue = (window as Window & { launchQueue?: LaunchQueue }).launchQueue;
  launchQueue?.setConsumer((params) => {
    if (!params.files?.length) return;
    void Promise.all(params.files.map((handle) => handle.getFile())).then(
      (files) => onFiles(files),
      (error: unknown) => console.warn('OnSight: could not open the launched files', error),
    );
  });
}
