/** Keyboard use, screen-reader announcements, headings and the model credit. */
import { expect, makePng, openApp, test, waitForSettled } from './fixtures';

test('the picker is reachable by keyboard and opens with Enter; results are announced', async ({ page }) => {
  await openApp(page);
  const dropZone = page.getByTestId('drop-zone');
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await dropZone.evaluate((element) => element === document.activeElement);
  }
  expect(reached, 'Tab reaches the "Choose photos" button').toBe(true);
  await expect(dropZone).toHaveAccessibleName(/choose photos/i);

  const chooserPromise = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  const chooser = await chooserPromise;
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles([await makePng('keyboard.png', 5)]);

  const [card] = await waitForSettled(page, 1);
  expect(card?.status).toBe('done');
  const best = card?.predictions[0];
  expect(best).toBeDefined();
  const live = page.getByTestId('live');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toContainText(new RegExp(`keyboard\\.png: ${escapeRegExp(best?.label ?? '')} [<\\d.]+%`));

  // Space works too (a native button).
  await dropZone.focus();
  const secondChooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await secondChooser).setFiles([]);
});

test('errors are announced too', async ({ page }) => {
  await openApp(page);
  await page.setInputFiles('[data-testid="photo-input"]', [
    { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
  ]);
  const [card] = await waitForSettled(page, 1);
  expect(card?.status).toBe('error');
  const live = page.getByTestId('live');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toContainText(`empty.png: ${card?.error?.trim()}`);
});

test('headings, labelled inputs, and the About panel credits nsfwjs under MIT', async ({ page }) => {
  await openApp(page);
  await expect(page.locator('h1')).toHaveCount(1);
  await expect(page.locator('h1')).toHaveText('OnSight');
  await expect(page.getByRole('heading', { level: 2, name: 'Results' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'About the model' })).toBeVisible();
  await expect(page.getByTestId('photo-input')).toHaveAccessibleName(/photos/i);

  const panel = page.getByTestId('model-panel');
  await expect(panel).toContainText('nsfwjs');
  await expect(panel.getByTestId('credit')).toContainText('MIT');
  for (const label of ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']) {
    await expect(panel.getByTestId('classes')).toContainText(label);
  }
  await expect(page.getByTestId('backend')).toContainText(/thread/);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
