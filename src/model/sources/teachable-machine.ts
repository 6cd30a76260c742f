/**
 * Source: Teachable Machine's `metadata.json` ({labels, imageSize, modelName, packageName: "@teachablemachine/image"...}).
 * `metadata.json` is a common name, so only Teachable Machine's (with labels, or its package name) is read; another
 * is skipped with a warning.
 */
import { FieldReader } from '../field-reader';
import { isObject, showValue } from '../json-values';
import type { PartialModelSpec } from '../types';
import { companionJson, type SpecSource } from './spec-source';

export const teachableMachineSource: SpecSource = {
  name: 'Teachable Machine',
  async read(ctx) {
    const file = ctx.companion('metadata.json');
    if (!file) return [];
    const meta = await companionJson(file);
    const isTm =
      isObject(meta) && (meta.labels !== undefined || String(meta.packageName ?? '').includes('teachablemachine'));
    if (!isTm) {
      ctx.warnings.push(`${file.name} ignored: it is not Teachable Machine's metadata (no "labels")`);
      return [];
    }
    const source = `${file.name} (Teachable Machine)`;
    return [{ source, spec: specFromTeachableMachine(meta, source) }];
  },
};

/**
 * The spec a Teachable Machine image model needs. What TM's runtime (`@teachablemachine/image`) does to a photo, which
 * a converted TM model therefore expects:
 * - `cropTo` draws the centre square of the photo scaled to imageSize × imageSize → `resize: 'crop'` with
 *   `cropFraction: 1` (shorter side to imageSize, centre square);
 * - `capture` then computes `pixels / 127 - 1` (its code divides by 127, not 127.5, although its comment says
 *   "between -1 and 1"). OnSight computes (pixel × scale − mean) / std, so scale 1/127, mean 1, std 1 reproduces
 *   TM exactly; 1/127.5 would map 0..255 onto exactly −1..1 but differ from what the model was trained on by ≤ 0.8 %;
 * - the model ends in a softmax (TM trains a dense + softmax head on MobileNet), so the output is probabilities;
 * - the tensor is float32 NHWC (TF.js); the layout is left to the ONNX model's input shape, which a converter may
 *   have changed.
 */
export function specFromTeachableMachine(meta: unknown, where = 'metadata.json'): PartialModelSpec {
  const r: FieldReader = new FieldReader(where);
  if (!isObject(meta)) r.fail(`must be a JSON object, got ${showValue(meta)}`);
  const m = meta;
  if (!Array.isArray(m.labels) || m.labels.length === 0 || m.labels.some((l) => typeof l !== 'string')) {
    r.fail('labels must be a non-empty array of class names');
  }
  const spec: PartialModelSpec = { labels: m.labels as string[] };
  const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
  const size =
    m.imageSize === undefined ? undefined : r.number(m.imageSize, 'imageSize', positiveInt, 'a positive whole number');
  spec.input = {
    ...(size !== undefined ? { width: size, height: size } : {}),
    resize: 'crop',
    cropFraction: 1,
    resample: 'bilinear',
    channelOrder: 'rgb',
    scale: 1 / 127,
    mean: [1, 1, 1],
    std: [1, 1, 1],
  };
  spec.output = { kind: 'probabilities' };
  // TM's default name says nothing about the model; the file name is more useful then.
  if (typeof m.modelName === 'string' && m.modelName.trim() && m.modelName !== 'tm-my-image-model')
    spec.name = m.modelName;
  return spec;
}
