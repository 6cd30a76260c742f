/**
 * Feeds a batch to the classifier a few photos at a time, with pause, resume and cancel. Handing the classifier
 * 3,000 calls at once would leave no way to pause, and would hold every photo's decode request in memory. Pure: the
 * work is the injected `run`.
 */

export interface BatchQueueOptions<T> {
  /**
   * Does one task: classify the photo and record the outcome (done or error) in the results. `signal` aborts when
   * the queue is cancelled. A rejection is handed to `onError` and does not stop the queue.
   */
  run(task: T, signal: AbortSignal): Promise<void>;
  /**
   * Tasks in flight at once (default 2: one photo runs while the next is read and sent). For classifying, pass
   * `ClassifierClient.concurrency`: the client starts its batch helper workers only when calls queue up behind a
   * waiting one, which 2 never do.
   */
  concurrency?: number;
  onError?(task: T, error: unknown): void;
  /** Called when the queue has nothing waiting or running (after a run, a cancel, or adding nothing). */
  onIdle?(): void;
}

export class BatchQueue<T> {
  private readonly waiting: T[] = [];
  private head = 0;
  private inFlight = 0;
  private isPaused = false;
  private controller = new AbortController();
  private readonly concurrency: number;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: BatchQueueOptions<T>) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
  }

  /** Adds tasks to the end; they start at once unless paused. */
  enqueue(tasks: Iterable<T>): void {
    for (const task of tasks) this.waiting.push(task);
    this.pump();
  }

  /** No new task starts; the ones in flight finish (a photo half way through the model is not wasted). */
  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
    this.pump();
  }

  /** Drops every waiting task and aborts the ones in flight. The queue stays usable (and keeps its paused state). */
  cancel(): T[] {
    const dropped = this.waiting.slice(this.head);
    this.waiting.length = 0;
    this.head = 0;
    this.controller.abort();
    this.controller = new AbortController();
    this.checkIdle();
    return dropped;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** Tasks not started yet. */
  get pending(): number {
    return this.waiting.length - this.head;
  }

  get running(): number {
    return this.inFlight;
  }

  /** Resolves once nothing is waiting or running. While paused with tasks waiting, that is after a resume. */
  whenIdle(): Promise<void> {
    if (this.pending === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (!this.isPaused && this.inFlight < this.concurrency && this.pending > 0) {
      const task = this.waiting[this.head++] as T;
      // Drop the consumed prefix now and then so a 10,000-task queue does not keep every task alive to the end.
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.start(task);
    }
    this.checkIdle();
  }

  private start(task: T): void {
    this.inFlight++;
    const { signal } = this.controller;
    let running: Promise<void>;
    try {
      running = this.options.run(task, signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running
      .catch((error: unknown) => this.options.onError?.(task, error))
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }

  private checkIdle(): void {
    if (this.pending > 0 || this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
    this.options.onIdle?.();
  }
}
