#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: OnSight's overhead over the raw model, and peers on the same photos, in one headless Chromium.
 *
 *   npm run bench                              full run → bench/results/latest.json + a markdown table
 *   npm run bench -- --quick --iterations 1    smoke mode (1 photo, 3-photo batch, 1 cold start)
 *
 * Options: --iterations N (timed runs per photo, default 10), --warmup N (default 2), --cold N (cold starts,
 * default 5), --batch N (photos in the batch, default 100), --quick, --build (rebuild the app's dist/ first),
 * --out FILE (default bench/results/latest.json), --dist DIR (the app build to measure, default dist/). Env: BENCH_ITERATIONS, BENCH_QUICK=1.
 * See bench/README.md for what each figure means.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as addModel } from '../tools/model-add.mjs';
import {
  appInstrumentation,
  classifyInApp,
  clearCards,
  launch,
  parseMs,
  payload,
  peerClassify,
  waitAppReady,
  waitPeerReady,
} from './lib/browser.mjs';
import { assembleAppSite, assembleBenchSite, make12mp, makeHfModel } from './lib/prepare.mjs';
import { categorize, duplicates, startCountingProxy } from './lib/proxy.mjs';
import { markdown } from './lib/report.mjs';
import { ratio, summarize } from './lib/stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const SHARED = resolve(ROOT, process.env.ONSIGHT_SHARED ?? '../shared');
const ZOO_ID = 'imagenet-mobilenetv2-zoo';

// ---------------------------------------------------------------------------------------------------------------
// Options

/** @param {string[]} argv */
function parseArgs(argv) {
  const o = {
    iterations: Number(process.env.BENCH_ITERATIONS ?? 10),
    warmup: 2,
    cold: 5,
    batch: 100,
    quick: process.env.BENCH_QUICK === '1',
    build: false,
    out: join(BENCH, 'results', 'latest.json'),
    dist: join(ROOT, 'dist'),
  };
  let coldSet = false;
  let warmupSet = false;
  let batchSet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.split('=', 2);
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--iterations') o.iterations = Number(value());
    else if (flag === '--warmup') {
      o.warmup = Number(value());
      warmupSet = true;
    } else if (flag === '--cold') {
      o.cold = Number(value());
      coldSet = true;
    } else if (flag === '--batch') {
      o.batch = Number(value());
      batchSet = true;
    } else if (flag === '--quick') o.quick = true;
    else if (flag === '--build') o.build = true;
    else if (flag === '--out') o.out = resolve(value());
    else if (flag === '--dist') o.dist = resolve(value());
    else if (flag === '--help' || flag === '-h') {
      console.log(
        'Usage: npm run bench -- [--iterations N] [--warmup N] [--cold N] [--batch N] [--quick] [--build] [--out FILE] [--dist DIR]',
      );
      process.exit(0);
    } else throw new Error(`bench: unknown option ${arg}`);
  }
  if (o.quick) {
    if (!coldSet) o.cold = 1;
    if (!warmupSet) o.warmup = 1;
    if (!batchSet) o.batch = 3;
  }
  for (const k of /** @type {const} */ (['iterations', 'cold', 'batch'])) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`bench: --${k} needs a whole number ≥ 1`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------------------------------------------------------
// Results

/**
 * @typedef {{ id: string, section: string, label: string, unit: string, median: number | null, min: number | null,
 *   max: number | null, n: number, reason?: string, note?: string }} Row
 */
/** @type {Row[]} */
const rows = [];
/** @type {Record<string, any>} */
const details = {};
/** @type {string[]} */
const notes = [];

/** @param {string} id @param {string} section @param {string} label @param {string} unit @param {number[]} values @param {string} [note] */
function addRow(id, section, label, unit, values, note) {
  const s = summarize(values);
  /** @type {Row} */
  const row = { id, section, label, unit, ...s };
  if (s.median == null) row.reason = 'no samples';
  if (note) row.note = note;
  rows.push(row);
  return row;
}
/** @param {string} id @param {string} section @param {string} label @param {string} unit @param {string} reason */
function nullRow(id, section, label, unit, reason) {
  rows.push({ id, section, label, unit, median: null, min: null, max: null, n: 0, reason });
}
/** @param {string} id */
const med = (id) => rows.find((r) => r.id === id)?.median ?? null;
/** @param {string} id */
const has = (id) => rows.some((r) => r.id === id);

/**
 * Runs one section; on failure every row it promised becomes null with the error as its reason.
 * @param {string} name @param {{ id: string, section: string, label: string, unit: string }[]} promised @param {() => Promise<void>} fn
 */
