/**
 * The client's grip on one inference worker: its comlink proxy, and the ways a call to it can end other than with an
 * answer (the worker died, hung past a timeout, or the caller aborted).
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from './protocol';

/** One worker and the ways it can stop answering. */
export class WorkerHandle {
  readonly api: Comlink.Remote<WorkerApi>;
  /** Rejects when the worker reports an uncaught error or is terminated. */
  readonly dead: Promise<never>;
  private fail!: (reason: Error) => void;
  private alive = true;

  constructor(readonly worker: Worker) {
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
  }

  get isAlive(): boolean {
    return this.alive;
  }

  terminate(reason = new Error('the worker was terminated')): void {
    if (!this.alive) return;
    this.alive = false;
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
