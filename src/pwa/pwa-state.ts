/**
 * What the page knows about its PWA side, as one small store: offline readiness, a waiting update, the install
 * prompt, and problems to tell the user. Registration, the install prompt and incoming files write it; UI components
 * subscribe with `subscribePwa()`.
 */
import { readStorage, writeStorage } from './web-storage';

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

export function isStandalone(): boolean {
  if (typeof window === 'undefined') return false;
  const nav = navigator as Navigator & { standalone?: boolean };
  return window.matchMedia?.('(display-mode: standalone)').matches === true || nav.standalone === true;
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

/** Changes the state and tells every subscriber (each gets its own snapshot). */
export function updatePwaState(patch: Partial<PwaState>): void {
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

/** Hides the current problem message. */
export function dismissPwaMessage(): void {
  updatePwaState({ message: null });
}

// --- "Ready to work offline", said once ---------------------------------------------------------------------------

const OFFLINE_READY_SHOWN_KEY = 'onsight:offline-ready-shown';

/**
 * The first install happened: "Ready to work offline" is due once the large files are cached too. Noted as 'pending'
 * so that it survives the isolation reload that usually follows the first install within a second.
 */
export function noteFirstInstall(): void {
  if (readStorage('local', OFFLINE_READY_SHOWN_KEY) === null) writeStorage('local', OFFLINE_READY_SHOWN_KEY, 'pending');
}

/**
 * "Ready to work offline" is said once: from the first install until the user has seen it (dismissed, or timed out).
 * It stays 'pending' across the isolation reload that usually follows the first install within a second.
 */
export function markOfflineReady(firstInstall: boolean): void {
  document.documentElement.dataset.offlineReady = 'true';
  const said = readStorage('local', OFFLINE_READY_SHOWN_KEY);
  const show = (firstInstall && said === null) || said === 'pending';
  if (show && said === null) writeStorage('local', OFFLINE_READY_SHOWN_KEY, 'pending');
  updatePwaState({ offlineReady: true, showOfflineReady: state.showOfflineReady || show });
}

/** Hides "Ready to work offline" for good (the user saw it). */
export function dismissOfflineReady(): void {
  if (state.showOfflineReady) writeStorage('local', OFFLINE_READY_SHOWN_KEY, 'shown');
  updatePwaState({ showOfflineReady: false });
}
