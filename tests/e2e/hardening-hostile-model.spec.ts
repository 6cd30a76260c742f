/**
 * A model written to attack the page: HTML in its labels, name and credit, a `javascript:` source URL, a 100 KB label,
 * a right-to-left override (U+202E) that makes "abc‮gpj.exe" read "abcexe.jpg", and emoji. All of it must show as
 * inert text: nothing runs, nothing links to `javascript:`, overrides show as codes, and nothing widens the page,
 * before or after the long label is opened. The same holds for a photo's file name, and after a reload the saved
 * copy carries no `javascript:` URL either. A second model's absurd normalisation is warned about on the panel.
 */
import type { Page } from '@playwright/test';
import { buildTinyClassifier } from '../helpers/tiny-models';
import { MODEL_INPUT } from './byom-helpers';
import { expect, makePng, openApp, PHOTO_INPUT, test, waitForSettled } from './fixtures';

const RLO = '\u202E';
const HUGE = 'A'.repeat(100_000);
const LABELS = [
  '<img src=x onerror="window.__pwned=1">',
  HUGE,
  `abc${RLO}gpj.exe`,
  '🐕‍🦺 service dog',
  '<script>window.__pwned=1</script>',
  ...Array.from({ length: 25 }, (_, i) => `class ${i + 5}`),
];

/** A tiny real classifier whose embedded spec is hostile; its top five are the five hostile labels, in order. */
function hostileModel(): Buffer {
  const classes = LABELS.length;
  const model = buildTinyClassifier({
    classes,
    weights: Array.from({ length: 3 }, () => new Array(classes).fill(0)),
    bias: Array.from({ length: classes }, (_, k) => (k < 5 ? 10 - k : 0)),
    metadata: {
      'onsight.spec': JSON.stringify({
        id: 'hostile',
        name: `Evil <b>model</b> ${RLO}txt.exe 🐕`,
        labels: LABELS,
        input: { layout: 'nchw', dtype: 'float32', width: 4, height: 4, resize: 'squish' },
        output: { kind: 'logits' },
        source: {
          name: '<a href="javascript:window.__pwned=1">click me</a>',
          license: 'MIT<script>window.__pwned=1</script>',
          url: 'javascript:window.__pwned=1',
          notes: `${RLO}${'n'.repeat(5000)}`,
        },
      }),
    },
  });
  return Buffer.from(model.bytes);
}

/** How far the page is wider than the window (0 when nothing overflows). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Nothing from the model ran or became markup. */
async function expectInert(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  await expect(page.locator('[onerror], #app script, #app b, #app img[src="x"]')).toHaveCount(0);
  const text = await page.evaluate(() => document.body.textContent ?? '');
  expect(text.includes(RLO), 'no raw U+202E left in the page text').toBe(false);
}

