/**
 * The trainer's classes built on the page (#16): photos into a class from Chromium's fake camera (5 frames taken) or
 * the camera app when the camera is refused; pasted with the class focused (and not taken from the page when it is
 * not); merge and remove by keyboard, announced and undoable; and after training, the held-out photos in #15's
 * evaluation views, where a photo is moved to another class or taken out and the model trained again.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { expect, openApp, test } from './fixtures';
import { smallJpeg } from './folder-helpers';
import { chromiumLaunch } from './pwa-helpers';
import { fewPets, PETS, TRAIN_FOLDER_INPUT, trainerViolations } from './train-helpers';

// Chromium's fake camera (a moving test pattern) and its permission prompt answered yes: a real getUserMedia stream.
test.use({
  launchOptions: {
    ...chromiumLaunch,
    args: [...chromiumLaunch.args, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
});

const classRow = (page: Page, name: string) => page.locator(`[data-testid="train-classes"] li[data-class="${name}"]`);

async function openTrainerWithClasses(page: Page, count: number): Promise<void> {
  await openApp(page);
  await page.getByTestId('train-open').click();
  for (let i = 0; i < count; i++) await page.getByTestId('train-add-class').click();
  await expect(page.locator('[data-testid="train-classes"] li')).toHaveCount(count);
}

test('the camera takes 5 photos into a class, and is stopped when its dialog closes', async ({ page }) => {
  // Every stream the page opens, to see that it ends (the page's own getUserMedia, only watched).
  await page.addInitScript(() => {
    const streams: MediaStream[] = [];
    (window as unknown as { openedStreams: MediaStream[] }).openedStreams = streams;
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      streams.push(stream);
      return stream;
    };
  });
  await openTrainerWithClasses(page, 2);
  await classRow(page, 'Class 1').getByTestId('train-class-camera').click();
  const dialog = page.getByTestId('camera-dialog');
  await expect(dialog).toHaveAttribute('data-live', 'true');
  for (let i = 0; i < 5; i++) await page.getByTestId('camera-capture').click();
  await expect(dialog).toHaveAttribute('data-taken', '5');
  await expect(page.getByTestId('camera-taken')).toHaveText('5 photos taken into this class.');
  await expect(classRow(page, 'Class 1')).toHaveAttribute('data-count', '5');
  expect(await trainerViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(classRow(page, 'Class 1').getByTestId('train-class-camera')).toBeVisible();
  const live = await page.evaluate(() =>
    (window as unknown as { openedStreams: MediaStream[] }).openedStreams.flatMap((s) =>
      s.getTracks().map((t) => t.readyState),
    ),
  );
  expect(live).toEqual(['ended']);
  await expect(classRow(page, 'Class 2')).toHaveAttribute('data-count', '0');
});

test('a refused camera says so, and the camera app stands in', async ({ page }) => {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await openTrainerWithClasses(page, 2);
  await classRow(page, 'Class 2').getByTestId('train-class-camera').click();
  await expect(page.getByTestId('camera-problem')).toContainText('The camera was refused');
  await expect(page.getByTestId('camera-capture')).toHaveCount(0);
  await page.setInputFiles('[data-testid="camera-fallback-input"]', {
    name: 'IMG_0001.jpg',
    mimeType: 'image/jpeg',
    buffer: await smallJpeg(1),
  });
  await expect(classRow(page, 'Class 2')).toHaveAttribute('data-count', '1');
  expect(await trainerViolations(page)).toEqual([]);
  await page.getByTestId('camera-close').click();
  await expect(page.getByTestId('camera-dialog')).toHaveCount(0);
});

/** Dispatches a paste of `count` JPEG files on the element that has the focus (or the body). */
async function pasteJpegs(page: Page, count: number): Promise<void> {
  const jpegs = await Promise.all(Array.from({ length: count }, (_, i) => smallJpeg(10 + i)));
  await page.evaluate(
    (encoded) => {
      const data = new DataTransfer();
      encoded.forEach((b64, i) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], `pasted-${i}.jpg`, { type: 'image/jpeg' }));
      });
      const target = document.activeElement ?? document.body;
      target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    jpegs.map((b) => b.toString('base64')),
  );
}

