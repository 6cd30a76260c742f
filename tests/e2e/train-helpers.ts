/**
 * Helpers for the trainer's end-to-end specs (#16): where pets-small is, the trainer's folder input, a few pets as a
 * labelled folder, and axe-core's violations inside the trainer.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, REPO_ROOT } from './fixtures';

export const PETS = resolve(REPO_ROOT, '../shared/datasets/pets-small');
export const TRAIN_FOLDER_INPUT = 'input[type="file"][webkitdirectory][data-testid="train-folder-input"]';

/** axe-core's violations inside the trainer (the rest of the page is axe.spec.ts's). */
export async function trainerViolations(page: Page): Promise<string[]> {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
  const results = await new AxeBuilder({ page }).include('#trainer').withTags(tags).analyze();
  expect(results.passes.length, 'axe checked something').toBeGreaterThan(5);
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(', ')}`);
}

/** The first 14 photos of each pets-small class, as a labelled folder `Few` in a temp dir (removed by the caller). */
export function fewPets(dir: string): string {
  for (const cls of ['cats', 'dogs']) {
    mkdirSync(join(dir, 'Few', cls), { recursive: true });
    for (const name of readdirSync(join(PETS, cls)).sort().slice(0, 14))
      copyFileSync(join(PETS, cls, name), join(dir, 'Few', cls, name));
  }
  return join(dir, 'Few');
}
