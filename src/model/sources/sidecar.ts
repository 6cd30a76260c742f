/**
 * Source: a sidecar in our own format beside the model: `<model>.onsight.json` (e.g. `flowers.onsight.json` for
 * `flowers.onnx`), else `onsight.json`. A full or partial spec; `model:add --copy` writes one.
 */
import { validatePartialSpec } from '../validate';
import { companionJson, type SpecSource } from './spec-source';

export const sidecarSource: SpecSource = {
  name: 'sidecar',
  async read(ctx) {
    const file = ctx.companion(`${ctx.modelStem}.onsight.json`, 'onsight.json');
    if (!file) return [];
    return [{ source: file.name, spec: validatePartialSpec(await companionJson(file), file.name, ctx.warnings) }];
  },
};
