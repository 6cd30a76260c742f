import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { precompress } from './tools/precompress.mjs';
import { onsightPwa } from './tools/pwa-options.mjs';
import { SECURITY_HEADERS, securityHeadersPlugin } from './tools/security-headers.mjs';

// COOP/COEP make the page crossOriginIsolated so ORT's WASM backend can use threads.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: process.env.ONSIGHT_BASE ?? './',
  // precompress: .br/.gz beside the build's files (index.html with its CSP tags too), which tools/serve.mjs sends as
  // they are.
  plugins: [preact(), securityHeadersPlugin(), onsightPwa(), precompress()],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: isolationHeaders },
  // The CSP only for the build: the dev server injects CSS as <style> tags, which it forbids.
  preview: { headers: { ...isolationHeaders, ...SECURITY_HEADERS } },
  build: { target: 'es2022', sourcemap: true },
});
