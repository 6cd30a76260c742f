/**
 * Web Share Target: a photo POSTed (multipart) to ./share-target is stored by the service worker, the page is
 * redirected to ./?shared=1, picks the photo up, classifies it and clears the stash.
 */
import { expect } from '@playwright/test';
import { test } from './csp-guard';
import {
  chromiumLaunch,
  recordConsole,
  requireDist,
  type StaticServer,
  sharedPhoto,
  startStaticServer,
  waitForServiceWorker,
} from './pwa-helpers';

test.use({ launchOptions: chromiumLaunch });

let server: StaticServer;
test.beforeAll(async () => {
  // POSTs get 405 from this host: the share can only succeed through the service worker.
  server = await startStaticServer({ root: requireDist(), isolation: true });
});
test.afterAll(async () => {
  await server?.close();
});

test('a photo shared to the app is classified', async ({ page }) => {
  const photo = sharedPhoto('dog.jpg');
  test.skip(!photo, 'needs ../shared/photos/dog.jpg');
  recordConsole(page);
  await page.goto(server.url);
  await waitForServiceWorker(page);

  // What the OS does on "Share → OnSight": a multipart POST navigation to the manifest's share_target action.
  const manifest = await page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    return link ? { href: link.href, json: await (await fetch(link.href)).json() } : null;
  });
  expect(manifest?.json.share_target).toMatchObject({ method: 'POST', enctype: 'multipart/form-data' });
  const field = manifest?.json.share_target.params.files[0].name as string;
  const action = new URL(manifest?.json.share_target.action, manifest?.href).href;

  await page.evaluate(
    ({ action, field }) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.enctype = 'multipart/form-data';
      form.action = action;
      const input = document.createElement('input');
      input.type = 'file';
      input.name = field;
      input.id = 'e2e-share';
      form.append(input);
      document.body.append(form);
    },
    { action, field },
  );
  await page.locator('#e2e-share').setInputFiles(photo as string);
  const loaded = page.waitForEvent('load', { timeout: 30_000 });
  // Submitted from a timer so the evaluate call returns before its page goes away.
  await page.evaluate(() =>
    setTimeout(() => document.querySelector<HTMLFormElement>('form:has(#e2e-share)')?.submit(), 0),
  );
  await loaded; // POST → service worker → 303 → ./?shared=1

  const card = page.locator('[data-testid="result"]');
  await expect(card).toHaveCount(1, { timeout: 30_000 });
  await expect(card).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(card).toHaveAttribute('data-file', 'dog.jpg');
  // The page dropped ?shared from its URL and the stash is empty.
  expect(new URL(page.url()).searchParams.has('shared')).toBe(false);
  const left = await page.evaluate(async () => (await (await caches.open('onsight-shared-files')).keys()).length);
  expect(left).toBe(0);
  expect(server.requests.filter((line) => line.startsWith('POST'))).toEqual([]);
});
