/**
 * Which worker runs the next classify call: the model's own worker (the primary, with all of ORT's threads) or one of
 * the one-thread helper workers a batch adds.
 *
 * Why helpers: ORT's `session.run` blocks its worker's thread, so a worker cannot decode the next photo while it runs
 * the current one; and on a busy machine ORT's threads wait on each other. Two one-thread workers, each decoding and
 * running its own photo, kept both cores of the development VM busy and beat the two-thread worker by 1.5–2× on a
 * batch (see bench/README.md, "Batch"). A lone photo still goes to the primary, whose threads make it faster.
 *
 * Rules:
 * - Nothing running: the primary (lowest latency for a lone photo).
 * - Otherwise an idle helper; else the primary when it is idle and may join the helpers: when it has one thread (it is
 *   then a helper like the others), or while the helpers are not all up (starting, or one was lost), or when there
 *   are none. A multi-threaded primary beside a full set of busy helpers would only slow them down (more threads
 *   than cores): then a call waits for a helper.
 * - A call that has to wait reports a backlog (the client boots helpers then). Waiting calls are served in order.
 *
 * Pure: lanes are tokens holding whatever handle the client gives them; no workers are created here.
 */

export type Lane<H> = { kind: 'primary' } | { kind: 'helper'; handle: H };

export interface Lease<H> {
  readonly lane: Lane<H>;
  /** Frees the lane for the next call; calling it again does nothing. */
  release(): void;
}

export interface LanePoolOptions {
  /** Whether the primary may run beside busy helpers (it has one thread, or the helpers are not all up). */
  primaryMayJoin(): boolean;
  /** A call had to wait for a lane. */
  onBacklog?(): void;
  /** Nothing is running and nothing waits. */
  onIdle?(): void;
}

interface Waiter<H> {
  grant(lease: Lease<H>): void;
}

export class LanePool<H> {
  private primaryBusy = false;
  private readonly helpers: { handle: H; busy: boolean }[] = [];
  private waiting: Waiter<H>[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: LanePoolOptions) {}

  /** Helpers in the pool, busy or not. */
  get helperCount(): number {
    return this.helpers.length;
  }

  /** Calls running now. */
  get running(): number {
    return (this.primaryBusy ? 1 : 0) + this.helpers.filter((h) => h.busy).length;
  }

  /** Resolves with a lane as soon as one is free, in the order asked; rejects with `abortReason()` on abort. */
  acquire(signal?: AbortSignal, abortReason: () => unknown = () => new Error('aborted')): Promise<Lease<H>> {
    if (signal?.aborted) return Promise.reject(abortReason());
    const lease = this.waiting.length === 0 ? this.take() : undefined;
    if (lease) return Promise.resolve(lease);
    return new Promise<Lease<H>>((resolve, reject) => {
      const onAbort = () => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(abortReason());
        this.checkIdle();
      };
      const waiter: Waiter<H> = {
        grant: (granted) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(granted);
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.options.onBacklog?.();
    });
  }

  /** A helper that finished loading the model; waiting calls may take it at once. */
  addHelper(handle: H): void {
    this.helpers.push({ handle, busy: false });
    this.dispatch();
  }

  /** Forgets a helper (it died or was dropped). A lease on it may still be released; that frees nothing. */
  removeHelper(handle: H): void {
    const i = this.helpers.findIndex((h) => h.handle === handle);
    if (i >= 0) this.helpers.splice(i, 1);
    // Without that helper, the primary may now be allowed to take a waiting call.
    this.dispatch();
  }

  /** Removes the idle helpers (or, with `busyToo`, all of them) and returns their handles (to terminate them). */
  takeHelpers(busyToo = false): H[] {
    const taken = this.helpers.filter((h) => busyToo || !h.busy);
    for (const h of taken) this.helpers.splice(this.helpers.indexOf(h), 1);
    return taken.map((h) => h.handle);
  }

  /** Resolves once nothing runs and nothing waits. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }

  /** The lane the rules give the next call, marked busy; undefined when it must wait. */
  private take(): Lease<H> | undefined {
    if (this.running === 0) return this.leasePrimary();
    const helper = this.helpers.find((h) => !h.busy);
    if (helper) {
      helper.busy = true;
      let released = false;
      return {
        lane: { kind: 'helper', handle: helper.handle },
        release: () => {
          if (released) return;
          released = true;
          helper.busy = false;
          this.afterRelease();
        },
      };
    }
    if (!this.primaryBusy && (this.helpers.length === 0 || this.options.primaryMayJoin())) {
      return this.leasePrimary();
    }
    return undefined;
  }

  private leasePrimary(): Lease<H> {
    this.primaryBusy = true;
    let released = false;
    return {
      lane: { kind: 'primary' },
      release: () => {
        if (released) return;
        released = true;
        this.primaryBusy = false;
        this.afterRelease();
      },
    };
  }

  private afterRelease(): void {
    this.dispatch();
    this.checkIdle();
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const lease = this.take();
      if (!lease) return;
      this.waiting.shift()?.grant(lease);
    }
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.options.onIdle?.();
  }
}
