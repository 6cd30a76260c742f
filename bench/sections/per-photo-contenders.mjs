// @ts-check
/**
 * The contenders of the per-photo runs: each opens its own page once, then classifies one photo per call and says
 * what it measured. The app pages record e2e and the card's timings, the peers e2e, the floor `session.run` (and, at
 * the app's thread count, the decode of the photo).
 */
import {
  classifyInApp,
  clearCards,
  parseMs,
  payload,
  peerClassify,
  waitAppReady,
  waitPeerReady,
} from '../lib/browser.mjs';
import { measuredRow } from '../lib/figures.mjs';
import { ZOO_ID } from '../lib/paths.mjs';
import { APP_WHO, APP_ZOO_WHO, peerPages } from './context.mjs';

/**
 * @typedef {import('./context.mjs').BenchContext} BenchContext
 * @typedef {import('./context.mjs').Page} Page
 * @typedef {import('./context.mjs').Photo} Photo
 * @typedef {{ values: Record<string, number | null>, top?: unknown[], shown?: string[] }} Sample one classification:
 *   figures in ms (null: not shown), the top predictions, and for the app the card's timing names
 * @typedef {{ key: string, who: string, photos: Photo[], open: () => Promise<void>,
 *   once: (photo: Photo, tag: string) => Promise<Sample>, failed?: string }} Contender
 */

/**
 * Every contender, in the order they take turns. The floor adds its session-create rows and details to `out` when it
 * opens; `oneThread.how` says how the app was put on 1 thread.
 * @param {BenchContext} ctx @param {import('../lib/figures.mjs').Figures} out @param {{ how: string }} oneThread
 * @returns {Contender[]}
 */
export function perPhotoContenders(ctx, out, oneThread) {
  const { allPhotos, photos, threads } = ctx;
  const peers = peerPages(ctx);
  return [
    {
      key: 'app',
      who: APP_WHO,
      photos: allPhotos,
      ...appContender(async () => {
        const page = await ctx.openPage(`${ctx.app.origin}/`, true);
        await waitAppReady(page);
        return page;
      }),
    },
    {
      key: 'floor',
      who: `Floor (${threads} threads)`,
      photos: allPhotos,
      ...floorContender(ctx, out, 'floor', threads),
    },
    ...(threads !== 1
      ? [{ key: 'floor1', who: 'Floor (1 thread)', photos, ...floorContender(ctx, out, 'floor1', 1) }]
      : []),
    {
      key: 'app1',
      who: 'OnSight at 1 thread',
      photos,
      // Preferred: the app's own ?threads=1. When it does not honour that, serve the same build without COOP/COEP
      // (tools/serve.mjs --no-isolation) with service workers blocked: the page is then not crossOriginIsolated and
      // ORT can only use 1 thread — the app itself, just without threads.
      ...appContender(async () => {
        let page = await ctx.openPage(`${ctx.app.origin}/?threads=1`, true);
        let state = await waitAppReady(page);
        if (state.threads !== 1) {
          const plain = await ctx.serve(ctx.appSite, ['--no-isolation']);
          oneThread.how = `served without COOP/COEP (the app ignores ?threads=1; it reported data-threads=${state.threads})`;
          page = await ctx.openPage(`${plain.origin}/`, true, { serviceWorkers: 'block' });
          state = await waitAppReady(page);
        }
        if (state.threads !== 1)
          throw new Error(`could not get the app onto 1 thread (data-threads=${state.threads} even without COOP/COEP)`);
        return page;
      }),
    },
    ...peers.map((p) => ({ key: p.key, who: p.who, photos, ...peerContender(ctx, p.url) })),
    {
      key: 'floor_zoo',
      who: `Floor, ${ZOO_ID} (${threads} threads)`,
      photos,
      ...floorContender(ctx, out, 'floor_zoo', threads, 'zoo.onnx'),
    },
    {
      key: 'app_zoo',
      who: APP_ZOO_WHO,
      photos,
      ...appContender(async () => {
        const page = await ctx.openPage(`${ctx.app.origin}/?model=${ZOO_ID}`, true);
        const state = await waitAppReady(page);
        if (state.model !== ZOO_ID) throw new Error(`?model=${ZOO_ID} loaded "${state.model}" instead`);
        return page;
      }),
    },
  ];
}

/**
 * An OnSight page: e2e (change event → card done), answer (change event → the answer in the page, before its card is
 * drawn: the app's `onsight:answer` mark) and the card's own timings. @param {() => Promise<Page>} opener
 */
