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
import { appInstrumentation, classifyInApp, clearCards, launch, parseMs, payload, peerClassify, waitAppReady, waitPeerReady } from './lib/browser.mjs';
import { assembleAppSite, assembleBenchSite, make12mp, makeHfModel, makeZooForApp } from './lib/prepare.mjs';
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
    }
    else if (flag === '--quick') o.quick = true;
    else if (flag === '--build') o.build = true;
    else if (flag === '--out') o.out = resolve(value());
    else if (flag === '--dist') o.dist = resolve(value());
    else if (flag === '--help' || flag === '-h') {
      console.log('Usage: npm run bench -- [--iterations N] [--warmup N] [--cold N] [--batch N] [--quick] [--build] [--out FILE] [--dist DIR]');
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

/** Classifies each photo `times` times, untimed (warm-up). @param {import('@playwright/test').Page} page @param {{ name: string, path: string }[]} list @param {number} times */
async function warmUp(page, list, times) {
  for (const p of list) {
    for (let w = 0; w < times; w++) {
      await classifyInApp(page, [payload(p, `w${w}`)]);
      await clearCards(page);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Setup: peers, builds, temp files, servers

/** @param {string} cmd @param {string[]} args @param {Record<string, string>} [extraEnv] */
function sh(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...extraEnv } });
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
  const child = spawn(process.execPath, [join(ROOT, 'tools', 'serve.mjs'), dir, '--port', String(port), ...extraArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
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
  sh(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'bench/vite.config.ts']);

  await make12mp(join(SHARED, 'photos', 'eagle.jpg'), big.path);
  const hfModels = join(tmp, 'hf-models');
  makeHfModel(join(SHARED, 'models', ZOO_ID), join(hfModels, ZOO_ID));

  // The app is served from a copy of dist/ (so a rebuild of dist/ during the run cannot change what is measured)
  // with the zoo model registered in its models/index.json (for ?model=). The zoo model's spec is embedded in the
  // copy's metadata_props (onsight.spec), as `npm run model:add` does.
  const zooName = 'ImageNet MobileNetV2 (ONNX Model Zoo, int8)';
  const zooForApp = makeZooForApp(join(SHARED, 'models', ZOO_ID), ZOO_ID, zooName, join(tmp, 'zoo-app', 'model.onnx'));
  const appSite = assembleAppSite(appDist, join(tmp, 'app'), [{ id: ZOO_ID, name: zooName, file: zooForApp }]);
  const appIndex = JSON.parse(readFileSync(join(appSite, 'models', 'index.json'), 'utf8'));
  const defaultEntry = appIndex.models.find((/** @type {{id: string}} */ m) => m.id === appIndex.default) ?? appIndex.models[0];
  const defaultModelPath = join(appSite, defaultEntry.url);
  details.default_model = { id: defaultEntry.id, url: defaultEntry.url, bytes: readFileSync(defaultModelPath).byteLength };
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
  let appThreads = /** @type {number | null} */ (null);

  // ---- 1. OnSight per photo, default model ------------------------------------------------------------------
  const breakdown = ['decode', 'preprocess', 'inference', 'postprocess', 'transfer', 'total'];
  const appPromised = [
    { id: 'app.e2e.shared', section: 'overhead', label: 'OnSight e2e, file → top-5 on screen (shared photos)', unit: 'ms' },
    { id: 'app.e2e.12mp', section: 'overhead', label: 'OnSight e2e (12 MP photo)', unit: 'ms' },
    ...['shared', '12mp'].flatMap((set) => breakdown.map((b) => ({ id: `app.${b}.${set}`, section: 'overhead', label: `OnSight ${b} (${set})`, unit: 'ms' }))),
  ];
  await section('OnSight per-photo latency (default model)', appPromised, async () => {
    const context = await br.newContext();
    await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(`${app.origin}/`);
    const state = await waitAppReady(page);
    appThreads = state.threads;
    details.app = { backend: state.backend, threads: state.threads, model: state.model };
    await warmUp(page, allPhotos, opts.warmup);
    /** @type {Record<string, Record<string, number[]>>} */
    const acc = {};
    const shownKeys = new Set();
    for (let i = 0; i < opts.iterations; i++) {
      for (const p of allPhotos) {
        const [r] = await classifyInApp(page, [payload(p, `i${i}`)]);
        await clearCards(page);
        if (!r || r.error || r.done == null) throw new Error(`${p.name}: ${r?.error ?? 'no result'}`);
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
        const row = { ...t, transfer: t.total != null ? t.total - known : null };
        const bucket = acc[p.name] ?? {};
        acc[p.name] = bucket;
        for (const [k, v] of Object.entries(row)) if (v != null) pushTo(bucket, k, v);
        if (i === 0) details.app.top = { ...details.app.top, [p.name]: r.top.slice(0, 5) };
      }
    }
    details.app.card_timings_shown = [...shownKeys];
    const pool = (/** @type {string} */ k, /** @type {readonly {name: string}[]} */ set) => set.flatMap((p) => acc[p.name]?.[k] ?? []);
    const postShown = shownKeys.has('postprocess');
    for (const [set, list] of /** @type {const} */ ([['shared', photos], ['12mp', [big]]])) {
      addRow(`app.e2e.${set}`, 'overhead', `OnSight e2e, file → top-5 on screen (${set === 'shared' ? 'shared photos' : '12 MP photo'})`, 'ms', pool('e2e', list));
      for (const b of breakdown) {
        const values = pool(b, list);
        const id = `app.${b}.${set}`;
        if (b === 'postprocess' && !postShown) nullRow(id, 'overhead', `OnSight postprocess (${set})`, 'ms', 'the result card does not show postprocessMs; it is inside "transfer"');
        else if (values.length === 0) nullRow(id, 'overhead', `OnSight ${b} (${set})`, 'ms', `the result card does not show ${b} (shown: ${[...shownKeys].join(', ') || 'nothing'})`);
        else
          addRow(id, 'overhead', `OnSight ${b}${b === 'transfer' ? (postShown ? ' (total − decode − preprocess − inference − postprocess)' : ' + postprocess (total − decode − preprocess − inference)') : ''} (${set})`, 'ms', values, b === 'total' ? 'as the card shows it (ClassifyResult.timings.totalMs)' : undefined);
      }
    }
    for (const p of photos) addRow(`app.e2e.photo.${p.name}`, 'overhead', `OnSight e2e (${p.name})`, 'ms', pool('e2e', [p]));
    await context.close();
  });

  const threads = appThreads ?? os.cpus().length;
  if (appThreads == null) notes.push(`The app's thread count was not read (no data-threads); peers and the floor used ${threads} (the core count).`);
  details.threads_used_for_floor_and_peers = threads;

  // ---- 2. Floor: session.run on a pre-made tensor, same model / ORT build / threads ----------------------------
  const floorPromised = [
    { id: 'floor.run', section: 'overhead', label: `Floor: session.run, pre-made tensor (${threads} threads)`, unit: 'ms' },
    { id: 'floor.run.1thread', section: 'threads', label: 'Floor: session.run, 1 thread', unit: 'ms' },
    { id: 'floor.decode.shared', section: 'overhead', label: 'Floor: createImageBitmap decode (shared photos)', unit: 'ms' },
    { id: 'floor.decode.12mp', section: 'overhead', label: 'Floor: createImageBitmap decode (12 MP photo)', unit: 'ms' },
    { id: 'floor.session_create', section: 'cold', label: 'Floor: InferenceSession.create', unit: 'ms' },
  ];
  await section('floor (raw onnxruntime-web in a module worker)', floorPromised, async () => {
    const runs = Math.max(opts.iterations * photos.length, opts.iterations);
    for (const t of [...new Set([threads, 1])]) {
      const context = await br.newContext();
      const page = await context.newPage();
      await page.goto(`${bench.origin}/pages/floor.html`);
      await page.waitForFunction(() => document.body?.dataset.ready === 'true');
      const info = await page.evaluate(([url, n]) => /** @type {any} */ (window).floor.init(url, n), /** @type {const} */ ([`${bench.origin}/models/default.onnx`, t]));
      details.floor = { ...details.floor, [`threads_${t}`]: info };
      const times = await page.evaluate(([w, n]) => /** @type {any} */ (window).floor.run(w, n), [opts.warmup * 2 + 1, runs]);
      if (t === threads) {
        addRow('floor.run', 'overhead', `Floor: session.run, pre-made tensor (${t} thread${t === 1 ? '' : 's'})`, 'ms', times, `ORT ${info.ortVersion}, ${info.inputType} ${JSON.stringify(info.inputShape)}`);
        addRow('floor.session_create', 'cold', 'Floor: InferenceSession.create (model bytes in memory)', 'ms', [info.sessionCreateMs]);
        const dec = [];
        for (const p of photos) dec.push(...(await page.evaluate(([u, w, n]) => /** @type {any} */ (window).floor.decode(u, w, n), [`/photos/${p.name}`, opts.warmup, opts.iterations])));
        addRow('floor.decode.shared', 'overhead', 'Floor: createImageBitmap decode in a worker (shared photos)', 'ms', dec);
        const decBig = await page.evaluate(([u, w, n]) => /** @type {any} */ (window).floor.decode(u, w, n), [`/photos/${big.name}`, opts.warmup, opts.iterations]);
        addRow('floor.decode.12mp', 'overhead', 'Floor: createImageBitmap decode in a worker (12 MP photo)', 'ms', decBig);
      }
      if (t === 1) addRow('floor.run.1thread', 'threads', 'Floor: session.run, 1 thread', 'ms', times);
      await context.close();
    }
  });

  // ---- 3. Threads in the app: ?threads=1 --------------------------------------------------------------------
  const oneThreadLabel = 'OnSight e2e at 1 thread (shared photos)';
  await section('OnSight at 1 thread', [{ id: 'app.e2e.shared.1thread', section: 'threads', label: oneThreadLabel, unit: 'ms' }], async () => {
    // Preferred: the app's own ?threads=1. When it does not honour that, serve the same build without COOP/COEP
    // (tools/serve.mjs --no-isolation) and with service workers blocked: the page is then not crossOriginIsolated and
    // ORT can only use 1 thread — the app itself, just without threads.
    let how = '?threads=1';
    let context = await br.newContext();
    await context.addInitScript(appInstrumentation);
    let page = await context.newPage();
    await page.goto(`${app.origin}/?threads=1`);
    let state = await waitAppReady(page);
    if (state.threads !== 1) {
      await context.close();
      const plain = await serve(appSite, ['--no-isolation']);
      how = `served without COOP/COEP (the app ignores ?threads=1; it reported data-threads=${state.threads})`;
      context = await br.newContext({ serviceWorkers: 'block' });
      await context.addInitScript(appInstrumentation);
      page = await context.newPage();
      await page.goto(`${plain.origin}/`);
      state = await waitAppReady(page);
    }
    if (state.threads !== 1) {
      nullRow('app.e2e.shared.1thread', 'threads', oneThreadLabel, 'ms', `could not get the app onto 1 thread (data-threads=${state.threads} even without COOP/COEP)`);
    } else {
      await warmUp(page, photos, opts.warmup);
      const e2e = [];
      for (let i = 0; i < opts.iterations; i++) {
        for (const p of photos) {
          const [r] = await classifyInApp(page, [payload(p, `i${i}`)]);
          await clearCards(page);
          if (r?.done != null) e2e.push(r.done - r.start);
        }
      }
      addRow('app.e2e.shared.1thread', 'threads', oneThreadLabel, 'ms', e2e, how);
    }
    await context.close();
  });

  // ---- 4. Cold start: navigation → ready → first result, bytes; first and repeat visit ------------------------
  /**
   * @param {string} key @param {string} who @param {string} url
   * @param {(page: import('@playwright/test').Page) => Promise<{ readyAt: number, firstResultAt: number }>} visit
   * @param {{ proxy: Awaited<ReturnType<typeof startCountingProxy>> }} server @param {boolean} repeat
   */
  async function coldStart(key, who, url, visit, server, repeat) {
    const acc = /** @type {Record<string, number[]>} */ ({});
    const push = (/** @type {string} */ k, /** @type {number} */ v) => pushTo(acc, k, v);
    let swControlled = false;
    /** @type {Set<string>} */
    const dupes = new Set();
    for (let c = 0; c < opts.cold; c++) {
      const context = await br.newContext();
      await context.addInitScript(appInstrumentation);
      let page = await context.newPage();
      await server.proxy.idleFor(300, 3000);
      server.proxy.reset();
      await page.goto(url);
      const first = await visit(page);
      const bytes = categorize(server.proxy.transfers());
      for (const d of duplicates(server.proxy.transfers())) dupes.add(d);
      push('first.ready', first.readyAt);
      push('first.result', first.firstResultAt);
      for (const [k, v] of Object.entries(bytes)) push(`first.bytes.${k}`, v);
      await server.proxy.idleFor(1000);
      push('first.bytes_settled', categorize(server.proxy.transfers()).total);
      if (repeat) {
        // Let a service worker (if the app registers one) finish installing before the second visit.
        await page.evaluate(async () => {
          const reg = await navigator.serviceWorker?.getRegistration();
          if (!reg) return;
          await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 15_000))]);
        });
        await server.proxy.idleFor(1000);
        await page.close();
        page = await context.newPage();
        server.proxy.reset();
        await page.goto(url);
        const second = await visit(page);
        const bytes2 = categorize(server.proxy.transfers());
        swControlled = await page.evaluate(() => navigator.serviceWorker?.controller != null);
        push('repeat.ready', second.readyAt);
        push('repeat.result', second.firstResultAt);
        for (const [k, v] of Object.entries(bytes2)) push(`repeat.bytes.${k}`, v);
      }
      await context.close();
    }
    const sec = 'cold';
    addRow(`${key}.cold.ready`, sec, `${who}: navigation → model ready, first visit`, 'ms', acc['first.ready'] ?? []);
    addRow(`${key}.cold.first_result`, sec, `${who}: navigation → first result, first visit`, 'ms', acc['first.result'] ?? []);
    addRow(`${key}.cold.bytes`, sec, `${who}: bytes transferred until first result, first visit`, 'bytes', acc['first.bytes.total'] ?? [], bytesNote(acc, 'first'));
    addRow(`${key}.cold.bytes_settled`, sec, `${who}: bytes transferred once the network settles, first visit`, 'bytes', acc['first.bytes_settled'] ?? [], 'includes anything fetched after the first result (e.g. service-worker precache)');
    if (repeat) {
      addRow(`${key}.repeat.ready`, sec, `${who}: navigation → model ready, repeat visit`, 'ms', acc['repeat.ready'] ?? [], swControlled ? 'page controlled by the service worker' : 'no service worker in control (HTTP cache only)');
      addRow(`${key}.repeat.first_result`, sec, `${who}: navigation → first result, repeat visit`, 'ms', acc['repeat.result'] ?? []);
      addRow(`${key}.repeat.bytes`, sec, `${who}: bytes transferred until first result, repeat visit`, 'bytes', acc['repeat.bytes.total'] ?? [], bytesNote(acc, 'repeat'));
    }
    if (dupes.size > 0) notes.push(`${who}, first visit: the server sent these files more than once: ${[...dupes].join(', ')}.`);
    details[`${key}_bytes`] = Object.fromEntries(Object.entries(acc).filter(([k]) => k.includes('bytes')).map(([k, v]) => [k, summarize(v).median]));
  }
  /** @param {Record<string, number[]>} acc @param {string} visit */
  function bytesNote(acc, visit) {
    const m = (/** @type {string} */ k) => summarize(acc[`${visit}.bytes.${k}`] ?? []).median ?? 0;
    const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(2)} MB`;
    return `js ${mb(m('js'))}, wasm ${mb(m('wasm'))}, model ${mb(m('model'))}, other ${mb(m('other'))} (raw bytes on the wire incl. headers; the server does not compress)`;
  }
  /** @param {{ name: string, path: string }} photo */
  const appVisit = (photo) => async (/** @type {import('@playwright/test').Page} */ page) => {
    const s = await waitAppReady(page);
    const [r] = await classifyInApp(page, [payload(photo, 'cold')]);
    if (!r || r.done == null) throw new Error(`first result: ${r?.error ?? 'none'}`);
    return { readyAt: /** @type {number} */ (s.readyAt), firstResultAt: r.done };
  };
  const coldIds = (/** @type {string} */ key, /** @type {string} */ who, repeat = false) =>
    ['cold.ready', 'cold.first_result', 'cold.bytes', 'cold.bytes_settled', ...(repeat ? ['repeat.ready', 'repeat.first_result', 'repeat.bytes'] : [])].map((k) => ({
      id: `${key}.${k}`,
      section: 'cold',
      label: `${who}: ${k}`,
      unit: k.includes('bytes') ? 'bytes' : 'ms',
    }));
  await section('OnSight cold start (default model)', coldIds('app', 'OnSight (default model)', true), () =>
    coldStart('app', 'OnSight (default model)', `${app.origin}/`, appVisit(firstPhoto), app, true),
  );

  // ---- 5. Batch: photos per second ----------------------------------------------------------------------------
  await section('batch', [{ id: 'app.batch', section: 'batch', label: `OnSight batch of ${opts.batch} photos`, unit: 'photos/s' }], async () => {
    const context = await br.newContext();
    await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(`${app.origin}/`);
    await waitAppReady(page);
    await classifyInApp(page, [payload(firstPhoto, 'warm')]);
    await clearCards(page);
    const rates = [];
    const repeats = opts.quick ? 1 : Math.min(3, opts.iterations);
    for (let rep = 0; rep < repeats; rep++) {
      const files = Array.from({ length: opts.batch }, (_, i) => payload(sharedPhotos[i % sharedPhotos.length] ?? firstPhoto, `b${rep}-${i}`));
      const results = await classifyInApp(page, files, 600_000);
      const failed = results.filter((r) => r.done == null);
      if (failed.length > 0) throw new Error(`${failed.length} photos failed: ${failed[0]?.error}`);
      const start = Math.min(...results.map((r) => r.start));
      const end = Math.max(...results.map((r) => /** @type {number} */ (r.done)));
      rates.push((opts.batch * 1000) / (end - start));
      await clearCards(page);
    }
    addRow('app.batch', 'batch', `OnSight: ${opts.batch} photos at once (cycling the shared photos), change event → last card done`, 'photos/s', rates);
    await context.close();
  });
  {
    const dec = med('floor.decode.shared');
    const run = med('floor.run');
    if (dec != null && run != null)
      rows.push({ id: 'floor.batch', section: 'batch', label: 'Floor: 1 / (decode + session.run), medians', unit: 'photos/s', median: 1000 / (dec + run), min: null, max: null, n: 1, note: 'derived from floor.decode.shared and floor.run' });
    else nullRow('floor.batch', 'batch', 'Floor: 1 / (decode + session.run)', 'photos/s', 'floor decode or run was not measured');
  }

  // ---- 6. Peers ------------------------------------------------------------------------------------------------
  /**
   * @param {string} key @param {string} who @param {string} url
   */
  async function peer(key, who, url) {
    // Cold starts first (fresh context each), then per-photo latency in one more warm page.
    await coldStart(
      key,
      who,
      url,
      async (page) => {
        const info = await waitPeerReady(page);
        details[`${key}_info`] = info;
        const r = await peerClassify(page, `/photos/${firstPhoto.name}`);
        return { readyAt: info.readyAt, firstResultAt: r.doneAt };
      },
      bench,
      false,
    );
    const context = await br.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await waitPeerReady(page);
    for (const p of photos) for (let w = 0; w < opts.warmup; w++) await peerClassify(page, `/photos/${p.name}`);
    const times = [];
    for (let i = 0; i < opts.iterations; i++) {
      for (const p of photos) {
        const r = await peerClassify(page, `/photos/${p.name}`);
        times.push(r.ms);
        if (i === 0) details[`${key}_top`] = { ...details[`${key}_top`], [p.name]: r.top };
      }
    }
    addRow(`${key}.latency`, 'peers', `${who}: file → top-5 (shared photos)`, 'ms', times);
    await context.close();
  }
  const peerIds = (/** @type {string} */ key, /** @type {string} */ who) => [
    { id: `${key}.latency`, section: 'peers', label: `${who}: file → top-5`, unit: 'ms' },
    ...coldIds(key, who),
  ];
  for (const backend of ['webgl', 'wasm']) {
    const who = `nsfwjs 4.4.0 + TF.js 4.22 ${backend}`;
    await section(who, peerIds(`nsfwjs.${backend}`, who), () => peer(`nsfwjs.${backend}`, who, `${bench.origin}/peers/src/nsfwjs.html?backend=${backend}&threads=${threads}`));
  }
  {
    const who = 'Transformers.js 4.3.1 (wasm)';
    await section(who, peerIds('transformersjs', who), () => peer('transformersjs', who, `${bench.origin}/peers/src/transformers.html?model=${ZOO_ID}&threads=${threads}`));
  }

  // ---- 7. OnSight on the zoo model (the Transformers.js comparison) ------------------------------------------
  const zooWho = `OnSight (${ZOO_ID})`;
  await section(zooWho, [{ id: 'app_zoo.latency', section: 'peers', label: `${zooWho}: file → top-5`, unit: 'ms' }, ...coldIds('app_zoo', zooWho)], async () => {
    const url = `${app.origin}/?model=${ZOO_ID}`;
    const context = await br.newContext();
    await context.addInitScript(appInstrumentation);
    const page = await context.newPage();
    await page.goto(url);
    const state = await waitAppReady(page);
    if (state.model !== ZOO_ID) throw new Error(`?model=${ZOO_ID} loaded "${state.model}" instead`);
    await warmUp(page, photos, opts.warmup);
    const times = [];
    for (let i = 0; i < opts.iterations; i++) {
      for (const p of photos) {
        const [r] = await classifyInApp(page, [payload(p, `i${i}`)]);
        await clearCards(page);
        if (!r || r.done == null) throw new Error(`${p.name}: ${r?.error ?? 'no result'}`);
        times.push(r.done - r.start);
        if (i === 0) details.app_zoo_top = { ...details.app_zoo_top, [p.name]: r.top.slice(0, 5) };
      }
    }
    addRow('app_zoo.latency', 'peers', `${zooWho}: file → top-5 on screen (shared photos)`, 'ms', times);
    await context.close();
    await coldStart('app_zoo', zooWho, url, appVisit(firstPhoto), app, false);
  });
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
    reasons[name] = `not measured: ${missing.map((id) => `${id} (${rows.find((r) => r.id === id)?.reason ?? 'missing'})`).join('; ')}`;
  }
  details.ratios = details.ratios ?? {};
  details.ratios[name] = { value, numerator: a, denominator: bId, what };
  return value;
}

const result = {
  date: started.toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: { ...(details.machine ?? machine('unknown')), load_average_at_end: os.loadavg().map((x) => Math.round(x * 100) / 100) },
  settings: {
    iterations: opts.iterations,
    warmup: opts.warmup,
    cold_starts: opts.cold,
    batch: opts.batch,
    quick: opts.quick,
    photos: photos.map((p) => p.name),
    big_photo: '12 MP (4256×2832) upscaled from eagle.jpg with sharp, in a temp dir',
    threads: details.threads_used_for_floor_and_peers ?? null,
    served_by: 'tools/serve.mjs (COOP/COEP, so every page — app, floor and peers — is crossOriginIsolated and may use threads), behind a byte-counting proxy',
  },
  overhead_ratio: ratioOf('overhead_ratio', 'app.e2e.shared', 'floor.run', 'OnSight e2e (file → top-5 on screen) / session.run on a pre-made tensor, shared photos, default model'),
  overhead_ratio_12mp: ratioOf('overhead_ratio_12mp', 'app.e2e.12mp', 'floor.run', 'the same on the 12 MP photo'),
  threads_speedup_floor: ratioOf('threads_speedup_floor', 'floor.run', 'floor.run.1thread', `floor session.run at the app's thread count / at 1 thread`),
  threads_ratio_app: ratioOf('threads_ratio_app', 'app.e2e.shared', 'app.e2e.shared.1thread', 'OnSight e2e at its own thread count / at 1 thread'),
  batch_ratio: ratioOf('batch_ratio', 'floor.batch', 'app.batch', 'floor photos/s / OnSight photos/s (time per photo, ours / floor)'),
  nsfwjs_latency_ratio: ratioOf('nsfwjs_latency_ratio', 'app.e2e.shared', ['nsfwjs.webgl.latency', 'nsfwjs.wasm.latency'], 'OnSight default model / nsfwjs (faster backend), file → top-5'),
  nsfwjs_cold_start_ratio: ratioOf('nsfwjs_cold_start_ratio', 'app.cold.first_result', ['nsfwjs.webgl.cold.first_result', 'nsfwjs.wasm.cold.first_result'], 'navigation → first result, first visit; against the faster nsfwjs backend'),
  nsfwjs_bytes_ratio: ratioOf('nsfwjs_bytes_ratio', 'app.cold.bytes', ['nsfwjs.webgl.cold.bytes', 'nsfwjs.wasm.cold.bytes'], 'bytes until first result, first visit; against the smaller nsfwjs backend'),
  transformersjs_latency_ratio: ratioOf('transformersjs_latency_ratio', 'app_zoo.latency', 'transformersjs.latency', 'same zoo model and photos: OnSight / Transformers.js, file → top-5'),
  transformersjs_cold_start_ratio: ratioOf('transformersjs_cold_start_ratio', 'app_zoo.cold.first_result', 'transformersjs.cold.first_result', 'navigation → first result, first visit, zoo model'),
  transformersjs_bytes_ratio: ratioOf('transformersjs_bytes_ratio', 'app_zoo.cold.bytes', 'transformersjs.cold.bytes', 'bytes until first result, first visit, zoo model'),
  reasons,
  notes,
  rows,
  details,
};
// batch_ratio is floor/app in photos/s, i.e. app time per photo / floor time per photo: lower is better like the rest.

mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(markdown(result));
console.error(`bench: wrote ${opts.out} (${basename(opts.out)}) in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
process.exit(0);
