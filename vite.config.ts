import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { onsightPwa } from './tools/pwa-options.mjs';

// COOP/COEP make the page crossOriginIsolated so ORT's WASM backend can use threads.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: process.env.ONSIGHT_BASE ?? './',
  plugins: [preact(), onsightPwa()],
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', sourcemap: true },
});
