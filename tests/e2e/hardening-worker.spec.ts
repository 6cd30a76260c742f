/**
 * A worker that goes without an error event, closed from inside (`self.close()` through Playwright's handle on it, as
 * a browser killing it would look to the page), is replaced: the next photos get their results within seconds, not
 * after the 60 s call timeout. Each expectation below waits at most 20 s, so a client that only noticed through the
 * timeout would fail. (Which photo is in flight when the worker goes is up to timing here; the unit tests
 * (pipeline-client.test.ts) pin the mid-call retry down with a scripted worker.)
 */
import type { Page, Worker } from '@playwright/test';
import { expect, makePng, openApp, PHOTO_INPUT, sharedPhotos, test, waitForSettled } from './fixtures';

/** Well under the client's 60 s call timeout, with room for a restart and a model reload on a loaded machine. */
const WITHIN = { timeout: 20_000 };

/** The inference worker (assets/worker-*.js), not onnxruntime's own thread workers. */
function inferenceWorker(page: Page): Worker | undefined {
  return page.workers().find((w) => /\/assets\/worker-[^/]*\.js$/.test(w.url()));
}

/** Closes `worker` from inside and waits until the browser reports it gone. */
async function closeFromInside(worker: Worker): Promise<void> {
  const closed = new Promise<void>((resolve) => worker.once('close', () => resolve()));
  // The evaluation may never answer: the worker is gone before it can.
  void worker.evaluate(() => self.close()).catch(() => undefined);
  await closed;
}

test('a worker closed from inside is replaced and the next photo gets its result within seconds', async ({ page }) => {
  await openApp(page);
  await page.setInputFiles(PHOTO_INPUT, [await makePng('before.png', 1)]);
  expect((await waitForSettled(page, 1))[0]?.status).toBe('done');

  const first = inferenceWorker(page);
  if (!first) throw new Error(`no inference worker among ${page.workers().map((w) => w.url())}`);
  const replaced = page.waitForEvent('worker', { predicate: (w) => w !== first && /\/assets\/worker-/.test(w.url()) });
  await closeFromInside(first);

  await page.setInputFiles(PHOTO_INPUT, [await makePng('after.png', 2)]);
  const after = page.locator('[data-testid="result"][data-file="after.png"]');
  await expect(after).toHaveAttribute('data-status', 'done', WITHIN);
  await expect(after.getByTestId('error')).toHaveCount(0);
  await replaced;
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
});

test('closing the worker while photos are queued loses none of them', async ({ page }) => {
  const photos = sharedPhotos();
  await openApp(page);
  await page.setInputFiles(PHOTO_INPUT, [await makePng('warm.png', 1)]);
  await waitForSettled(page, 1);
  const worker = inferenceWorker(page);
  if (!worker) throw new Error('no inference worker');

  // The shared photos are real JPEGs (slower to decode than the tiny PNG): the worker goes while they are queued,
  // usually with one in flight, which is then tried again on the fresh worker.
  await page.setInputFiles(PHOTO_INPUT, photos);
  await closeFromInside(worker);
  const cards = page.locator('[data-testid="result"]');
  await expect(cards).toHaveCount(photos.length + 1);
  await expect(page.locator('[data-testid="result"][data-status="pending"]')).toHaveCount(0, WITHIN);
  const settled = await waitForSettled(page, photos.length + 1);
  for (const card of settled) {
    expect(card.status, `${card.file}: ${card.error ?? ''}`).toBe('done');
    expect(card.predictions.length, card.file).toBeGreaterThan(0);
  }
});
