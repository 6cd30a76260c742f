import { useEffect, useState } from 'preact/hooks';
import { dismissOfflineReady, dismissPwaMessage } from '../pwa/pwa-state';
import { acceptUpdate } from '../pwa/register-sw';
import { usePwaState } from './use-pwa-state';
import './pwa.css';

/** How long "Ready to work offline" stays before it hides itself. */
const OFFLINE_READY_MS = 8000;

/**
 * Toasts for the service worker's news: "Ready to work offline" (once, after the first install), "A new version is
 * available — Reload" (the update waits for the user's word so a running session is never disturbed), and problems
 * such as running out of storage.
 */
export function UpdatePrompt() {
  const { updateAvailable, showOfflineReady, message } = usePwaState();
  const [reloading, setReloading] = useState(false);

  useEffect(() => {
    if (!showOfflineReady) return;
    const timer = setTimeout(dismissOfflineReady, OFFLINE_READY_MS);
    return () => clearTimeout(timer);
  }, [showOfflineReady]);

  return (
    <div class="pwa-toasts" role="status" aria-live="polite">
      {updateAvailable && (
        <div class="pwa-toast" data-testid="update-prompt">
          <span>A new version is available</span>
          <button
            type="button"
            data-testid="update-reload"
            disabled={reloading}
            onClick={() => {
              setReloading(true);
              acceptUpdate();
            }}
          >
            {reloading ? 'Reloading…' : 'Reload'}
          </button>
        </div>
      )}
      {showOfflineReady && !updateAvailable && (
        <div class="pwa-toast" data-testid="offline-ready">
          <span>Ready to work offline</span>
          <button type="button" class="pwa-dismiss" aria-label="Dismiss" onClick={dismissOfflineReady}>
            ✕
          </button>
        </div>
      )}
      {message && (
        <div class="pwa-toast" data-kind="error" data-testid="pwa-message" role="alert">
          <span>{message}</span>
          <button type="button" class="pwa-dismiss" aria-label="Dismiss" onClick={dismissPwaMessage}>
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
