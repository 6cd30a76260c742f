/**
 * The results as data, with the real model: a folder chosen with the keyboard; failed only, the class histogram,
 * sorting, the confidence range (and its message for a bad value), search, the table view, JSON export, "Clear all"
 * and its undo; Pause / Resume / Cancel and "classify the rest"; results made by another model, re-run in one click.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { loadThroughInput, requireSharedModels, SHARED_MODELS } from './byom-helpers';
import { expect, openApp, PHOTO_INPUT, readCards, sharedPhotos, test, waitForSettled } from './fixtures';
import { exportCsv, FOLDER_INPUT, readSummary, smallJpeg, waitForBatch, writeTree } from './folder-helpers';

let dir: string;

/** A JPEG header and then garbage: looks like a photo, cannot be decoded. */
const CORRUPT = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  Buffer.alloc(2048, 0x5a),
]);

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onsight-tools-'));
  const files = new Map<string, Buffer | string>();
  for (let i = 0; i < 12; i++) files.set(`Set/a/photo-${i}.jpg`, await smallJpeg(100 + i));
  for (let i = 0; i < 10; i++) files.set(`Set/b/photo-${i}.jpg`, await smallJpeg(200 + i));
  files.set('Set/b/broken-1.jpg', CORRUPT);
  files.set('Set/b/broken-2.jpg', CORRUPT);
  for (let i = 0; i < 150; i++) files.set(`Many/${String(i).padStart(3, '0')}.jpg`, await smallJpeg(300 + i));
  writeTree(dir, files);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('sort, filter, histogram, table, export, and "Clear all" with undo', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await openApp(page);
  // The folder picker is a real button: reachable and usable from the keyboard.
  const button = page.getByTestId('folder-button');
  await expect(button).toHaveAccessibleName('Choose a folder');
  await button.focus();
  const choosing = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  const chooser = await choosing;
  expect(await chooser.element().evaluate((input) => (input as HTMLInputElement).webkitdirectory)).toBe(true);
  await chooser.setFiles(join(dir, 'Set'));
  const summary = await waitForBatch(page, 24);
  expect(summary).toMatchObject({ done: 22, errors: 2, skipped: 0 });
  await expect(page.getByTestId('summary')).toContainText('2 failed');
  await expectNoAxeViolations(page);

  // Failed only: the two broken photos, each with its own message.
  await page.getByTestId('filter-failed').check();
  const failed = await readCards(page);
  expect(failed.map((card) => card.file).sort()).toEqual(['broken-1.jpg', 'broken-2.jpg']);
  for (const card of failed) expect(card.error?.trim().length).toBeGreaterThan(0);
  await page.getByTestId('filter-failed').uncheck();

  // A histogram bar filters to its class; its count is what is shown.
  const bar = page.getByTestId('histogram-bar').first();
  const label = (await bar.getAttribute('data-label')) as string;
  const count = Number(await bar.getAttribute('data-count'));
  await bar.click();
  await expect(bar).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('shown-count')).toHaveText(count === 24 ? '24 photos' : `${count} of 24 shown`);
  for (const card of await readCards(page)) expect(card.predictions[0]?.label).toBe(label);
  await page.getByTestId('histogram-clear').click();

  // By confidence, highest first: the cards in view are in order (failed ones last).
  await page.getByTestId('sort').selectOption('confidence');
  await page.getByTestId('sort-direction').selectOption('desc');
  const scores = (await readCards(page)).filter((c) => c.status === 'done').map((c) => c.predictions[0]?.score ?? 0);
  expect(scores.length).toBeGreaterThan(1);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);

  // A confidence range that cannot be used says why, on the field; a good one filters.
  const from = page.getByTestId('filter-min-score');
  await from.fill('150');
  await expect(from).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#score-range-problem')).toHaveText('Enter a percentage from 0 to 100.');
  await from.fill('0');
  await expect(page.locator('#score-range-problem')).toHaveCount(0);
  await page.getByTestId('filter-max-score').fill('100');
  await expect(page.getByTestId('shown-count')).toHaveText('22 of 24 shown');
  await from.fill('');
  await page.getByTestId('filter-max-score').fill('');

  // Search on the path.
  await page.getByTestId('filter-text').fill('Set/b/');
  await expect(page.getByTestId('shown-count')).toHaveText('12 of 24 shown');
  const paths = await page
    .locator('[data-testid="result"]')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-path')));
  expect(paths.every((path) => path?.startsWith('Set/b/'))).toBe(true);
  await page.getByTestId('filter-text').fill('');

  // The table: one compact row per photo (virtualised), no cards.
  await page.getByTestId('view-table').click();
  await expect(page.locator('[data-testid="result"]')).toHaveCount(0);
  await expect(page.getByTestId('results-table')).toHaveAttribute('aria-rowcount', '25');
  await expect(page.locator('[data-testid="result-row"]').first()).toHaveAttribute('data-path', /^Set\//);
  await expectNoAxeViolations(page);
  await page.getByTestId('view-cards').click();

  // JSON export: every photo.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const json = JSON.parse(readFileSync((await (await downloading).path()) as string, 'utf8'));
  expect(json.photos).toHaveLength(24);
  expect(json.photos.filter((p: { status: string }) => p.status === 'error')).toHaveLength(2);

  // Clear all, then undo: everything is back.
  await page.getByTestId('clear-all').click();
  await expect(page.locator('[data-testid="result"]')).toHaveCount(0);
  await expect(page.getByTestId('summary')).toHaveCount(0);
  const undo = page.getByTestId('undo-clear').getByRole('button', { name: 'Undo' });
  await expect(undo, 'focus moves to Undo, not to nowhere').toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('summary')).toHaveAttribute('data-total', '24');
  expect((await readSummary(page)).done).toBe(22);
});

