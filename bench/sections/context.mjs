// @ts-check
/**
 * What every section is given, and who takes part: the app and the peers are named and opened the same way in the
 * cold starts and the per-photo runs.
 */
import { ZOO_ID } from '../lib/paths.mjs';

/**
 * @typedef {import('../lib/browser.mjs').Photo} Photo
 * @typedef {import('../lib/servers.mjs').Server} Server
 * @typedef {import('@playwright/test').Page} Page
 * @typedef {{ iterations: number, warmup: number, cold: number, batch: number, batchScale?: number, trainScale?: number, quick: boolean,
 *   build: boolean, out: string, dist: string, only?: string[] }} Options
 * @typedef {{
 *   opts: Options,
 *   browser: import('@playwright/test').Browser,
 *   app: Server, bench: Server, appSite: string,
 *   serve: (dir: string, extraArgs?: string[]) => Promise<Server>,
 *   openPage: ReturnType<typeof import('../lib/browser.mjs').pageOpener>['openPage'],
 *   sharedPhotos: Photo[], firstPhoto: Photo, photos: Photo[], big: Photo, allPhotos: Photo[],
 *   threads: number,
 * }} BenchContext `photos` are the shared photos measured (only the first with --quick), `big` the 12 MP one,
 *   `allPhotos` both; `threads` is the app's own thread count, which the floor and the peers are matched to.
 */

export const APP_WHO = 'OnSight (default model)';
export const APP_ZOO_WHO = `OnSight (${ZOO_ID})`;

/**
 * The peer pages (bench/peers/src), at the app's thread count.
 * @param {BenchContext} ctx @returns {{ key: string, who: string, url: string }[]}
 */
export function peerPages(ctx) {
  const url = (/** @type {string} */ page, /** @type {string} */ query) =>
    `${ctx.bench.origin}/peers/src/${page}.html?${query}`;
  return [
    {
      key: 'nsfwjs.webgl',
      who: 'nsfwjs 4.4.0 + TF.js 4.22 webgl',
      url: url('nsfwjs', `backend=webgl&threads=${ctx.threads}`),
    },
    {
      key: 'nsfwjs.wasm',
      who: 'nsfwjs 4.4.0 + TF.js 4.22 wasm',
      url: url('nsfwjs', `backend=wasm&threads=${ctx.threads}`),
    },
    {
      key: 'transformersjs',
      who: 'Transformers.js 4.3.1 (wasm)',
      url: url('transformers', `model=${ZOO_ID}&threads=${ctx.threads}`),
    },
  ];
}
