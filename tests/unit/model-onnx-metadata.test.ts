/** readOnnxMetadata and setMetadataProps: real models, generated models, byte-exact splicing, speed, non-ONNX input. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setMetadataProps } from '../../src/onnx/onnx-fields';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { createSession, runOnce } from '../helpers/ort-node';
import { haveSharedModels, stModel, zooModel } from '../helpers/shared-data';
import { buildTinyClassifier, makeImage, onnx } from '../helpers/tiny-models';

const shared = haveSharedModels();

describe.skipIf(!shared)('real models in ../shared', () => {
  it('ONNX Model Zoo MobileNetV2 int8: IR 7, opset 12 + com.microsoft, producer onnx.quantize', () => {
    const m = readOnnxMetadata(new Uint8Array(readFileSync(join(zooModel, 'model.onnx'))));
    expect(m.irVersion).toBe(7);
    expect(m.producerName).toBe('onnx.quantize');
    expect(m.opsets).toContainEqual({ domain: '', version: 12 });
    expect(m.opsets).toContainEqual({ domain: 'com.microsoft', version: 1 });
    expect(m.metadata).toEqual({});
    expect(m.graphBytes).toBeGreaterThan(3_600_000);
  });

  it('STMicroelectronics MobileNetV2 int8: tf2onnx, opset 13', () => {
    const m = readOnnxMetadata(new Uint8Array(readFileSync(join(stModel, 'model.onnx'))));
    expect(m.irVersion).toBe(7);
    expect(m.producerName).toBe('tf2onnx');
    expect(m.producerVersion).toMatch(/^1\.16\.1/);
    expect(m.opsets).toContainEqual({ domain: '', version: 13 });
  });

  it('a spec spliced into the real model is read back, and the model still loads with the same io', async () => {
    const bytes = new Uint8Array(readFileSync(join(zooModel, 'model.onnx')));
    const withSpec = setMetadataProps(bytes, { 'onsight.spec': '{"labels":["x"]}' });
    expect(Buffer.compare(withSpec.subarray(0, bytes.length), bytes)).toBe(0); // every original byte kept
    expect(readOnnxMetadata(withSpec).metadata).toEqual({ 'onsight.spec': '{"labels":["x"]}' });
    const { io } = await createSession(withSpec);
    expect(io.inputs).toEqual([{ name: 'input', isTensor: true, type: 'float32', shape: ['batch_size', 3, 224, 224] }]);
  });
});

describe('generated models', () => {
  it('reads metadata_props, producer, IR version and opsets', () => {
    const { bytes } = buildTinyClassifier({
      metadata: { 'onsight.spec': '{"a":1}', labels: '["x","y"]', author: 'Ünïcødé ✓' },
      irVersion: 8,
      opset: 13,
    });
    const m = readOnnxMetadata(bytes);
    expect(m.metadata).toEqual({ 'onsight.spec': '{"a":1}', labels: '["x","y"]', author: 'Ünïcødé ✓' });
    expect(m.producerName).toBe('onsight-tests');
    expect(m.irVersion).toBe(8);
    expect(m.opsets).toEqual([{ domain: '', version: 13 }]);
  });

  it('setMetadataProps replaces a key, keeps other entries and every other byte, and ORT runs the result identically', async () => {
    const tiny = buildTinyClassifier({ metadata: { 'onsight.spec': 'old', keep: 'me' } });
    const changed = setMetadataProps(tiny.bytes, { 'onsight.spec': 'new', extra: 'added' });
    expect(readOnnxMetadata(changed).metadata).toEqual({ keep: 'me', 'onsight.spec': 'new', extra: 'added' });
    const removed = setMetadataProps(changed, { 'onsight.spec': null, extra: null });
    expect(readOnnxMetadata(removed).metadata).toEqual({ keep: 'me' });
    const img = makeImage('nchw', 3, 4, 4, (c, h, w) => c + h * w);
    const a = await runOnce((await createSession(tiny.bytes)).session, 'float32', img.data, img.shape);
    const b = await runOnce((await createSession(changed)).session, 'float32', img.data, img.shape);
    expect(b.values).toEqual(a.values);
  });

  it('when a key repeats, the last entry wins', () => {
    const { bytes } = buildTinyClassifier({});
    const twice = setMetadataProps(setMetadataProps(bytes, { k: 'first' }), {});
    const appended = new Uint8Array([...twice, ...setMetadataProps(new Uint8Array(0), { k: 'second' })]);
    expect(readOnnxMetadata(appended).metadata.k).toBe('second');
  });

  it('is fast on a 14 MB model: the graph is skipped, not decoded', () => {
    // A 14 MB initializer inside the graph, metadata after it (where writers put it).
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'big',
        initializer: [
          {
            name: 'w',
            dataType: onnx.TensorProto.DataType.FLOAT,
            dims: [3_500_000],
            rawData: new Uint8Array(14_000_000).fill(7),
          },
        ],
      },
      metadataProps: [{ key: 'onsight.spec', value: '{}' }],
    });
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(bytes.length).toBeGreaterThan(14_000_000);
    readOnnxMetadata(bytes); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) expect(readOnnxMetadata(bytes).metadata['onsight.spec']).toBe('{}');
    const perCall = (performance.now() - t0) / 10;
    expect(perCall).toBeLessThan(20); // measured well under 1 ms here
  });
});

describe('bytes that are not an ONNX model', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /not an ONNX model: the file is empty/],
    ['a PNG', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /not an ONNX model: /],
    [
      'a zip (PyTorch checkpoint)',
      new TextEncoder().encode('PK\x03\x04archive'),
      /not an ONNX model: it is a ZIP archive/,
    ],
    [
      'a TF.js model.json',
      new TextEncoder().encode('  {"format":"layers-model"}'),
      /not an ONNX model: it is a JSON file/,
    ],
    [
      'a TFLite model',
      new Uint8Array([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0]),
      /not an ONNX model: it is a TensorFlow Lite model/,
    ],
    ['an HTML error page', new TextEncoder().encode('<!DOCTYPE html><html>'), /not an ONNX model: it is an HTML page/],
    ['text', new TextEncoder().encode('hello world, this is not a model'), /not an ONNX model: /],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      expect(() => readOnnxMetadata(bytes)).toThrow(message);
    });
  }

  it('a truncated model', () => {
    const { bytes } = buildTinyClassifier({});
    expect(() => readOnnxMetadata(bytes.subarray(0, bytes.length - 5))).toThrow(
      /^not an ONNX model: the bytes are not a valid ONNX protobuf .*truncated or corrupt/,
    );
  });

  it('pseudo-random bytes', () => {
    let x = 12345;
    const bytes = Uint8Array.from({ length: 4096 }, () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x >>> 24;
    });
    expect(() => readOnnxMetadata(bytes)).toThrow(/^not an ONNX model: /);
  });
});