test('Pause, Resume, Cancel, and classifying the rest', async ({ page }) => {
  test.setTimeout(8 * 60_000);
  await openApp(page);
  await page.setInputFiles(FOLDER_INPUT, join(dir, 'Many'));
  const summary = page.getByTestId('summary');
  await page.getByTestId('pause').focus();
  await page.keyboard.press('Enter');
  await expect(summary).toHaveAttribute('data-state', 'paused');
  await expect(page.getByTestId('resume'), 'Pause becomes Resume where the focus is').toBeFocused();
  await expect(summary).toContainText('paused');
  // The photos in flight when paused finish; then nothing moves.
  await page.waitForTimeout(2000);
  const held = (await readSummary(page)).done;
  await page.waitForTimeout(1500);
  expect((await readSummary(page)).done).toBe(held);
  expect(held).toBeLessThan(150);

  await page.getByTestId('resume').click();
  await expect.poll(async () => (await readSummary(page)).done, { timeout: 120_000 }).toBeGreaterThan(held);
  await page.getByTestId('cancel').click();
  await expect(summary).toHaveAttribute('data-state', 'idle');
  const cancelled = await readSummary(page);
  expect(cancelled.pending).toBeGreaterThan(0);
  const rest = page.getByTestId('classify-rest');
  await expect(rest).toHaveText(`Classify the other ${cancelled.pending}`);
  await rest.click();
  const done = await waitForBatch(page, 150);
  expect(done).toMatchObject({ done: 150, errors: 0 });
});

test('results made by another model are marked and re-run with the current one in one click', async ({ page }) => {
  test.setTimeout(5 * 60_000);
  requireSharedModels();
  const zoo = SHARED_MODELS[0] as (typeof SHARED_MODELS)[number];
  const photos = sharedPhotos();
  await openApp(page);
  const first = await page.locator('#app').getAttribute('data-model');
  await page.setInputFiles(PHOTO_INPUT, photos);
  await waitForSettled(page, photos.length);

  await loadThroughInput(page, [zoo.model, zoo.labels], 'model');
  const notice = page.getByTestId('other-model-notice');
  await expect(notice).toContainText(`${photos.length} results were made by another model`);
  await expect(page.locator(`[data-testid="result"][data-other-model="${first}"]`)).toHaveCount(photos.length);
  await notice.getByTestId('rerun-other-model').click();
  await expect(page.locator('[data-testid="result"][data-other-model]')).toHaveCount(0);
  const cards = await waitForSettled(page, photos.length);
  const eagle = cards.find((card) => card.file === 'eagle.jpg');
  expect(eagle?.predictions[0]?.label).toBe('bald eagle');
  await expect(notice).toHaveCount(0);
  const rows = await exportCsv(page);
  expect(new Set(rows.map((row) => row.model))).toEqual(new Set(['model']));
});

/** axe-core's WCAG 2 A/AA rules find nothing wrong in the results section (summary, tools, histogram, list). */
async function expectNoAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).include('.results').withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    'axe violations',
  ).toEqual([]);
}