async function section(name, promised, fn) {
  const t0 = Date.now();
  console.error(`bench: ${name}…`);
  try {
    await fn();
  } catch (error) {
    const reason = `${name} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    console.error(`bench: ${reason}`);
    for (const p of promised) if (!has(p.id)) nullRow(p.id, p.section, p.label, p.unit, reason);
  }
  console.error(`bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** @param {string} message @returns {never} */
function fail(message) {
  throw new Error(message);
}

/**
 * Appends to a list kept under a key, creating it on first use.
 * @template T @param {Record<string, T[]>} map @param {string} key @param {T} value
 */
function pushTo(map, key, value) {
  const list = map[key] ?? [];
  list.push(value);
  map[key] = list;
}

// ---------------------------------------------------------------------------------------------------------------
// Setup: peers, builds, temp files, servers

/** @param {string} cmd @param {string[]} args @param {Record<string, string>} [extraEnv] */
function sh(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...extraEnv },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function ensurePeers() {
  const peers = join(BENCH, 'peers');
  const ok = ['nsfwjs', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@huggingface/transformers'].every((p) =>
    existsSync(join(peers, 'node_modules', p, 'package.json')),
  );
  if (ok) return;
  console.error('bench: installing peers into bench/peers/node_modules (npm ci, ONNXRUNTIME_NODE_INSTALL=skip)');
  sh('npm', ['ci', '--prefix', 'bench/peers', '--no-audit', '--no-fund'], { ONNXRUNTIME_NODE_INSTALL: 'skip' });
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

/** @param {number} port */
async function waitForPort(port, timeoutMs = 15_000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => {
        c.destroy();
        res(true);
      });
      c.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on port ${port} did not start`);
}

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
/** @type {{ close: () => Promise<void> }[]} */
const proxies = [];
/** The project's own static server (tools/serve.mjs, COOP/COEP on) behind a byte-counting proxy. @param {string} dir @param {string[]} [extraArgs] */
async function serve(dir, extraArgs = /** @type {string[]} */ ([])) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'tools', 'serve.mjs'), dir, '--port', String(port), ...extraArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  await waitForPort(port);
  const proxy = await startCountingProxy(port);
  proxies.push(proxy);
  return { proxy, origin: `http://localhost:${proxy.port}` };
}

/** @param {string} browserVersion */
function machine(browserVersion) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    load_average_at_start: loadAtStart,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    browser: `Chromium ${browserVersion} (headless, /usr/bin/chromium)`,
  };
}

// ---------------------------------------------------------------------------------------------------------------

const started = new Date();
/** 1/5/15-minute load averages: other work on the machine makes every figure noisier. */
const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
const tmp = mkdtempSync(join(os.tmpdir(), 'onsight-bench-'));
const sharedPhotos = ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg']
  .map((name) => ({ name, path: join(SHARED, 'photos', name) }))
  .filter((p) => existsSync(p.path));
/** @type {{ name: string, path: string }} */
const firstPhoto = sharedPhotos[0] ?? fail(`bench: no photos in ${join(SHARED, 'photos')}`);
const photos = opts.quick ? [firstPhoto] : sharedPhotos;
const big = { name: 'eagle-12mp.jpg', path: join(tmp, 'eagle-12mp.jpg') };

