/**
 * When a first visit's own work is done, so that background work (the service worker's registration and install)
 * starts after it instead of beside it: on a 2-core machine everything before the first result is CPU-bound, and
 * what runs beside it comes out of it.
 */

export interface FirstWorkOptions {
  /** Whether the page is working on photos (queued or running). */
  busy: () => boolean;
  /** How long the page must have had nothing to do after the load (a photo picked right after ready comes first). */
  quietMs?: number;
  /** The longest wait after the load, however busy the page is (a big batch must not hold offline use back). */
  maxWaitMs?: number;
  /** How often `busy` is asked. */
  pollMs?: number;
  /** Waits `ms` (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Settles once `loaded` has settled (fulfilled or not) and the page has then not been busy for `quietMs` (1 s), or
 * `maxWaitMs` (10 s) after the load, whichever comes first.
 */
export async function afterFirstWork(loaded: Promise<unknown>, options: FirstWorkOptions): Promise<void> {
  const { busy, quietMs = 1000, maxWaitMs = 10_000, pollMs = 250 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  await loaded.catch(() => undefined);
  let quietFor = 0;
  for (let waited = 0; quietFor < quietMs && waited < maxWaitMs; waited += pollMs) {
    await sleep(pollMs);
    quietFor = busy() ? 0 : quietFor + pollMs;
  }
}
