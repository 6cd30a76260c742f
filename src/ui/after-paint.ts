/**
 * Work that can wait until the page has painted what it is drawing now: a photo's result shows a frame sooner when
 * the parts of the page that merely follow it (the storage note, the spec editor's sample, the screen-reader log) do
 * not re-render in the same task (measured: ~2.5 ms of that render on the 2-core VM).
 */

/** A hidden tab paints no frames: the callback then runs after this long anyway. */
const HIDDEN_TAB_MS = 100;

/** Runs `callback` once, in a task after the next frame (or after {@link HIDDEN_TAB_MS} where none comes). */
export function afterNextPaint(callback: () => void): void {
  let ran = false;
  const run = () => {
    if (ran) return;
    ran = true;
    clearTimeout(fallback);
    callback();
  };
  const fallback = setTimeout(run, HIDDEN_TAB_MS);
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(run, 0));
}

/**
 * Coalesces `request`s into one `update` after the next paint (see {@link afterNextPaint}); after `cancel` (the view
 * is gone) a pending or later request does nothing.
 */
export function deferredToPaint(update: () => void): { request(): void; cancel(): void } {
  let scheduled = false;
  let cancelled = false;
  return {
    request: () => {
      if (scheduled || cancelled) return;
      scheduled = true;
      afterNextPaint(() => {
        scheduled = false;
        if (!cancelled) update();
      });
    },
    cancel: () => {
      cancelled = true;
    },
  };
}
