/**
 * Accessibility as a test: axe-core finds no violations (WCAG 2.x A and AA, and axe's best practices) on the empty
 * page, with results (a good photo and a failed one), and with the model panel's spec editor and its Details open —
 * in light and in dark mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, makePng, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';
import { FOLDER_INPUT, smallJpeg, waitForBatch, writeTree } from './folder-helpers';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Violations as short lines: rule, impact and where, so a failure reads at a glance. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(results.passes.length, 'axe checked something').toBeGreaterThan(10);
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test('the empty page has no axe violations', async ({ page }) => {
      await openApp(page);
      expect(await violations(page)).toEqual([]);
    });

    test('with results, a failed photo among them, no axe violations', async ({ page }) => {
      await openApp(page);
      await page.setInputFiles(PHOTO_INPUT, [
        await makePng('good.png', 1),
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo\n') },
      ]);
      await waitForSettled(page, 2);
      expect(await violations(page)).toEqual([]);
    });

    test('with the spec editor, its preview and Details open, no axe violations', async ({ page }) => {
      await openApp(page);
      await page.setInputFiles(PHOTO_INPUT, [await makePng('sample.png', 2)]);
      await waitForSettled(page, 1);
      const editor = page.getByTestId('spec-editor');
      if ((await editor.getAttribute('open')) === null) await editor.locator('summary').first().click();
      await expect(page.getByTestId('spec-preview-image')).toBeVisible();
      await page.getByTestId('spec-details').locator('summary').click();
      // A field with an error, as the user would see it.
      await page.getByLabel('Width').fill('wide');
      await expect(page.getByTestId('spec-width-error')).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test('with an evaluation, its folder mapping, a filter chip and the cleaner open, no axe violations', async ({
      page,
    }) => {
      const dir = mkdtempSync(join(tmpdir(), 'onsight-axe-'));
      try {
        const files = new Map<string, Buffer>();
        for (let i = 0; i < 3; i++) {
          for (const folder of ['Neutral', 'Drawing', 'misc']) files.set(`Set/${folder}/${i}.jpg`, await smallJpeg(i));
        }
        writeTree(dir, files);
        await openApp(page);
        await page.setInputFiles(FOLDER_INPUT, join(dir, 'Set'));
        await waitForBatch(page, 9, 120_000);
        await expect(page.getByTestId('evaluation')).toHaveAttribute('data-n', '6');
        await page.getByTestId('confusion-cell').first().click();
        await expect(page.getByTestId('evaluation-filter')).toBeVisible();
        await page.getByTestId('matrix-normalise').click();
        await page.getByTestId('cleaner').locator('summary').click();
        await expect(page.getByTestId('cleaner-item').first()).toBeVisible();
        expect(await violations(page)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
