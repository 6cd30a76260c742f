/**
 * Source: Teachable Machine's `metadata.json` ({labels, imageSize, grayscale, modelName, tmVersion, tfjsVersion,
 * packageName: "@teachablemachine/image", packageVersion}).
 * `metadata.json` is a common name, so only Teachable Machine's (with labels, or its package name) is read; another
 * is skipped with a warning.
 */
import { FieldReader } from '../field-reader';
import { isObject, showValue } from '../json-values';
import { LICENSE_NOT_STATED, type ModelSource } from '../spec';
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
 *   It draws the photo (an <img>) on a canvas, which in Chromium low-passes a large reduction (measured: a 1-px
 *   checkerboard drawn from 773 to 224 px comes out grey), so the resize antialiases;
 * - `capture` then computes `pixels / 127 - 1` (its code divides by 127, not 127.5, although its comment says
 *   "between -1 and 1"). OnSight computes (pixel × scale − mean) / std, so scale 1/127, mean 1, std 1 reproduces
 *   TM exactly; 1/127.5 would map 0..255 onto exactly −1..1 but differ from what the model was trained on by ≤ 0.8 %;
 * - a grayscale export (`grayscale: true`) takes one luma channel (TM's weights 0.2989, 0.587, 0.114; OnSight's
 *   0.299, 0.587, 0.114);
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
    antialias: true,
    channelOrder: 'rgb',
    ...(m.grayscale === true ? { channels: 1 as const } : {}),
    scale: 1 / 127,
    mean: [1, 1, 1],
    std: [1, 1, 1],
  };
  spec.output = { kind: 'probabilities' };
  // TM's default name says nothing about the model; the file name is more useful then.
  if (typeof m.modelName === 'string' && m.modelName.trim() && m.modelName !== 'tm-my-image-model')
    spec.name = m.modelName;
  if (String(m.packageName ?? '').includes('teachablemachine')) spec.source = teachableMachineCredit(m);
  return spec;
}

/** Credit for a Teachable Machine export: the tool and the versions that made it. Exports state no licence. */
function teachableMachineCredit(m: Record<string, unknown>): ModelSource {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const made = [
    text(m.tmVersion) ? `Teachable Machine ${text(m.tmVersion)}` : 'Teachable Machine',
    text(m.tfjsVersion) && `TensorFlow.js ${text(m.tfjsVersion)}`,
  ].filter(Boolean);
  const version = text(m.packageVersion);
  return {
    name: 'Teachable Machine',
    package: text(m.packageName) ?? '@teachablemachine/image',
    ...(version ? { version } : {}),
    license: LICENSE_NOT_STATED,
    url: 'https://teachablemachine.withgoogle.com/',
    notes: `Trained with ${made.join(', exported for ')}.`,
  };
}
