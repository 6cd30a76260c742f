// @ts-check
/**
 * A large batch (`opts.batchScale` photos, 1,000 by default) in a browser of its own with only the app open, so that
 * the whole browser's memory is the app's: photos per second (change event → last photo done) and the peak memory of
 * all the browser's processes, sampled from /proc while the batch runs (lib/browser-memory.mjs), plus the page's own
 * figure from `performance.measureUserAgentSpecificMemory()` (the page is crossOriginIsolated) after it. That API
 * answers only after garbage collections, which an idle headless page may not run: the section asks for them over the
 * DevTools protocol every 2 s (it still took about a minute here).
 *
 * The photos are the shared photos cycled, as files on disk under unique names (symbolic links in a temp folder:
 * Playwright hands a local browser paths, where 1,000 in-memory payloads would be copied through its protocol).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { basename, join } from 'node:path';
import { openAppInOwnBrowser, sampleBrowserMemory } from '../lib/browser-memory.mjs';
import { emptyFigures, errorLine, nullRow, section } from '../lib/figures.mjs';
import { runAppBatch } from './batch.mjs';

const MB = 1e6;

/**
 * @param {import('./context.mjs').BenchContext} ctx
 * @returns {Promise<import('../lib/figures.mjs').Figures>}
 */
export async function batchScale(ctx) {
  const n = ctx.opts.batchScale ?? 1000;
  const out = emptyFigures();
  const ids = {
    rate: 'app.batch_large',
    rss: 'app.batch_large.peak_rss',
    pss: 'app.batch_large.peak_pss',
    page: 'app.batch_large.page_memory',
    longTask: 'app.batch_large.longest_task',
  };
  const what = `${n.toLocaleString('en')} photos at once`;
  /** @type {Record<string, import('../lib/figures.mjs').Row>} */
  const rows = {};
  const dir = mkdtempSync(join(os.tmpdir(), 'onsight-batch-'));
  /** @type {import('@playwright/test').Browser | undefined} */
  let browser;
  /** @type {{ stop(): { rss: number, pss: number, processes: number, samples: number } } | undefined} */
  let sampler;
  const failure = await section(`batch of ${n} (own browser, memory)`, async () => {
    const files = Array.from({ length: n }, (_, i) => {
      const photo = ctx.sharedPhotos[i % ctx.sharedPhotos.length] ?? ctx.firstPhoto;
      const file = join(dir, `s${String(i).padStart(5, '0')}--${basename(photo.path)}`);
      symlinkSync(photo.path, file);
      return file;
    });
    const opened = await openAppInOwnBrowser(ctx.app.origin);
    browser = opened.browser;
    const { root, page } = opened;
    const idle = sampleBrowserMemory(root).stop();
    let workers = page.workers().length;
    const countWorkers = setInterval(() => {
      workers = Math.max(workers, page.workers().length);
    }, 500);
    await watchLongTasks(page);
    sampler = sampleBrowserMemory(root);
    const run = await runAppBatch(
      page,
      files,
      files.map((f) => basename(f)),
      30 * 60_000,
    ).finally(() => clearInterval(countWorkers));
    const peak = sampler.stop();
    sampler = undefined;
    if (run.errors > 0) throw new Error(`${run.errors} of ${n} photos failed: ${run.firstError}`);
    rows.longTask = await longTaskRow(page, ids.longTask, what);
    const perPhoto = (/** @type {number} */ bytes) => `${(bytes / n / 1e3).toFixed(0)} kB per photo over idle`;
    rows.rate = {
      id: ids.rate,
      section: 'batch',
      label: `OnSight: ${what} (cycling the shared photos), change event → last photo done, own browser`,
      unit: 'photos/s',
      median: (n * 1000) / run.ms,
      min: null,
      max: null,
      n: 1,
      note: `${(run.ms / 1000).toFixed(1)} s; up to ${workers} workers seen on the page`,
    };
    const mb = (/** @type {number} */ bytes) => `${(bytes / MB).toFixed(0)} MB`;
    rows.rss = peakRow(ids.rss, `Whole browser, peak resident memory (sum of RSS) during the ${what}`, peak.rss, {
      note:
        `${peak.processes} processes, ${peak.samples} samples; idle with the model loaded: ${mb(idle.rss)}; ` +
        `${perPhoto(peak.rss - idle.rss)}; RSS counts shared pages once per process`,
    });
    rows.pss = peakRow(ids.pss, `Whole browser, peak proportional memory (sum of PSS) during the ${what}`, peak.pss, {
      note:
        `idle with the model loaded: ${mb(idle.pss)}; ${perPhoto(peak.pss - idle.pss)}; ` +
        'shared pages divided among their processes',
    });
    rows.page = ctx.opts.quick
      ? nullRow(
          ids.page,
          'batch',
          `Page memory after the ${what}`,
          'bytes',
          'not measured with --quick (it waits about a minute)',
        )
      : await pageMemory(page, ids.page, what);
    out.details.batch_scale = { photos: n, seconds: run.ms / 1000, idle, peak, workers_seen: workers };
  });
  sampler?.stop();
  await browser?.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  const fallback = failure ?? 'not measured';
  out.rows.push(
    rows.rate ?? nullRow(ids.rate, 'batch', `OnSight: ${what}, own browser`, 'photos/s', fallback),
    rows.rss ?? nullRow(ids.rss, 'batch', `Whole browser, peak RSS during the ${what}`, 'bytes', fallback),
    rows.pss ?? nullRow(ids.pss, 'batch', `Whole browser, peak PSS during the ${what}`, 'bytes', fallback),
    rows.page ?? nullRow(ids.page, 'batch', `Page memory after the ${what}`, 'bytes', fallback),
    rows.longTask ?? nullRow(ids.longTask, 'batch', `Longest main-thread task during the ${what}`, 'ms', fallback),
  );
  return out;
}

