#!/usr/bin/env node
/**
 * A small, dependency-free static server for the production build (`dist/`).
 *
 * Why not `vite preview`: this is what `npm start` and the end-to-end tests use, so it must behave like a real
 * static host and stay tiny. It sends COOP/COEP (+ CORP) so the page is `crossOriginIsolated` and onnxruntime-web
 * can use WASM threads; `--no-isolation` leaves them out to imitate a plain host such as GitHub Pages.
 * Like Netlify and Cloudflare Pages, it also sends what the folder's `_headers` file asks for (the build copies
 * public/_headers there: the Content-Security-Policy and the other security headers), so the end-to-end tests run
 * under the very headers a deployment sends; a folder without one (the bench's peer pages) gets none of them.
 *
 * Usage: node tools/serve.mjs [dir=dist] [--port 4173] [--host 127.0.0.1] [--no-isolation]
 * The port can also come from the PORT environment variable; `--port` wins.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function parseArgs(argv) {
  const options = { dir: 'dist', port: Number(process.env.PORT) || 4173, host: '127.0.0.1', isolation: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port' || arg === '-p') options.port = Number(argv[++i]);
    else if (arg.startsWith('--port=')) options.port = Number(arg.slice('--port='.length));
    else if (arg === '--host') options.host = argv[++i];
    else if (arg.startsWith('--host=')) options.host = arg.slice('--host='.length);
    else if (arg === '--no-isolation') options.isolation = false;
    else if (arg === '--help' || arg === '-h') {
      console.log('Usage: node tools/serve.mjs [dir=dist] [--port 4173] [--host 127.0.0.1] [--no-isolation]');
      process.exit(0);
    } else if (arg.startsWith('-')) {
      console.error(`serve: unknown option ${arg}`);
      process.exit(2);
    } else options.dir = arg;
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    console.error('serve: --port needs a number between 0 and 65535');
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const root = resolve(options.dir);

try {
  if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
} catch {
  console.error(`serve: ${root} does not exist — build first with \`npm run build\``);
  process.exit(1);
}

const ISOLATION_HEADERS = [
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
];

/**
 * The rules of `<root>/_headers` in the syntax Netlify and Cloudflare Pages share: a URL path pattern (`*` matches
 * anything) on its own line, then indented `Name: value` lines; `#` starts a comment. Every matching rule applies, in
 * order; where two set the same header the later wins (the hosts would join the values; OnSight's file never does).
 */
async function readHeaderRules() {
  let text;
  try {
    text = await readFile(join(root, '_headers'), 'utf8');
  } catch {
    return [];
  }
  const rules = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (!/^\s/.test(line)) {
      const source = line
        .trim()
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
      rules.push({ pattern: new RegExp(`^${source.join('.*')}$`), headers: [] });
    } else if (rules.length > 0 && colon > 0) {
      rules.at(-1).headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    } else {
      console.error(`serve: ${join(root, '_headers')}:${index + 1}: expected a path or an indented "Name: value"`);
      process.exit(1);
    }
  }
  return rules;
}

const headerRules = await readHeaderRules();

/** Headers for the file at `path`, answering a request for `urlPath`. */
function baseHeaders(path, urlPath) {
  const headers = { 'Content-Type': MIME[extname(path).toLowerCase()] ?? 'application/octet-stream' };
  if (options.isolation) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
  }
  // Hashed build assets never change; everything else (index.html, models, the service worker) must revalidate (with
  // the ETag / Last-Modified sent below, so an unchanged file costs a 304).
  headers['Cache-Control'] = /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache';
  headers['X-Content-Type-Options'] = 'nosniff';
  for (const rule of headerRules.filter(({ pattern }) => pattern.test(urlPath))) {
    for (const [name, value] of rule.headers) {
      if (!options.isolation && ISOLATION_HEADERS.includes(name.toLowerCase())) continue;
      for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
      headers[name] = value;
    }
  }
  return headers;
}

/** Maps a URL path to a file under root, or null when it escapes root. */
function resolvePath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(join(root, decoded));
  if (full !== root && !full.startsWith(root + sep)) return null;
  return full;
}

