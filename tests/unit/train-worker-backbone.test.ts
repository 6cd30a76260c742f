/**
 * The training worker's backbone step in Node (src/train/worker-backbone.ts): a model with no pooled features feeding
 * a classifier is refused before any session is made, with a message that names the model and says what to choose
 * instead; a file that is not ONNX is refused as unreadable.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelSpec } from '../../src/model/spec';
import { writeOnnx } from '../../src/onnx/write-onnx';
import { type OpenBackbone, openBackbone } from '../../src/train/worker-backbone';
import { loadBackbone } from '../helpers/train-backbones';

const spec = { name: 'Pooling only', input: { width: 8, height: 8 } } as unknown as ModelSpec;

describe('openBackbone', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('refuses a model with no feature point, in plain words naming it', async () => {
    const bytes = writeOnnx({
      graph: {
        name: 'no-head',
        nodes: [{ op: 'GlobalAveragePool', inputs: ['image'], outputs: ['scores'] }],
        inputs: [{ name: 'image', dims: [1, 3, 8, 8] }],
        outputs: [{ name: 'scores', dims: [1, 3, 1, 1] }],
      },
    });
    const file = new File([bytes as Uint8Array<ArrayBuffer>], 'pool.onnx');
    const opened = await openBackbone({ source: { kind: 'files', files: [file] }, spec });
    expect(opened).toMatchObject({ ok: false, code: 'no-feature-point' });
    const message = (opened as { message: string }).message;
    expect(message).toMatch(/^Pooling only cannot be trained on: its output "scores" is not computed by a dense/);
    expect(message).toMatch(/Choose a model that ends in a classifier on pooled features/);
    expect(message).not.toMatch(/cannot use this model as a backbone/);
  });

  it('refuses a file that is not a model', async () => {
    const file = new File([new TextEncoder().encode('hello, not a model')], 'notes.onnx');
    const opened = await openBackbone({ source: { kind: 'files', files: [file] }, spec });
    expect(opened).toMatchObject({ ok: false, code: 'model' });
    expect((opened as { message: string }).message).toMatch(/^Could not read the model: /);
  });

  it('opens a model once: the same files again reuse the open session without reading them; another input spec reads', async () => {
    // ort-runtime reads self.crossOriginIsolated (a worker's global); Node has no `self`: one thread, as in a page
    // that is not isolated.
    vi.stubGlobal('self', { crossOriginIsolated: false });
    const backbone = await loadBackbone('default');
    const file = new File([backbone.modelBytes as Uint8Array<ArrayBuffer>], 'model.onnx', { lastModified: 1 });
    const request = { source: { kind: 'files' as const, files: [file] }, spec: backbone.spec };
    const first = await openBackbone(request);
    expect(first).toMatchObject({ cut: { featureSize: 1440 } });
    const again = await openBackbone({ ...request, source: { kind: 'files', files: [file] } });
    expect(again).toBe(first);
    expect((again as OpenBackbone).setup).toEqual({ readMs: 0, cutMs: 0, runtimeMs: 0, sessionMs: 0 });
    const otherInput = { ...backbone.spec, input: { ...backbone.spec.input, resize: 'pad' as const } };
    const reread = await openBackbone({ ...request, spec: otherInput });
    expect((reread as OpenBackbone).setup.readMs).toBeGreaterThan(0);
    expect((reread as OpenBackbone).backboneId).not.toBe((first as OpenBackbone).backboneId);
  }, 120_000);
});
