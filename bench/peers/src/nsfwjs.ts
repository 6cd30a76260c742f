/**
 * Peer: nsfwjs 4.4.0 with its default MobileNetV2 (the weights bundled in the package, loaded with `load()` as its
 * README shows), on TF.js 4.22. `?backend=webgl` (TF.js's default in a browser) or `?backend=wasm`
 * (@tensorflow/tfjs-backend-wasm, .wasm served locally from /tfjs-wasm/, `?threads=N`).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as nsfwjs from 'nsfwjs';
import { fail, params, photoFile, publish } from './common';

// nsfwjs decodes its bundled base64 weights with Node's Buffer (Buffer.from(b64, 'base64').toString('binary')).
// Browsers lack Buffer, so give it exactly that one operation.
const g = globalThis as unknown as { Buffer?: unknown };
if (!g.Buffer) g.Buffer = { from: (b64: string) => ({ toString: () => atob(b64) }) };

function webglRenderer(): string | null {
  try {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const q = params();
  const backend = q.get('backend') ?? 'webgl';
  const threads = Number(q.get('threads') ?? '0');
  const notes: string[] = [];
  const t0 = performance.now();
  if (backend === 'wasm') {
    setWasmPaths('/tfjs-wasm/');
    if (threads > 0) setThreadsCount(threads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialise`);
  await tf.ready();
  if (backend === 'webgl') notes.push(`WebGL renderer: ${webglRenderer() ?? 'unknown'}`);
  const model = await nsfwjs.load('MobileNetV2');
  const readyAt = performance.now();
  let usedThreads: number | null = null;
  if (backend === 'wasm') usedThreads = getThreadsCount();
  publish({
    info: {
      readyAt,
      loadMs: readyAt - t0,
      backend: tf.getBackend(),
      threads: usedThreads,
      crossOriginIsolated: self.crossOriginIsolated,
      notes,
    },
    async classify(photoUrl) {
      const file = await photoFile(photoUrl);
      const start = performance.now();
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      const predictions = await model.classify(bitmap, 5);
      const doneAt = performance.now();
      bitmap.close();
      return {
        ms: doneAt - start,
        doneAt,
        top: predictions.map((p) => ({ label: p.className, score: p.probability })),
      };
    },
  });
}

main().catch(fail);
