// @ts-check
/**
 * What a large model costs in memory: loads a generated ~300 MB ONNX classifier through the model picker, then opens
 * the app again so that it restores the saved copy from Cache Storage, and reports the peak of the whole browser's
 * memory (the sum of PSS over every Chromium process, sampled every 200 ms) above what it used before.
 *
 *   node bench/model-memory.mjs [--dist dist] [--mb 300]
 *
 * The model is generated into the system's temp folder (never into the repository) and reused by later runs:
 * image → ReduceMean → MatMul [3, W] → 4 × MatMul [W, W] → MatMul [W, 3], so nearly all of its bytes are float32
 * weights that ORT must keep (unused initializers would be dropped and not cost what a real model does). Not part of `npm run
 * bench`: it needs several GB of memory and a minute of a quiet machine.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from './lib/browser.mjs';
import { ROOT } from './lib/paths.mjs';

const args = process.argv.slice(2);
const option = (/** @type {string} */ name, /** @type {string} */ fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? String(args[i + 1]) : fallback;
};
const DIST = resolve(ROOT, option('dist', 'dist'));
const MEGABYTES = Number(option('mb', '300'));
const MODEL_ID = `big-${MEGABYTES}mb`;

/**
 * Writes (once) a classifier of about `megabytes` MB whose weights ORT has to keep, shaped like a real network's
 * (square hidden layers: narrow ones would make ORT's weight packing pad them several times over); returns its files.
 * @param {number} megabytes
 */
function ensureBigModel(megabytes) {
  const dir = join(tmpdir(), 'onsight-bench-big-model');
  const path = join(dir, `${MODEL_ID}.onnx`);
  if (existsSync(path)) return { path, labels: join(dir, 'labels.txt') };
  mkdirSync(dir, { recursive: true });
  const { onnx } = createRequire(import.meta.url)('onnx-proto');
  const T = onnx.TensorProto.DataType;
  const A = onnx.AttributeProto.AttributeType;
  const layers = 4;
  const width = Math.round(Math.sqrt((megabytes * 1e6) / 4 / layers));
  /** @param {number} rows @param {number} cols @param {number} seed */
  const weights = (rows, cols, seed) => {
    const values = new Float32Array(rows * cols);
    let s = seed;
    for (let i = 0; i < values.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      values[i] = (s / 2 ** 32 - 0.5) / Math.sqrt(rows);
    }
    return { name: `W${seed}`, dataType: T.FLOAT, dims: [rows, cols], rawData: new Uint8Array(values.buffer) };
  };
  /** @type {[number, number][]} */
  const shapes = [
    [3, width],
    ...Array.from({ length: layers }, () => /** @type {[number, number]} */ ([width, width])),
    [width, 3],
  ];
  const initializer = shapes.map(([rows, cols], i) => weights(rows, cols, i + 1));
  const node = initializer.map((w, i) => ({
    opType: 'MatMul',
    input: [i === 0 ? 'pooled' : `h${i}`, w.name],
    output: [i === initializer.length - 1 ? 'scores' : `h${i + 1}`],
  }));
  const info = (/** @type {string} */ name, /** @type {number[]} */ dims) => ({
    name,
    type: { tensorType: { elemType: T.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'onsight-bench',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'big',
      node: [
        {
          opType: 'ReduceMean',
          input: ['image'],
          output: ['pooled'],
          attribute: [
            { name: 'axes', type: A.INTS, ints: [2, 3] },
            { name: 'keepdims', type: A.INT, i: 0 },
          ],
        },
        ...node,
      ],
      initializer,
      input: [info('image', [1, 3, 224, 224])],
      output: [info('scores', [1, 3])],
    },
  });
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  writeFileSync(join(dir, 'labels.txt'), 'red\ngreen\nblue\n');
  return { path, labels: join(dir, 'labels.txt') };
}

/** Processes left out of the sum: this script and the static server. */
const notBrowser = new Set([process.pid]);

/** This script's descendants but the server (the browser's processes), refreshed at most once a second. */
let browserPids = { at: 0, pids: /** @type {number[]} */ ([]) };
function browserProcesses() {
  if (Date.now() - browserPids.at < 1000) return browserPids.pids;
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const pids = [];
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length > 0) {
    const p = /** @type {number} */ (stack.pop());
    if (notBrowser.has(p)) continue;
    pids.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  browserPids = { at: Date.now(), pids };
  return pids;
}

/**
 * What kind of Chromium process `pid` is: its --type (renderer, gpu-process, utility...) or "browser".
 * @param {number} pid
 */
function kindOf(pid) {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
  } catch {
    return 'gone';
  }
}

/**
 * Proportional set size (kB) summed over the browser's processes (what the browser as a whole holds), and per kind.
 * @returns {{ total: number, kinds: Record<string, number> }}
 */
