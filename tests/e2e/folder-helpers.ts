/**
 * Helpers for the whole-folder end-to-end tests: photo trees written by the test (sharp JPEGs in a temp dir), the
 * summary bar and the CSV export read through the test contract (data-testid / data-* attributes).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { parseCsv } from '../../src/batch/csv';
import { expect } from './fixtures';

export const FOLDER_INPUT = 'input[type="file"][webkitdirectory][data-testid="folder-input"]';

/** A small JPEG with a pattern and colours of its own (seeded), so that photos differ and predictions vary. */
export async function smallJpeg(seed: number, width = 48, height = 36): Promise<Buffer> {
  let state = (seed * 2654435761 + 12345) >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const base = [random() * 255, random() * 255, random() * 255];
  const stripes = 1 + Math.floor(random() * 6);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const wave = Math.sin(((x + y * (seed % 3)) * stripes * Math.PI) / width);
      for (let c = 0; c < 3; c++)
        pixels[i + c] = Math.max(0, Math.min(255, (base[c] ?? 0) + wave * 90 + random() * 40));
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Writes `files` (path relative to `root` → bytes) and returns the paths. */
export function writeTree(root: string, files: Map<string, Buffer | string>): string[] {
  for (const [path, bytes] of files) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
  return [...files.keys()];
}

export interface SummaryView {
  total: number;
  done: number;
  errors: number;
  pending: number;
  skipped: number;
  state: string;
}

export async function readSummary(page: Page): Promise<SummaryView> {
  return page.getByTestId('summary').evaluate((element) => {
    const data = (element as HTMLElement).dataset;
    return {
      total: Number(data.total),
      done: Number(data.done),
      errors: Number(data.errors),
      pending: Number(data.pending),
      skipped: Number(data.skipped),
      state: data.state ?? '',
    };
  });
}

/** Waits until the batch of `total` photos has finished: none pending, done + errors = total. */
export async function waitForBatch(page: Page, total: number, timeout = 600_000): Promise<SummaryView> {
  const summary = page.getByTestId('summary');
  await expect(summary).toHaveAttribute('data-total', String(total), { timeout });
  await expect(summary).toHaveAttribute('data-pending', '0', { timeout });
  const view = await readSummary(page);
  expect(view.done + view.errors).toBe(total);
  return view;
}

export interface CsvRow {
  path: string;
  status: string;
  top: { label: string; score: number }[];
  error: string;
  model: string;
  actual: string;
  correct: string;
}

/** Clicks Export CSV and reads the download: header row first (checked), then one object per row. */
export async function exportCsv(page: Page): Promise<CsvRow[]> {
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^onsight-results-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
  const text = readFileSync((await download.path()) as string, 'utf8');
  expect(text.startsWith('\uFEFF'), 'UTF-8 with BOM').toBe(true);
  const [header, ...rows] = parseCsv(text);
  expect(header?.slice(0, 4)).toEqual(['path', 'status', 'label', 'score']);
  expect(header?.slice(-4)).toEqual(['error', 'model', 'actual', 'correct']);
  const column = (name: string) => header?.indexOf(name) ?? -1;
  const k = ((header?.length ?? 0) - 6) / 2;
  return rows.map((row) => {
    const top: { label: string; score: number }[] = [];
    for (let rank = 0; rank < k; rank++) {
      const label = row[2 + rank * 2] ?? '';
      if (label) top.push({ label, score: Number(row[3 + rank * 2]) });
    }
    return {
      path: row[column('path')] ?? '',
      status: row[column('status')] ?? '',
      top,
      error: row[column('error')] ?? '',
      model: row[column('model')] ?? '',
      actual: row[column('actual')] ?? '',
      correct: row[column('correct')] ?? '',
    };
  });
}

/** Shows only the photo at `path` (the search box) and reads its card's predictions. */
export async function cardFor(page: Page, path: string) {
  await page.getByTestId('filter-text').fill(path);
  const card = page.locator(`[data-testid="result"][data-path="${path.replace(/"/g, '\\"')}"]`);
  await expect(card).toHaveCount(1);
  return card.evaluate((element) => ({
    status: element.getAttribute('data-status'),
    file: element.getAttribute('data-file'),
    predictions: Array.from(element.querySelectorAll('[data-testid="prediction"]')).map((row) => ({
      label: row.getAttribute('data-label') ?? '',
      score: Number(row.getAttribute('data-score')),
    })),
  }));
}