test('a hostile model and file name render as inert text, with no javascript: link and no page overflow', async ({
  page,
}) => {
  await openApp(page);
  await page.setInputFiles(MODEL_INPUT, {
    name: 'hostile.onnx',
    mimeType: 'application/octet-stream',
    buffer: hostileModel(),
  });
  const app = page.locator('#app');
  await expect(app).toHaveAttribute('data-model', 'hostile');
  await expect(app).toHaveAttribute('data-ready', 'true');
  const panel = page.getByTestId('model-panel');

  // The name: HTML as text, the override shown as its code, the emoji intact.
  await expect(panel.locator('.model-name')).toHaveText(`Evil <b>model</b> [U+202E]txt.exe 🐕`);
  // The credit: no link at all (the URL was dropped on load, with a warning saying so).
  const credit = page.getByTestId('credit');
  await expect(credit).toContainText('<a href="javascript:window.__pwned=1">click me</a>');
  await expect(credit).toContainText('MIT<script>window.__pwned=1</script>');
  await expect(credit.locator('a')).toHaveCount(0);
  await expect(page.getByTestId('spec-warnings')).toContainText(
    'source.url "javascript:window.__pwned=1" is not an http(s) address; it is ignored',
  );

  // The collapsed classes summary: five labels, each cut short; the 100 KB one does not widen the page.
  const summary = panel.locator('details summary').filter({ hasText: 'and 25 more' });
  await expect(summary).toContainText('<img src=x onerror="window.__pwned=1">');
  await expect(summary).toContainText('abc[U+202E]gpj.exe');
  expect((await summary.textContent())?.length).toBeLessThan(400);
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  // A photo whose name hides an override; its top five are the hostile labels.
  const photo = await makePng('x.png');
  await page.setInputFiles(PHOTO_INPUT, { ...photo, name: `holiday${RLO}gnp.exe` });
  const [card] = await waitForSettled(page, 1);
  expect(card?.status, card?.error ?? '').toBe('done');
  expect(card?.predictions.map((p) => p.label)).toEqual(LABELS.slice(0, 5));
  const result = page.getByTestId('result');
  await expect(result.locator('.file-name')).toHaveText('holiday[U+202E]gnp.exe');
  const predictions = result.getByTestId('prediction');
  await expect(predictions.nth(0).locator('.prediction-label')).toHaveText('<img src=x onerror="window.__pwned=1">');
  await expect(predictions.nth(2).locator('.prediction-label')).toHaveText('abc[U+202E]gpj.exe');
  await expect(predictions.nth(3).locator('.prediction-label')).toHaveText('🐕‍🦺 service dog');
  await expectInert(page);
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  // The 100 KB label: cut, with all of it on demand (by keyboard), wrapped inside its card.
  const long = predictions.nth(1);
  const more = long.getByRole('button', { name: 'Show all 100,000 characters' });
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(long.getByRole('button', { name: 'Show less' })).toHaveAttribute('aria-expanded', 'true');
  expect((await long.locator('.safe-text-body').textContent())?.length).toBe(HUGE.length);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await long.getByRole('button', { name: 'Show less' }).click();
  await expect(long.getByRole('button', { name: 'Show all 100,000 characters' })).toBeVisible();

  // Every class chip, the 100 KB one opened too.
  await summary.click();
  const chips = panel.getByTestId('classes').locator('li');
  await expect(chips).toHaveCount(LABELS.length);
  await chips.nth(1).getByRole('button', { name: 'Show all 100,000 characters' }).click();
  await expect(chips.nth(1).getByRole('button', { name: 'Show less' })).toBeVisible();
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  await expectInert(page);

  // The saved copy: no javascript: in what was stored, and still no link after a reload restores it.
  const stored = await page.evaluate(async () => {
    const cache = await caches.open('onsight-user-models-v1');
    const manifest = await cache.match('https://user-models.onsight.invalid/hostile/manifest');
    const saved = manifest ? JSON.parse(await manifest.text()) : undefined;
    return { id: saved?.id, source: saved && Object.keys(saved.spec.source) };
  });
  expect(stored).toEqual({ id: 'hostile', source: ['name', 'license', 'notes'] });
  await page.reload();
  await expect(app).toHaveAttribute('data-model', 'hostile');
  await expect(app).toHaveAttribute('data-ready', 'true');
  await expect(credit.locator('a')).toHaveCount(0);
  await expectInert(page);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
});

test('a model whose normalisation makes every pixel infinite loads with a warning on the model panel', async ({
  page,
}) => {
  await openApp(page);
  const model = buildTinyClassifier({
    metadata: {
      'onsight.spec': JSON.stringify({
        id: 'absurd',
        name: 'Absurd normalisation',
        labels: ['a', 'b', 'c'],
        input: { layout: 'nchw', dtype: 'float32', width: 4, height: 4, scale: 1e300, std: [1e-300, 1e-300, 1e-300] },
      }),
    },
  });
  await page.setInputFiles(MODEL_INPUT, {
    name: 'absurd.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(model.bytes),
  });
  await expect(page.locator('#app')).toHaveAttribute('data-model', 'absurd');
  const warning = page.getByTestId('input-range-warning');
  await expect(warning).toContainText('This model may not work: the preprocessing turns pixels into values from');
  await expect(warning).toContainText('beyond what float32 can hold');
  await expect(warning).toContainText('input.scale 1e+300');
  await expect(page.getByTestId('spec-warnings')).toContainText('beyond what float32 can hold');
});
