/**
 * The client's grip on one inference worker: its comlink proxy, and the ways a call to it can end other than with an
 * answer (the worker died, hung past a timeout, or the caller aborted). A worker that goes without an error event
 * (`self.close()`, killed by the browser) is noticed through its life lock (life-lock.ts) within milliseconds.
 */
import * as Comlink from 'comlink';
import { browserLocks, type LockManagerLike, lifeLockName, watchLifeLock } from './life-lock';
import type { WorkerApi } from './protocol';

/** Why a worker's call ended when the worker went without an error event. */
export const SILENT_EXIT = 'the worker stopped without an error (closed, or ended by the browser)';

export interface WorkerHandleOptions {
  /** Web Locks for the watchdog; default `navigator.locks`, null for none. */
  locks?: LockManagerLike | null;
}

/** One worker and the ways it can stop answering. */
export class WorkerHandle {
  readonly api: Comlink.Remote<WorkerApi>;
  /** Rejects when the worker reports an uncaught error or is terminated. */
  readonly dead: Promise<never>;
  private fail!: (reason: Error) => void;
  private alive = true;
  private stopWatching: (() => void) | undefined;

  constructor(
    readonly worker: Worker,
    options: WorkerHandleOptions = {},
  ) {
    this.api = Comlink.wrap<WorkerApi>(worker);
    this.dead = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.dead.catch(() => undefined);
    const onError = (event: ErrorEvent | MessageEvent) => {
      const message = 'message' in event && typeof event.message === 'string' ? event.message : 'the worker failed';
      event.preventDefault?.();
      this.terminate(new Error(message || 'the worker failed'));
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    const locks = options.locks === undefined ? browserLocks() : options.locks;
    if (locks) this.watch(locks);
  }

  /** Asks the worker to hold a lock for life, then waits for the lock: granted to us only once the worker is gone. */
  private watch(locks: LockManagerLike): void {
    const name = lifeLockName();
    this.api.holdLifeLock(name).then(
      (held) => {
        if (!held || !this.alive) return;
        this.stopWatching = watchLifeLock(locks, name, () => this.terminate(new Error(SILENT_EXIT)));
      },
      () => undefined,
    );
  }

  get isAlive(): boolean {
    return this.alive;
  }

  terminate(reason = new Error('the worker was terminated')): void {
    if (!this.alive) return;
    this.alive = false;
    this.stopWatching?.();
    this.worker.terminate();
    this.api[Comlink.releaseProxy]?.();
    this.fail(reason);
  }
}

export type Outcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'dead'; error: Error }
  | { kind: 'timeout' }
  | { kind: 'aborted' };

/** Races a worker call against the worker's death, a timeout and an abort signal. */
export async function guarded<T>(
  handle: WorkerHandle,
  call: Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const races: Promise<Outcome<T>>[] = [
    call.then((value) => ({ kind: 'ok', value }) as const),
    handle.dead.catch((error: Error) => ({ kind: 'dead', error }) as const),
  ];
  if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    races.push(new Promise((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs))));
  }
  if (signal) {
    races.push(
      new Promise((resolve) => {
        onAbort = () => resolve({ kind: 'aborted' });
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
  }
  try {
    return await Promise.race(races);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The thumbnail a worker made after a classify answer (./thumbnail-tickets.ts). Never rejects: undefined where the
 * worker could not make it, died first or took longer than `timeoutMs`, and the page then draws it itself.
 * Asked for in a task of its own, so the page shows the answer first (the call's postMessage is ~0.3 ms of main
 * thread) while the worker draws the thumbnail anyway.
 */
export async function takeThumbnail(
  handle: WorkerHandle,
  ticket: number,
  timeoutMs: number,
): Promise<Blob | undefined> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (!handle.isAlive) return undefined;
  try {
    const outcome = await guarded(handle, handle.api.thumbnail(ticket), timeoutMs);
    return outcome.kind === 'ok' && outcome.value instanceof Blob ? outcome.value : undefined;
  } catch {
    return undefined;
  }
}
