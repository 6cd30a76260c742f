// @ts-check
/**
 * Batch: `opts.batch` photos set on the file input at once (the shared photos cycled, unique names), photos per
 * second from the change event to the last photo done; against the floor's 1 / (decode + session.run).
 *
 * "Done" is read from the page's summary (`[data-testid=summary]`: done + errors, nothing pending) when it has one —
 * a virtualised results list keeps only the cards in view in the DOM — and otherwise from every photo's card.
 */
import { clearCards, payload, waitAppReady } from '../lib/browser.mjs';
import { emptyFigures, measuredRow, medianOf, nullRow, section } from '../lib/figures.mjs';

/**
 * @typedef {import('../lib/browser.mjs').FilePayload} FilePayload
 * @typedef {{ ms: number, done: number, errors: number, firstError: string | null }} BatchRun
 */

/**
 * Sets `files` (payloads, or paths on disk) on the app's photo input at once and waits until all are done or failed.
 * Times come from the page (performance.now()): the input's change event → the moment the last one finished.
 * @param {import('@playwright/test').Page} page @param {FilePayload[] | string[]} files @param {string[]} names
 * @param {number} timeout
 * @returns {Promise<BatchRun>}
 */
export async function runAppBatch(page, files, names, timeout) {
  await page.evaluate((ns) => {
    /** @type {any} */
    const w = window;
    const b = w.__bench;
    const summary = () => /** @type {HTMLElement | null} */ (document.querySelector('[data-testid=summary]'));
    const counts = () => {
      const s = summary();
      if (s)
        return {
          finished: Number(s.dataset.done ?? 0) + Number(s.dataset.errors ?? 0),
          pending: Number(s.dataset.pending ?? 0),
        };
      return { finished: ns.filter((n) => n in b.done || n in b.error).length, pending: 0 };
    };
    // The summary may still hold an earlier batch's counts: count from here.
    const base = summary() ? counts().finished : 0;
    const state = {
      doneAt: /** @type {number | null} */ (null),
      observer: /** @type {MutationObserver | null} */ (null),
    };
    const check = () => {
      if (state.doneAt != null) return;
      const c = counts();
      if (c.finished - base >= ns.length && c.pending === 0) {
        state.doneAt = performance.now();
        state.observer?.disconnect();
      }
    };
    state.observer = new MutationObserver(check);
    state.observer.observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status', 'data-done', 'data-errors', 'data-pending'],
    });
    w.__batch = state;
  }, names);
  const input = page.locator('[data-testid=photo-input]').or(page.locator('input[type=file][multiple]')).first();
  await input.setInputFiles(files);
  await page.waitForFunction(() => /** @type {any} */ (window).__batch.doneAt != null, undefined, {
    timeout,
    polling: 250,
  });
  return page.evaluate((ns) => {
    /** @type {any} */
    const w = window;
    const b = w.__bench;
    const starts = ns.map((n) => b.start[n]).filter((t) => typeof t === 'number');
    const s = /** @type {HTMLElement | null} */ (document.querySelector('[data-testid=summary]'));
    const errors = s ? Number(s.dataset.errors ?? 0) : ns.filter((n) => n in b.error).length;
    const firstFailed = ns.find((n) => n in b.error);
    const card = firstFailed
      ? [...document.querySelectorAll('[data-testid=result]')].find(
          (el) => el.getAttribute('data-file') === firstFailed,
        )
      : undefined;
    return {
      ms: w.__batch.doneAt - Math.min(...starts),
      done: ns.length - errors,
      errors,
      firstError: card?.querySelector('[data-testid=error]')?.textContent ?? (errors > 0 ? 'error' : null),
    };
  }, names);
}

/**
 * @param {import('./context.mjs').BenchContext} ctx
 * @param {readonly import('../lib/figures.mjs').Row[]} rowsSoFar the floor's decode and run medians come from here
 * @returns {Promise<import('../lib/figures.mjs').Figures>}
 */
export async function batch(ctx, rowsSoFar) {
  const { opts, firstPhoto, sharedPhotos } = ctx;
  const out = emptyFigures();
  const failure = await section('batch', async () => {
    const page = await ctx.openPage(`${ctx.app.origin}/`, true);
    await waitAppReady(page);
    const warm = payload(firstPhoto, 'warm');
    await runAppBatch(page, [warm], [warm.name], 120_000);
    await clearCards(page);
    const rates = [];
    const repeats = opts.quick ? 1 : Math.min(3, opts.iterations);
    for (let rep = 0; rep < repeats; rep++) {
      const files = Array.from({ length: opts.batch }, (_, i) =>
        payload(sharedPhotos[i % sharedPhotos.length] ?? firstPhoto, `b${rep}-${i}`),
      );
      const run = await runAppBatch(
        page,
        files,
        files.map((f) => f.name),
        600_000,
      );
      if (run.errors > 0) throw new Error(`${run.errors} photos failed: ${run.firstError}`);
      rates.push((opts.batch * 1000) / run.ms);
      await clearCards(page);
    }
    out.rows.push(
      measuredRow(
        'app.batch',
        'batch',
        `OnSight: ${opts.batch} photos at once (cycling the shared photos), change event → last photo done`,
        'photos/s',
        rates,
      ),
    );
  });
  if (failure)
    out.rows.push(nullRow('app.batch', 'batch', `OnSight batch of ${opts.batch} photos`, 'photos/s', failure));

  const dec = medianOf(rowsSoFar, 'floor.decode.shared');
  const run = medianOf(rowsSoFar, 'floor.run');
  if (dec != null && run != null)
    out.rows.push({
      id: 'floor.batch',
      section: 'batch',
      label: 'Floor: 1 / (decode + session.run), medians',
      unit: 'photos/s',
      median: 1000 / (dec + run),
      min: null,
      max: null,
      n: 1,
      note: 'derived from floor.decode.shared and floor.run',
    });
  else
    out.rows.push(
      nullRow(
        'floor.batch',
        'batch',
        'Floor: 1 / (decode + session.run)',
        'photos/s',
        'floor decode or run was not measured',
      ),
    );
  return out;
}
