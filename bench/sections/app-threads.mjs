// @ts-check
/** The app's thread count, read first: the floor and the peers are run at the same count. */
import os from 'node:os';
import { appInstrumentation, waitAppReady } from '../lib/browser.mjs';
import { emptyFigures, section } from '../lib/figures.mjs';

/**
 * @param {Omit<import('./context.mjs').BenchContext, 'threads'>} ctx
 * @returns {Promise<{ threads: number, figures: import('../lib/figures.mjs').Figures }>} the core count when the app
 *   does not say (with a note)
 */
export async function appThreads(ctx) {
  const figures = emptyFigures();
  /** @type {number | null} */
  let appThreads = null;
  await section('OnSight: thread count', async () => {
    const context = await ctx.browser.newContext();
    await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(`${ctx.app.origin}/`);
    const state = await waitAppReady(page);
    appThreads = state.threads;
    figures.details.app = { backend: state.backend, threads: state.threads, model: state.model };
    await context.close();
  });
  const threads = appThreads ?? os.cpus().length;
  if (appThreads == null)
    figures.notes.push(
      `The app's thread count was not read (no data-threads); peers and the floor used ${threads} (the core count).`,
    );
  figures.details.threads_used_for_floor_and_peers = threads;
  return { threads, figures };
}
