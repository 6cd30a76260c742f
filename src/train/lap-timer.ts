/** A stopwatch whose every call returns the milliseconds since the previous call (or since it was made). */
export function lapTimer(): () => number {
  let t = performance.now();
  return () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
}