async function fileAt(path) {
  try {
    const info = await stat(path);
    if (info.isFile()) return { path, info };
    if (info.isDirectory()) {
      const index = join(path, 'index.html');
      const indexInfo = await stat(index);
      if (indexInfo.isFile()) return { path: index, info: indexInfo };
    }
  } catch {
    // not found
  }
  return null;
}

/** The content codings an Accept-Encoding header allows (q=0 excluded). */
function acceptedEncodings(header = '') {
  const accepted = new Set();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name);
  }
  return accepted;
}

/**
 * The `.br` or `.gz` the build wrote beside `path` (tools/precompress.mjs), when the client accepts that encoding and
 * the copy is not older than the file; null otherwise.
 */
async function precompressed(path, acceptEncoding) {
  const accepted = acceptedEncodings(acceptEncoding);
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ]) {
    if (!accepted.has(encoding)) continue;
    try {
      const [packed, original] = await Promise.all([stat(path + suffix), stat(path)]);
      if (packed.isFile() && packed.mtimeMs >= original.mtimeMs) return { path: path + suffix, info: packed, encoding };
    } catch {
      // no precompressed copy
    }
  }
  return null;
}

/** A weak validator from the file's size and modification time (to the millisecond). */
function etagOf(info) {
  return `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
}

/** Whether a conditional GET/HEAD may be answered 304 (If-None-Match wins over If-Modified-Since, RFC 9110 13.2.2). */
function notModified(requestHeaders, etag, mtime) {
  const ifNoneMatch = requestHeaders['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const weak = (tag) => tag.trim().replace(/^W\//, '');
    return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => weak(tag) === weak(etag));
  }
  const ifModifiedSince = requestHeaders['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

const server = createServer(async (req, res) => {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = resolvePath(url.pathname);
  if (!path) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request');
    return;
  }
  let found = await fileAt(path);
  if (!found) {
    // Single-page fallback for navigations (paths without an extension); missing assets stay a real 404 so a
    // missing model or .wasm fails loudly instead of parsing HTML.
    if (extname(url.pathname) === '' || url.pathname.endsWith('.html')) found = await fileAt(join(root, 'index.html'));
    if (!found) {
      // A missing file is never cacheable, whatever _headers says about its path (an /assets/* rule, say).
      const headers = { ...baseHeaders('404.txt', url.pathname), 'Cache-Control': 'no-cache' };
      res.writeHead(404, headers).end(`Not found: ${url.pathname}\n`);
      return;
    }
  }
  // Content-Type from the file itself and the _headers rules from the URL, also when a precompressed copy is sent.
  const headers = baseHeaders(found.path, url.pathname);
  // A precompressed copy, when the build wrote one and the client takes it (each encoding its own ETag).
  const packed = await precompressed(found.path, req.headers['accept-encoding']);
  headers.Vary = 'Accept-Encoding';
  // Validators, so a revalidation (every `no-cache` file, the service worker's precache on a first visit) is a 304
  // instead of the whole file again.
  headers.ETag = packed ? etagOf(found.info).replace(/"$/, `-${packed.encoding}"`) : etagOf(found.info);
  headers['Last-Modified'] = found.info.mtime.toUTCString();
  if (notModified(req.headers, headers.ETag, found.info.mtime)) {
    delete headers['Content-Type'];
    res.writeHead(304, headers).end();
    return;
  }
  if (packed) headers['Content-Encoding'] = packed.encoding;
  const body = packed ?? found;
  headers['Content-Length'] = String(body.info.size);
  res.writeHead(200, headers);
  if (method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(body.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
});

server.on('error', (error) => {
  console.error(`serve: ${error.message}`);
  process.exit(1);
});

server.listen(options.port, options.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host;
  const isolation = options.isolation ? 'COOP/COEP on (threads available)' : 'no COOP/COEP (single thread)';
  console.log(`OnSight: serving ${root} at http://${shownHost}:${port}/ — ${isolation}. Ctrl+C to stop.`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
