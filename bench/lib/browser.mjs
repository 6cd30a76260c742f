// @ts-check
/**
 * Browser-side helpers: launching the system Chromium, instrumenting the app page (timestamps taken in the page
 * with performance.now(), navigation start = 0), reading a result card, and driving the bench/peer pages.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { chromium } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Installed before any page script: records when #app[data-ready=true] first appears, when a file input fires
 * `change` (per file name), and when each `[data-testid=result][data-status=done]` card (by data-file) appears.
 */
export function appInstrumentation() {
  /** @type {any} */
  const w = window;
  const b = {
    readyAt: /** @type {number | null} */ (null),
    start: /** @type {Record<string, number>} */ ({}),
    done: /** @type {Record<string, number>} */ ({}),
    error: /** @type {Record<string, number>} */ ({}),
    /** When the summary bar last said the batch had finished (results are virtualised: most cards never exist). */
    finishedAt: /** @type {number | null} */ (null),
  };
  w.__bench = b;
  const check = () => {
    const now = performance.now();
    const app = document.getElementById('app');
    if (b.readyAt === null && app?.dataset.ready === 'true') b.readyAt = now;
    for (const el of document.querySelectorAll(
      '[data-testid=result][data-status=done],[data-testid=result][data-status=error]',
    )) {
      const file = el.getAttribute('data-file');
      if (!file) continue;
      const bucket = el.getAttribute('data-status') === 'done' ? b.done : b.error;
      if (!(file in bucket)) bucket[file] = now;
    }
    const summary = document.querySelector('[data-testid=summary]');
    if (summary?.getAttribute('data-pending') !== '0') b.finishedAt = null;
    else b.finishedAt ??= now;
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-ready', 'data-status', 'data-pending'],
  });
  document.addEventListener(
    'change',
    (event) => {
      const now = performance.now();
      const target = event.target;
      if (target instanceof HTMLInputElement && target.type === 'file') {
        for (const file of Array.from(target.files ?? [])) b.start[file.name] = now;
      }
    },
    true,
  );
}

/**
 * @typedef {{ name: string, path: string }} Photo
 * @typedef {{ name: string, mimeType: string, buffer: Buffer }} FilePayload
 */

/** @type {Map<string, Buffer>} */
const bytesCache = new Map();
/** A photo as a file payload under a new, unique name (so each run gets its own card). @param {Photo} photo @param {string} tag */
export function payload(photo, tag) {
  let buffer = bytesCache.get(photo.path);
  if (!buffer) {
    buffer = readFileSync(photo.path);
    bytesCache.set(photo.path, buffer);
  }
  const base = basename(photo.name).replace(/\.[^.]+$/, '');
  return { name: `${base}--${tag}.jpg`, mimeType: 'image/jpeg', buffer };
}

/** @param {import('@playwright/test').Page} page @param {number} timeout */
export async function waitAppReady(page, timeout = 60_000) {
  await page.waitForFunction(
    () => {
      /** @type {any} */
      const w = window;
      return w.__bench?.readyAt != null || document.querySelector('[data-testid=model-error]') !== null;
    },
    undefined,
    { timeout, polling: 20 },
  );
  const state = await page.evaluate(() => {
    /** @type {any} */
    const w = window;
    const app = document.getElementById('app');
    return {
      readyAt: /** @type {number | null} */ (w.__bench.readyAt),
      error: document.querySelector('[data-testid=model-error]')?.textContent ?? null,
      threads: app?.dataset.threads ? Number(app.dataset.threads) : null,
      backend: app?.dataset.backend ?? null,
      model: app?.dataset.model ?? null,
    };
  });
  if (state.readyAt == null) throw new Error(`app did not get ready: ${state.error ?? 'no reason shown'}`);
  return state;
}

/**
 * Sets files on the app's photo input and waits until each has a done card, or (for a batch bigger than the screen,
 * whose cards are virtualised) until the summary says all are done. Returns per-file page timestamps.
 * @param {import('@playwright/test').Page} page @param {FilePayload[]} files @param {number} timeout
 */
