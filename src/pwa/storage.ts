/**
 * Storage helpers: how much OnSight keeps on the device, asking the browser not to evict it, and a clear message
 * when the device runs out of space.
 */

export interface StorageSnapshot {
  /** Bytes used by this origin (caches, IndexedDB...), when the browser says. */
  usage?: number;
  /** Bytes this origin may use, when the browser says. */
  quota?: number;
  /** True when the browser promised not to evict our data under storage pressure. */
  persisted?: boolean;
}

export async function estimateStorage(): Promise<StorageSnapshot> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage) return {};
  const [estimate, persisted] = await Promise.all([
    storage.estimate?.().catch(() => undefined),
    storage.persisted?.().catch(() => undefined),
  ]);
  return { usage: estimate?.usage, quota: estimate?.quota, persisted };
}

let persistAsked = false;

/**
 * Asks once per page for persistent storage, so the model and runtime survive storage pressure. Call after the user
 * did something meaningful (the first successful classification): browsers grant it more readily after engagement,
 * and Firefox shows a permission prompt that should not appear on arrival.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist || persistAsked) return (await storage?.persisted?.().catch(() => false)) ?? false;
  persistAsked = true;
  try {
    if (await storage.persisted()) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}

export function isQuotaExceeded(error: unknown): boolean {
  if (!(error instanceof DOMException) && !(error instanceof Error)) return false;
  return (
    error.name === 'QuotaExceededError' ||
    error.name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    (error instanceof DOMException && error.code === 22)
  );
}

/** A message for the user when storing something failed, or null when the error is not about storage space. */
export function describeStorageError(error: unknown, what = 'This'): string | null {
  if (!isQuotaExceeded(error)) return null;
  return `${what} could not be saved: your device is out of storage space. Free up some space (or remove other sites' data) and try again.`;
}
