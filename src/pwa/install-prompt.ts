/**
 * Installing OnSight: the browser's own install prompt where there is one (Chromium's `beforeinstallprompt`), and on
 * iOS, which never offers one, a hint to use Share → Add to Home Screen.
 */
import { type BeforeInstallPromptEvent, getPwaState, updatePwaState } from './pwa-state';
import { readStorage, writeStorage } from './web-storage';

let listening = false;

/**
 * Starts keeping the browser's install prompt for the Install button. The browser fires `beforeinstallprompt`
 * whenever it likes, often before the UI mounts: call this first thing at startup (main.tsx). Once is enough.
 */
export function listenForInstallPrompt(): void {
  if (listening || typeof window === 'undefined') return;
  listening = true;
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    updatePwaState({ installPrompt: event as BeforeInstallPromptEvent });
  });
  window.addEventListener('appinstalled', () => updatePwaState({ installPrompt: null, installed: true }));
}

/** Shows the browser's install dialog; resolves true when the user accepted. */
export async function promptInstall(): Promise<boolean> {
  const prompt = getPwaState().installPrompt;
  if (!prompt) return false;
  updatePwaState({ installPrompt: null }); // a prompt event can be used only once
  await prompt.prompt();
  const { outcome } = await prompt.userChoice;
  return outcome === 'accepted';
}

// --- iOS: no prompt, only a hint ----------------------------------------------------------------------------------

const IOS_HINT_DISMISSED_KEY = 'onsight:ios-install-hint-dismissed';

/** iPhone/iPad browsers (iPadOS reports itself as a Mac with touch): no install prompt, only Share → Add to Home Screen. */
export function isIos(): boolean {
  if (typeof navigator === 'undefined') return false;
  return (
    /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1)
  );
}

/** The user said "Got it" to the Add to Home Screen hint, on this device. */
export function iosHintDismissed(): boolean {
  return readStorage('local', IOS_HINT_DISMISSED_KEY) !== null;
}

export function dismissIosHint(): void {
  writeStorage('local', IOS_HINT_DISMISSED_KEY, '1');
}
