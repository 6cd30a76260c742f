#!/usr/bin/env node
/**
 * Takes the screenshots from the production build, after classifying shared photos: the web app manifest's (shown in
 * the browser's richer install dialog) public/screenshots/wide.png (1280×800, desktop) and narrow.png (540×1080,
 * phone), and the README's docs/screenshot.png (1280×820, the four shared photos) and docs/screenshot-phone.png (a
 * 390×844 phone's first screen, before any photo). Committed like the icons; rerun when the UI changes noticeably:
 *
 *   npx vite build && node tools/make-screenshots.mjs
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const photosDir = process.env.ONSIGHT_PHOTOS ?? resolve(root, '..', 'shared', 'photos');
const photo = (name) => join(photosDir, name);
const two = ['dog.jpg', 'eagle.jpg'].map(photo);
const four = ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg'].map(photo);
if (!four.every((file) => existsSync(file))) throw new Error(`screenshots need ${four.join(', ')}`);
if (!existsSync(join(root, 'dist', 'index.html'))) throw new Error('build first: npx vite build');
const manifestDir = join(root, 'public', 'screenshots');
const docsDir = join(root, 'docs');
mkdirSync(manifestDir, { recursive: true });
/** Each screenshot: where it goes, the viewport, and the photos classified before it is taken. */
const shots = [
  { file: join(manifestDir, 'wide.png'), width: 1280, height: 800, photos: two },
  { file: join(manifestDir, 'narrow.png'), width: 540, height: 1080, photos: two },
  { file: join(docsDir, 'screenshot.png'), width: 1280, height: 820, photos: four },
  { file: join(docsDir, 'screenshot-phone.png'), width: 390, height: 844, photos: [], phone: true },
];

const port = 4399;
const server = spawn(process.execPath, [join(root, 'tools', 'serve.mjs'), join(root, 'dist'), '--port', String(port)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((done) => server.stdout.once('data', done));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  for (const { file, width, height, photos, phone = false } of shots) {
    const page = await browser.newPage({
      viewport: { width, height },
      colorScheme: 'light',
      serviceWorkers: 'block',
      // A touch screen without a mouse: the page then words its hints for one.
      ...(phone ? { isMobile: true, hasTouch: true } : {}),
    });
    await page.goto(`http://localhost:${port}/`);
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 60_000 });
    if (photos.length > 0) await page.locator('[data-testid="photo-input"]').setInputFiles(photos);
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="result"][data-status="done"]').length === count,
      photos.length,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(300); // let images and bars settle
    const png = await page.screenshot({ type: 'png' });
    const info = await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toFile(file);
    console.log(`screenshots: ${file} ${info.width}x${info.height} ${info.size} bytes`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