function browserPss() {
  let total = 0;
  /** @type {Record<string, number>} */
  const kinds = {};
  for (const p of browserProcesses()) {
    try {
      const kb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      total += kb;
      const kind = kindOf(p);
      kinds[kind] = (kinds[kind] ?? 0) + kb;
    } catch {
      // Gone meanwhile.
    }
  }
  return { total, kinds };
}

/**
 * Samples the browser's PSS every 200 ms while `work` runs; returns the peak sample and the work's result.
 * @template T
 * @param {() => Promise<T>} work
 */
async function peakDuring(work) {
  let peak = browserPss();
  const sample = () => {
    const now = browserPss();
    if (now.total > peak.total) peak = now;
  };
  const timer = setInterval(sample, 200);
  try {
    const result = await work();
    sample();
    return { peak, result };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Per-kind MB above `before` at the peak, e.g. { renderer: 1200, browser: 300 }.
 * @param {{ kinds: Record<string, number> }} peak @param {{ kinds: Record<string, number> }} before
 */
const kindsAbove = (peak, before) =>
  Object.fromEntries(
    Object.entries(peak.kinds)
      .map(([kind, kb]) => [kind, mb(kb - (before.kinds[kind] ?? 0))])
      .filter(([, v]) => Number(v) !== 0),
  );

const freePort = () =>
  new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const mb = (/** @type {number} */ kb) => Math.round(kb / 1024);

async function main() {
  const model = ensureBigModel(MEGABYTES);
  const fileMb = statSync(model.path).size / 1e6;
  const port = await freePort();
  const server = spawn(process.execPath, [join(ROOT, 'tools', 'serve.mjs'), DIST, '--port', String(port)], {
    stdio: 'ignore',
  });
  if (server.pid) notBrowser.add(server.pid);
  await sleep(1000);
  // A profile on disk: an in-memory (incognito-like) context has too small a storage quota to keep the model.
  const profile = mkdtempSync(join(tmpdir(), 'onsight-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL: `http://localhost:${port}/`,
  });
  try {
    const ready = async (/** @type {import('@playwright/test').Page} */ page, /** @type {string} */ id) => {
      await page.waitForFunction(
        (want) => {
          const app = document.getElementById('app');
          return app?.dataset.ready === 'true' && (!want || app.dataset.model === want);
        },
        id,
        { timeout: 300_000, polling: 100 },
      );
    };

    const page = await context.newPage();
    await page.goto('./');
    await ready(page, '');
    await sleep(2000);
    const beforeLoad = browserPss();
    const t0 = Date.now();
    const load = await peakDuring(async () => {
      await page.setInputFiles('[data-testid="model-input"]', [model.path, model.labels]);
      await ready(page, MODEL_ID);
      const loadMs = Date.now() - t0;
      const saved = page.locator(`[data-testid="user-models"] li[data-model-id="${MODEL_ID}"]`);
      const notice = page.locator('.model-panel .notice');
      await saved.or(notice).first().waitFor({ timeout: 300_000 });
      if (!(await saved.count())) throw new Error(`the model was not saved: ${await notice.textContent()}`);
      return loadMs;
    });
    await page.close();
    await sleep(3000);

    const open = async (/** @type {string} */ query, /** @type {string} */ id) => {
      const before = browserPss();
      const start = Date.now();
      const tab = await context.newPage();
      const run = await peakDuring(async () => {
        await tab.goto(`./${query}`);
        await ready(tab, id);
        return Date.now() - start;
      });
      await tab.close();
      await sleep(3000);
      return { peakAboveKb: run.peak.total - before.total, ms: run.result, kinds: kindsAbove(run.peak, before) };
    };
    const plain = await open('', '');
    const restore = await open(`?model=${MODEL_ID}`, MODEL_ID);

    const figures = {
      modelMB: Math.round(fileMb),
      loadPeakMB: mb(load.peak.total - beforeLoad.total),
      loadPeakByProcessMB: kindsAbove(load.peak, beforeLoad),
      loadMs: load.result,
      openDefaultPeakMB: mb(plain.peakAboveKb),
      restorePeakMB: mb(restore.peakAboveKb),
      restoreExtraMB: mb(restore.peakAboveKb - plain.peakAboveKb),
      restorePeakByProcessMB: restore.kinds,
      restoreMs: restore.ms,
    };
    console.log(JSON.stringify(figures, null, 2));
    console.log(
      `${figures.modelMB} MB model: load +${figures.loadPeakMB} MB peak (${(figures.loadPeakMB / figures.modelMB).toFixed(1)}×) in ${figures.loadMs} ms; ` +
        `restore +${figures.restoreExtraMB} MB over opening the app with its default model (${(figures.restoreExtraMB / figures.modelMB).toFixed(1)}×) in ${figures.restoreMs} ms`,
    );
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    server.kill();
  }
}

await main();
