// @ts-check
/**
 * OnSight's PWA build configuration, kept out of vite.config.ts so that file stays small and shared.
 *
 * - vite-plugin-pwa in `injectManifest` mode compiles `src/sw.ts` and injects the precache list into it.
 * - `__ONSIGHT_BUILD_ID__` identifies a build (About panel, `<html data-build>`): ONSIGHT_BUILD_ID, else the git
 *   commit, else the package version. It is part of the main bundle, so a new id means new hashes and an update.
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Largest single file we allow into the precache. Workbox's default (2 MiB) would drop onnxruntime-web's CPU .wasm
 * (14.2 MB) and the default model (~10 MB) — and vite-plugin-pwa turns that into a build error. 32 MiB admits both
 * with room for a somewhat larger default model, while still failing the build if something unexpected (e.g. the
 * 28 MB JSEP .wasm pulled in by accident, plus growth) sneaks into the precache list.
 */
export const MAX_PRECACHE_FILE_BYTES = 32 * 1024 * 1024;

const THEME_COLOR = '#2f5bd3';
const BACKGROUND_COLOR = '#f6f7f9';

/** @returns {string} */
function buildId() {
  const fromEnv = process.env.ONSIGHT_BUILD_ID?.trim();
  if (fromEnv) return fromEnv;
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    /** @type {{ version: string }} */
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return pkg.version;
  }
}

/** Image types the installed app offers to open (file_handlers) — concrete types, as Chromium requires. */
/** @type {Record<string, string[]>} */
const IMAGE_TYPES = {
  'image/jpeg': ['.jpg', '.jpeg', '.jfif'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
  'image/gif': ['.gif'],
  'image/avif': ['.avif'],
  'image/bmp': ['.bmp'],
};

/** @returns {import('vite').Plugin[]} */
export function onsightPwa() {
  const id = buildId();
  /** @type {import('vite').Plugin} */
  const buildIdPlugin = {
    name: 'onsight-build-id',
    config: () => ({ define: { __ONSIGHT_BUILD_ID__: JSON.stringify(id) } }),
  };
  return [
    buildIdPlugin,
    ...VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // We register ourselves (src/pwa/register-sw.ts) with workbox-window, and updates wait for the user's word.
      injectRegister: false,
      registerType: 'prompt',
      // Relative to the manifest, which sits at the base: right for './', '/' and '/onsight/' alike.
      manifest: {
        id: './',
        name: 'OnSight',
        short_name: 'OnSight',
        description:
          'Classify photos on your own device — offline, private, fast. Runs ONNX image classifiers in your browser.',
        lang: 'en',
        dir: 'ltr',
        start_url: './',
        scope: './',
        display: 'standalone',
        orientation: 'any',
        theme_color: THEME_COLOR,
        background_color: BACKGROUND_COLOR,
        categories: ['photo', 'utilities', 'productivity'],
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: 'icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        screenshots: [
          {
            src: 'screenshots/wide.png',
            sizes: '1280x800',
            type: 'image/png',
            form_factor: 'wide',
            label: 'OnSight classifying photos on a desktop',
          },
          {
            src: 'screenshots/narrow.png',
            sizes: '540x1080',
            type: 'image/png',
            form_factor: 'narrow',
            label: 'OnSight on a phone',
          },
        ],
        share_target: {
          action: './share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'photos', accept: ['image/*', ...Object.values(IMAGE_TYPES).flat()] }] },
        },
        file_handlers: [{ action: './', accept: IMAGE_TYPES }],
        launch_handler: { client_mode: ['focus-existing', 'auto'] },
      },
      // Icons come in through globPatterns below; screenshots are for the install dialog only.
      includeManifestIcons: false,
      injectManifest: {
        globPatterns: [
          '{index.html,favicon.*}',
          'assets/*.{js,css,svg,png,webp,woff2}',
          // Only the CPU build that the wasm backend loads; the WebGPU/JSEP builds are runtime-cached in src/sw.ts.
          'assets/ort-wasm-simd-threaded-*.wasm',
          'icons/*.{png,svg}',
          'models/index.json',
          'models/default/model.onnx',
        ],
        globIgnores: ['**/*.map', '**/*.asyncify*', '**/*.jsep*', '**/*.jspi*'],
        maximumFileSizeToCacheInBytes: MAX_PRECACHE_FILE_BYTES,
        // Vite's content-hashed assets need no revision query (and may then come from the HTTP cache).
        dontCacheBustURLsMatching: /^assets\//,
        minify: true,
        sourcemap: false,
      },
      devOptions: { enabled: false },
    }),
  ];
}
