import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { precompress } from './tools/precompress.mjs';
import { onsightPwa } from './tools/pwa-options.mjs';

// COOP/COEP make the page crossOriginIsolated so ORT's WASM backend can use threads.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: process.env.ONSIGHT_BASE ?? './',
  // precompress: .br/.gz beside the build's files, which tools/serve.mjs sends as they are.
  plugins: [preact(), onsightPwa(), precompress()],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', sourcemap: true },
});
