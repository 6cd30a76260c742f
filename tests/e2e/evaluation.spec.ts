/**
 * Evaluation and the cleaner (#15) with the real default model: a labelled tree of real photos from ../shared (some
 * deliberately in the wrong class folder, one folder whose name matches no label) is chosen through the folder
 * input; the page's accuracy, n, every confusion cell and the order of the top losses must equal what the Node
 * pipeline gives for the same photos. Clicking a cell filters the grid; mapping the odd folder changes the numbers;
 * the CSV carries `actual`. Then ../shared/datasets/bears: its byte-identical copies are flagged, the cleaner's
 * decisions export as CSV and as a shell script, and the script, run with `sh` on a copy of the folder, does it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { parseCsv } from '../../src/batch/csv';
import { expect, openApp, PHOTOS_DIR, REPO_ROOT, test } from './fixtures';
import { exportCsv, FOLDER_INPUT, waitForBatch } from './folder-helpers';
import { nodePredictions } from './node-pipeline';

const TOLERANCE = 1e-3;
const SHARED = resolve(REPO_ROOT, '../shared');
const BEARS = join(SHARED, 'datasets/bears');
const PETS = join(SHARED, 'datasets/pets-small');

/** Tree path (under `Labelled/`) → source photo. `Drawing/` holds photos that are not drawings (wrong folder). */
function labelledTree(): Map<string, string> {
  const tree = new Map<string, string>();
  const firstOf = (dir: string, n: number) => readdirSync(dir).sort().slice(0, n);
  for (const name of readdirSync(PHOTOS_DIR).sort()) tree.set(`Neutral/${name}`, join(PHOTOS_DIR, name));
  for (const name of firstOf(join(PETS, 'cats'), 4)) tree.set(`Neutral/${name}`, join(PETS, 'cats', name));
  for (const name of firstOf(join(PETS, 'dogs'), 3)) tree.set(`Drawing/${name}`, join(PETS, 'dogs', name));
  for (const name of firstOf(join(BEARS, 'black'), 2)) tree.set(`Drawing/bear-${name}`, join(BEARS, 'black', name));
  for (const name of firstOf(join(BEARS, 'teddy'), 2)) tree.set(`misc/${name}`, join(BEARS, 'teddy', name));
  return tree;
}

interface Expected {
  path: string;
  actual: string;
  predicted: string;
  loss: number;
}

/** What the Node pipeline says about each photo that has a class. */
async function expectedFor(tree: Map<string, string>, classOf: (folder: string) => string | undefined) {
  const out: Expected[] = [];
  for (const [path, source] of tree) {
    const actual = classOf(path.split('/')[0] as string);
    if (actual === undefined) continue;
    const ranked = await nodePredictions(source, 0);
    const pActual = ranked.find((p) => p.label === actual)?.score as number;
    out.push({ path: `Labelled/${path}`, actual, predicted: ranked[0]?.label as string, loss: -Math.log(pActual) });
  }
  return out;
}

async function readEvaluation(page: Page) {
  const panel = page.getByTestId('evaluation');
  return {
    accuracy: Number(await panel.getAttribute('data-accuracy')),
    n: Number(await panel.getAttribute('data-n')),
    cells: await page
      .getByTestId('confusion-cell')
      .evaluateAll((cells) =>
        cells
          .map(
            (c) =>
              `${c.getAttribute('data-actual')}>${c.getAttribute('data-predicted')}=${c.getAttribute('data-count')}`,
          )
          .sort(),
      ),
    losses: await page.getByTestId('top-loss').evaluateAll((items) =>
      items.map((item) => ({
        path: item.getAttribute('data-path') ?? '',
        loss: Number(item.getAttribute('data-loss')),
      })),
    ),
  };
}

