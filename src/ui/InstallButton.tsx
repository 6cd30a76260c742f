import { useState } from 'preact/hooks';
import { promptInstall } from '../pwa/register-sw';
import { usePwaState } from './UpdatePrompt';
import './pwa.css';

const IOS_HINT_DISMISSED_KEY = 'onsight:ios-install-hint-dismissed';

/** iPhone/iPad browsers (iPadOS reports itself as a Mac with touch): no install prompt, only Share → Add to Home Screen. */
function isIos(): boolean {
  if (typeof navigator === 'undefined') return false;
  return (
    /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1)
  );
}

function hintDismissed(): boolean {
  try {
    return localStorage.getItem(IOS_HINT_DISMISSED_KEY) !== null;
  } catch {
    return false;
  }
}

/**
 * "Install app" where the browser offers an install prompt (Chromium's beforeinstallprompt); on iOS, where it never
 * does, a short hint how to add OnSight to the Home Screen. Nothing once installed.
 */
export function InstallButton() {
  const { installPrompt, installed } = usePwaState();
  const [iosHintHidden, setIosHintHidden] = useState(hintDismissed);
  if (installed) return null;
  if (installPrompt) {
    return (
      <button type="button" class="pwa-install" data-testid="install" onClick={() => void promptInstall()}>
        Install app
      </button>
    );
  }
  if (isIos() && !iosHintHidden) {
    return (
      <p class="pwa-install-hint" data-testid="install-hint">
        Add to Home Screen: tap Share <span aria-hidden="true">(□↑)</span> → Add to Home Screen, then OnSight works
        offline.{' '}
        <button
          type="button"
          class="pwa-install"
          onClick={() => {
            try {
              localStorage.setItem(IOS_HINT_DISMISSED_KEY, '1');
            } catch {
              // ignore
            }
            setIosHintHidden(true);
          }}
        >
          Got it
        </button>
      </p>
    );
  }
  return null;
}
