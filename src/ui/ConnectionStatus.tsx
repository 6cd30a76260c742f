import { useEffect, useState } from 'preact/hooks';
import { dismissOfflineReady } from '../pwa/pwa-state';
import { offlineSign } from './connection-status';
import { usePwaState } from './use-pwa-state';

/** How long "Ready to work offline" stays before it hides itself. */
const OFFLINE_READY_MS = 8000;

function useOnline(): boolean {
  const [online, setOnline] = useState(() => typeof navigator === 'undefined' || navigator.onLine !== false);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine !== false);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/**
 * Under the page's title, in the flow of the page (so it covers nothing): "Ready to work offline" once per
 * installation, and while the network is gone, a sign that says so and that OnSight still works.
 */
export function ConnectionStatus() {
  const { showOfflineReady, offlineReady, updateAvailable } = usePwaState();
  const online = useOnline();
  const sign = offlineSign(online, offlineReady);

  useEffect(() => {
    if (!showOfflineReady) return;
    const timer = setTimeout(dismissOfflineReady, OFFLINE_READY_MS);
    return () => clearTimeout(timer);
  }, [showOfflineReady]);

  return (
    <div class="connection-status" role="status">
      {sign && (
        <p class="offline-sign" data-testid="offline-sign">
          {sign}
        </p>
      )}
      {showOfflineReady && !updateAvailable && (
        <p class="offline-ready" data-testid="offline-ready">
          <span>Ready to work offline</span>
          <button type="button" class="pwa-dismiss" aria-label="Dismiss" onClick={dismissOfflineReady}>
            ✕
          </button>
        </p>
      )}
    </div>
  );
}
