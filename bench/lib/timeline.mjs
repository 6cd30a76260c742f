// @ts-check
/**
 * A first visit's timeline: the `onsight:*` performance marks of the page and of its workers (the inference worker
 * marks each start-up step: ORT imported, model read, ORT started, session created, warmed up), on the page's clock
 * (navigation start = 0), with the file input's `change` and the first result. Marks are read after the first result;
 * ORT's own thread workers are skipped (they sit in Atomics.wait and never answer an evaluate).
 */

/** @typedef {Record<string, number>} Timeline mark name → ms after navigation start */

/**
 * Starts collecting a page's workers; call before `page.goto`. Returns a function that reads the timeline.
 * @param {import('@playwright/test').Page} page
 * @returns {() => Promise<Timeline>}
 */
export function watchTimeline(page) {
  /** @type {import('@playwright/test').Worker[]} */
  const workers = [];
  page.on('worker', (w) => workers.push(w));
  return async () => {
    const origin = await page.evaluate(() => performance.timeOrigin);
    /** @type {Timeline} */
    const out = {};
    const add = (/** @type {string} */ name, /** @type {number} */ at) => {
      if (!(name in out)) out[name] = Math.round(at);
    };
    const pageMarks = await page.evaluate(() =>
      performance.getEntriesByType('mark').map((m) => /** @type {[string, number]} */ ([m.name, m.startTime])),
    );
    for (const [name, at] of pageMarks) if (name.startsWith('onsight:')) add(name.slice(8), at);
    for (const w of workers) {
      // The app's own workers; ORT's pthreads load ORT's chunk (ort.*.js) instead.
      if (!/\/worker-[\w-]+\.js/.test(w.url())) continue;
      const marks = await Promise.race([
        w.evaluate(() => ({
          origin: performance.timeOrigin,
          marks: performance
            .getEntriesByType('mark')
            .map((m) => /** @type {[string, number]} */ ([m.name, m.startTime])),
        })),
        new Promise((r) => setTimeout(() => r(null), 2000)),
      ]).catch(() => null);
      if (!marks) continue;
      const m = /** @type {{ origin: number, marks: [string, number][] }} */ (marks);
      add('worker.started', m.origin - origin);
      for (const [name, at] of m.marks)
        if (name.startsWith('onsight:')) add(`worker.${name.slice(8)}`, m.origin + at - origin);
    }
    return out;
  };
}
