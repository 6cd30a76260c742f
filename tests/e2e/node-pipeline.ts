/**
 * The reference answers: the same photo and model through the Node pipeline (src/node/classify-file.ts), computed
 * once per photo per test worker.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ClassifyResult } from '../../src/inference/types';
import { classifyFile, loadNodeModel, type NodeModel } from '../../src/node/classify-file';
import { REPO_ROOT } from './fixtures';

interface IndexJson {
  default: string;
  models: { id: string; url: string }[];
}

/** The deployment's default model file, as the browser gets it (public/ is copied into dist/ as is). */
export function defaultModelPath(): string {
  const index = JSON.parse(readFileSync(resolve(REPO_ROOT, 'public/models/index.json'), 'utf8')) as IndexJson;
  const entry = index.models.find((model) => model.id === index.default);
  if (!entry) throw new Error('public/models/index.json has no entry for its default model');
  return resolve(REPO_ROOT, 'public', entry.url);
}

type Ranked = { label: string; score: number }[];
const cache = new Map<string, Promise<Ranked>>();
let model: Promise<NodeModel> | undefined;

export function nodePredictions(photo: string, topK: number): Promise<Ranked> {
  const key = `${photo}\0${topK}`;
  const cached = cache.get(key);
  if (cached) return cached;
  model ??= loadNodeModel(defaultModelPath());
  const result: Promise<Ranked> = model
    .then((loaded) => classifyFile(loaded, photo, topK))
    .then((classified: ClassifyResult) => classified.predictions.map((p) => ({ label: p.label, score: p.score })));
  cache.set(key, result);
  return result;
}
