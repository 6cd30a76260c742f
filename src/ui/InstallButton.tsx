import { useState } from 'preact/hooks';
import { dismissIosHint, iosHintDismissed, isIos, promptInstall } from '../pwa/install-prompt';
import { usePwaState } from './use-pwa-state';
import './pwa.css';

/**
 * "Install app" where the browser offers an install prompt (Chromium's beforeinstallprompt); on iOS, where it never
 * does, a short hint how to add OnSight to the Home Screen. Nothing once installed.
 */
export function InstallButton() {
  const { installPrompt, installed } = usePwaState();
  const [iosHintHidden, setIosHintHidden] = useState(iosHintDismissed);
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
            dismissIosHint();
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
