/**
 * The real models in ../shared (beside the checkout; never copied into the repository). Locally a missing ../shared
 * skips the tests that need it; in CI (CI=true) it fails loudly, because CI is supposed to have it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedModels = join(repoRoot, '..', 'shared', 'models');

export const zooModel = join(sharedModels, 'imagenet-mobilenetv2-zoo');
export const stModel = join(sharedModels, 'imagenet-mobilenetv2-st');

/** True when the shared models are there; throws in CI when they are not. */
export function haveSharedModels(): boolean {
  const ok = existsSync(join(zooModel, 'model.onnx')) && existsSync(join(stModel, 'model.onnx'));
  if (!ok && process.env.CI === 'true') {
    throw new Error(`the shared models are missing at ${sharedModels}; CI must provide ../shared beside the checkout`);
  }
  return ok;
}

/** A real Teachable Machine export (model.json, weights.bin, metadata.json) with TF.js's reference outputs. */
export const teachableMachineExport = join(sharedModels, 'teachable-machine-recycle');
export const sharedPhotos = join(repoRoot, '..', 'shared', 'photos');

/** True when the Teachable Machine export and the photos are there; throws in CI when they are not. */
export function haveTeachableMachineExport(): boolean {
  const ok = ['model.json', 'weights.bin', 'metadata.json', 'SOURCE.md'].every((f) =>
    existsSync(join(teachableMachineExport, f)),
  );
  if (!ok && process.env.CI === 'true') {
    throw new Error(`the Teachable Machine export is missing at ${teachableMachineExport}; CI must provide ../shared`);
  }
  return ok && existsSync(sharedPhotos);
}

/**
 * TF.js's probabilities for the shared photos, as the export's SOURCE.md tabulates them:
 * `| dog.jpg | 0.0007 | 0.9540 | 0.0453 |` under a header naming the classes.
 */
export function teachableMachineReference(sourceMd: string): { labels: string[]; photos: Map<string, number[]> } {
  const rows = sourceMd
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line.trim()))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const [header, ...body] = rows;
  if (!header || body.length === 0) throw new Error('SOURCE.md has no table of reference probabilities');
  return {
    labels: header.slice(1),
    photos: new Map(body.map(([photo, ...scores]) => [photo ?? '', scores.map(Number)])),
  };
}
