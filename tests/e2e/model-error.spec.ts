/** A model that fails to load is reported in the model panel, and the app keeps working around it. */
import { expect, makePng, PHOTO_INPUT, test, waitForSettled } from './fixtures';

// The service worker would otherwise answer from its own cache, out of reach of page routing.
test.use({ serviceWorkers: 'block' });

test('a model load error shows in the model panel and photos get a clear message instead of hanging', async ({
  page,
  context,
}) => {
  await context.route('**/*.onnx', (route) => route.fulfill({ status: 404, body: 'missing' }));
  await page.goto('./');
  const error = page.getByTestId('model-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText(/nsfwjs|model/i);
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'false');

  await page.setInputFiles(PHOTO_INPUT, [await makePng('while-broken.png', 1)]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status).toBe('error');
  expect(card?.error?.trim().length).toBeGreaterThan(0);
  // The page itself is still usable.
  await expect(page.getByTestId('drop-zone')).toBeEnabled();
});
