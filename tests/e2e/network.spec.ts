/** Privacy: the app talks to its own origin only, and not at all while classifying. */
import type { Page, Request } from '@playwright/test';
import { expect, makePng, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';

/** Waits until no request has started for `quietMs`. */
async function waitForQuiet(page: Page, requests: Request[], quietMs: number): Promise<void> {
  let seen = -1;
  for (let i = 0; i < 30 && seen !== requests.length; i++) {
    seen = requests.length;
    await page.waitForTimeout(quietMs);
  }
}

test('no request to another origin; none at all while classifying after load', async ({ page, requests, baseURL }) => {
  await openApp(page);
  const origin = new URL(baseURL ?? '').origin;
  const atLoad = requests.map((request) => request.url());
  expect(atLoad.length).toBeGreaterThan(0);
  for (const url of atLoad) {
    if (url.startsWith('data:') || url.startsWith('blob:')) continue;
    expect(new URL(url).origin, url).toBe(origin);
  }
  // The model came from this origin.
  expect(atLoad.some((url) => url.endsWith('.onnx'))).toBe(true);

  // Let anything started by the load settle (a service worker precaching the app, say) before watching.
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration) await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 10_000))]);
  });
  await waitForQuiet(page, requests, 1_000);

  const before = requests.length;
  await page.setInputFiles(PHOTO_INPUT, [await makePng('one.png', 1), await makePng('two.png', 2)]);
  const cards = await waitForSettled(page, 2);
  expect(cards.map((card) => card.status)).toEqual(['done', 'done']);
  const during = requests
    .slice(before)
    .map((request) => request.url())
    .filter((url) => !url.startsWith('blob:') && !url.startsWith('data:'));
  expect(during, 'requests while classifying').toEqual([]);
  // (The fixture also fails any test whose page reached another origin.)
});
