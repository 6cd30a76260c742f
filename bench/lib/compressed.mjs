// @ts-check
/**
 * Bytes as hosts send them. The counting proxy sees what tools/serve.mjs sent, uncompressed (the bench serves no
 * precompressed files); hosts compress on the way out. GitHub Pages gzips, Netlify and Cloudflare send brotli — text,
 * JSON, SVG and `application/wasm`, not `application/octet-stream` (.onnx, TF.js .bin) nor images (Cloudflare's list of
 * compressed types, the common rule). The same rule for the app and every peer: each transfer's file is found under
 * its server's folder and its body is replaced by the compressed size, headers kept.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import zlib from 'node:zlib';

/** Extensions hosts compress (by their content types). */
const COMPRESSED_BY_HOSTS = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt', '.wasm']);
/** gzip 6 and brotli 5: the levels CDNs use on the fly (a build's own .br/.gz are smaller still). */
const GZIP_LEVEL = 6;
const BROTLI_QUALITY = 5;

/** @type {Map<string, { raw: number, gzip: number, brotli: number }>} */
const sizes = new Map();

/** Raw, gzip and brotli sizes of a file (cached by path, size and time). @param {string} file */
function sizesOf(file) {
  const info = statSync(file);
  const key = `${file}\0${info.size}\0${info.mtimeMs}`;
  const known = sizes.get(key);
  if (known) return known;
  const data = readFileSync(file);
  const compress = COMPRESSED_BY_HOSTS.has(extname(file).toLowerCase());
  const result = {
    raw: data.byteLength,
    gzip: compress ? zlib.gzipSync(data, { level: GZIP_LEVEL }).byteLength : data.byteLength,
    brotli: compress
      ? zlib.brotliCompressSync(data, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
          },
        }).byteLength
      : data.byteLength,
  };
  sizes.set(key, result);
  return result;
}

/** The file a URL path names under `root` (a folder's index.html; the SPA fallback for extensionless paths). @param {string} root @param {string} path */
function fileFor(root, path) {
  for (const candidate of [join(root, decodeURIComponent(path)), join(root, decodeURIComponent(path), 'index.html')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next
    }
  }
  return extname(path) === '' ? join(root, 'index.html') : null;
}

/**
 * Total bytes of `transfers` had the host compressed them (photos the peer pages fetch as test input left out, as in
 * categorize). A transfer holding k whole bodies of its file counts k compressed bodies; revalidations (304s, no
 * body) and files not found count as sent.
 * @param {import('./proxy.mjs').Transfer[]} transfers @param {string} root the server's folder
 */
export function hostCompressedBytes(transfers, root) {
  let gzip = 0;
  let brotli = 0;
  for (const { path, bytes } of transfers) {
    if (path.startsWith('/photos/')) continue;
    const file = fileFor(root, path);
    const s = file ? sizesOf(file) : null;
    const bodies = s && s.raw > 0 ? Math.floor(bytes / s.raw) : 0;
    gzip += s ? bytes - bodies * (s.raw - s.gzip) : bytes;
    brotli += s ? bytes - bodies * (s.raw - s.brotli) : bytes;
  }
  return { gzip, brotli };
}
