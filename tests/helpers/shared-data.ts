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
