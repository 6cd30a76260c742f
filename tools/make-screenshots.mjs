#!/usr/bin/env node
/**
 * Takes the web app manifest's screenshots (shown in the browser's richer install dialog) from the production build:
 * public/screenshots/wide.png (1280×800, desktop) and narrow.png (540×1080, phone), after classifying two of the
 * shared photos. Committed like the icons; rerun when the UI changes noticeably:
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
const photos = ['dog.jpg', 'eagle.jpg'].map((name) => join(photosDir, name));
if (!photos.every((photo) => existsSync(photo))) throw new Error(`screenshots need ${photos.join(', ')}`);
if (!existsSync(join(root, 'dist', 'index.html'))) throw new Error('build first: npx vite build');
const outDir = join(root, 'public', 'screenshots');
mkdirSync(outDir, { recursive: true });

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
  for (const [name, width, height] of [
    ['wide', 1280, 800],
    ['narrow', 540, 1080],
  ]) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: 'light', serviceWorkers: 'block' });
    await page.goto(`http://localhost:${port}/`);
    await page.locator('#app[data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="photo-input"]').setInputFiles(photos);
    await page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid="result"][data-status="done"]').length === count,
      photos.length,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(300); // let images and bars settle
    const png = await page.screenshot({ type: 'png' });
    const file = join(outDir, `${name}.png`);
    const info = await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toFile(file);
    console.log(`screenshots: ${file} ${info.width}x${info.height} ${info.size} bytes`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
