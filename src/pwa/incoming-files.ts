/**
 * Photos the OS hands to OnSight: shared to the installed app (Web Share Target: the service worker stores them and
 * redirects to `./?shared=…`) or opened with it (File Handling: `window.launchQueue`).
 */
import { SHARED_FILES_CACHE, SHARED_MODIFIED_HEADER, SHARED_NAME_HEADER, SHARED_QUERY } from './constants';
import { updatePwaState } from './pwa-state';

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
    updatePwaState({ message: SHARE_ERRORS[flag] ?? SHARE_ERRORS.failed ?? null });
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
      updatePwaState({ message: SHARE_ERRORS.failed ?? null });
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