/** @param {string} id @param {string} label @param {number} bytes @param {{ note: string }} o */
function peakRow(id, label, bytes, o) {
  return { id, section: 'batch', label, unit: 'bytes', median: bytes, min: null, max: null, n: 1, note: o.note };
}

/**
 * Starts recording the page's long tasks (main thread busy over 50 ms: the browser's own definition), so that the
 * batch's responsiveness is measured: #10 asks for no task over 100 ms while a batch runs.
 * @param {import('@playwright/test').Page} page
 */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    /** @type {any} */ (globalThis).__benchLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) /** @type {any} */ (globalThis).__benchLongTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
}

/**
 * The longest main-thread task while the batch ran, with how many went over 50 and 100 ms.
 * @param {import('@playwright/test').Page} page @param {string} id @param {string} what
 * @returns {Promise<import('../lib/figures.mjs').Row>}
 */
async function longTaskRow(page, id, what) {
  /** @type {number[]} */
  const tasks = await page.evaluate(() => /** @type {any} */ (globalThis).__benchLongTasks ?? []);
  const over100 = tasks.filter((ms) => ms > 100).length;
  return {
    id,
    section: 'batch',
    label: `Longest main-thread task during the ${what} (PerformanceObserver 'longtask')`,
    unit: 'ms',
    median: tasks.length > 0 ? Math.max(...tasks) : 0,
    min: null,
    max: null,
    n: tasks.length,
    note: `${tasks.length} tasks over 50 ms, ${over100} over 100 ms`,
  };
}

/**
 * The page's memory (JS heaps and DOM of the page and its workers) as the browser reports it; null with the reason
 * when the API is missing or does not answer in time.
 * @param {import('@playwright/test').Page} page @param {string} id @param {string} what
 * @returns {Promise<import('../lib/figures.mjs').Row>}
 */
async function pageMemory(page, id, what) {
  const label = `Page memory after the ${what} (performance.measureUserAgentSpecificMemory)`;
  const cdp = await page.context().newCDPSession(page);
  const nudge = setInterval(() => cdp.send('HeapProfiler.collectGarbage').catch(() => {}), 2000);
  try {
    const r = await page.evaluate(async () => {
      /** @type {any} */
      const p = performance;
      if (!self.crossOriginIsolated || typeof p.measureUserAgentSpecificMemory !== 'function')
        return { error: 'measureUserAgentSpecificMemory is not available (needs crossOriginIsolated)' };
      const timeout = new Promise((resolve) => setTimeout(() => resolve({ error: 'no answer within 120 s' }), 120_000));
      const m = await Promise.race([p.measureUserAgentSpecificMemory(), timeout]);
      if ('error' in m) return m;
      /** @type {Record<string, number>} */
      const byType = {};
      for (const b of m.breakdown) for (const t of b.types) byType[t] = (byType[t] ?? 0) + b.bytes / b.types.length;
      return { bytes: m.bytes, byType };
    });
    if ('error' in r) return nullRow(id, 'batch', label, 'bytes', r.error);
    const parts = Object.entries(r.byType)
      .map(([t, b]) => `${t} ${(b / MB).toFixed(1)} MB`)
      .join(', ');
    return { id, section: 'batch', label, unit: 'bytes', median: r.bytes, min: null, max: null, n: 1, note: parts };
  } catch (error) {
    return nullRow(id, 'batch', label, 'bytes', errorLine(error));
  } finally {
    clearInterval(nudge);
    await cdp.detach().catch(() => {});
  }
}
