/**
 * The one-thread helper workers a batch adds beside the model's own worker ({@link LanePool} says why and when they
 * run): started when a call has to wait for a lane, let go after a quiet spell (their memory is a whole ORT instance
 * each), on a model load, and on dispose. A helper that fails to load the model stops further tries until the next
 * model; a helper that dies between calls leaves the pool at once, so no call is sent to a dead worker.
 */
import { errorMessage } from '../error-message';
import type { Backend } from './types';
import type { WorkerHandle } from './worker-handle';
import type { LanePool } from './worker-lanes';

/**
 * How many helpers a model gets: none off WASM or with `batchWorkers` ≤ 1; a single-threaded model worker counts as one
 * of the `batchWorkers` (it runs beside the helpers), a multi-threaded one does not (beside a full set of helpers it
 * would have more threads than cores).
 */
export function helpersFor(model: { backend: Backend; threads: number } | undefined, batchWorkers: number): number {
  if (model?.backend !== 'wasm' || batchWorkers <= 1) return 0;
  return model.threads <= 1 ? batchWorkers - 1 : batchWorkers;
}

export interface BatchHelpersOptions {
  lanes: LanePool<WorkerHandle>;
  /** How many helpers the current model should have (0 when none: WebGPU, one core, no model). */
  wanted(): number;
  /** A fresh worker with the current model loaded on WASM with one thread; rejects when the load fails. */
  start(): Promise<WorkerHandle>;
  /** Helpers without a call for this long are terminated. */
  idleMs: number;
}

export class BatchHelpers {
  private booting = 0;
  /** Bumped by {@link reset}: a helper that finishes starting after it stands down. */
  private generation = 0;
  private failed = false;
  private retireTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: BatchHelpersOptions) {}

  /** Starts the helpers still missing; each joins the pool when its model is loaded. */
  boot(): void {
    if (this.failed) return;
    const { lanes } = this.options;
    const missing = this.options.wanted() - lanes.helperCount - this.booting;
    const generation = this.generation;
    for (let i = 0; i < missing; i++) {
      this.booting++;
      this.options.start().then(
        (handle) => {
          this.booting--;
          if (generation !== this.generation) return handle.terminate();
          handle.dead.catch(() => lanes.removeHelper(handle));
          lanes.addHelper(handle);
        },
        (e) => {
          this.booting--;
          if (generation !== this.generation) return;
          this.failed = true;
          console.warn(
            `OnSight: a batch helper worker could not load the model (${errorMessage(e)}); using one worker`,
          );
        },
      );
    }
  }

  /** The pool went quiet: let the helpers go unless a call comes first. */
  scheduleRetire(): void {
    clearTimeout(this.retireTimer);
    this.retireTimer = setTimeout(() => this.retire(), this.options.idleMs);
  }

  /** A call came: keep the helpers. */
  keep(): void {
    clearTimeout(this.retireTimer);
  }

  /** Terminates the idle helpers now (with `busyToo`, also those running a call: their calls fail). */
  retire(busyToo = false): void {
    for (const handle of this.options.lanes.takeHelpers(busyToo)) handle.terminate();
  }

  /** The model is about to change: helpers of the old one go, new ones may be tried. */
  reset(): void {
    this.generation++;
    this.failed = false;
    this.keep();
    this.retire();
  }

  /** The client is disposed: every helper goes, and none that is still starting joins. */
  dispose(): void {
    this.reset();
    this.retire(true);
  }
}
