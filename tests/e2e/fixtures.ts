/**
 * Shared helpers for the end-to-end tests: opening the app until its model is loaded, reading the result cards
 * through the test contract (data-testid / data-* attributes), test photos, and a network log that fails any test
 * whose page talked to another origin. The `test` here also fails on any Content-Security-Policy violation
 * (csp-guard.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page, type Request } from '@playwright/test';
import sharp from 'sharp';
import { test as cspGuarded } from './csp-guard';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The shared test photos live beside the checkout (CI puts ../shared there). */
export const PHOTOS_DIR = process.env.ONSIGHT_PHOTOS ?? resolve(REPO_ROOT, '../shared/photos');
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp', '.avif']);

/** Photos of ../shared/photos; skips the calling test when they are missing, but fails it in CI. */
export function sharedPhotos(): string[] {
  const photos = existsSync(PHOTOS_DIR)
    ? readdirSync(PHOTOS_DIR)
        .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
        .sort()
        .map((name) => resolve(PHOTOS_DIR, name))
    : [];
  if (photos.length === 0) {
    const message = `No test photos in ${PHOTOS_DIR} (expected ../shared/photos beside the checkout)`;
    if (process.env.CI === 'true') throw new Error(`${message}: CI must provide them.`);
    base.skip(true, message);
  }
  return photos;
}

/** A small valid PNG made here, so tests that only need "a good photo" don't depend on ../shared. */
export async function makePng(name: string, seed = 0): Promise<FilePayload> {
  const width = 96;
  const height = 64;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = (seed * 67 + x + y) % 256;
    }
  }
  const buffer = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return { name, mimeType: 'image/png', buffer };
}

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export function filePayload(path: string): FilePayload {
  const extension = extname(path).toLowerCase();
  const mimeType = extension === '.png' ? 'image/png' : extension === '.webp' ? 'image/webp' : 'image/jpeg';
  return { name: basename(path), mimeType, buffer: readFileSync(path) };
}

export const PHOTO_INPUT = 'input[type="file"][multiple][accept="image/*"][data-testid="photo-input"]';

/** Opens the app (optionally with a query such as `?backend=wasm`) and waits until its model is loaded. */
export async function openApp(page: Page, query = ''): Promise<void> {
  await page.goto(`./${query}`);
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
}

export interface CardView {
  file: string;
  status: string;
  error: string | null;
  predictions: { label: string; score: number }[];
}

/** Every result card, read through the test contract only. */
export async function readCards(page: Page): Promise<CardView[]> {
  return page.locator('[data-testid="result"]').evaluateAll((cards) =>
    cards.map((card) => ({
      file: card.getAttribute('data-file') ?? '',
      status: card.getAttribute('data-status') ?? '',
      error: card.querySelector('[data-testid="error"]')?.textContent ?? null,
      predictions: Array.from(card.querySelectorAll('[data-testid="prediction"]')).map((row) => ({
        label: row.getAttribute('data-label') ?? '',
        score: Number(row.getAttribute('data-score')),
      })),
    })),
  );
}

/** Waits until `count` cards exist and none is pending any more. */
export async function waitForSettled(page: Page, count: number): Promise<CardView[]> {
  const cards = page.locator('[data-testid="result"]');
  await expect(cards).toHaveCount(count);
  await expect(page.locator('[data-testid="result"][data-status="pending"]')).toHaveCount(0);
  return readCards(page);
}

export const test = cspGuarded.extend<{ requests: Request[] }>({
  /** Every request the browser context made during the test (page, workers, service worker). */
  requests: [
    async ({ context, baseURL }, use) => {
      const requests: Request[] = [];
      context.on('request', (request) => requests.push(request));
      await use(requests);
      // Privacy: nothing may leave for another origin, in any test.
      const origin = new URL(baseURL ?? 'http://localhost/').origin;
      const foreign = requests
        .map((request) => request.url())
        .filter((url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin);
      expect(foreign, 'requests to another origin').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
