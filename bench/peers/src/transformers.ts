/**
 * Peer: the Transformers.js image-classification pipeline (device wasm) on a model arranged in the Hugging Face
 * layout under /hf-models/<id>/ by bench/run.mjs. No network: remote models off, ORT's .wasm from /ort/.
 * `?model=<id>&threads=N`. The pipeline runs on the page's main thread, as its README shows.
 */
import { env, pipeline, RawImage } from '@huggingface/transformers';
import { fail, params, photoFile, publish, type Top } from './common';

async function main(): Promise<void> {
  const q = params();
  const modelId = q.get('model') ?? 'imagenet-mobilenetv2-zoo';
  const threads = Number(q.get('threads') ?? '0');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = '/hf-models/';
  const onnx = env.backends.onnx as unknown as {
    wasm: { wasmPaths?: unknown; numThreads?: number };
    versions?: { web?: string };
  };
  // Transformers.js loads onnxruntime-web/webgpu, whose CPU path is the asyncify build.
  onnx.wasm.wasmPaths = {
    mjs: '/ort/ort-wasm-simd-threaded.asyncify.mjs',
    wasm: '/ort/ort-wasm-simd-threaded.asyncify.wasm',
  };
  if (threads > 0) onnx.wasm.numThreads = threads;
  const t0 = performance.now();
  const classifier = await pipeline('image-classification', modelId, { device: 'wasm', dtype: 'fp32' });
  const readyAt = performance.now();
  // Times its ORT session's run from outside (a wrapper on the instance; nothing else changes), so that its figure
  // splits into decode, the model's run and the rest (its preprocessing and postprocessing).
  const session = (classifier as unknown as { model: { sessions: Record<string, { run: (...a: unknown[]) => unknown }> } })
    .model.sessions.model;
  let runMs: number | undefined;
  if (session) {
    const run = session.run.bind(session);
    session.run = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await run(...args);
      } finally {
        runMs = performance.now() - t;
      }
    };
  }
  publish({
    info: {
      readyAt,
      loadMs: readyAt - t0,
      backend: `wasm (onnxruntime-web ${onnx.versions?.web ?? '?'})`,
      threads: onnx.wasm.numThreads ?? null,
      crossOriginIsolated: self.crossOriginIsolated,
      notes: [],
    },
    async classify(photoUrl) {
      const file = await photoFile(photoUrl);
      runMs = undefined;
      const start = performance.now();
      const image = await RawImage.fromBlob(file);
      const decodeMs = performance.now() - start;
      const output = (await classifier(image, { top_k: 5 })) as Top[] | Top[][];
      const doneAt = performance.now();
      const top = (Array.isArray(output[0]) ? output[0] : output) as Top[];
      return { ms: doneAt - start, doneAt, decodeMs, runMs, top: top.map((t) => ({ label: t.label, score: t.score })) };
    },
  });
}

main().catch(fail);
