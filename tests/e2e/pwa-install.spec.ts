/**
 * Installing: an "Install app" button when the browser offers an install prompt (beforeinstallprompt), a Share → Add
 * to Home Screen hint on iOS where it never does, and a manifest the browser accepts.
 */
import { expect } from '@playwright/test';
import { test } from './csp-guard';
import { chromiumLaunch, requireDist, type StaticServer, startStaticServer } from './pwa-helpers';

test.use({ launchOptions: chromiumLaunch });

let server: StaticServer;
test.beforeAll(async () => {
  server = await startStaticServer({ root: requireDist(), isolation: true });
});
test.afterAll(async () => {
  await server?.close();
});

test('the install button appears with the browser’s prompt and uses it once', async ({ page, context }) => {
  await page.goto(server.url);
  await expect(page.locator('#app')).toHaveAttribute('data-ready', /true|false/);
  await expect(page.getByTestId('install')).toHaveCount(0);

  // Headless (incognito) Chromium never offers installation; fire the event it would fire.
  await page.evaluate(() => {
    const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => {
        (window as Window & { __prompted?: number }).__prompted =
          ((window as Window & { __prompted?: number }).__prompted ?? 0) + 1;
      },
      userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
    });
    window.dispatchEvent(event);
  });
  const button = page.getByTestId('install');
  await expect(button).toHaveText('Install app');
  await button.click();
  await expect(button).toHaveCount(0);
  expect(await page.evaluate(() => (window as Window & { __prompted?: number }).__prompted)).toBe(1);

  // The manifest is one Chromium would install, apart from this being an incognito profile.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
  const { errors } = await cdp.send('Page.getAppManifest');
  expect(errors).toEqual([]);
});

test.describe('on iOS', () => {
  test.use({
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  });
  test('Safari gets the Add to Home Screen hint instead', async ({ page }) => {
    await page.goto(server.url);
    const hint = page.getByTestId('install-hint');
    await expect(hint).toContainText('Add to Home Screen');
    await hint.getByRole('button', { name: 'Got it' }).click();
    await expect(hint).toHaveCount(0);
    await page.reload();
    await expect(page.locator('#app')).toHaveAttribute('data-ready', /true|false/);
    await expect(page.getByTestId('install-hint')).toHaveCount(0);
  });
});
