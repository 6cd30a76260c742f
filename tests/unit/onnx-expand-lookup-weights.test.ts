/**
 * Expanding table-indexed weights (src/onnx/expand-lookup-weights.ts) before ORT sees a model: the converter's
 * `Gather(table, Cast(q))` pairs become float32 initialisers, and the real onnxruntime-web gives exactly the outputs
 * it gives for the file as it is (where it folds those nodes itself). Models without such weights, or whose pairs are
 * not safe to rewrite, are left alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORT_WARMUP_MODEL } from '../../src/inference/ort-warmup-model';
import { expandLookupWeights } from '../../src/onnx/expand-lookup-weights';
import { type OnnxInitializer, type OnnxNode, writeOnnx } from '../../src/onnx/write-onnx';
import { ort } from '../helpers/ort-node';
import { onnx } from '../helpers/tiny-models';
import { defaultModelPath } from '../helpers/train-backbones';

async function outputs(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(new Uint8Array(model), { graphOptimizationLevel: 'all' });
  try {
    const out = await session.run(feeds);
    return session.outputNames.map((name) => out[name]?.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** x [1, 3] · W [3, 2], W = table[q] through Cast + Gather, as the converter writes a quantised weight. */
function lookupModel(options: { indexReadTwice?: boolean; sharedTable?: boolean } = {}): Uint8Array {
  const table = new Float32Array(256).map((_, k) => k * 0.0125 - 1.5);
  const initializers: OnnxInitializer[] = [
    { name: 'w/quantized', dims: [3, 2], type: 'uint8', data: new Uint8Array([0, 7, 100, 200, 255, 31]) },
    { name: 'w/table', dims: [256], type: 'float32', data: table },
  ];
  const nodes: OnnxNode[] = [
    { op: 'Cast', inputs: ['w/quantized'], outputs: ['w/index'], attrs: { to: 6 } },
    { op: 'Gather', inputs: ['w/table', 'w/index'], outputs: ['w'], attrs: { axis: 0 } },
    { op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] },
  ];
  const outputs = [{ name: 'y', dims: [1, 2] }];
  if (options.sharedTable) {
    initializers.push({ name: 'v/quantized', dims: [2], type: 'uint8', data: new Uint8Array([3, 250]) });
    nodes.push(
      { op: 'Cast', inputs: ['v/quantized'], outputs: ['v/index'], attrs: { to: 7 } },
      { op: 'Gather', inputs: ['w/table', 'v/index'], outputs: ['v'], attrs: { axis: 0 } },
      { op: 'Add', inputs: ['y', 'v'], outputs: ['z'] },
    );
    outputs.push({ name: 'z', dims: [1, 2] });
  }
  if (options.indexReadTwice) {
    nodes.push({ op: 'Cast', inputs: ['w/index'], outputs: ['i'], attrs: { to: 1 } });
    outputs.push({ name: 'i', dims: [3, 2] });
  }
  return writeOnnx({
    graph: { name: 'g', nodes, initializers, inputs: [{ name: 'x', dims: [1, 3] }], outputs },
    metadata: { kept: 'yes' },
  });
}

const x = () => ({ x: new ort.Tensor('float32', new Float32Array([0.5, -2, 3]), [1, 3]) });

describe('expandLookupWeights', () => {
  it('turns Gather(table, Cast(q)) into a float32 initialiser with the same values, keeping the rest', async () => {
    const model = lookupModel();
    const expanded = expandLookupWeights(model);
    if (!expanded) throw new Error('nothing expanded');
    const decoded = onnx.ModelProto.decode(expanded);
    expect(decoded.graph?.node?.map((n) => n.opType)).toEqual(['MatMul']);
    const w = decoded.graph?.initializer?.find((t) => t.name === 'w');
    expect(w?.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(w?.dims?.map(Number)).toEqual([3, 2]);
    const raw = w?.rawData as Uint8Array;
    const values = Array.from(new Float32Array(raw.slice().buffer));
    expect(values).toEqual([0, 7, 100, 200, 255, 31].map((k) => Math.fround(Math.fround(k * 0.0125 - 1.5))));
    expect(decoded.graph?.initializer?.map((t) => t.name)).toEqual(['w']);
    expect(decoded.metadataProps?.map((p) => [p.key, p.value])).toEqual([['kept', 'yes']]);
    expect(await outputs(expanded, x())).toEqual(await outputs(model, x()));
  });

  it('expands each weight of a shared table, dropping the table once nothing reads it', async () => {
    const model = lookupModel({ sharedTable: true });
    const expanded = expandLookupWeights(model);
    if (!expanded) throw new Error('nothing expanded');
    const graph = onnx.ModelProto.decode(expanded).graph;
    expect(graph?.node?.map((n) => n.opType)).toEqual(['MatMul', 'Add']);
    expect(graph?.initializer?.map((t) => t.name).sort()).toEqual(['v', 'w']);
    expect(await outputs(expanded, x())).toEqual(await outputs(model, x()));
  });

  it('leaves a pair whose index something else reads, models with nothing to expand or with subgraphs, and too many weights', () => {
    expect(expandLookupWeights(lookupModel({ indexReadTwice: true }))).toBeUndefined();
    expect(expandLookupWeights(ORT_WARMUP_MODEL)).toBeUndefined();
    // More float weights than it may make (6 values, 24 bytes): left to ORT's own folding.
    expect(expandLookupWeights(lookupModel(), 23)).toBeUndefined();
    expect(expandLookupWeights(lookupModel(), 24)).toBeDefined();
    expect(() => expandLookupWeights(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
    // A node with a subgraph (which may read any outer value): the model is left as it is.
    const withIf = onnx.ModelProto.decode(lookupModel());
    withIf.graph?.node?.push(
      onnx.NodeProto.create({
        opType: 'If',
        input: ['c'],
        output: ['o'],
        attribute: [
          onnx.AttributeProto.create({
            name: 'then_branch',
            type: onnx.AttributeProto.AttributeType.GRAPH,
            g: onnx.GraphProto.create({ name: 'then' }),
          }),
        ],
      }),
    );
    expect(expandLookupWeights(onnx.ModelProto.encode(withIf).finish())).toBeUndefined();
  });

  // public/models/default/model.onnx is made by `npm run model:default`, which `npm run test:unit` runs first.
  it("the default model: every table weight expanded, ORT's outputs bit for bit the same", async () => {
    const model = new Uint8Array(readFileSync(defaultModelPath));
    const expanded = expandLookupWeights(model);
    if (!expanded) throw new Error('nothing expanded');
    const before = onnx.ModelProto.decode(model).graph;
    const after = onnx.ModelProto.decode(expanded).graph;
    const count = (g: typeof before, op: string) => g?.node?.filter((n) => n.opType === op).length ?? 0;
    expect(count(before, 'Gather')).toBeGreaterThan(0);
    expect(count(after, 'Gather')).toBe(0);
    expect(count(after, 'Cast')).toBe(0);
    expect(after?.node?.length).toBe((before?.node?.length ?? 0) - 2 * count(before, 'Gather'));
    const data = new Float32Array(224 * 224 * 3);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 255) / 255;
    const feeds = { [before?.input?.[0]?.name ?? '']: new ort.Tensor('float32', data, [1, 224, 224, 3]) };
    expect(await outputs(expanded, feeds)).toEqual(await outputs(model, feeds));
  });
});