export async function classifyInApp(page, files, timeout = 120_000) {
  const input = page.locator('[data-testid=photo-input]').or(page.locator('input[type=file][multiple]')).first();
  await input.setInputFiles(files);
  const names = files.map((f) => f.name);
  // Waits inside the page, woken by its own DOM changes: polling on every animation frame (waitForFunction's 'raf')
  // ran the check on the app's main thread ~60 times a second, competing with the app for the CPU during its
  // inference (~2 ms of e2e on the 2-core VM), which the peers, awaited through a promise, never had.
  await page.evaluate(
    ([ns, ms]) =>
      new Promise((resolve, reject) => {
        /** @type {any} */
        const b = /** @type {any} */ (window).__bench;
        const finished = () => {
          const summary = document.querySelector('[data-testid=summary]');
          const all = Number(summary?.getAttribute('data-done')) + Number(summary?.getAttribute('data-errors'));
          return ns.every((n) => n in b.done || n in b.error) || (b.finishedAt != null && all >= ns.length);
        };
        if (finished()) return resolve(undefined);
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`classifyInApp: not finished after ${ms} ms`));
        }, ms);
        // Created after appInstrumentation's observer, so it is told of each change after that one has recorded it.
        const observer = new MutationObserver(() => {
          if (!finished()) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve(undefined);
        });
        observer.observe(document, { subtree: true, childList: true, attributes: true });
      }),
    /** @type {const} */ ([names, timeout]),
  );
  return page.evaluate((ns) => {
    /** @type {any} */
    const b = /** @type {any} */ (window).__bench;
    const failed = Number(document.querySelector('[data-testid=summary]')?.getAttribute('data-errors') ?? 0);
    // The app marks its latest answer (in the page's hands, before its card is drawn) with the file's name.
    const answerMark = /** @type {PerformanceMark | undefined} */ (
      performance.getEntriesByName('onsight:answer').at(-1)
    );
    return ns.map((n) => {
      const card = [...document.querySelectorAll('[data-testid=result]')].find(
        (el) => el.getAttribute('data-file') === n,
      );
      /** @type {Record<string, string>} */
      const shown = {};
      if (card) {
        for (const dt of card.querySelectorAll('dl.timings dt, dl dt')) {
          const dd = dt.nextElementSibling;
          if (dd) shown[(dt.textContent ?? '').trim().toLowerCase()] = (dd.textContent ?? '').trim();
        }
      }
      const top = card
        ? [...card.querySelectorAll('[data-testid=prediction]')].map((p) =>
            (p.textContent ?? '').trim().replace(/\s+/g, ' '),
          )
        : [];
      return {
        name: n,
        start: /** @type {number} */ (b.start[n]),
        done: /** @type {number | undefined} */ (b.done[n] ?? (n in b.error || failed > 0 ? undefined : b.finishedAt)),
        answer: answerMark?.detail === n ? answerMark.startTime : undefined,
        error:
          n in b.error
            ? (card?.querySelector('[data-testid=error]')?.textContent ?? 'error')
            : b.done[n] == null && failed > 0
              ? `${failed} photos failed (from the summary; this card was not in view)`
              : null,
        shown,
        top,
      };
    });
  }, names);
}

/** Parses "12.3 ms" / "123 ms" / "1.2 s" as milliseconds. @param {string | undefined} text */
export function parseMs(text) {
  if (!text) return null;
  const m = /([\d.]+)\s*(ms|s)\b/.exec(text.replace(/,/g, ''));
  if (!m) return null;
  const value = Number(m[1]);
  return m[2] === 's' ? value * 1000 : value;
}

/** Removes all cards between runs so the page does not grow (clicks "Clear all" when the UI has one). @param {import('@playwright/test').Page} page */
export async function clearCards(page) {
  const button = page.getByRole('button', { name: /clear all/i });
  if ((await button.count()) === 0) return;
  await button.first().click();
  // The page may render the cleared list a frame later; a batch counted from a summary still showing the last one's
  // photos would wait for them forever.
  await page.waitForFunction(
    () => !document.querySelector('[data-testid=summary]') && !document.querySelector('[data-testid=result]'),
    undefined,
    { timeout: 10_000 },
  );
}

/** @param {import('@playwright/test').Page} page @param {number} timeout */
export async function waitPeerReady(page, timeout = 120_000) {
  await page.waitForFunction(
    () => document.body?.dataset.ready === 'true' || document.body?.dataset.ready === 'error',
    undefined,
    {
      timeout,
      polling: 20,
    },
  );
  const state = await page.evaluate(() => {
    /** @type {any} */
    const w = window;
    return { error: /** @type {string | undefined} */ (w.peerError) ?? null, info: w.peer?.info ?? null };
  });
  if (state.error || !state.info) throw new Error(state.error ?? 'peer page published nothing');
  return state.info;
}

/** @param {import('@playwright/test').Page} page @param {string} photoUrl */
export function peerClassify(page, photoUrl) {
  return page.evaluate(
    (url) =>
      /** @type {Promise<{ ms: number, doneAt: number, decodeMs?: number, runMs?: number, top: { label: string, score: number }[] }>} */ (
        /** @type {any} */ (window).peer.classify(url)
      ),
    photoUrl,
  );
}

/**
 * Opens pages that stay open until `closeAll`, each in a browser context of its own: the per-photo contenders keep
 * theirs open through the batch, as one run's load.
 * @param {import('@playwright/test').Browser} browser
 */
export function pageOpener(browser) {
  /** @type {import('@playwright/test').BrowserContext[]} */
  const contexts = [];
  /** @param {string} url @param {boolean} [instrument] with appInstrumentation @param {import('@playwright/test').BrowserContextOptions} [options] */
  async function openPage(url, instrument = false, options = {}) {
    const context = await browser.newContext(options);
    contexts.push(context);
    if (instrument) await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }
  async function closeAll() {
    for (const context of contexts) await context.close().catch(() => {});
  }
  return { openPage, closeAll };
}
