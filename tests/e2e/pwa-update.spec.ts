/**
 * Updates, hosted under a sub-path on a host without COOP/COEP: version A is installed; version B is deployed; the
 * app says a new version is available, and after "Reload" runs B — never a mix of both.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { test } from './csp-guard';
import {
  buildInto,
  chromiumLaunch,
  recordConsole,
  type StaticServer,
  startStaticServer,
  waitForServiceWorker,
} from './pwa-helpers';

test.use({ launchOptions: chromiumLaunch });

const BASE = '/onsight/';
let tmp: string;
let dirA: string;
let dirB: string;
let server: StaticServer;

test.beforeAll(async () => {
  test.setTimeout(240_000); // two production builds
  tmp = await mkdtemp(join(tmpdir(), 'onsight-update-'));
  dirA = join(tmp, 'a');
  dirB = join(tmp, 'b');
  await buildInto(dirA, { ONSIGHT_BASE: BASE, ONSIGHT_BUILD_ID: 'e2e-a' });
  await buildInto(dirB, { ONSIGHT_BASE: BASE, ONSIGHT_BUILD_ID: 'e2e-b' });
  server = await startStaticServer({ root: dirA, base: BASE, isolation: false });
});
test.afterAll(async () => {
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('a new deployment is offered, and accepted on the user’s word', async ({ page }) => {
  recordConsole(page);
  await page.goto(server.url);
  await waitForServiceWorker(page);
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-build', 'e2e-a');
  // Under a sub-path with no headers from the host, the worker's scope and headers still make it isolated.
  await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 30_000 }).toBe(true);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope)).toBe(server.url);

  // Deploy B. The next visit still runs A (from A's precache) while B installs in the background.
  server.setRoot(dirB);
  await page.reload();
  await expect(html).toHaveAttribute('data-build', 'e2e-a');
  const prompt = page.getByTestId('update-prompt');
  await expect(prompt).toContainText('A new version is available', { timeout: 60_000 });
  await expect(html).toHaveAttribute('data-build', 'e2e-a'); // nothing changes until the user says so

  await page.getByTestId('update-reload').click();
  await expect(html).toHaveAttribute('data-build', 'e2e-b', { timeout: 30_000 });
  await expect(page.getByTestId('update-prompt')).toHaveCount(0);
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true', { timeout: 60_000 });

  // Every script the page runs is B's.
  const assetsB = new Set(await readdir(join(dirB, 'assets')));
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => /\/assets\/[^/]+\.js$/.test(name)),
  );
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(assetsB.has(script.split('/').pop() ?? ''), script).toBe(true);
});
