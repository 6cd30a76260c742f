// @ts-check
/**
 * Cold starts, interleaved (run c of every contender before run c + 1 of any): a fresh browser context each, from
 * navigation to model ready to first result, with the bytes the server sent; for the app also a repeat visit in the
 * same context, once its service worker is in control.
 */
import {
  appInstrumentation,
  classifyInApp,
  payload,
  peerClassify,
  waitAppReady,
  waitPeerReady,
} from '../lib/browser.mjs';
import { hostCompressedBytes } from '../lib/compressed.mjs';
import { emptyFigures, errorLine, measuredRow, nullRow, pushTo, section } from '../lib/figures.mjs';
import { ZOO_ID } from '../lib/paths.mjs';
import { categorize, duplicates } from '../lib/proxy.mjs';
import { summarize } from '../lib/stats.mjs';
import { watchTimeline } from '../lib/timeline.mjs';
import { APP_WHO, APP_ZOO_WHO, peerPages } from './context.mjs';

/**
 * @typedef {import('./context.mjs').BenchContext} BenchContext
 * @typedef {import('./context.mjs').Page} Page
 * @typedef {{ key: string, who: string, url: string, server: import('./context.mjs').Server, repeat: boolean,
 *   visit: (page: Page) => Promise<{ readyAt: number, firstResultAt: number, changeAt?: number }> }} ColdContender
 */

/** @param {BenchContext} ctx @returns {Promise<import('../lib/figures.mjs').Figures>} */
export async function coldStarts(ctx) {
  const out = emptyFigures();
  /** The app's visit: ready, then the first photo classified. */
  const appVisit = async (/** @type {Page} */ page) => {
    const s = await waitAppReady(page);
    const [r] = await classifyInApp(page, [payload(ctx.firstPhoto, 'cold')]);
    if (!r || r.done == null) throw new Error(`first result: ${r?.error ?? 'none'}`);
    return { readyAt: /** @type {number} */ (s.readyAt), firstResultAt: r.done, changeAt: r.start };
  };
  /** A peer's visit: its model loaded and warmed as its API does it, then the first photo. @param {string} key */
  const peerVisit = (key) => async (/** @type {Page} */ page) => {
    const info = await waitPeerReady(page);
    out.details[`${key}_info`] = info;
    const r = await peerClassify(page, `/photos/${ctx.firstPhoto.name}`);
    return { readyAt: info.readyAt, firstResultAt: r.doneAt };
  };
  /** @type {ColdContender[]} */
  const contenders = [
    { key: 'app', who: APP_WHO, url: `${ctx.app.origin}/`, server: ctx.app, repeat: true, visit: appVisit },
    ...peerPages(ctx).map((p) => ({ ...p, server: ctx.bench, repeat: false, visit: peerVisit(p.key) })),
    {
      key: 'app_zoo',
      who: APP_ZOO_WHO,
      url: `${ctx.app.origin}/?model=${ZOO_ID}`,
      server: ctx.app,
      repeat: false,
      visit: appVisit,
    },
  ];

  /** @type {Record<string, Record<string, number[]>>} per contender, per figure */
  const samples = {};
  /** @type {Record<string, string>} */
  const failed = {};
  /** @type {Record<string, boolean>} */
  const swControlled = {};
  /** @type {Set<string>} */
  const dupes = new Set();
  /** @type {Record<string, Record<string, number[]>>} per app contender, per mark: its first visits' timelines */
  const timelines = {};

  /** @param {ColdContender} k */
  async function coldOnce(k) {
    const acc = samples[k.key] ?? {};
    samples[k.key] = acc;
    const push = (/** @type {string} */ name, /** @type {number} */ v) => pushTo(acc, name, v);
    const context = await ctx.browser.newContext();
    try {
      await context.addInitScript(appInstrumentation);
      let page = await context.newPage();
      const readTimeline = watchTimeline(page);
      await k.server.proxy.idleFor(300, 3000);
      k.server.proxy.reset();
      await page.goto(k.url);
      const first = await k.visit(page);
      if (first.changeAt !== undefined) {
        const marks = {
          ...(await readTimeline()),
          'ready (data-ready)': first.readyAt,
          'photo change': first.changeAt,
          'first result': first.firstResultAt,
        };
        const t = timelines[k.key] ?? {};
        timelines[k.key] = t;
        for (const [name, at] of Object.entries(marks)) pushTo(t, name, Math.round(at));
      }
      const transfers = k.server.proxy.transfers();
      for (const d of duplicates(transfers)) dupes.add(`${k.who}: ${d}`);
      push('first.ready', first.readyAt);
      push('first.result', first.firstResultAt);
      for (const [name, v] of Object.entries(categorize(transfers))) push(`first.bytes.${name}`, v);
      const compressed = hostCompressedBytes(transfers, k.server.root);
      push('first.bytes_gzip', compressed.gzip);
      push('first.bytes_brotli', compressed.brotli);
      // The app registers its service worker once its first work is done (~1 s after the first result): let it
      // install (its precache is what the settled bytes add) before counting, and before the second visit.
      if (first.changeAt !== undefined) await serviceWorkerReady(page);
      await k.server.proxy.idleFor(1000);
      push('first.bytes_settled', categorize(k.server.proxy.transfers()).total);
      if (!k.repeat) return;
      await page.close();
      page = await context.newPage();
      k.server.proxy.reset();
      await page.goto(k.url);
      const second = await k.visit(page);
      const bytes2 = categorize(k.server.proxy.transfers());
      swControlled[k.key] = await page.evaluate(() => navigator.serviceWorker?.controller != null);
      push('repeat.ready', second.readyAt);
      push('repeat.result', second.firstResultAt);
      for (const [name, v] of Object.entries(bytes2)) push(`repeat.bytes.${name}`, v);
    } finally {
      await context.close();
    }
  }

  await section('cold starts (interleaved)', async () => {
    for (let c = 0; c < ctx.opts.cold; c++) {
      for (const k of contenders) {
        if (failed[k.key]) continue;
        try {
          await coldOnce(k);
        } catch (error) {
          failed[k.key] = `${k.who}, cold start failed: ${errorLine(error)}`;
          console.error(`bench: ${failed[k.key]}`);
        }
      }
    }
  });

  for (const k of contenders) {
    const acc = samples[k.key] ?? {};
    for (const [id, accKey, label, unit, note] of rowDefinitions(k, acc, swControlled[k.key])) {
      const values = acc[accKey] ?? [];
      out.rows.push(
        values.length === 0
          ? nullRow(`${k.key}.${id}`, 'cold', `${k.who}: ${label}`, unit, failed[k.key] ?? 'not measured')
          : measuredRow(`${k.key}.${id}`, 'cold', `${k.who}: ${label}`, unit, values, note),
      );
    }
    out.details[`${k.key}_bytes`] = Object.fromEntries(
      Object.entries(acc)
        .filter(([name]) => name.includes('bytes'))
        .map(([name, v]) => [name, summarize(v).median]),
    );
  }
  for (const [key, t] of Object.entries(timelines)) {
    const medians = Object.entries(t)
      .map(([name, v]) => /** @type {[string, number]} */ ([name, summarize(v).median ?? 0]))
      .sort((a, b) => a[1] - b[1]);
    out.details[`${key}_first_visit_timeline`] = Object.fromEntries(medians);
    out.notes.push(
      `${key} first visit, ms after navigation (medians): ${medians.map(([n, v]) => `${n} ${v}`).join(', ')}.`,
    );
  }
  if (dupes.size > 0) out.notes.push(`First visit, files the server sent more than once: ${[...dupes].join('; ')}.`);
  return out;
}

