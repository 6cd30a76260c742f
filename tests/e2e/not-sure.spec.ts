/**
 * "Not sure" (#16): a photo the default model is unsure about (top-1 below NOT_SURE_BELOW by the Node pipeline) shows
 * "Not sure" on its card and its table row, with its guesses still visible, is announced as such, and passes axe in
 * light and dark mode; a photo it is sure about shows its answer as before.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { NOT_SURE_BELOW } from '../../src/vision/not-sure';
import { expect, openApp, PHOTO_INPUT, REPO_ROOT, test, waitForSettled } from './fixtures';
import { nodePredictions } from './node-pipeline';

/** The default model: Drawing 0.52, Neutral 0.42 (Node pipeline). */
const UNSURE_PHOTO = resolve(REPO_ROOT, '../shared/datasets/pets-small/dogs/dog.4076.jpg');
/** The default model: Neutral 0.97. */
const SURE_PHOTO = resolve(REPO_ROOT, '../shared/photos/dog.jpg');

for (const colorScheme of ['light', 'dark'] as const) {
  test(`a photo the model is unsure about says "Not sure" (${colorScheme})`, async ({ page }) => {
    test.skip(!existsSync(UNSURE_PHOTO) || !existsSync(SURE_PHOTO), 'needs ../shared beside the checkout');
    await page.emulateMedia({ colorScheme });
    const unsureTop = (await nodePredictions(UNSURE_PHOTO, 5))[0];
    const sureTop = (await nodePredictions(SURE_PHOTO, 5))[0];
    // The photos must still be what this test needs (a model update could change them).
    expect(unsureTop?.score ?? 1).toBeLessThan(NOT_SURE_BELOW);
    expect(sureTop?.score ?? 0).toBeGreaterThanOrEqual(NOT_SURE_BELOW);

    await openApp(page);
    await page.setInputFiles(PHOTO_INPUT, [UNSURE_PHOTO, SURE_PHOTO]);
    await waitForSettled(page, 2);
    const unsure = page.locator('[data-testid="result"][data-file="dog.4076.jpg"]');
    const sure = page.locator('[data-testid="result"][data-file="dog.jpg"]');
    await expect(unsure).toHaveAttribute('data-unsure', 'true');
    await expect(unsure.getByTestId('not-sure')).toHaveText(/^Not sure/);
    // The guesses stay visible, best first, with their scores.
    await expect(unsure.getByTestId('prediction').first()).toHaveAttribute('data-label', unsureTop?.label ?? '');
    await expect(unsure.getByTestId('prediction').first()).toBeVisible();
    await expect(sure).not.toHaveAttribute('data-unsure', /.*/);
    await expect(sure.getByTestId('not-sure')).toHaveCount(0);
    await expect(page.getByTestId('live')).toContainText(`dog.4076.jpg: not sure; best guess ${unsureTop?.label}`);
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']).analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    await page.getByTestId('view-table').click();
    const row = page.locator('[data-testid="result-row"][data-path="dog.4076.jpg"]');
    await expect(row).toHaveAttribute('data-unsure', 'true');
    await expect(row).toContainText('Not sure');
    await expect(row).toContainText(`${unsureTop?.label}?`);
    await expect(page.locator('[data-testid="result-row"][data-path="dog.jpg"]')).not.toHaveAttribute(
      'data-unsure',
      /.*/,
    );
    const tableAxe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'best-practice']).analyze();
    expect(tableAxe.violations.map((v) => v.id)).toEqual([]);
  });
}
