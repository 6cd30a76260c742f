/**
 * localStorage / sessionStorage for the PWA's small flags ("offline ready" said, isolation reload done, iOS hint
 * dismissed). Private modes and disabled storage throw: then a flag reads as unset and writing it does nothing.
 */

export type StorageArea = 'local' | 'session';

export function readStorage(area: StorageArea, key: string): string | null {
  try {
    return (area === 'local' ? localStorage : sessionStorage).getItem(key);
  } catch {
    return null;
  }
}

export function writeStorage(area: StorageArea, key: string, value: string): void {
  try {
    (area === 'local' ? localStorage : sessionStorage).setItem(key, value);
  } catch {
    // private mode or storage disabled: the worst case is one more reload, toast or hint
  }
}
