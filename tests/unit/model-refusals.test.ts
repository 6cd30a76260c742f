/**
 * Models OnSight cannot drive as an image classifier, and specs that are wrong: each is refused with a message that
 * names the source and says why. Real generated models are loaded with onnxruntime-web where ORT can load them;
 * shapes ORT would reject at load time (a rank-2 input feeding a 4-D graph) are described as ModelIO directly.
 */
import { describe, expect, it } from 'vitest';
import { completeSpec } from '../../src/model/complete-spec';
import { inspectIO } from '../../src/model/model-io';
import { resolveModelSpec } from '../../src/model/resolve-spec';
import type { ModelIO } from '../../src/model/types';
import { createSession } from '../helpers/ort-node';
import { buildTinyClassifier, type TinyModelOptions } from '../helpers/tiny-models';

async function resolveTiny(opts: TinyModelOptions, companions: Record<string, string> = { 'labels.txt': 'a\nb\nc\n' }) {
  const model = buildTinyClassifier(opts);
  const { io } = await createSession(model.bytes);
  return resolveModelSpec({
    modelFileName: 'model.onnx',
    modelBytes: model.bytes,
    companions: new Map(Object.entries(companions)),
    io,
  });
}

const io = (
  inputs: ModelIO['inputs'],
  outputs: ModelIO['outputs'] = [{ name: 'y', type: 'float32', shape: [1, 3] }],
): ModelIO => ({ inputs, outputs });

describe('models that are not a single-image classifier', () => {
  it('two image inputs', async () => {
    await expect(
      resolveTiny({ extraInputs: [{ name: 'image2', type: 'float32', shape: [1, 3, 4, 4] }] }),
    ).rejects.toThrow(
      'model.onnx: the model has 2 image-like inputs ("image" [1,3,4,4], "image2" [1,3,4,4]); OnSight feeds exactly one image per run',
    );
  });

  it('an image input plus a non-image input', async () => {
    await expect(resolveTiny({ extraInputs: [{ name: 'mask', type: 'float32', shape: [1, 10] }] })).rejects.toThrow(
      /the model has 2 inputs \("image" \[1,3,4,4\], "mask" \[1,10\]\); an image classifier takes a single image tensor/,
    );
  });

  it('a rank-2 input', () => {
    expect(() => inspectIO(io([{ name: 'x', type: 'float32', shape: ['N', 784] }]), { where: 'mnist.onnx' })).toThrow(
      'mnist.onnx: input "x" has shape [N,784] (2-D), not an image: an image classifier takes a 4-D tensor [N,C,H,W] or [N,H,W,C]',
    );
  });

  it('a 4-D input whose channel dimension is not 1 or 3', () => {
    expect(() => inspectIO(io([{ name: 'x', type: 'float32', shape: [1, 4, 32, 32] }]))).toThrow(
      'input "x" has shape [1,4,32,32]: neither dimension 1 (NCHW) nor dimension 3 (NHWC) is a colour channel count of 1 or 3',
    );
  });

  it('a fixed batch larger than one', () => {
    expect(() => inspectIO(io([{ name: 'x', type: 'float32', shape: [8, 3, 224, 224] }]))).toThrow(
      /batch size is fixed at 8/,
    );
  });

  it('an input type OnSight cannot feed', () => {
    expect(() => inspectIO(io([{ name: 'x', type: 'int64', shape: [1, 3, 224, 224] }]))).toThrow(
      'input "x" has element type int64; OnSight feeds images as float32, float16 or uint8',
    );
  });

  it('an output of rank 3 with two dimensions above 1', async () => {
    await expect(resolveTiny({ classes: 6, outputShape: [1, 2, 3] })).rejects.toThrow(
      /output "scores" has shape \[1,2,3\], not one score per class: besides the batch, only one dimension may be larger than 1/,
    );
  });

  it('an output of rank 4 with only the class dimension above 1 is fine', async () => {
    const r = await resolveTiny({ classes: 3, outputShape: [1, 3, 1, 1] });
    expect(r.spec.output.name).toBe('scores');
  });

  it('a non-numeric output', () => {
    expect(() =>
      inspectIO(
        io([{ name: 'x', type: 'float32', shape: [1, 3, 8, 8] }], [{ name: 'label', type: 'string', shape: [1] }]),
      ),
    ).toThrow('output "label" has element type string; class scores must be float32, float16, float64 or uint8');
  });

  it('label count that matches neither the classes nor classes-1', async () => {
    await expect(resolveTiny({ classes: 3 }, { 'labels.txt': 'a\nb\nc\nd\ne\n' })).rejects.toThrow(
      'model.onnx: output "scores" has 3 scores per image, but there are 5 labels (from labels.txt); they must match (or the model may have one extra background class at index 0)',
    );
  });

  it('a spec naming an input the model does not have', async () => {
    await expect(
      resolveTiny({}, { 'labels.txt': 'a\nb\nc', 'onsight.json': '{"input":{"name":"pixel_values"}}' }),
    ).rejects.toThrow('model.onnx: the spec names input "pixel_values", but the model\'s inputs are "image" [1,3,4,4]');
  });

  it('a spec whose layout contradicts the input shape', async () => {
    await expect(
      resolveTiny({ layout: 'nchw' }, { 'labels.txt': 'a\nb\nc', 'model.onsight.json': '{"input":{"layout":"nhwc"}}' }),
    ).rejects.toThrow(
      'model.onnx: model.onsight.json says input.layout "nhwc", but input "image" has shape [1,3,4,4], which is NCHW',
    );
  });

  it('a spec whose size contradicts a fixed input size', async () => {
    await expect(
      resolveTiny({}, { 'labels.txt': 'a\nb\nc', 'onsight.json': '{"input":{"width":224,"height":224}}' }),
    ).rejects.toThrow('onsight.json says input.width 224, but input "image" has a fixed width of 4');
  });

  it('sigmoid declared for a model with several scores', () => {
    expect(() =>
      completeSpec(
        [{ source: 'onsight.json', spec: { labels: ['a', 'b'], output: { kind: 'sigmoid' } } }],
        io([{ name: 'x', type: 'float32', shape: [1, 3, 8, 8] }], [{ name: 'y', type: 'float32', shape: [1, 2] }]),
        { id: 'm', name: 'm' },
      ),
    ).toThrow('onsight.json says output.kind "sigmoid" (one logit), but output "y" has 2 scores');
  });
});