/** Checks the page's evaluation against the expectation: exact counts, losses within tolerance, loss order. */
async function expectEvaluation(page: Page, expected: Expected[]) {
  const correct = expected.filter((e) => e.actual === e.predicted).length;
  await expect(page.getByTestId('evaluation')).toHaveAttribute('data-n', String(expected.length));
  const seen = await readEvaluation(page);
  expect(seen.accuracy).toBeCloseTo(correct / expected.length, 10);
  const cells = new Map<string, number>();
  for (const e of expected) cells.set(`${e.actual}>${e.predicted}`, (cells.get(`${e.actual}>${e.predicted}`) ?? 0) + 1);
  expect(seen.cells).toEqual([...cells].map(([key, count]) => `${key}=${count}`).sort());
  const order = [...expected].sort((a, b) => b.loss - a.loss);
  const lossOf = new Map(expected.map((e) => [e.path, e.loss]));
  expect(seen.losses.length).toBe(Math.min(12, expected.length));
  seen.losses.forEach(({ path, loss }, i) => {
    expect(loss, path).toBeCloseTo(lossOf.get(path) as number, 2);
    // The same photo as Node's i-th, or one whose loss is equal to it within the tolerance (an order tie).
    const wanted = order[i] as Expected;
    if (path !== wanted.path) expect(Math.abs((lossOf.get(path) as number) - wanted.loss)).toBeLessThan(TOLERANCE);
  });
}

/** Bears through the folder input, grizzly mapped to Neutral and black to Drawing (no folder names a label of the
 * content filter, so the page offers to map them), the cleaner open on Neutral. Returns a locator per grizzly. */
async function openBearsCleaner(page: Page) {
  await page.setInputFiles(FOLDER_INPUT, BEARS);
  await waitForBatch(page, 26, 5 * 60_000);
  await page.getByTestId('evaluation-offer').locator('summary').click();
  await page.locator('[data-testid="folder-choice"][data-folder="grizzly"] select').selectOption('Neutral');
  await page.locator('[data-testid="folder-choice"][data-folder="black"] select').selectOption('Drawing');
  await expect(page.getByTestId('evaluation')).toHaveAttribute('data-n', '18');
  await page.getByTestId('cleaner').locator('summary').click();
  await page.getByTestId('cleaner-class').selectOption('Neutral');
  return (name: string) => page.locator(`[data-testid="cleaner-item"][data-path="bears/grizzly/${name}"]`);
}

/** The copies deleted, 00000002.jpg moved to Drawing (black/), 00000000.jpg kept. */
async function decideBears(page: Page, item: (name: string) => ReturnType<Page['locator']>) {
  await page.getByTestId('cleaner-delete-copies').click();
  await expect(page.getByTestId('cleaner-status')).toHaveText('3 exact copies marked for deletion.');
  await item('00000002.jpg').getByTestId('cleaner-decision').selectOption('move:Drawing');
  await expect(page.getByTestId('cleaner-status')).toHaveText('bears/grizzly/00000002.jpg: move to Drawing.');
  await item('00000000.jpg').getByTestId('cleaner-decision').selectOption('keep');
  await expect(page.getByTestId('cleaner-counts')).toHaveAttribute('data-delete', '3');
}

