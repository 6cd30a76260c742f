// @ts-check
/** Where the bench finds the project, itself and the shared models and photos. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH = join(ROOT, 'bench');
/** `../shared` beside the checkout (models, photos), or ONSIGHT_SHARED. */
export const SHARED = resolve(ROOT, process.env.ONSIGHT_SHARED ?? '../shared');
/** The ONNX Model Zoo MobileNetV2 that OnSight (`?model=`) and Transformers.js both run. */
export const ZOO_ID = 'imagenet-mobilenetv2-zoo';
