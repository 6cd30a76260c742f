/**
 * Helpers for the bring-your-own-model end-to-end tests: the real ImageNet models in ../shared/models, loading one
 * through the model file input, and the Node pipeline's answers for the same model and photo (the reference).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Page, test } from '@playwright/test';
import { classifyFile, loadNodeModel, type NodeModel } from '../../src/node/classify-file';
import { type CardView, expect, REPO_ROOT } from './fixtures';

export const SHARED = resolve(REPO_ROOT, '../shared');
export const MODEL_INPUT = 'input[type="file"][multiple][data-testid="model-input"]';

export interface SharedModel {
  /** Folder name in ../shared/models. */
  name: string;
  dir: string;
  model: string;
  labels: string;
}

export const SHARED_MODELS: SharedModel[] = ['imagenet-mobilenetv2-zoo', 'imagenet-mobilenetv2-st'].map((name) => {
  const dir = join(SHARED, 'models', name);
  return { name, dir, model: join(dir, 'model.onnx'), labels: join(dir, 'labels.txt') };
});

/** The photos with a known answer for both ImageNet models. */
export const KNOWN_PHOTOS = [
  { file: 'eagle.jpg', top1: 'bald eagle' },
  { file: 'dog.jpg', top1: 'malamute' },
].map((p) => ({ ...p, path: join(SHARED, 'photos', p.file) }));

/** Skips the calling test when ../shared is missing locally; fails it in CI, which must provide it. */
export function requireSharedModels(): void {
  const missing = [...SHARED_MODELS.flatMap((m) => [m.model, m.labels]), ...KNOWN_PHOTOS.map((p) => p.path)].filter(
    (p) => !existsSync(p),
  );
  if (missing.length === 0) return;
  const message = `bring-your-own-model tests need ../shared beside the checkout; missing ${missing.join(', ')}`;
  if (process.env.CI === 'true') throw new Error(`${message}: CI must provide it.`);
  test.skip(true, message);
}

/** Loads a model through the model picker's file input and waits until it runs. */
export async function loadThroughInput(page: Page, files: string[], expectedId: string): Promise<void> {
  await page.setInputFiles(MODEL_INPUT, files);
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-model', expectedId);
  await expect(app).toHaveAttribute('data-ready', 'true');
}

const nodeModels = new Map<string, Promise<NodeModel>>();

/** The Node pipeline's ranked predictions for `photo` with the model at `modelPath` (labels.txt beside it). */
export async function nodePredictionsFor(
  modelPath: string,
  photo: string,
  topK: number,
): Promise<{ label: string; score: number }[]> {
  let model = nodeModels.get(modelPath);
  if (!model) {
    model = loadNodeModel(modelPath);
    nodeModels.set(modelPath, model);
  }
  const result = await classifyFile(await model, photo, topK);
  return result.predictions.map((p) => ({ label: p.label, score: p.score }));
}

/** Top-1 is the known answer, and labels (in order) and scores (within 1e-3) equal the Node pipeline's. */
export async function expectKnownAndSameAsNode(cards: CardView[], modelPath: string): Promise<void> {
  expect(cards.map((c) => c.file)).toEqual(KNOWN_PHOTOS.map((p) => p.file));
  for (const [i, photo] of KNOWN_PHOTOS.entries()) {
    const card = cards[i];
    expect(card?.status, `${photo.file}: ${card?.error ?? ''}`).toBe('done');
    const browser = card?.predictions ?? [];
    expect(browser[0]?.label, `${photo.file} top-1`).toBe(photo.top1);
    const node = await nodePredictionsFor(modelPath, photo.path, browser.length);
    expect(
      browser.map((p) => p.label),
      `${photo.file}: labels, best first`,
    ).toEqual(node.map((p) => p.label));
    for (const [rank, p] of browser.entries()) {
      const expected = node[rank]?.score ?? Number.NaN;
      expect(
        Math.abs(p.score - expected),
        `${photo.file} ${p.label}: ${p.score} vs Node ${expected}`,
      ).toBeLessThanOrEqual(1e-3);
    }
  }
}
