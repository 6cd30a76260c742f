/**
 * Bench-only build (never part of the app): the floor page (raw onnxruntime-web in a module worker, the ORT build
 * the app ships) and the peer pages (nsfwjs + TF.js, Transformers.js). Output: bench/dist/ (git-ignored).
 *
 * Peer pages live under bench/peers/src so that their imports resolve from bench/peers/node_modules, which
 * `npm ci --prefix bench/peers` fills apart from the app's own install. The floor page lives under bench/pages and
 * resolves onnxruntime-web from the app's node_modules, i.e. the very version the app bundles.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  // Peer wasm files are copied next to the build by bench/run.mjs; no public dir.
  publicDir: false,
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 100_000,
    rolldownOptions: {
      // No compression pass: TF.js's WASM backend starts its pthread workers from `factory.toString()`, and the
      // compressor folds the factory's `typeof _scriptDir` guard into a bare reference to a variable that does not
      // exist inside the worker ("e is not defined"). Mangling and whitespace removal alone are safe.
      output: { minify: { compress: false, mangle: true, codegen: true } },
      input: {
        floor: `${here}pages/floor.html`,
        nsfwjs: `${here}peers/src/nsfwjs.html`,
        transformers: `${here}peers/src/transformers.html`,
      },
    },
  },
});
