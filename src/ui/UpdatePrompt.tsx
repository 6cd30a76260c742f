import { useState } from 'preact/hooks';
import { dismissPwaMessage } from '../pwa/pwa-state';
import { acceptUpdate } from '../pwa/register-sw';
import { usePwaState } from './use-pwa-state';
import './pwa.css';

/**
 * Toasts for the service worker's news that asks for action: "A new version is available — Reload" (the update waits
 * for the user's word so a running session is never disturbed), and problems such as running out of storage. "Ready
 * to work offline" is no toast: it sits under the title, covering nothing (ConnectionStatus).
 */
export function UpdatePrompt() {
  const { updateAvailable, message } = usePwaState();
  const [reloading, setReloading] = useState(false);

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
