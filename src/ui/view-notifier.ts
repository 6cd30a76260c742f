/**
 * Tells views that something changed, at most about once per animation frame: a batch of thousands changes far more
 * often than the page can draw. A photo's result is the exception while results are rare: its card goes into the page
 * at once instead of at the next frame. And while the first photo of a run is classified, changes may be held back
 * for a moment ({@link ViewNotifier.hold}). Pure (the frame, the timer and the clock are passed in), for the unit
 * tests.
 */

/** One frame at 60 Hz. */
const FRAME_MS = 16;

export interface ViewNotifierOptions {
  /** Runs `callback` before the next frame (requestAnimationFrame); a task by default. */
  requestFrame?: (callback: () => void) => void;
  /** Runs `callback` after `ms` milliseconds; setTimeout by default. */
  setTimer?: (callback: () => void, ms: number) => void;
  now?: () => number;
}

export class ViewNotifier {
  private readonly listeners = new Set<() => void>();
  private frameRequested = false;
  private microtaskQueued = false;
  /** When views were last told. */
  private notifiedAt = Number.NEGATIVE_INFINITY;
  /** The hold in force, if any: changes wait until it ends or a result lands. */
  private held: object | undefined;
  private readonly requestFrame: (callback: () => void) => void;
  private readonly setTimer: (callback: () => void, ms: number) => void;
  private readonly now: () => number;
  /** Bumped on every notification: a cheap "something changed" for views. */
  revision = 0;

  constructor(options: ViewNotifierOptions = {}) {
    this.requestFrame = options.requestFrame ?? ((callback) => setTimeout(callback, 0));
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.now = options.now ?? (() => performance.now());
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Views hear of it on the next frame: many changes, one render. */
  changed(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    this.requestFrame(() => {
      // Unless resultLanded told them meanwhile; during a hold, its end tells them.
      if (this.frameRequested && !this.held) this.notify();
    });
  }

  /**
   * Holds changes back for up to `ms`, or until a result lands, whichever comes first. For the first photo of a run:
   * on most devices its result comes sooner than that, and drawing its pending card meanwhile takes the CPU from the
   * model (a 2-core machine has no core to spare for the page while ORT runs on both) only to be redrawn at once —
   * its card then appears once, with its result; a slower photo's pending card appears when the hold ends.
   */
  hold(ms: number): void {
    const hold = {};
    this.held = hold;
    this.setTimer(() => {
      if (this.held === hold) this.endHold();
    }, ms);
  }

  private endHold(): void {
    this.held = undefined;
    if (!this.frameRequested) return;
    // The frame asked for during the hold passed without telling views: ask for another.
    this.frameRequested = false;
    this.changed();
  }

  /**
   * A photo's result is in: views hear of it at once (in a microtask, so the rest of this task's changes join it) —
   * unless they were told within the last frame, as in a fast batch, where it waits for the frame like any change.
   * Before, the card waited for the frame; what drew it sooner was the announcement re-rendering the whole page.
   */
  resultLanded(): void {
    if (this.held) this.endHold();
    if (this.microtaskQueued) return;
    if (this.now() - this.notifiedAt < FRAME_MS) {
      this.changed();
      return;
    }
    this.microtaskQueued = true;
    queueMicrotask(() => {
      this.microtaskQueued = false;
      this.notify();
    });
  }

  clear(): void {
    this.listeners.clear();
  }

  private notify(): void {
    this.frameRequested = false;
    this.notifiedAt = this.now();
    this.revision++;
    for (const listener of this.listeners) listener();
  }
}