/**
 * Waits (at most 15 s) for the page's service worker to be active; at once where there is no Service Worker API.
 * @param {Page} page
 */
function serviceWorkerReady(page) {
  return page.evaluate(async () => {
    if (!navigator.serviceWorker) return;
    await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 15_000))]);
  });
}

/**
 * The rows of one contender: [row id after its key, sample name, label, unit, note].
 * @param {ColdContender} k @param {Record<string, number[]>} acc @param {boolean | undefined} swControlled
 * @returns {[string, string, string, string, string | undefined][]}
 */
function rowDefinitions(k, acc, swControlled) {
  /** @type {[string, string, string, string, string | undefined][]} */
  const defs = [
    ['cold.ready', 'first.ready', 'navigation → model ready, first visit', 'ms', undefined],
    ['cold.first_result', 'first.result', 'navigation → first result, first visit', 'ms', undefined],
    [
      'cold.bytes',
      'first.bytes.total',
      'bytes transferred until first result, first visit',
      'bytes',
      bytesNote(acc, 'first'),
    ],
    [
      'cold.bytes_gzip',
      'first.bytes_gzip',
      'bytes until first result, first visit, gzipped as GitHub Pages sends them',
      'bytes',
      'computed: each file of the transfers above gzipped (level 6) if hosts compress its type (text, JSON, .wasm; not .onnx/.bin), headers as sent',
    ],
    [
      'cold.bytes_brotli',
      'first.bytes_brotli',
      'bytes until first result, first visit, brotli as Netlify/Cloudflare send them',
      'bytes',
      'computed alike with brotli (quality 5, an on-the-fly level)',
    ],
    [
      'cold.bytes_settled',
      'first.bytes_settled',
      'bytes transferred once the network settles, first visit',
      'bytes',
      'includes anything fetched after the first result (e.g. service-worker precache)',
    ],
  ];
  if (k.repeat) {
    defs.push(
      [
        'repeat.ready',
        'repeat.ready',
        'navigation → model ready, repeat visit',
        'ms',
        swControlled ? 'page controlled by the service worker' : 'no service worker in control (HTTP cache only)',
      ],
      ['repeat.first_result', 'repeat.result', 'navigation → first result, repeat visit', 'ms', undefined],
      [
        'repeat.bytes',
        'repeat.bytes.total',
        'bytes transferred until first result, repeat visit',
        'bytes',
        bytesNote(acc, 'repeat'),
      ],
    );
  }
  return defs;
}

/** Where a visit's bytes went, by kind (medians). @param {Record<string, number[]>} acc @param {string} visit */
function bytesNote(acc, visit) {
  const m = (/** @type {string} */ k) => summarize(acc[`${visit}.bytes.${k}`] ?? []).median ?? 0;
  const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(2)} MB`;
  return `js ${mb(m('js'))}, wasm ${mb(m('wasm'))}, model ${mb(m('model'))}, other ${mb(m('other'))} (raw bytes on the wire incl. headers; the server does not compress)`;
}
