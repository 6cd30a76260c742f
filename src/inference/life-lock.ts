/**
 * How the page learns, within milliseconds, that a worker has gone without a word (`self.close()`, or the browser
 * ending it to reclaim memory), which fires no error event: the worker takes a Web Lock of its own name and never
 * lets go; the page asks for the same lock, and the browser grants it only when the worker's locks are released,
 * that is when the worker is gone. A worker busy in a long synchronous run still holds its lock, so unlike a
 * heartbeat this never mistakes slow for dead.
 *
 * Web Locks need a secure context (https or localhost). Without them there is no watchdog, and a silent death is
 * noticed by the call's timeout as before.
 */

/** The part of the Web Locks API used here (`navigator.locks`); tests hand in their own. */
export interface LockManagerLike {
  request(name: string, callback: (lock: unknown) => unknown): Promise<unknown>;
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => unknown): Promise<unknown>;
}

/** The browser's lock manager where there is one (secure contexts), else undefined. */
export function browserLocks(): LockManagerLike | undefined {
  return (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
}

/**
 * In the worker: takes the lock `name` and holds it for the rest of the worker's life. Resolves true once it is held,
 * false where there are no locks (the page then has no watchdog for this worker).
 */
export function holdLifeLock(name: string, locks = browserLocks()): Promise<boolean> {
  if (!locks) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    locks
      .request(name, () => {
        resolve(true);
        // Never settles: the lock goes only with the worker.
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(false));
  });
}

/**
 * In the page: calls `onGone` once the worker holding `name` is gone. Returns a function that stops watching (when
 * the page ends the worker itself, so that nothing is reported for it).
 */
export function watchLifeLock(locks: LockManagerLike, name: string, onGone: () => void): () => void {
  const stop = new AbortController();
  locks
    .request(name, { signal: stop.signal }, () => {
      if (!stop.signal.aborted) onGone();
    })
    .catch(() => undefined);
  return () => stop.abort();
}

/** A lock name no other worker of this origin uses. */
export function lifeLockName(): string {
  const id = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `onsight-worker-life-${id}`;
}
