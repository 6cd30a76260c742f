/**
 * The worker's ORT warm-up model (src/inference/ort-warmup-model.ts): a valid ONNX Identity graph that onnxruntime-web
 * accepts, so creating a session for it initialises the backend and nothing else can fail.
 */

import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ORT_WARMUP_MODEL } from '../../src/inference/ort-warmup-model';
import { onnx } from '../helpers/tiny-models';

ort.env.wasm.numThreads = 1;

describe('ORT warm-up model', () => {
  it('decodes with onnx-proto as a one-node Identity graph', () => {
    const model = onnx.ModelProto.decode(ORT_WARMUP_MODEL);
    expect(Number(model.irVersion)).toBe(7);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    const graph = model.graph;
    expect(graph?.node?.map((n) => [n.opType, n.input, n.output])).toEqual([['Identity', ['x'], ['y']]]);
    expect(graph?.input?.map((i) => i.name)).toEqual(['x']);
    expect(graph?.output?.map((o) => o.name)).toEqual(['y']);
    expect(graph?.input?.[0]?.type?.tensorType?.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    // Round trip: the constant is exactly what onnx-proto encodes for it.
    expect(Array.from(onnx.ModelProto.encode(model).finish())).toEqual(Array.from(ORT_WARMUP_MODEL));
  });

  it('runs in onnxruntime-web (wasm) and is released cleanly', async () => {
    const session = await ort.InferenceSession.create(ORT_WARMUP_MODEL, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([2.5]), [1]) });
    expect(Array.from(out.y?.data as Float32Array)).toEqual([2.5]);
    await session.release();
  });
});
