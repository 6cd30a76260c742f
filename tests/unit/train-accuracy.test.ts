/**
 * Real accuracy (slow, opt-in: `ONSIGHT_TRAIN_ACCURACY=1 npx vitest run tests/unit/train-accuracy.test.ts`): embeds
 * ../shared/datasets/pets-small and bears with the Node pipeline through three backbones (the default model, the
 * Teachable Machine MobileNetV2-α0.35 of the recycle export, the ONNX Model Zoo ImageNet MobileNetV2), with their
 * mirrored copies, then trains heads under several settings on 8 seeded splits each and prints mean / min
 * validation accuracy and training time. Embeddings are cached in tests/.generated/embeddings (the first run embeds
 * ~1,400 photos: a few minutes).
 *
 * The "probe" row is the plain frozen-feature linear probe (the head's input alone, no standardisation, no weight
 * decay, early stopping, no flips); "before" is the library's previous default (the head's input alone, weak decay,
 * early stopping); the issue's targets (≥ 0.85 / 0.92 / 0.94 on pets) are printed beside the default settings'
 * figure. The assertions only guard against regressions well below today's figures.
 */
import { describe, expect, it } from 'vitest';
import { type HeadTrainingOptions, trainHead } from '../../src/train/head-trainer';
import { splitByClass, withMirroredTrainRows } from '../../src/train/split';
import { haveSharedModels } from '../helpers/shared-data';
import { type BackboneKind, embedFolder, haveDataset, listPhotoFolder, loadBackbone } from '../helpers/train-backbones';

const enabled = process.env.ONSIGHT_TRAIN_ACCURACY === '1' && haveSharedModels() && haveDataset('bears');
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** The trainer's defaults before the strong-decay change (early stopping on weak decay). */
const EARLY_STOPPED: HeadTrainingOptions = {
  maxEpochs: 100,
  learningRate: 1e-3,
  weightDecay: 1e-3,
  patience: 10,
  schedule: 'constant',
};
const DEFAULT_SETTING = 'default (tap, linear, L2 0.5)';
/** `plainCut`: features of the head's input alone (`cutBackbone(bytes, { residualTap: false })`). */
const SETTINGS: { name: string; options: HeadTrainingOptions; flip: boolean; plainCut?: boolean }[] = [
  {
    name: 'probe (linear, raw, no decay)',
    options: { ...EARLY_STOPPED, hiddenUnits: 0, standardize: false, weightDecay: 0 },
    flip: false,
    plainCut: true,
  },
  { name: 'before (no tap, early-stopped)', options: EARLY_STOPPED, flip: false, plainCut: true },
  { name: 'tap, early-stopped', options: EARLY_STOPPED, flip: false },
  { name: DEFAULT_SETTING, options: {}, flip: false },
  { name: 'default + flip', options: {}, flip: true },
  { name: 'hidden 100', options: { hiddenUnits: 100 }, flip: false },
  { name: 'hidden 100 + flip', options: { hiddenUnits: 100 }, flip: true },
  {
    name: 'TM-like (hidden 100, raw)',
    options: { ...EARLY_STOPPED, hiddenUnits: 100, standardize: false, weightDecay: 0 },
    flip: false,
  },
];
const TARGETS: Partial<Record<BackboneKind, number>> = {
  default: 0.85,
  'teachable-machine': 0.92,
  'imagenet-zoo': 0.94,
};
/** Regression guards on pets-small with the default settings, below today's means (0.86 / 0.95 / 0.96). */
const GUARDS: Partial<Record<BackboneKind, number>> = {
  default: 0.82,
  'teachable-machine': 0.9,
  'imagenet-zoo': 0.9,
};

describe.skipIf(!enabled)('validation accuracy on real photo folders', () => {
  for (const kind of ['default', 'teachable-machine', 'imagenet-zoo'] as BackboneKind[]) {
    it(`${kind} backbone`, { timeout: 3_600_000 }, async () => {
      const backbone = await loadBackbone(kind);
      const plain = await loadBackbone(kind, { residualTap: false });
      for (const dataset of ['pets-small', 'bears']) {
        const folder = listPhotoFolder(dataset);
        const tapped = await embedFolder(backbone, folder, true);
        const untapped = await embedFolder(plain, folder, true);
        for (const embedded of [tapped, untapped]) {
          if (embedded.embedMs === 0) continue;
          const perPhoto = embedded.embedMs / (2 * embedded.photoCount);
          console.log(`${kind} ${dataset}: embedded ${2 * embedded.photoCount} photos, ${perPhoto.toFixed(0)} ms each`);
        }
        for (const setting of SETTINGS) {
          const embedded = setting.plainCut ? untapped : tapped;
          const photoLabels = embedded.data.labels.subarray(0, embedded.photoCount);
          const accuracies: number[] = [];
          let cpuMs = 0;
          for (const seed of SEEDS) {
            const photos = splitByClass(photoLabels, embedded.data.classCount, { seed, keys: embedded.keys });
            const split = setting.flip ? withMirroredTrainRows(photos, embedded.photoCount) : photos;
            const cpu = process.cpuUsage();
            const result = await trainHead(embedded.data, split, { ...setting.options, seed });
            const used = process.cpuUsage(cpu);
            cpuMs += (used.user + used.system) / 1000;
            accuracies.push(result.validation?.accuracy ?? 0);
          }
          const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
          const target = setting.name === DEFAULT_SETTING && dataset === 'pets-small' ? TARGETS[kind] : undefined;
          console.log(
            `${kind.padEnd(17)} ${dataset.padEnd(10)} ${setting.name.padEnd(31)} D ${embedded.data.size} mean ${mean.toFixed(3)} ` +
              `min ${Math.min(...accuracies).toFixed(3)}  [${accuracies.map((a) => a.toFixed(2)).join(' ')}]  ` +
              `train ${(cpuMs / SEEDS.length).toFixed(0)} ms CPU` +
              (target ? `  (target ${target}: ${mean >= target ? 'met' : 'not met'})` : ''),
          );
          if (target) expect(mean).toBeGreaterThanOrEqual(GUARDS[kind] as number);
        }
      }
    });
  }
});