describe('broken files and specs', () => {
  it('corrupt (truncated) model bytes', async () => {
    const { bytes } = buildTinyClassifier({});
    await expect(
      resolveModelSpec({ modelFileName: 'model.onnx', modelBytes: bytes.subarray(0, bytes.length - 20) }),
    ).rejects.toThrow(/^not an ONNX model: /);
  });

  it('an invalid field in the sidecar JSON', async () => {
    await expect(
      resolveTiny({}, { 'labels.txt': 'a\nb\nc', 'model.onsight.json': '{"input":{"layout":"chw"}}' }),
    ).rejects.toThrow('model.onsight.json: input.layout must be "nchw" or "nhwc", got "chw"');
  });

  it('an invalid field in the embedded onsight.spec', async () => {
    await expect(resolveTiny({ metadata: { 'onsight.spec': '{"input":{"layout":"chw"}}' } })).rejects.toThrow(
      'onsight.spec in model.onnx: input.layout must be "nchw" or "nhwc", got "chw"',
    );
  });

  it('sidecar that is not JSON', async () => {
    await expect(resolveTiny({}, { 'onsight.json': '{input: nchw}' })).rejects.toThrow(
      /^onsight\.json: not valid JSON \(/,
    );
  });

  it('labels.txt with a blank line in the middle', async () => {
    await expect(resolveTiny({}, { 'labels.txt': 'a\n\nc\n' })).rejects.toThrow(
      'labels.txt: line 2 is empty; each line must name one class',
    );
  });
});
