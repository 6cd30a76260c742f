// @ts-check
/**
 * Batch: `opts.batch` photos set on the file input at once (the shared photos cycled, unique names), photos per
 * second from the change event to the last card done; against the floor's 1 / (decode + session.run).
 */
import { classifyInApp, clearCards, payload, waitAppReady } from '../lib/browser.mjs';
import { emptyFigures, measuredRow, medianOf, nullRow, section } from '../lib/figures.mjs';

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
    await classifyInApp(page, [payload(firstPhoto, 'warm')]);
    await clearCards(page);
    const rates = [];
    const repeats = opts.quick ? 1 : Math.min(3, opts.iterations);
    for (let rep = 0; rep < repeats; rep++) {
      const files = Array.from({ length: opts.batch }, (_, i) =>
        payload(sharedPhotos[i % sharedPhotos.length] ?? firstPhoto, `b${rep}-${i}`),
      );
      const results = await classifyInApp(page, files, 600_000);
      const failed = results.filter((r) => r.done == null);
      if (failed.length > 0) throw new Error(`${failed.length} photos failed: ${failed[0]?.error}`);
      const start = Math.min(...results.map((r) => r.start));
      const end = Math.max(...results.map((r) => /** @type {number} */ (r.done)));
      rates.push((opts.batch * 1000) / (end - start));
      await clearCards(page);
    }
    out.rows.push(
      measuredRow(
        'app.batch',
        'batch',
        `OnSight: ${opts.batch} photos at once (cycling the shared photos), change event → last card done`,
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
