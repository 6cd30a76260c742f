// @ts-check
/**
 * OnSight's Content-Security-Policy and the other security headers, for every place that sends them: the `<meta>`
 * tags the build puts into index.html (`securityHeadersPlugin`), `vite preview`, and the service worker (src/sw.ts adds
 * them where the host sent none, e.g. GitHub Pages). `public/_headers` (Netlify, Cloudflare Pages, and tools/serve.mjs,
 * which honours it) is a static file that repeats them; tests/e2e/csp.spec.ts checks that every copy says the same.
 *
 * Why a CSP: the page shows text taken from files strangers hand to users (labels and metadata inside models); if
 * that ever reached the DOM as markup, the policy still stops scripts, so it is a second wall behind Preact's escaping.
 * What needs what, measured on the production build:
 * - `'wasm-unsafe-eval'`: onnxruntime-web compiles its WebAssembly (in the inference worker, whose policy comes from
 *   the header sent with the worker's script). No `'unsafe-eval'`: nothing calls eval or new Function.
 * - `worker-src 'self'`: the inference worker, ORT's pthreads (which reload ORT's own chunk by URL: no blob:, since
 *   ORT only makes a blob: worker when its script is cross-origin) and the service worker are all our own files.
 * - `connect-src 'self'`: models/index.json, the models and their sidecars, ORT's .wasm. Photos and user models
 *   reach the worker as bytes, and stored models come from Cache Storage, which CSP does not govern.
 * - `img-src blob: data:`: photo thumbnails are object URLs; the favicon in index.html is a data: URL.
 * - `style-src 'self'` without `'unsafe-inline'`: the build emits one stylesheet and no `<style>`; Preact sets
 *   `style` through the CSSOM (the prediction bars' widths), which CSP allows.
 * - `form-action 'self'`: the share target POSTs to ./share-target, answered by the service worker.
 * - No `media-src`: the camera is `<input capture>` (the OS's), or the trainer's preview, a `<video>` whose
 *   `srcObject` is the camera's MediaStream (no URL, so no fetch for CSP to govern).
 * - `frame-ancestors 'none'` only in the header: a `<meta>` policy cannot carry it.
 *
 * The dev server (`vite`) gets none of this: it injects CSS as `<style>` tags, which `style-src 'self'` forbids.
 */

/** @type {Record<string, string[]>} */
const DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'style-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
};

/** @param {Record<string, string[]>} directives */
const serialize = (directives) =>
  Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');

/** The policy for `<meta http-equiv="Content-Security-Policy">` (no frame-ancestors: a meta tag cannot carry it). */
export const CONTENT_SECURITY_POLICY_META = serialize(DIRECTIVES);

/** The policy as a header: the meta policy plus `frame-ancestors 'none'` (nobody may frame the app). */
export const CONTENT_SECURITY_POLICY = serialize({ ...DIRECTIVES, 'frame-ancestors': ["'none'"] });

export const REFERRER_POLICY = 'no-referrer';

/** Only the camera, and only for the app itself; the rest of the usual list is switched off. */
export const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
  'display-capture=()',
  'browsing-topics=()',
].join(', ');

/** Headers for every response of the built app, beside COOP/COEP. */
export const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Referrer-Policy': REFERRER_POLICY,
  'Permissions-Policy': PERMISSIONS_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Build only: the CSP and referrer `<meta>` tags right after index.html's `<meta charset>`, before anything they
 * govern (a meta policy covers only what comes after it); and `import.meta.env.ONSIGHT_SECURITY_HEADERS` for the
 * service worker, which vite-plugin-pwa builds with this config's `define`.
 * @returns {import('vite').Plugin}
 */
export function securityHeadersPlugin() {
  const metaTags = [
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`,
    `<meta name="referrer" content="${REFERRER_POLICY}" />`,
  ];
  return {
    name: 'onsight-security-headers',
    apply: 'build',
    config: () => ({ define: { 'import.meta.env.ONSIGHT_SECURITY_HEADERS': JSON.stringify(SECURITY_HEADERS) } }),
    transformIndexHtml: (html) => {
      const charset = /<meta charset="utf-8" *\/?>\n?( *)/i.exec(html);
      if (!charset) throw new Error('index.html: no <meta charset="utf-8"> to put the Content-Security-Policy after');
      const at = charset.index + charset[0].length;
      const indent = charset[1] ?? '';
      return `${html.slice(0, at)}${metaTags.map((tag) => `${tag}\n${indent}`).join('')}${html.slice(at)}`;
    },
  };
}
