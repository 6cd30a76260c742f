import { useEffect, useState } from 'preact/hooks';
import { BUILD_ID } from '../pwa/register-sw';
import { estimateStorage, requestPersistentStorage, type StorageSnapshot } from '../pwa/storage';
import { formatStorageBytes } from './format';
import { usePwaState } from './use-pwa-state';
import './pwa.css';

/** When the storage figure is measured again after a change. */
const SETTLE_MS = 2000;

/**
 * Offline status and how much OnSight keeps on this device (model, runtime, app), for the About panel. Once the
 * first photo has been classified (`classified`), it asks the browser to keep that data (persistent storage). The
 * figure is measured again whenever `storedModels` changes (a model saved or removed).
 */
export function StorageInfo({ classified = false, storedModels }: { classified?: boolean; storedModels?: unknown }) {
  const { offlineReady, supported } = usePwaState();
  const [storage, setStorage] = useState<StorageSnapshot>({});

  useEffect(() => {
    let cancelled = false;
    const refresh = () =>
      void estimateStorage().then((snapshot) => {
        if (!cancelled) setStorage(snapshot);
      });
    if (classified) void requestPersistentStorage().then(refresh);
    else refresh();
    // The browser's figure settles after the write or delete that changed it (the quota database is updated
    // asynchronously, and the service worker may still be storing the page's copies): measure once more a little later.
    const again = setTimeout(refresh, SETTLE_MS);
    return () => {
      cancelled = true;
      clearTimeout(again);
    };
  }, [classified, offlineReady, storedModels]);

  const { usage, quota, persisted } = storage;
  return (
    <div class="pwa-storage" data-testid="storage-info">
      <span data-testid="offline-status">
        {!supported
          ? 'Offline use is not supported in this browser'
          : offlineReady
            ? 'Works offline'
            : 'Preparing offline use…'}
      </span>
      {usage !== undefined && (
        <span data-testid="storage-usage">
          Stored on this device: {formatStorageBytes(usage)}
          {quota ? ` of ${formatStorageBytes(quota)} available` : ''}
          {persisted === true ? ' (kept)' : persisted === false ? ' (may be cleared if space runs low)' : ''}
        </span>
      )}
      <span class="muted" data-testid="build">
        Build {BUILD_ID}
      </span>
    </div>
  );
}