function appContender(opener) {
  /** @type {Page | undefined} */
  let page;
  return {
    open: async () => {
      page = await opener();
    },
    /** @param {Photo} p @param {string} tag @returns {Promise<Sample>} */
    once: async (p, tag) => {
      if (!page) throw new Error('not open');
      const [r] = await classifyInApp(page, [payload(p, tag)]);
      await clearCards(page);
      if (!r || r.error || r.done == null) throw new Error(`${p.name}: ${r?.error ?? 'no result'}`);
      const t = {
        e2e: r.done - r.start,
        answer: r.answer != null ? r.answer - r.start : null,
        decode: parseMs(r.shown.decode),
        preprocess: parseMs(r.shown.preprocess),
        inference: parseMs(r.shown.inference),
        postprocess: parseMs(r.shown.postprocess),
        total: parseMs(r.shown.total),
      };
      // What the card does not break out (worker messaging, queueing, and postprocess when it is not shown).
      const known = (t.decode ?? 0) + (t.preprocess ?? 0) + (t.inference ?? 0) + (t.postprocess ?? 0);
      const values = {
        ...t,
        transfer: t.total != null ? t.total - known : null,
        draw: t.answer != null ? t.e2e - t.answer : null,
      };
      return { values, top: r.top.slice(0, 5), shown: Object.keys(r.shown) };
    },
  };
}

/** A peer page: file → top-5 as its own API does it. @param {BenchContext} ctx @param {string} url */
function peerContender(ctx, url) {
  /** @type {Page | undefined} */
  let page;
  return {
    open: async () => {
      page = await ctx.openPage(url);
      await waitPeerReady(page);
    },
    /** @param {Photo} p @returns {Promise<Sample>} */
    once: async (p) => {
      if (!page) throw new Error('not open');
      const r = await peerClassify(page, `/photos/${p.name}`);
      return { values: { e2e: r.ms, decode: r.decodeMs ?? null, run: r.runMs ?? null }, top: r.top };
    },
  };
}

/**
 * The floor page at `n` threads: per photo one session.run on a pre-made tensor, and (for the default model at the
 * app's thread count) one decode of the photo. A fresh worker each, since ORT fixes its thread count at first use.
 * @param {BenchContext} ctx @param {import('../lib/figures.mjs').Figures} out @param {string} key @param {number} n
 * @param {string} [model] file under the bench site's models/ (default.onnx, or zoo.onnx for the zoo model)
 */
function floorContender(ctx, out, key, n, model = 'default.onnx') {
  /** @type {Page | undefined} */
  let page;
  let photoTensors = false;
  return {
    open: async () => {
      page = await ctx.openPage(`${ctx.bench.origin}/pages/floor.html`);
      await page.waitForFunction(() => document.body?.dataset.ready === 'true');
      const info = await page.evaluate(
        ([url, t]) => /** @type {any} */ (window).floor.init(url, t),
        /** @type {const} */ ([`${ctx.bench.origin}/models/${model}`, n]),
      );
      photoTensors = !info.noPhotoTensor;
      out.details.floor = {
        ...out.details.floor,
        [model === 'default.onnx' ? `threads_${n}` : `${key}_threads_${n}`]: info,
      };
      out.rows.push(
        measuredRow(
          `${key}.session_create`,
          'cold',
          `Floor: InferenceSession.create${model === 'default.onnx' ? '' : ` of ${model}`} at ${n} thread${n === 1 ? '' : 's'} (model bytes in memory)`,
          'ms',
          [info.sessionCreateMs],
        ),
      );
      await page.evaluate(() => /** @type {any} */ (window).floor.run(3, 0));
    },
    /** @param {Photo} p @param {string} tag the round (`w0`… warm-up, `i0`… timed) @returns {Promise<Sample>} */
    once: async (p, tag) => {
      if (!page) throw new Error('not open');
      // At the app's thread count, every other timed round (i1, i3, …) times session.run on each photo's own tensor
      // (made as the app makes it, untimed) instead of the synthetic one: some models' cost depends on the values
      // (the zoo's int8 MobileNetV2: ~1.3× on photos). One timed run a turn, so each follows the other contenders'
      // turn, as the app's photo does: a run right after another finds ORT's threads still spinning and the caches
      // warm, and came out ~30 % lower when the photo's run followed the synthetic one.
      const timedRound = /^i(\d+)$/.exec(tag);
      const photoTurn = n === ctx.threads && photoTensors && timedRound !== null && Number(timedRound[1]) % 2 === 1;
      if (photoTurn) await page.evaluate(([u]) => /** @type {any} */ (window).floor.tensor(u), [`/photos/${p.name}`]);
      const [ms] = await page.evaluate(
        ([i]) => /** @type {Promise<number[]>} */ (/** @type {any} */ (window).floor.run(0, 1, i)),
        /** @type {const} */ ([photoTurn ? 'photo' : 'synthetic']),
      );
      const dec =
        n === ctx.threads && model === 'default.onnx'
          ? await page.evaluate(
              ([u]) => /** @type {Promise<number[]>} */ (/** @type {any} */ (window).floor.decode(u, 0, 1)),
              [`/photos/${p.name}`],
            )
          : [];
      return {
        values: {
          run: photoTurn ? null : (ms ?? null),
          decode: dec[0] ?? null,
          run_photo: photoTurn ? (ms ?? null) : null,
        },
      };
    },
  };
}
