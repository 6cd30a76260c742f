/** Privacy: the app talks to its own origin only, and not at all while classifying. */
import { expect, makePng, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';

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
