// @ts-check
/**
 * A Vite plugin that writes `.br` and `.gz` beside every compressible file of the production build, so a static
 * server can send them as they are (tools/serve.mjs does; nginx `gzip_static`/`brotli_static` and Caddy
 * `precompressed` do too). Hosts that compress by themselves (GitHub Pages, Netlify, Cloudflare) ignore them.
 *
 * The 14 MB onnxruntime .wasm goes out as 2.7 MB of brotli. Files that would not shrink by a tenth are left alone.
 * `ONSIGHT_PRECOMPRESS=0` turns it off (e.g. for a quick local build).
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** What hosts compress: text, JSON, SVG, the .wasm; and the models, which this server may as well send smaller. */
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.webmanifest',
  '.svg',
  '.txt',
  '.wasm',
  '.onnx',
]);
/** Smaller files gain nothing worth a second request path. */
const MIN_BYTES = 1024;
/**
 * Brotli 9: within 5 % of 11 on the .wasm at a fraction of the time (7 s instead of ~40 s for 14 MB on 2 cores).
 * Gzip 9 for clients without brotli.
 */
const BROTLI_QUALITY = 9;

/** @param {string} dir @returns {AsyncGenerator<string>} */
async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes `<file>.br` and `<file>.gz` when they are at least 10 % smaller. @param {string} path */
async function precompressFile(path) {
  const data = await readFile(path);
  const [br, gz] = await Promise.all([
    brotli(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
      },
    }),
    gzip(data, { level: 9 }),
  ]);
  let saved = 0;
  for (const [suffix, packed] of /** @type {const} */ ([
    ['.br', br],
    ['.gz', gz],
  ])) {
    if (packed.byteLength > data.byteLength * 0.9) continue;
    await writeFile(path + suffix, packed);
    saved = Math.max(saved, data.byteLength - packed.byteLength);
  }
  return saved;
}

/** @returns {import('vite').Plugin} */
export function precompress() {
  /** @type {string} */
  let outDir = 'dist';
  return {
    name: 'onsight-precompress',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        if (process.env.ONSIGHT_PRECOMPRESS === '0') return;
        const todo = [];
        for await (const path of files(outDir)) {
          // The service worker is written by vite-plugin-pwa as this build closes: leave it to the host.
          if (/[/\\]sw\.m?js$/.test(path) || !COMPRESSIBLE.has(extname(path))) continue;
          if ((await stat(path)).size >= MIN_BYTES) todo.push(path);
        }
        const started = Date.now();
        const saved = (await Promise.all(todo.map(precompressFile))).reduce((a, b) => a + b, 0);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          `precompress: ${todo.length} files, ${(saved / 1e6).toFixed(1)} MB smaller as brotli (${seconds} s)`,
        );
      },
    },
  };
}
