/**
 * Whole folders with the real model: a generated tree of 1,000 small photos (nested folders, the same file names in
 * several folders, non-image files, labelled folders) chosen through the folder input is classified completely; the
 * summary, the exported CSV and the per-photo predictions (sampled against the Node pipeline) agree; a reload keeps
 * the results and thumbnails; the DOM holds a bounded number of result elements. Then ../shared/datasets/pets-small
 * (200 real photos), and a reload in the middle of a batch.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, openApp, REPO_ROOT, test } from './fixtures';
import { cardFor, exportCsv, FOLDER_INPUT, readSummary, smallJpeg, waitForBatch, writeTree } from './folder-helpers';
import { nodePredictions } from './node-pipeline';

const TOLERANCE = 1e-3;
const PETS = resolve(REPO_ROOT, '../shared/datasets/pets-small');

let dir: string;
let photos: string[];
/** Files and folders the app must skip (counted once each). */
const SKIPPED = ['.DS_Store', 'notes.txt', 'Thumbs.db', '2024/Day 1/IMG_0001.jpg.json', '2024/clip.mp4', '.cache/'];

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onsight-folder-'));
  const files = new Map<string, Buffer | string>();
  // 10 folders × 100 photos, nested 1–3 deep; every folder has IMG_0001.jpg … IMG_0100.jpg.
  const folders = [
    '2024/Day 1',
    '2024/Day 2',
    '2024/Day 2/Evening',
    '2025',
    '2025/Trip/Beach',
    '2025/Trip/City',
    'Phone',
    'Phone/Screenshots',
    'labelled/Neutral',
    'labelled/Drawing',
  ];
  let seed = 0;
  for (const folder of folders) {
    for (let i = 1; i <= 100; i++)
      files.set(`Shoot/${folder}/IMG_${String(i).padStart(4, '0')}.jpg`, await smallJpeg(seed++));
  }
  for (const name of SKIPPED.filter((path) => !path.endsWith('/'))) files.set(`Shoot/${name}`, 'not a photo');
  files.set('Shoot/.cache/IMG_0001.jpg', await smallJpeg(9999)); // a hidden folder: skipped whole
  writeTree(dir, files);
  photos = [...files.keys()].filter((path) => /\/IMG_\d{4}\.jpg$/.test(path) && !path.includes('/.cache/'));
  expect(photos).toHaveLength(1000);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('1,000 photos in nested folders: classified completely; summary, CSV and Node agree; a reload keeps them', async ({
  page,
}) => {
  test.setTimeout(20 * 60_000);
  await openApp(page);
  await page.setInputFiles(FOLDER_INPUT, join(dir, 'Shoot'));

  const summary = await waitForBatch(page, 1000, 15 * 60_000);
  expect(summary).toMatchObject({ total: 1000, done: 1000, errors: 0, pending: 0, skipped: SKIPPED.length });

  // Only the cards in and near the viewport are in the DOM.
  const cards = await page.locator('[data-testid="result"]').count();
  expect(cards).toBeGreaterThan(0);
  expect(cards).toBeLessThanOrEqual(40);
  expect(await page.evaluate(() => document.querySelectorAll('*').length)).toBeLessThan(3000);

  // The histogram accounts for every classified photo.
  const bars = await page
    .getByTestId('histogram-bar')
    .evaluateAll((buttons) => buttons.map((b) => Number(b.getAttribute('data-count'))));
  expect(bars.reduce((sum, n) => sum + n, 0)).toBe(1000);

  // The CSV: one row per photo, each path once, the model, and the true class for the labelled folders.
  const rows = await exportCsv(page);
  expect(rows).toHaveLength(1000);
  expect(rows.map((row) => row.path).sort()).toEqual([...photos].sort());
  expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['done']));
  const modelId = await page.locator('#app').getAttribute('data-model');
  expect(new Set(rows.map((row) => row.model))).toEqual(new Set([modelId]));
  for (const row of rows) {
    expect(row.top.length, row.path).toBe(5);
    const label = /\/labelled\/(\w+)\//.exec(row.path)?.[1];
    expect(row.actual, row.path).toBe(label ?? '');
    expect(row.correct, row.path).toBe(label ? String(row.top[0]?.label === label) : '');
  }
  const byPath = new Map(rows.map((row) => [row.path, row]));

  // Sampled photos: the CSV and the card both give the Node pipeline's answer (same labels in order, scores ±1e-3).
  const sample = [0, 137, 333, 501, 777, 999].map((i) => photos[i] as string);
  for (const path of sample) {
    const node = await nodePredictions(join(dir, path), 5);
    const csv = byPath.get(path);
    expect(
      csv?.top.map((p) => p.label),
      path,
    ).toEqual(node.map((p) => p.label));
    const card = await cardFor(page, path);
    expect(card.status).toBe('done');
    expect(card.file).toBe(path.split('/').pop());
    expect(
      card.predictions.map((p) => p.label),
      path,
    ).toEqual(node.map((p) => p.label));
    for (const [rank, p] of card.predictions.entries()) {
      expect(Math.abs(p.score - (node[rank]?.score ?? Number.NaN)), `${path} ${p.label}`).toBeLessThanOrEqual(
        TOLERANCE,
      );
      expect(Math.abs((csv?.top[rank]?.score ?? Number.NaN) - p.score), `${path} CSV`).toBeLessThanOrEqual(1e-5);
    }
  }
  await page.getByTestId('filter-text').fill('');

  // A reload: the results come back from IndexedDB, with their thumbnails.
  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  const after = await waitForBatch(page, 1000, 60_000);
  expect(after).toMatchObject({ done: 1000, errors: 0, pending: 0 });
  await expect(page.locator('[data-testid="result"] img').first()).toHaveAttribute('src', /^blob:/);
  const again = await exportCsv(page);
  expect(again.map((row) => [row.path, row.top[0]?.label, row.top[0]?.score]).sort()).toEqual(
    rows.map((row) => [row.path, row.top[0]?.label, row.top[0]?.score]).sort(),
  );
});

