/**
 * Throughput of a running batch: photos per second over a sliding window, and the time left. Time spent paused does
 * not count, so a coffee break does not read as a slow model. Pure, with an injected clock.
 */

export interface ThroughputOptions {
  /** How much recent (running) time the rate looks at; shorter follows changes faster, longer is steadier. */
  windowMs?: number;
  /** Milliseconds from any fixed origin; default `performance.now()`. */
  now?: () => number;
}

/** Measures one run; make a new one (or call `reset`) for the next. Starts running when made. */
export class ThroughputMeter {
  private readonly windowMs: number;
  private readonly now: () => number;
  private startedAt = 0;
  private pausedTotal = 0;
  private pausedAt: number | undefined;
  /** Completions stamped with running time, oldest first; entries older than the window are dropped. */
  private events: Array<{ at: number; count: number }> = [];
  private completed = 0;

  constructor(options: ThroughputOptions = {}) {
    this.windowMs = options.windowMs ?? 10_000;
    this.now = options.now ?? (() => performance.now());
    this.reset();
  }

  /** Starts over: nothing done, running from now. */
  reset(): void {
    this.startedAt = this.now();
    this.pausedTotal = 0;
    this.pausedAt = undefined;
    this.events = [];
    this.completed = 0;
  }

  pause(): void {
    if (this.pausedAt === undefined) this.pausedAt = this.now();
  }

  resume(): void {
    if (this.pausedAt === undefined) return;
    this.pausedTotal += this.now() - this.pausedAt;
    this.pausedAt = undefined;
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  /** Photos finished (done or failed: both took the model's time). One that lands while paused counts at the
   * moment of pausing. */
  record(count = 1): void {
    this.completed += count;
    this.events.push({ at: this.runningMs(), count });
    this.prune();
  }

  /** Photos recorded since the start. */
  get done(): number {
    return this.completed;
  }

  /** Time spent running since the start, pauses excluded. */
  runningMs(): number {
    const until = this.pausedAt ?? this.now();
    return Math.max(0, until - this.startedAt - this.pausedTotal);
  }

  /** Photos per second over the last `windowMs` of running time (or since the start, if shorter); `undefined`
   * before the first photo, when there is nothing to go on. */
  perSecond(): number | undefined {
    if (this.completed === 0) return undefined;
    this.prune();
    const span = Math.min(this.windowMs, this.runningMs());
    if (span <= 0) return undefined;
    const recent = this.events.reduce((sum, event) => sum + event.count, 0);
    return (recent * 1000) / span;
  }

  /** Milliseconds left for `remaining` photos at the current rate; `undefined` when the rate is unknown or zero
   * (stalled), 0 when nothing remains. Frozen while paused. */
  etaMs(remaining: number): number | undefined {
    if (remaining <= 0) return 0;
    const rate = this.perSecond();
    return rate ? (remaining / rate) * 1000 : undefined;
  }

  private prune(): void {
    const from = this.runningMs() - this.windowMs;
    let drop = 0;
    while (drop < this.events.length && (this.events[drop]?.at ?? 0) <= from) drop++;
    if (drop > 0) this.events.splice(0, drop);
  }
}

/** A short duration for a status line: `45 s`, `3 min 20 s`, `12 min`, `1 h 05 min`. Rounded to whole seconds
 * (minutes from 10 min on, where seconds are noise in an estimate). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 600) return seconds % 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds / 60} min`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
