/**
 * src/onnx/write-onnx.ts: the ONNX writer the TF.js converter (and anything else that builds a model in code) uses.
 * Decoded back with onnx-proto, run in onnxruntime-web, and compared with a model encoded by hand with onnx-proto.
 */
import type { onnx as OnnxTypes } from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ORT_WARMUP_MODEL } from '../../src/inference/ort-warmup-model';
import { IR_VERSION, OPSET, writeOnnx } from '../../src/onnx/write-onnx';
import { onnx } from '../helpers/tiny-models';

ort.env.wasm.numThreads = 1;

const DT = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

describe('writeOnnx', () => {
  it('writes the same bytes as the ORT warm-up model, encoded directly with onnx-proto', () => {
    const bytes = writeOnnx({
      irVersion: 7,
      graph: {
        name: 'g',
        nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
        inputs: [{ name: 'x', dims: [1] }],
        outputs: [{ name: 'y', dims: [1] }],
      },
    });
    expect(Array.from(bytes)).toEqual(Array.from(ORT_WARMUP_MODEL));
  });

  it('encodes attributes, initialisers, symbolic dimensions and metadata as given', () => {
    const bytes = writeOnnx({
      producerName: 'test',
      producerVersion: '2',
      docString: 'doc',
      metadata: { b: '1', a: '2' },
      graph: {
        name: 'graph',
        nodes: [
          {
            op: 'Op',
            name: 'op1',
            inputs: ['in', 'f', 'd', 'i', 'u'],
            outputs: ['out'],
            attrs: { int: 3, ints: [1, 2], str: 'SAME_UPPER', float: { float: 0.5 } },
          },
        ],
        initializers: [
          { name: 'f', dims: [2], type: 'float32', data: Float32Array.from([1.5, -2]) },
          { name: 'd', dims: [], type: 'float64', data: Float64Array.from([0.1]) },
          { name: 'i', dims: [2], type: 'int64', data: BigInt64Array.from([-1n, 2n ** 40n]) },
          { name: 'u', dims: [3], type: 'uint8', data: Uint8Array.from([0, 128, 255]) },
        ],
        inputs: [{ name: 'in', dims: ['batch', 4] }],
        outputs: [{ name: 'out', dims: ['batch', 4], type: 'uint8' }],
      },
    });
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(IR_VERSION);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET]]);
    expect([model.producerName, model.producerVersion, model.docString]).toEqual(['test', '2', 'doc']);
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['b', '1'],
      ['a', '2'],
    ]);
    const graph = model.graph as OnnxTypes.GraphProto;
    expect(graph.name).toBe('graph');
    const node = graph.node[0] as OnnxTypes.NodeProto;
    expect([node.name, node.opType, node.input, node.output]).toEqual([
      'op1',
      'Op',
      ['in', 'f', 'd', 'i', 'u'],
      ['out'],
    ]);
    const attrs = Object.fromEntries(node.attribute.map((a) => [a.name, a]));
    expect([attrs.int?.type, Number(attrs.int?.i)]).toEqual([A.INT, 3]);
    expect([attrs.ints?.type, attrs.ints?.ints.map(Number)]).toEqual([A.INTS, [1, 2]]);
    expect([attrs.str?.type, new TextDecoder().decode(attrs.str?.s)]).toEqual([A.STRING, 'SAME_UPPER']);
    expect([attrs.float?.type, attrs.float?.f]).toEqual([A.FLOAT, 0.5]);
    const init = Object.fromEntries(graph.initializer.map((t) => [t.name, t]));
    const raw = (name: string) => {
      const r = init[name]?.rawData as Uint8Array;
      return r.buffer.slice(r.byteOffset, r.byteOffset + r.byteLength);
    };
    expect(init.f?.dataType).toBe(DT.FLOAT);
    expect(Array.from(new Float32Array(raw('f')))).toEqual([1.5, -2]);
    expect([init.d?.dataType, init.d?.dims]).toEqual([DT.DOUBLE, []]);
    expect(Array.from(new Float64Array(raw('d')))).toEqual([0.1]);
    expect(init.i?.dataType).toBe(DT.INT64);
    expect(Array.from(new BigInt64Array(raw('i')))).toEqual([-1n, 2n ** 40n]);
    expect(init.u?.dataType).toBe(DT.UINT8);
    expect(Array.from(new Uint8Array(raw('u')))).toEqual([0, 128, 255]);
    const dims = (v: OnnxTypes.IValueInfoProto | undefined) =>
      v?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims(graph.input[0])).toEqual(['batch', 4]);
    expect(graph.input[0]?.type?.tensorType?.elemType).toBe(DT.FLOAT);
    expect(graph.output[0]?.type?.tensorType?.elemType).toBe(DT.UINT8);
  });

  it('refuses a fractional number where an integer attribute is meant', () => {
    const graph = {
      name: 'g',
      nodes: [{ op: 'Elu', inputs: ['x'], outputs: ['y'], attrs: { alpha: 0.5 } }],
      inputs: [{ name: 'x', dims: [1] }],
      outputs: [{ name: 'y', dims: [1] }],
    };
    expect(() => writeOnnx({ graph })).toThrow('attribute alpha: 0.5 is not an integer; wrap floats as {float}');
  });

  it('writes a model onnxruntime-web runs, initialisers and attributes included', async () => {
    const bytes = writeOnnx({
      graph: {
        name: 'scale-then-clip',
        nodes: [
          { op: 'Mul', inputs: ['x', 'scale'], outputs: ['scaled'] },
          { op: 'Clip', inputs: ['scaled', 'lo', 'hi'], outputs: ['clipped'] },
          { op: 'Reshape', inputs: ['clipped', 'shape'], outputs: ['y'] },
          { op: 'Elu', inputs: ['x'], outputs: ['elu'], attrs: { alpha: { float: 0.5 } } },
        ],
        initializers: [
          { name: 'scale', dims: [2], type: 'float32', data: Float32Array.from([2, -3]) },
          { name: 'lo', dims: [], type: 'float32', data: Float32Array.from([-4]) },
          { name: 'hi', dims: [], type: 'float32', data: Float32Array.from([5]) },
          { name: 'shape', dims: [1], type: 'int64', data: BigInt64Array.from([-1n]) },
        ],
        inputs: [{ name: 'x', dims: ['batch', 2] }],
        outputs: [
          { name: 'y', dims: ['n'] },
          { name: 'elu', dims: ['batch', 2] },
        ],
      },
    });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 4, -1]), [2, 2]) });
    expect(Array.from(out.y?.data as Float32Array)).toEqual([2, -3, 5, 3]);
    expect(Array.from(out.elu?.data as Float32Array).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([
      1,
      1,
      4,
      Math.round(0.5 * (Math.exp(-1) - 1) * 1e4) / 1e4,
    ]);
    await session.release();
  });
});