test('a real folder: ../shared/datasets/pets-small (200 photos in cats/, dogs/)', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const real = ['cats', 'dogs'].flatMap((sub) =>
    existsSync(join(PETS, sub)) ? readdirSync(join(PETS, sub)).map((name) => `pets-small/${sub}/${name}`) : [],
  );
  if (real.length === 0) {
    const message = `needs ${PETS}`;
    if (process.env.CI === 'true') throw new Error(`${message}: CI must provide it.`);
    test.skip(true, message);
  }
  await openApp(page);
  await page.setInputFiles(FOLDER_INPUT, PETS);
  const photosThere = real.filter((path) => /\.(jpe?g|png|webp)$/i.test(path));
  const summary = await waitForBatch(page, photosThere.length, 8 * 60_000);
  expect(summary.errors).toBe(0);
  const rows = await exportCsv(page);
  expect(rows.map((row) => row.path).sort()).toEqual([...photosThere].sort());
  // "cats" and "dogs" are not the default model's classes: no true class is claimed.
  expect(rows.every((row) => row.actual === '' && row.correct === '')).toBe(true);
  for (const path of [photosThere[0], photosThere[photosThere.length - 1]] as string[]) {
    const node = await nodePredictions(join(PETS, '..', path), 5);
    expect(byLabelOrder(rows.find((row) => row.path === path)?.top), path).toEqual(node.map((p) => p.label));
  }
});

test('a reload in the middle of a batch: pending photos say so, and the same folder again finishes them', async ({
  page,
}) => {
  test.setTimeout(10 * 60_000);
  const folder = join(dir, 'Shoot', '2025');
  const total = 100 + 200; // 2025/ and 2025/Trip/{Beach,City}
  await openApp(page);
  await page.setInputFiles(FOLDER_INPUT, folder);
  const summary = page.getByTestId('summary');
  await expect(summary).toHaveAttribute('data-total', String(total));
  await expect.poll(async () => (await readSummary(page)).done, { timeout: 120_000 }).toBeGreaterThanOrEqual(5);
  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  await expect(summary).toHaveAttribute('data-total', String(total));
  const left = await readSummary(page);
  expect(left.pending, 'some photos were still pending at the reload').toBeGreaterThan(0);
  await expect(page.getByTestId('need-folder')).toContainText('add the folder again');
  // Newest first: the photos that were still waiting come to the top.
  await page.getByTestId('sort-direction').selectOption('desc');
  await expect(
    page.locator('[data-testid="result"][data-status="pending"]').first().locator('[data-waiting="reload"]'),
  ).toContainText('add its folder again');
  await page.getByTestId('sort-direction').selectOption('asc');

  await page.setInputFiles(FOLDER_INPUT, folder);
  const done = await waitForBatch(page, total, 8 * 60_000);
  expect(done).toMatchObject({ total, done: total, errors: 0, pending: 0 });
  await expect(page.getByTestId('need-folder')).toHaveCount(0);
});

function byLabelOrder(top: { label: string }[] | undefined): string[] {
  return (top ?? []).map((p) => p.label);
}
