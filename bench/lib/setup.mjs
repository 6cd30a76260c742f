// @ts-check
/**
 * Everything before the first measurement: the peers installed, the app and the bench pages built, the photos chosen
 * and the two sites (the app's copy with the zoo model added, the bench pages with models and photos) assembled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { main as addModel } from '../../tools/model-add.mjs';
import { BENCH, ROOT, SHARED, ZOO_ID } from './paths.mjs';
import { assembleAppSite, assembleBenchSite, make12mp, makeHfModel } from './prepare.mjs';

/** @typedef {import('./browser.mjs').Photo} Photo */

/** @param {string} cmd @param {string[]} args @param {Record<string, string>} [extraEnv] */
function sh(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...extraEnv },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

/** Installs the peer libraries into bench/peers/node_modules unless they are there (see README, Peers). */
export function ensurePeers() {
  const peers = join(BENCH, 'peers');
  const ok = ['nsfwjs', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@huggingface/transformers'].every((p) =>
    existsSync(join(peers, 'node_modules', p, 'package.json')),
  );
  if (ok) return;
  console.error('bench: installing peers into bench/peers/node_modules (npm ci, ONNXRUNTIME_NODE_INSTALL=skip)');
  sh('npm', ['ci', '--prefix', 'bench/peers', '--no-audit', '--no-fund'], { ONNXRUNTIME_NODE_INSTALL: 'skip' });
}

/** Builds the app into `dist` when asked to or when it has no build, then the bench pages into bench/dist/. @param {{ build: boolean, dist: string }} o */
export function buildPages(o) {
  if (o.build || !existsSync(join(o.dist, 'index.html'))) {
    console.error(`bench: building the app into ${o.dist}`);
    sh('npm', ['run', 'build', '--', '--outDir', o.dist]);
  }
  console.error('bench: building the bench pages (vite build --config bench/vite.config.ts)');
  sh(process.execPath, [
    join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    'bench/vite.config.ts',
  ]);
}

/** @param {string} message @returns {never} */
function fail(message) {
  throw new Error(message);
}

/**
 * The photos of the run: the shared photos that exist (only the first with `quick`), and the 12 MP photo that
 * prepareSites makes in `tmp`.
 * @param {boolean} quick @param {string} tmp
 */
export function choosePhotos(quick, tmp) {
  /** @type {Photo[]} */
  const sharedPhotos = ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg']
    .map((name) => ({ name, path: join(SHARED, 'photos', name) }))
    .filter((p) => existsSync(p.path));
  /** @type {Photo} */
  const firstPhoto = sharedPhotos[0] ?? fail(`bench: no photos in ${join(SHARED, 'photos')}`);
  const photos = quick ? [firstPhoto] : sharedPhotos;
  /** @type {Photo} */
  const big = { name: 'eagle-12mp.jpg', path: join(tmp, 'eagle-12mp.jpg') };
  return { sharedPhotos, firstPhoto, photos, big, allPhotos: [...photos, big] };
}

/**
 * Makes the 12 MP photo and the HF layout in `tmp`, the app's site (a copy of `dist`) with the zoo model added, and
 * the bench site in bench/dist/. Returns the app site's folder and what the default model is.
 * @param {{ tmp: string, dist: string, sharedPhotos: Photo[], big: Photo }} o
 */
export async function prepareSites(o) {
  await make12mp(join(SHARED, 'photos', 'eagle.jpg'), o.big.path);
  const hfModels = join(o.tmp, 'hf-models');
  makeHfModel(join(SHARED, 'models', ZOO_ID), join(hfModels, ZOO_ID));

  // The app is served from a copy of dist/ (so a rebuild of dist/ during the run cannot change what is measured),
  // with the zoo model added to the copy by `npm run model:add` itself — the route a model author takes — so
  // `?model=` finds it. Its spec comes from labels.txt and the ImageNet defaults, as documented in its SOURCE.md.
  const zooName = 'ImageNet MobileNetV2 (ONNX Model Zoo, int8)';
  const zooDir = join(SHARED, 'models', ZOO_ID);
  const appSite = assembleAppSite(o.dist, join(o.tmp, 'app'));
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
  const defaultModel = {
    id: defaultEntry.id,
    url: defaultEntry.url,
    bytes: readFileSync(defaultModelPath).byteLength,
  };
  assembleBenchSite({
    benchDist: join(BENCH, 'dist'),
    peersDir: join(BENCH, 'peers'),
    // The app's own copies (every graph byte as shipped, plus the spec the floor's photo tensors are made with).
    models: { 'default.onnx': defaultModelPath, 'zoo.onnx': join(appSite, 'models', ZOO_ID, 'model.onnx') },
    photos: [...o.sharedPhotos.map((p) => p.path), o.big.path],
    hfModels,
  });
  return { appSite, defaultModel };
}

/** 1/5/15-minute load averages: other work on the machine makes every figure noisier. */
export function loadAverage() {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

/** @param {string} browserVersion @param {number[]} loadAtStart */
export function machine(browserVersion, loadAtStart) {
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