test.describe('evaluation', () => {
  test.skip(!existsSync(BEARS) || !existsSync(PETS), 'needs ../shared/datasets');
  let dir: string;
  test.beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onsight-evaluation-'));
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a labelled tree: accuracy, matrix, top losses as Node says; a cell filters the grid; mapping a folder', async ({
    page,
  }) => {
    test.setTimeout(6 * 60_000);
    const tree = labelledTree();
    for (const [path, source] of tree) {
      mkdirSync(join(dir, 'Labelled', path, '..'), { recursive: true });
      copyFileSync(source, join(dir, 'Labelled', path));
    }
    await openApp(page);
    await page.setInputFiles(FOLDER_INPUT, join(dir, 'Labelled'));
    await waitForBatch(page, tree.size, 5 * 60_000);

    const byName = (folder: string) => (folder === 'Neutral' || folder === 'Drawing' ? folder : undefined);
    const expected = await expectedFor(tree, byName);
    expect(
      expected.some((e) => e.actual !== e.predicted),
      'some photos are in the wrong folder',
    ).toBe(true);
    await expectEvaluation(page, expected);

    // The folder that names no label waits for the user.
    const misc = page.locator('[data-testid="folder-choice"][data-folder="misc"]');
    await expect(misc).toHaveAttribute('data-state', 'unmatched');

    // A cell filters the grid to its photos; the chip clears it.
    const wrong = expected.filter((e) => e.actual === 'Drawing' && e.predicted !== 'Drawing');
    const predicted = wrong[0]?.predicted as string;
    const inCell = wrong
      .filter((e) => e.predicted === predicted)
      .map((e) => e.path)
      .sort();
    // By keyboard: the cell is a button.
    await page.locator(`[data-testid="confusion-cell"][data-actual="Drawing"][data-predicted="${predicted}"]`).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('evaluation-filter')).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Showing' })).toHaveText(
      `Showing ${inCell.length} ${inCell.length === 1 ? 'photo' : 'photos'}: Drawing predicted as ${predicted}.`,
    );
    await expect(page.getByTestId('shown-count')).toHaveText(`${inCell.length} of ${tree.size} shown`);
    await expect(page.getByTestId('result')).toHaveCount(inCell.length);
    const shown = await page
      .getByTestId('result')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-path')));
    expect(shown.sort()).toEqual(inCell);
    await page.getByTestId('evaluation-filter-clear').click();
    await expect(page.getByTestId('evaluation-filter')).toHaveCount(0);
    await expect(page.getByTestId('shown-count')).toHaveText(`${tree.size} photos`);

    // Mapping `misc` to Neutral brings its photos in (their p(actual) was kept: every prediction was).
    await misc.locator('select').selectOption('Neutral');
    const mapped = await expectedFor(tree, (folder) => (folder === 'misc' ? 'Neutral' : byName(folder)));
    await expectEvaluation(page, mapped);
    await expect(misc).toHaveAttribute('data-state', 'mapped');

    // The CSV's actual and correct columns follow the mapping.
    const rows = await exportCsv(page);
    for (const e of mapped) {
      const row = rows.find((r) => r.path === e.path);
      expect(row?.actual, e.path).toBe(e.actual);
      expect(row?.correct, e.path).toBe(String(e.actual === e.predicted));
    }
  });

  test('bears: exact duplicates flagged; decisions export as CSV and as a script that does them', async ({ page }) => {
    test.setTimeout(6 * 60_000);
    await openApp(page);
    const item = await openBearsCleaner(page);
    await expect(item('00000001-Copy1.jpg')).toHaveAttribute('data-duplicate', 'exact');
    await expect(item('00000001-Copy1.jpg')).toHaveAttribute('data-duplicate-of', 'bears/grizzly/00000001.jpg');
    await expect(item('00000001-Copy2.jpg')).toHaveAttribute('data-duplicate-of', 'bears/grizzly/00000001.jpg');
    await expect(item('00000009-Copy1.jpg')).toHaveAttribute('data-duplicate-of', 'bears/grizzly/00000009.jpg');
    await expect(item('00000001.jpg')).toHaveAttribute('data-duplicate', 'exact');
    await expect(item('00000001.jpg')).toHaveAttribute('data-duplicate-of', '');
    await expect(item('00000000.jpg')).toHaveAttribute('data-duplicate', '');

    // Near duplicates through the model's pooled features (the training worker's embed): the byte-identical copies
    // are at distance 0, so at least their two groups are found among the 18 labelled photos.
    await page.getByTestId('cleaner-find-near').click();
    const status = page.getByTestId('cleaner-status');
    await expect(status).toHaveText(/^Compared 18 photos: \d+ groups? of near duplicates\.$/, { timeout: 120_000 });
    expect(Number((await status.textContent())?.match(/: (\d+) group/)?.[1])).toBeGreaterThanOrEqual(2);
    // Exact copies stay flagged as exact.
    await expect(item('00000001-Copy1.jpg')).toHaveAttribute('data-duplicate', 'exact');

    // The items are in loss order.
    const losses = await page
      .getByTestId('cleaner-item')
      .evaluateAll((items) => items.map((i) => Number(i.getAttribute('data-loss'))));
    expect(losses).toEqual([...losses].sort((a, b) => b - a));

    await decideBears(page, item);

    const download = async (testId: string) => {
      const waiting = page.waitForEvent('download');
      await page.getByTestId(testId).click();
      const file = await waiting;
      return { name: file.suggestedFilename(), text: readFileSync((await file.path()) as string, 'utf8') };
    };
    const csv = await download('cleaner-export-csv');
    expect(csv.name).toMatch(/^onsight-cleanup-.*\.csv$/);
    expect(parseCsv(csv.text.replace(/^\uFEFF/, ''))).toEqual([
      ['path', 'decision', 'new_class'],
      ['bears/grizzly/00000000.jpg', 'keep', ''],
      ['bears/grizzly/00000001-Copy1.jpg', 'delete', ''],
      ['bears/grizzly/00000001-Copy2.jpg', 'delete', ''],
      ['bears/grizzly/00000002.jpg', 'move', 'Drawing'],
      ['bears/grizzly/00000009-Copy1.jpg', 'delete', ''],
    ]);

    // The script, run inside a copy of the folder, deletes the copies and moves the photo to black/ (the folder
    // mapped to Drawing), under a free name since black/ has its own 00000002.jpg.
    const script = await download('cleaner-export-script');
    expect(script.name).toMatch(/^onsight-cleanup-.*\.sh$/);
    const copy = mkdtempSync(join(tmpdir(), 'onsight-bears-'));
    try {
      cpSync(BEARS, join(copy, 'bears'), { recursive: true });
      execFileSync('sh', ['-c', script.text], { cwd: join(copy, 'bears') });
      const grizzly = readdirSync(join(copy, 'bears/grizzly')).sort();
      expect(grizzly).not.toContain('00000001-Copy1.jpg');
      expect(grizzly).not.toContain('00000002.jpg');
      expect(grizzly).toContain('00000001.jpg');
      expect(readdirSync(join(copy, 'bears/black'))).toContain('00000002 (2).jpg');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('Apply: confirmation lists the changes, then File System Access moves and deletes for real', async ({
    page,
  }) => {
    test.setTimeout(6 * 60_000);
    // The folder the user would pick: the origin-private file system holds a copy of bears/ (a real directory
    // handle, the same API); only the native picker is replaced, since a test cannot click through it.
    await page.addInitScript(() => {
      (window as unknown as { showDirectoryPicker: () => Promise<unknown> }).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle('bears');
    });
    await openApp(page);
    const files = ['grizzly', 'black'].flatMap((folder) =>
      readdirSync(join(BEARS, folder)).map((name) => ({
        path: `${folder}/${name}`,
        base64: readFileSync(join(BEARS, folder, name)).toString('base64'),
      })),
    );
    await page.evaluate(async (entries) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('bears', { create: true });
      for (const { path, base64 } of entries) {
        const [folder, name] = path.split('/') as [string, string];
        const dir = await root.getDirectoryHandle(folder, { create: true });
        const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
        await writable.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
        await writable.close();
      }
    }, files);

    const item = await openBearsCleaner(page);
    await decideBears(page, item);
    await page.getByTestId('cleaner-apply').click();
    const dialog = page.getByTestId('apply-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('apply-operations').locator('li')).toHaveText([
      'delete grizzly/00000001-Copy1.jpg',
      'delete grizzly/00000001-Copy2.jpg',
      'move grizzly/00000002.jpg → black/00000002 (2).jpg (renamed: "black/00000002.jpg" is taken)',
      'delete grizzly/00000009-Copy1.jpg',
    ]);
    await dialog.getByTestId('apply-confirm').click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('cleaner-status')).toContainText('4 of 4 changes made.');
    // The three deleted copies left the results and the evaluation.
    await expect(page.getByTestId('evaluation')).toHaveAttribute('data-n', '15');
    await expect(page.getByTestId('summary')).toHaveAttribute('data-total', '23');

    const listing = await page.evaluate(async () => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('bears');
      const out: Record<string, { name: string; size: number }[]> = {};
      for (const folder of ['grizzly', 'black']) {
        const dir = await root.getDirectoryHandle(folder);
        const names: { name: string; size: number }[] = [];
        for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
          names.push({ name, size: (await handle.getFile()).size });
        }
        out[folder] = names.sort((a, b) => (a.name < b.name ? -1 : 1));
      }
      return out;
    });
    const sizeOf = (path: string) => readFileSync(join(BEARS, path)).length;
    expect(listing.grizzly?.map((f) => f.name)).toEqual([
      '00000000.jpg',
      '00000001.jpg',
      '00000005.jpg',
      '00000006.jpg',
      '00000007.jpg',
      '00000009.jpg',
    ]);
    expect(listing.black?.find((f) => f.name === '00000002 (2).jpg')?.size).toBe(sizeOf('grizzly/00000002.jpg'));
    expect(listing.black?.find((f) => f.name === '00000002.jpg')?.size).toBe(sizeOf('black/00000002.jpg'));
  });
});