/** @type {import('@playwright/test').Browser | undefined} */
let browser;
try {
  ensurePeers();
  const appDist = opts.dist;
  if (opts.build || !existsSync(join(appDist, 'index.html'))) {
    console.error(`bench: building the app into ${appDist}`);
    sh('npm', ['run', 'build', '--', '--outDir', appDist]);
  }
  console.error('bench: building the bench pages (vite build --config bench/vite.config.ts)');
  sh(process.execPath, [
    join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    'bench/vite.config.ts',
  ]);

  await make12mp(join(SHARED, 'photos', 'eagle.jpg'), big.path);
  const hfModels = join(tmp, 'hf-models');
  makeHfModel(join(SHARED, 'models', ZOO_ID), join(hfModels, ZOO_ID));

  // The app is served from a copy of dist/ (so a rebuild of dist/ during the run cannot change what is measured),
  // with the zoo model added to the copy by `npm run model:add` itself — the route a model author takes — so
  // `?model=` finds it. Its spec comes from labels.txt and the ImageNet defaults, as documented in its SOURCE.md.
  const zooName = 'ImageNet MobileNetV2 (ONNX Model Zoo, int8)';
  const zooDir = join(SHARED, 'models', ZOO_ID);
  const appSite = assembleAppSite(appDist, join(tmp, 'app'));
  await addModel([
    join(zooDir, 'model.onnx'),
    '--labels',
    join(zooDir, 'labels.txt'),
    '--id',
    ZOO_ID,
    '--name',
    zooName,
    '--kind',
    'logits',
    '--license',
    'Apache-2.0',
    '--out',
    join(appSite, 'models'),
  ]);
  const appIndex = JSON.parse(readFileSync(join(appSite, 'models', 'index.json'), 'utf8'));
  const defaultEntry =
    appIndex.models.find((/** @type {{id: string}} */ m) => m.id === appIndex.default) ?? appIndex.models[0];
  const defaultModelPath = join(appSite, defaultEntry.url);
  details.default_model = {
    id: defaultEntry.id,
    url: defaultEntry.url,
    bytes: readFileSync(defaultModelPath).byteLength,
  };
  assembleBenchSite({
    benchDist: join(BENCH, 'dist'),
    peersDir: join(BENCH, 'peers'),
    models: { 'default.onnx': defaultModelPath, 'zoo.onnx': join(SHARED, 'models', ZOO_ID, 'model.onnx') },
    photos: [...sharedPhotos.map((p) => p.path), big.path],
    hfModels,
  });

  const app = await serve(appSite);
  const bench = await serve(join(BENCH, 'dist'));
  const br = await launch();
  browser = br;
  const browserVersion = br.version();
  details.machine = machine(browserVersion);

  const allPhotos = [...photos, big];
  const peerUrl = (/** @type {string} */ page, /** @type {string} */ query) =>
    `${bench.origin}/peers/src/${page}.html?${query}`;
  /** @typedef {import('@playwright/test').Page} Page */

  // ---- The app's thread count (everything else is matched to it) ------------------------------------------------
  /** @type {number | null} */
  let appThreads = null;
  await section('OnSight: thread count', [], async () => {
    const context = await br.newContext();
    await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(`${app.origin}/`);
    const state = await waitAppReady(page);
    appThreads = state.threads;
    details.app = { backend: state.backend, threads: state.threads, model: state.model };
    await context.close();
  });
  const threads = appThreads ?? os.cpus().length;
  if (appThreads == null)
    notes.push(
      `The app's thread count was not read (no data-threads); peers and the floor used ${threads} (the core count).`,
    );
  details.threads_used_for_floor_and_peers = threads;

  // ---- 1. Cold starts, interleaved: run c of every contender before run c + 1 of any ------------------------------
  /**
   * @typedef {{ key: string, who: string, url: string, server: { proxy: Awaited<ReturnType<typeof startCountingProxy>> },
   *   repeat: boolean, visit: (page: Page) => Promise<{ readyAt: number, firstResultAt: number }> }} ColdContender
   */
  /** @param {{ name: string, path: string }} photo */
  const appVisit = (photo) => async (/** @type {Page} */ page) => {
    const s = await waitAppReady(page);
    const [r] = await classifyInApp(page, [payload(photo, 'cold')]);
    if (!r || r.done == null) throw new Error(`first result: ${r?.error ?? 'none'}`);
    return { readyAt: /** @type {number} */ (s.readyAt), firstResultAt: r.done };
  };
  /** @param {string} key */
  const peerVisit = (key) => async (/** @type {Page} */ page) => {
    const info = await waitPeerReady(page);
    details[`${key}_info`] = info;
    const r = await peerClassify(page, `/photos/${firstPhoto.name}`);
    return { readyAt: info.readyAt, firstResultAt: r.doneAt };
  };
  const zooWho = `OnSight (${ZOO_ID})`;
  /** @type {ColdContender[]} */
  const coldContenders = [
    {
      key: 'app',
      who: 'OnSight (default model)',
      url: `${app.origin}/`,
      server: app,
      repeat: true,
      visit: appVisit(firstPhoto),
    },
    {
      key: 'nsfwjs.webgl',
      who: 'nsfwjs 4.4.0 + TF.js 4.22 webgl',
      url: peerUrl('nsfwjs', `backend=webgl&threads=${threads}`),
      server: bench,
      repeat: false,
      visit: peerVisit('nsfwjs.webgl'),
    },
    {
      key: 'nsfwjs.wasm',
      who: 'nsfwjs 4.4.0 + TF.js 4.22 wasm',
      url: peerUrl('nsfwjs', `backend=wasm&threads=${threads}`),
      server: bench,
      repeat: false,
      visit: peerVisit('nsfwjs.wasm'),
    },
    {
      key: 'transformersjs',
      who: 'Transformers.js 4.3.1 (wasm)',
      url: peerUrl('transformers', `model=${ZOO_ID}&threads=${threads}`),
      server: bench,
      repeat: false,
      visit: peerVisit('transformersjs'),
    },
    {
      key: 'app_zoo',
      who: zooWho,
      url: `${app.origin}/?model=${ZOO_ID}`,
      server: app,
      repeat: false,
      visit: appVisit(firstPhoto),
    },
  ];
  /** @type {Record<string, Record<string, number[]>>} */
  const coldAcc = {};
  /** @type {Record<string, string>} */
  const coldFailed = {};
  /** @type {Record<string, boolean>} */
  const swControlled = {};
  /** @type {Set<string>} */
  const dupes = new Set();
  /** @param {ColdContender} k */
  async function coldOnce(k) {
    const acc = coldAcc[k.key] ?? {};
    coldAcc[k.key] = acc;
    const push = (/** @type {string} */ name, /** @type {number} */ v) => pushTo(acc, name, v);
    const context = await br.newContext();
    try {
      await context.addInitScript(appInstrumentation);
      let page = await context.newPage();
      await k.server.proxy.idleFor(300, 3000);
      k.server.proxy.reset();
      await page.goto(k.url);
      const first = await k.visit(page);
      const transfers = k.server.proxy.transfers();
      for (const d of duplicates(transfers)) dupes.add(`${k.who}: ${d}`);
      push('first.ready', first.readyAt);
      push('first.result', first.firstResultAt);
      for (const [name, v] of Object.entries(categorize(transfers))) push(`first.bytes.${name}`, v);
      await k.server.proxy.idleFor(1000);
      push('first.bytes_settled', categorize(k.server.proxy.transfers()).total);
      if (!k.repeat) return;
      // Let a service worker (if the app registers one) finish installing before the second visit.
      await page.evaluate(async () => {
        const reg = await navigator.serviceWorker?.getRegistration();
        if (!reg) return;
        await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 15_000))]);
      });
      await k.server.proxy.idleFor(1000);
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
  await section('cold starts (interleaved)', [], async () => {
    for (let c = 0; c < opts.cold; c++) {
      for (const k of coldContenders) {
        if (coldFailed[k.key]) continue;
        try {
          await coldOnce(k);
        } catch (error) {
          coldFailed[k.key] =
            `${k.who}, cold start failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
          console.error(`bench: ${coldFailed[k.key]}`);
        }
      }
    }
  });
  /** @param {Record<string, number[]>} acc @param {string} visit */
  function bytesNote(acc, visit) {
    const m = (/** @type {string} */ k) => summarize(acc[`${visit}.bytes.${k}`] ?? []).median ?? 0;
    const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(2)} MB`;
    return `js ${mb(m('js'))}, wasm ${mb(m('wasm'))}, model ${mb(m('model'))}, other ${mb(m('other'))} (raw bytes on the wire incl. headers; the server does not compress)`;
  }
  for (const k of coldContenders) {
    const acc = coldAcc[k.key] ?? {};
    const sec = 'cold';
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
          swControlled[k.key]
            ? 'page controlled by the service worker'
            : 'no service worker in control (HTTP cache only)',
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
    for (const [id, accKey, label, unit, note] of defs) {
      const values = acc[accKey] ?? [];
      if (values.length === 0)
        nullRow(`${k.key}.${id}`, sec, `${k.who}: ${label}`, unit, coldFailed[k.key] ?? 'not measured');
      else addRow(`${k.key}.${id}`, sec, `${k.who}: ${label}`, unit, values, note);
    }
    details[`${k.key}_bytes`] = Object.fromEntries(
      Object.entries(acc)
        .filter(([name]) => name.includes('bytes'))
        .map(([name, v]) => [name, summarize(v).median]),
    );
  }
  if (dupes.size > 0) notes.push(`First visit, files the server sent more than once: ${[...dupes].join('; ')}.`);

  // ---- 2. Warm per-photo latency, interleaved: every contender classifies photo p before any moves on ---------------
  /**
   * @typedef {{ key: string, who: string, photos: { name: string, path: string }[], open: () => Promise<void>,
   *   once: (photo: { name: string, path: string }, tag: string) => Promise<void>, failed?: string }} Contender
   */
  /** @type {import('@playwright/test').BrowserContext[]} */
  const warmContexts = [];
  /** @param {string} url @param {boolean} [instrument] @param {import('@playwright/test').BrowserContextOptions} [options] */
  async function openPage(url, instrument = false, options = {}) {
    const context = await br.newContext(options);
    warmContexts.push(context);
    if (instrument) await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }
  /** @type {Record<string, Record<string, Record<string, number[]>>>} per contender, per photo, per figure */
  const warm = {};
  /** @param {string} key @param {string} photo @param {string} figure @param {number} v */
  const record = (key, photo, figure, v) => {
    const byPhoto = warm[key] ?? {};
    warm[key] = byPhoto;
    const figures = byPhoto[photo] ?? {};
    byPhoto[photo] = figures;
    pushTo(figures, figure, v);
  };
  let recording = false;
  const shownKeys = new Set();

  /** An OnSight page: records e2e and the card's timings. @param {string} key @param {() => Promise<Page>} opener */
  const appContender = (key, opener) => {
    /** @type {Page | undefined} */
    let page;
    return {
      open: async () => {
        page = await opener();
      },
      /** @param {{ name: string, path: string }} p @param {string} tag */
      once: async (p, tag) => {
        if (!page) throw new Error('not open');
        const [r] = await classifyInApp(page, [payload(p, tag)]);
        await clearCards(page);
        if (!r || r.error || r.done == null) throw new Error(`${p.name}: ${r?.error ?? 'no result'}`);
        if (!recording) return;
        for (const k of Object.keys(r.shown)) shownKeys.add(k);
        const t = {
          e2e: r.done - r.start,
          decode: parseMs(r.shown.decode),
          preprocess: parseMs(r.shown.preprocess),
          inference: parseMs(r.shown.inference),
          postprocess: parseMs(r.shown.postprocess),
          total: parseMs(r.shown.total),
        };
        const known = (t.decode ?? 0) + (t.preprocess ?? 0) + (t.inference ?? 0) + (t.postprocess ?? 0);
        const all = { ...t, transfer: t.total != null ? t.total - known : null };
        for (const [figure, v] of Object.entries(all)) if (v != null) record(key, p.name, figure, v);
        const tops = details[`${key}_top`] ?? {};
        if (!tops[p.name]) details[`${key}_top`] = { ...tops, [p.name]: r.top.slice(0, 5) };
      },
    };
  };
  /** @param {string} key @param {string} url */
  const peerContender = (key, url) => {
    /** @type {Page | undefined} */
    let page;
    return {
      open: async () => {
        page = await openPage(url);
        await waitPeerReady(page);
      },
      /** @param {{ name: string, path: string }} p */
      once: async (p) => {
        if (!page) throw new Error('not open');
        const r = await peerClassify(page, `/photos/${p.name}`);
        if (!recording) return;
        record(key, p.name, 'e2e', r.ms);
        const tops = details[`${key}_top`] ?? {};
        if (!tops[p.name]) details[`${key}_top`] = { ...tops, [p.name]: r.top };
      },
    };
  };
  /** The floor page at `n` threads: per photo one session.run, and (at the app's count) one decode of the photo. @param {string} key @param {number} n */
  const floorContender = (key, n) => {
    /** @type {Page | undefined} */
    let page;
    return {
      open: async () => {
        page = await openPage(`${bench.origin}/pages/floor.html`);
        await page.waitForFunction(() => document.body?.dataset.ready === 'true');
        const info = await page.evaluate(
          ([url, t]) => /** @type {any} */ (window).floor.init(url, t),
          /** @type {const} */ ([`${bench.origin}/models/default.onnx`, n]),
        );
        details.floor = { ...details.floor, [`threads_${n}`]: info };
        addRow(
          `${key}.session_create`,
          'cold',
          `Floor: InferenceSession.create at ${n} thread${n === 1 ? '' : 's'} (model bytes in memory)`,
          'ms',
          [info.sessionCreateMs],
        );
        await page.evaluate(() => /** @type {any} */ (window).floor.run(3, 0));
      },
      /** @param {{ name: string, path: string }} p */
      once: async (p) => {
        if (!page) throw new Error('not open');
        const [ms] = await page.evaluate(
          () => /** @type {Promise<number[]>} */ (/** @type {any} */ (window).floor.run(0, 1)),
        );
        const dec =
          n === threads
            ? await page.evaluate(
                ([u]) => /** @type {Promise<number[]>} */ (/** @type {any} */ (window).floor.decode(u, 0, 1)),
                [`/photos/${p.name}`],
              )
            : [];
        if (!recording) return;
        if (ms != null) record(key, p.name, 'run', ms);
        if (dec[0] != null) record(key, p.name, 'decode', dec[0]);
      },
    };
  };

  let oneThreadHow = '?threads=1';
  /** @type {Contender[]} */
  const contenders = [
    {
      key: 'app',
      who: 'OnSight (default model)',
      photos: allPhotos,
      ...appContender('app', async () => {
        const page = await openPage(`${app.origin}/`, true);
        await waitAppReady(page);
        return page;
      }),
    },
    { key: 'floor', who: `Floor (${threads} threads)`, photos: allPhotos, ...floorContender('floor', threads) },
    ...(threads !== 1 ? [{ key: 'floor1', who: 'Floor (1 thread)', photos, ...floorContender('floor1', 1) }] : []),
    {
      key: 'app1',
      who: 'OnSight at 1 thread',
      photos,
      // Preferred: the app's own ?threads=1. When it does not honour that, serve the same build without COOP/COEP
      // (tools/serve.mjs --no-isolation) with service workers blocked: the page is then not crossOriginIsolated and
      // ORT can only use 1 thread — the app itself, just without threads.
      ...appContender('app1', async () => {
        let page = await openPage(`${app.origin}/?threads=1`, true);
        let state = await waitAppReady(page);
        if (state.threads !== 1) {
          const plain = await serve(appSite, ['--no-isolation']);
          oneThreadHow = `served without COOP/COEP (the app ignores ?threads=1; it reported data-threads=${state.threads})`;
          page = await openPage(`${plain.origin}/`, true, { serviceWorkers: 'block' });
          state = await waitAppReady(page);
        }
        if (state.threads !== 1)
          throw new Error(`could not get the app onto 1 thread (data-threads=${state.threads} even without COOP/COEP)`);
        return page;
      }),
    },
    {
      key: 'nsfwjs.webgl',
      who: 'nsfwjs 4.4.0 + TF.js 4.22 webgl',
      photos,
      ...peerContender('nsfwjs.webgl', peerUrl('nsfwjs', `backend=webgl&threads=${threads}`)),
    },
    {
      key: 'nsfwjs.wasm',
      who: 'nsfwjs 4.4.0 + TF.js 4.22 wasm',
      photos,
      ...peerContender('nsfwjs.wasm', peerUrl('nsfwjs', `backend=wasm&threads=${threads}`)),
    },
    {
      key: 'transformersjs',
      who: 'Transformers.js 4.3.1 (wasm)',
      photos,
      ...peerContender('transformersjs', peerUrl('transformers', `model=${ZOO_ID}&threads=${threads}`)),
    },
    {
      key: 'app_zoo',
      who: zooWho,
      photos,
      ...appContender('app_zoo', async () => {
        const page = await openPage(`${app.origin}/?model=${ZOO_ID}`, true);
        const state = await waitAppReady(page);
        if (state.model !== ZOO_ID) throw new Error(`?model=${ZOO_ID} loaded "${state.model}" instead`);
        return page;
      }),
    },
  ];
  /** @param {Contender} c @param {() => Promise<void>} fn */
  async function guarded(c, fn) {
    if (c.failed) return;
    try {
      await fn();
    } catch (error) {
      c.failed = `${c.who} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      console.error(`bench: ${c.failed}`);
    }
  }
  await section('per-photo latency (interleaved)', [], async () => {
    for (const c of contenders) await guarded(c, c.open);
    for (let w = 0; w < opts.warmup; w++) {
      for (const p of allPhotos)
        for (const c of contenders) if (c.photos.includes(p)) await guarded(c, () => c.once(p, `w${w}`));
    }
    recording = true;
    for (let i = 0; i < opts.iterations; i++) {
      for (const p of allPhotos)
        for (const c of contenders) if (c.photos.includes(p)) await guarded(c, () => c.once(p, `i${i}`));
    }
  });
  const failedReason = (/** @type {string} */ key) => contenders.find((c) => c.key === key)?.failed ?? 'not measured';
  /** @param {string} key @param {string} figure @param {readonly { name: string }[]} list */
  const pool = (key, figure, list) => list.flatMap((p) => warm[key]?.[p.name]?.[figure] ?? []);
  /** @param {string} id @param {string} section @param {string} label @param {string} unit @param {number[]} values @param {string} key @param {string} [note] */
  const rowOrNull = (id, section, label, unit, values, key, note) =>
    values.length > 0
      ? addRow(id, section, label, unit, values, note)
      : nullRow(id, section, label, unit, failedReason(key));

  // Overhead rows (default model)
  const postShown = shownKeys.has('postprocess');
  details.app = { ...details.app, card_timings_shown: [...shownKeys] };
  for (const [set, list, what] of /** @type {const} */ ([
    ['shared', photos, 'shared photos'],
    ['12mp', [big], '12 MP photo'],
  ])) {
    rowOrNull(
      `app.e2e.${set}`,
      'overhead',
      `OnSight e2e, file → top-5 on screen (${what})`,
      'ms',
      pool('app', 'e2e', list),
      'app',
    );
    for (const b of ['decode', 'preprocess', 'inference', 'postprocess', 'transfer', 'total']) {
      const values = pool('app', b, list);
      const id = `app.${b}.${set}`;
      if (b === 'postprocess' && !postShown)
        nullRow(
          id,
          'overhead',
          `OnSight postprocess (${what})`,
          'ms',
          'the result card does not show postprocessMs; it is inside "transfer"',
        );
      else if (values.length === 0)
        nullRow(
          id,
          'overhead',
          `OnSight ${b} (${what})`,
          'ms',
          contenders[0]?.failed ??
            `the result card does not show ${b} (shown: ${[...shownKeys].join(', ') || 'nothing'})`,
        );
      else {
        const label =
          b === 'transfer'
            ? `OnSight transfer${postShown ? '' : ' + postprocess'} (total − decode − preprocess − inference${postShown ? ' − postprocess' : ''}) (${what})`
            : `OnSight ${b} (${what})`;
        addRow(
          id,
          'overhead',
          label,
          'ms',
          values,
          b === 'total' ? 'as the card shows it (ClassifyResult.timings.totalMs)' : undefined,
        );
      }
    }
  }
  for (const p of photos)
    rowOrNull(`app.e2e.photo.${p.name}`, 'overhead', `OnSight e2e (${p.name})`, 'ms', pool('app', 'e2e', [p]), 'app');
  const floorInfo = details.floor?.[`threads_${threads}`];
  rowOrNull(
    'floor.run',
    'overhead',
    `Floor: session.run, pre-made tensor (${threads} thread${threads === 1 ? '' : 's'})`,
    'ms',
    pool('floor', 'run', allPhotos),
    'floor',
    floorInfo
      ? `ORT ${floorInfo.ortVersion}, ${floorInfo.inputType} ${JSON.stringify(floorInfo.inputShape)}`
      : undefined,
  );
  rowOrNull(
    'floor.decode.shared',
    'overhead',
    'Floor: createImageBitmap decode in a worker (shared photos)',
    'ms',
    pool('floor', 'decode', photos),
    'floor',
  );
  rowOrNull(
    'floor.decode.12mp',
    'overhead',
    'Floor: createImageBitmap decode in a worker (12 MP photo)',
    'ms',
    pool('floor', 'decode', [big]),
    'floor',
  );
  // Threads
  if (threads === 1)
    nullRow(
      'floor.run.1thread',
      'threads',
      'Floor: session.run, 1 thread',
      'ms',
      'the app itself uses 1 thread: floor.run is the 1-thread figure',
    );
  else
    rowOrNull(
      'floor.run.1thread',
      'threads',
      'Floor: session.run, 1 thread',
      'ms',
      pool('floor1', 'run', photos),
      'floor1',
    );
  rowOrNull(
    'app.e2e.shared.1thread',
    'threads',
    'OnSight e2e at 1 thread (shared photos)',
    'ms',
    pool('app1', 'e2e', photos),
    'app1',
    oneThreadHow,
  );
  // Peers
  for (const c of contenders.filter((x) =>
    ['nsfwjs.webgl', 'nsfwjs.wasm', 'transformersjs', 'app_zoo'].includes(x.key),
  )) {
    rowOrNull(
      `${c.key}.latency`,
      'peers',
      `${c.who}: file → top-5${c.key === 'app_zoo' ? ' on screen' : ''} (shared photos)`,
      'ms',
      pool(c.key, 'e2e', photos),
      c.key,
    );
  }

  // ---- 3. Batch: photos per second ----------------------------------------------------------------------------
  await section(
    'batch',
    [{ id: 'app.batch', section: 'batch', label: `OnSight batch of ${opts.batch} photos`, unit: 'photos/s' }],
    async () => {
      const page = await openPage(`${app.origin}/`, true);
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
      addRow(
        'app.batch',
        'batch',
        `OnSight: ${opts.batch} photos at once (cycling the shared photos), change event → last card done`,
        'photos/s',
        rates,
      );
    },
  );
  {
    const dec = med('floor.decode.shared');
    const run = med('floor.run');
    if (dec != null && run != null)
      rows.push({
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
      nullRow(
        'floor.batch',
        'batch',
        'Floor: 1 / (decode + session.run)',
        'photos/s',
        'floor decode or run was not measured',
      );
  }
  for (const context of warmContexts) await context.close().catch(() => {});
} catch (error) {
  notes.push(`Setup failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(error);
} finally {
  await browser?.close().catch(() => {});
  for (const proxy of proxies) await proxy.close().catch(() => {});
  for (const child of children) child.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Ratios (ours / theirs or ours / floor; medians; lower is better)

/** @type {Record<string, string>} */
const reasons = {};
/** @param {string} name @param {string} a @param {string | [string, string]} b @param {string} what */
function ratioOf(name, a, b, what) {
  let bId = typeof b === 'string' ? b : b[0];
  if (Array.isArray(b)) {
    const [x, y] = b;
    const mx = med(x);
    const my = med(y);
    bId = mx == null ? y : my == null ? x : mx <= my ? x : y;
  }
  const value = ratio(med(a), med(bId));
  if (value == null) {
    const missing = [a, bId].filter((id) => med(id) == null);
    reasons[name] =
      `not measured: ${missing.map((id) => `${id} (${rows.find((r) => r.id === id)?.reason ?? 'missing'})`).join('; ')}`;
  }
  details.ratios = details.ratios ?? {};
  details.ratios[name] = { value, numerator: a, denominator: bId, what };
  return value;
}

const result = {
  date: started.toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: {
    ...(details.machine ?? machine('unknown')),
    load_average_at_end: os.loadavg().map((x) => Math.round(x * 100) / 100),
  },
  settings: {
    iterations: opts.iterations,
    warmup: opts.warmup,
    cold_starts: opts.cold,
    batch: opts.batch,
    quick: opts.quick,
    photos: photos.map((p) => p.name),
    big_photo: '12 MP (4256×2832) upscaled from eagle.jpg with sharp, in a temp dir',
    threads: details.threads_used_for_floor_and_peers ?? null,
    served_by:
      'tools/serve.mjs (COOP/COEP, so every page — app, floor and peers — is crossOriginIsolated and may use threads), behind a byte-counting proxy',
  },
  overhead_ratio: ratioOf(
    'overhead_ratio',
    'app.e2e.shared',
    'floor.run',
    'OnSight e2e (file → top-5 on screen) / session.run on a pre-made tensor, shared photos, default model',
  ),
  overhead_ratio_12mp: ratioOf('overhead_ratio_12mp', 'app.e2e.12mp', 'floor.run', 'the same on the 12 MP photo'),
  threads_ratio_floor: ratioOf(
    'threads_ratio_floor',
    'floor.run',
    'floor.run.1thread',
    `floor session.run at the app's thread count / at 1 thread`,
  ),
  threads_ratio_app: ratioOf(
    'threads_ratio_app',
    'app.e2e.shared',
    'app.e2e.shared.1thread',
    'OnSight e2e at its own thread count / at 1 thread',
  ),
  batch_ratio: ratioOf(
    'batch_ratio',
    'floor.batch',
    'app.batch',
    'floor photos/s / OnSight photos/s (time per photo, ours / floor)',
  ),
  nsfwjs_latency_ratio: ratioOf(
    'nsfwjs_latency_ratio',
    'app.e2e.shared',
    ['nsfwjs.webgl.latency', 'nsfwjs.wasm.latency'],
    'OnSight default model / nsfwjs (faster backend), file → top-5',
  ),
  nsfwjs_cold_start_ratio: ratioOf(
    'nsfwjs_cold_start_ratio',
    'app.cold.first_result',
    ['nsfwjs.webgl.cold.first_result', 'nsfwjs.wasm.cold.first_result'],
    'navigation → first result, first visit; against the faster nsfwjs backend',
  ),
  nsfwjs_bytes_ratio: ratioOf(
    'nsfwjs_bytes_ratio',
    'app.cold.bytes',
    ['nsfwjs.webgl.cold.bytes', 'nsfwjs.wasm.cold.bytes'],
    'bytes until first result, first visit; against the smaller nsfwjs backend',
  ),
  transformersjs_latency_ratio: ratioOf(
    'transformersjs_latency_ratio',
    'app_zoo.latency',
    'transformersjs.latency',
    'same zoo model and photos: OnSight / Transformers.js, file → top-5',
  ),
  transformersjs_cold_start_ratio: ratioOf(
    'transformersjs_cold_start_ratio',
    'app_zoo.cold.first_result',
    'transformersjs.cold.first_result',
    'navigation → first result, first visit, zoo model',
  ),
  transformersjs_bytes_ratio: ratioOf(
    'transformersjs_bytes_ratio',
    'app_zoo.cold.bytes',
    'transformersjs.cold.bytes',
    'bytes until first result, first visit, zoo model',
  ),
  reasons,
  notes,
  rows,
  details,
};
// batch_ratio is floor/app in photos/s, i.e. app time per photo / floor time per photo: lower is better like the rest.

mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(markdown(result));
console.error(
  `bench: wrote ${opts.out} (${basename(opts.out)}) in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
);
process.exit(0);
