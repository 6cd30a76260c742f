#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: OnSight's overhead over the raw model, and peers on the same photos, in one headless Chromium.
 *
 *   npm run bench                              full run → bench/results/latest.json + a markdown table
 *   npm run bench -- --quick --iterations 1    smoke mode (1 photo, 3-photo batch, 1 cold start)
 *
 * Options: --iterations N (timed runs per photo, default 10), --warmup N (default 2), --cold N (cold starts,
 * default 5), --batch N (photos in the batch, default 100), --batch-scale N (photos in the large batch whose memory
 * is measured, default 1000), --train-scale N (photos trained on in a browser of its own, memory measured,
 * default 1000; with --quick only when --only names it, on 40), --quick, --build (rebuild the app's dist/ first),
 * --out FILE (default bench/results/latest.json), --dist DIR (the app build to measure, default dist/).
 * Env: BENCH_ITERATIONS, BENCH_QUICK=1. See bench/README.md for what each figure means.
 *
 * This file is the order of the run; each section (bench/sections/) measures and returns its rows.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { launch, pageOpener } from './lib/browser.mjs';
import { emptyFigures, mergeFigures } from './lib/figures.mjs';
import { BENCH, ROOT } from './lib/paths.mjs';
import { markdown } from './lib/report.mjs';
import { assembleResult } from './lib/result.mjs';
import { createServers } from './lib/servers.mjs';
import { buildPages, choosePhotos, ensurePeers, loadAverage, machine, prepareSites } from './lib/setup.mjs';
import { appThreads } from './sections/app-threads.mjs';
import { batch } from './sections/batch.mjs';
import { batchScale } from './sections/batch-scale.mjs';
import { coldStarts } from './sections/cold-starts.mjs';
import { perPhotoLatency } from './sections/per-photo.mjs';
import { train } from './sections/train.mjs';
import { trainScale } from './sections/train-scale.mjs';

/** Sections `--only` can pick (the thread probe always runs; `batch` and `train` need `per-photo` for their floors). */
const SECTIONS = ['cold', 'per-photo', 'batch', 'train', 'batch-scale', 'train-scale'];

/** @param {string[]} argv @returns {import('./sections/context.mjs').Options} */
function parseArgs(argv) {
  const o = {
    iterations: Number(process.env.BENCH_ITERATIONS ?? 10),
    warmup: 2,
    cold: 5,
    batch: 100,
    batchScale: 1000,
    trainScale: 1000,
    quick: process.env.BENCH_QUICK === '1',
    build: false,
    out: join(BENCH, 'results', 'latest.json'),
    dist: join(ROOT, 'dist'),
    /** @type {string[] | undefined} */
    only: undefined,
  };
  let coldSet = false;
  let warmupSet = false;
  let batchSet = false;
  let batchScaleSet = false;
  let trainScaleSet = false;
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
    } else if (flag === '--batch-scale') {
      o.batchScale = Number(value());
      batchScaleSet = true;
    } else if (flag === '--train-scale') {
      o.trainScale = Number(value());
      trainScaleSet = true;
    } else if (flag === '--quick') o.quick = true;
    else if (flag === '--build') o.build = true;
    else if (flag === '--out') o.out = resolve(value());
    else if (flag === '--dist') o.dist = resolve(value());
    else if (flag === '--only') o.only = value().split(',');
    else if (flag === '--help' || flag === '-h') {
      console.log(
        'Usage: npm run bench -- [--iterations N] [--warmup N] [--cold N] [--batch N] [--batch-scale N] [--train-scale N] [--quick] [--build] [--out FILE] [--dist DIR] [--only SECTION,...]',
      );
      process.exit(0);
    } else throw new Error(`bench: unknown option ${arg}`);
  }
  // --quick lowers only what was not given explicitly.
  if (o.quick) {
    if (!coldSet) o.cold = 1;
    if (!warmupSet) o.warmup = 1;
    if (!batchSet) o.batch = 3;
    if (!batchScaleSet) o.batchScale = 10;
    if (!trainScaleSet) o.trainScale = 40;
  }
  const unknown = o.only?.filter((name) => !SECTIONS.includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`bench: --only takes ${SECTIONS.join(', ')}; not ${unknown.join(', ')}`);
  for (const k of /** @type {const} */ (['iterations', 'cold', 'batch', 'batchScale', 'trainScale'])) {
    const flag = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`bench: --${flag} needs a whole number ≥ 1`);
  }
  return o;
}

const argv = process.argv.slice(2);
const opts = parseArgs(argv);
const started = new Date();
const loadAtStart = loadAverage();
const tmp = mkdtempSync(join(os.tmpdir(), 'onsight-bench-'));
const photoSet = choosePhotos(opts.quick, tmp);
const figures = emptyFigures();
const servers = createServers();

/** @type {import('@playwright/test').Browser | undefined} */
let browser;
try {
  ensurePeers();
  buildPages(opts);
  const { appSite, defaultModel } = await prepareSites({ tmp, dist: opts.dist, ...photoSet });
  figures.details.default_model = defaultModel;
  const app = await servers.serve(appSite);
  const bench = await servers.serve(join(BENCH, 'dist'));
  const br = await launch();
  browser = br;
  figures.details.machine = machine(br.version(), loadAtStart);
  const pages = pageOpener(br);
  const base = { opts, browser: br, app, bench, appSite, serve: servers.serve, openPage: pages.openPage, ...photoSet };

  // The sections, in this order: the app's thread count first (everything else is matched to it), then cold starts,
  // then per-photo latency with every contender's page kept open through the batch, whose floor figure derives from
  // the per-photo medians.
  const probe = await appThreads(base);
  mergeFigures(figures, probe.figures);
  const ctx = { ...base, threads: probe.threads };
  const wants = (/** @type {string} */ name) => !opts.only || opts.only.includes(name);
  if (wants('cold')) mergeFigures(figures, await coldStarts(ctx));
  if (wants('per-photo') || wants('batch') || wants('train')) mergeFigures(figures, await perPhotoLatency(ctx));
  if (wants('batch')) mergeFigures(figures, await batch(ctx, figures.rows));
  if (wants('train')) mergeFigures(figures, await train(ctx, figures.rows, tmp));
  await pages.closeAll();
  // The large batch runs in a browser of its own (its memory is the app's alone), after the others have closed.
  if (wants('batch-scale')) mergeFigures(figures, await batchScale(ctx));
  // The trainer at scale takes minutes; --quick runs it (on 40 photos) only when --only names it.
  if (opts.only ? opts.only.includes('train-scale') : !opts.quick) mergeFigures(figures, await trainScale(ctx));
} catch (error) {
  figures.notes.push(`Setup failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(error);
} finally {
  await browser?.close().catch(() => {});
  await servers.closeAll();
  rmSync(tmp, { recursive: true, force: true });
}

const result = assembleResult({
  started,
  argv,
  opts,
  photos: photoSet.photos,
  figures,
  machine: figures.details.machine ?? machine('unknown', loadAtStart),
  loadAtEnd: loadAverage(),
});
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(markdown(result));
console.error(
  `bench: wrote ${opts.out} (${basename(opts.out)}) in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`,
);
process.exit(0);