test('photos pasted with a class focused go into it; pasted elsewhere, the page classifies them', async ({ page }) => {
  await openTrainerWithClasses(page, 2);
  await classRow(page, 'Class 2').getByTestId('train-class-name').focus();
  await pasteJpegs(page, 3);
  await expect(classRow(page, 'Class 2')).toHaveAttribute('data-count', '3');
  await expect(page.getByTestId('live')).toContainText('3 photos added to “Class 2”.');
  await expect(page.locator('[data-testid="result"]')).toHaveCount(0);
  // Focus on no class: the page's own paste (classify) still works.
  await page.locator('body').focus();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await pasteJpegs(page, 1);
  await expect(page.locator('[data-testid="result"]')).toHaveCount(1);
  await expect(classRow(page, 'Class 2')).toHaveAttribute('data-count', '3');
});

test('merge and remove classes by keyboard: confirmed, announced, undoable', async ({ page }) => {
  await openTrainerWithClasses(page, 3);
  await classRow(page, 'Class 1').getByTestId('train-class-name').focus();
  await pasteJpegs(page, 2);
  await classRow(page, 'Class 2').getByTestId('train-class-name').focus();
  await pasteJpegs(page, 3);
  await expect(classRow(page, 'Class 2')).toHaveAttribute('data-count', '3');

  // Merge Class 2 into Class 1.
  await classRow(page, 'Class 2').getByTestId('train-class-merge').focus();
  await page.keyboard.press('Enter');
  const into = page.getByTestId('train-class-merge-into');
  await expect(into).toBeFocused();
  await into.selectOption({ label: 'Class 1' });
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('train-class-merge-confirm')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid="train-classes"] li')).toHaveCount(2);
  await expect(classRow(page, 'Class 1')).toHaveAttribute('data-count', '5');
  await expect(page.getByTestId('live')).toContainText('Class “Class 2” merged into “Class 1”: 3 photos moved.');
  await expect(page.getByTestId('train-undo')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid="train-classes"] li')).toHaveCount(3);
  await expect(classRow(page, 'Class 2')).toHaveAttribute('data-count', '3');
  await expect(page.getByTestId('live')).toContainText('Undone: Class “Class 2” merged');
  await expect(page.getByTestId('train-add-class')).toBeFocused();

  // Remove Class 1 (2 photos): asked first; Keep keeps it; then removed.
  await classRow(page, 'Class 1').getByTestId('train-class-remove').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('train-class-remove-confirm')).toBeFocused();
  await expect(classRow(page, 'Class 1')).toContainText('Remove “Class 1” and its 2 photos?');
  expect(await trainerViolations(page)).toEqual([]);
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid="train-classes"] li')).toHaveCount(2);
  await expect(classRow(page, 'Class 1')).toHaveCount(0);
  await expect(page.getByTestId('live')).toContainText('Class “Class 1” removed with its 2 photos.');
  // An empty class goes at once.
  await classRow(page, 'Class 3').getByTestId('train-class-remove').click();
  await expect(page.locator('[data-testid="train-classes"] li')).toHaveCount(1);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`after training, the held-out photos in the evaluation views; fix one, train again (${colorScheme})`, async ({
    page,
  }) => {
    test.skip(!existsSync(PETS) && process.env.CI !== 'true', 'needs ../shared/datasets/pets-small');
    test.setTimeout(6 * 60_000);
    await page.emulateMedia({ colorScheme });
    const dir = mkdtempSync(join(tmpdir(), 'onsight-train-eval-'));
    try {
      await openApp(page);
      await page.getByTestId('train-open').click();
      await page.setInputFiles(TRAIN_FOLDER_INPUT, fewPets(dir));
      await page.getByTestId('train-start').click();
      const training = page.getByTestId('training');
      await expect(training).toHaveAttribute('data-status', 'done', { timeout: 4 * 60_000 });
      const valCount = Number(await training.getAttribute('data-val-count'));
      expect(valCount).toBe(6); // ceil(15 %) of 14, per class

      const evaluation = page.getByTestId('train-evaluation');
      await expect(evaluation).toHaveAttribute(
        'data-accuracy',
        (await training.getAttribute('data-val-accuracy')) ?? '',
      );
      await expect(evaluation).toHaveAttribute('data-n', String(valCount));
      const cells = evaluation.getByTestId('confusion-cell');
      const counts = (await cells.evaluateAll((els) =>
        els.map((el) => Number(el.getAttribute('data-count'))),
      )) as number[];
      expect(counts.reduce((a, b) => a + b, 0)).toBe(valCount);
      await expect(evaluation.getByTestId('class-report-row')).toHaveCount(2);
      const losses = evaluation.getByTestId('top-loss');
      await expect(losses).toHaveCount(valCount);
      // Thumbnails of the held-out photos themselves (object URLs of the picked files).
      await expect(losses.first().locator('img')).toHaveAttribute('src', /^blob:/);
      expect(
        await losses
          .first()
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.naturalWidth),
      ).toBeGreaterThan(0);

      // A cell filters the photos to it.
      const first = cells.first();
      const cellCount = Number(await first.getAttribute('data-count'));
      await first.click();
      await expect(evaluation.getByTestId('evaluation-filter')).toBeVisible();
      await expect(losses).toHaveCount(cellCount);
      await evaluation.getByTestId('evaluation-filter-clear').click();
      await expect(losses).toHaveCount(valCount);
      expect(await trainerViolations(page)).toEqual([]);

      // The worst photo moves to the other class; the next is taken out.
      const worst = losses.first();
      const actual = (await worst.getAttribute('data-actual')) as string;
      const other = actual === 'cats' ? 'dogs' : 'cats';
      await worst.getByLabel('Belongs to').selectOption({ label: other });
      await worst.getByTestId('train-photo-move').click();
      await expect(worst.getByTestId('train-photo-fixed')).toHaveText(`Moved to “${other}”.`);
      await expect(classRow(page, actual)).toHaveAttribute('data-count', '13');
      await expect(classRow(page, other)).toHaveAttribute('data-count', '15');
      await losses.nth(1).getByTestId('train-photo-remove').click();
      await expect(losses.nth(1).getByTestId('train-photo-fixed')).toHaveText('Taken out of the training photos.');
      await expect(page.getByTestId('live')).toContainText('Train again to see the difference.');

      // Train again: every embedding comes from the device's cache; 27 photos now.
      await page.getByTestId('train-start').click();
      await expect(training).toHaveAttribute('data-status', 'done', { timeout: 2 * 60_000 });
      const total =
        Number(await training.getAttribute('data-train-count')) + Number(await training.getAttribute('data-val-count'));
      expect(total).toBe(27);
      await expect(evaluation).toHaveAttribute(
        'data-accuracy',
        (await training.getAttribute('data-val-accuracy')) ?? '',
      );
      await expect(evaluation.getByTestId('train-photo-fixed')).toHaveCount(0);
      // Each thumbnail is the photo its path names (ids are request indices, which the fixes shifted): same size.
      await expect(losses).toHaveCount(Number(await training.getAttribute('data-val-count')));
      const shown = async () =>
        losses.evaluateAll((items) =>
          items.map((item) => {
            const img = item.querySelector('img') as HTMLImageElement;
            return { path: item.getAttribute('data-path') ?? '', size: `${img.naturalWidth}x${img.naturalHeight}` };
          }),
        );
      const sizeOnDisk = async (path: string) => {
        const { width, height } = await sharp(join(dir, path)).metadata();
        return `${width}x${height}`;
      };
      await expect.poll(async () => (await shown()).every(({ size }) => size !== '0x0')).toBe(true);
      for (const { path, size } of await shown()) expect(size, path).toBe(await sizeOnDisk(path));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
