/**
 * Bring your own model by deployment: `model:add` embeds each real ImageNet model's spec and registers it in a copy
 * of the production build (never the committed public/), served by tools/serve.mjs; `?model=<id>` then selects it
 * and the shared photos are classified exactly as the Node pipeline does with the original files.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectKnownAndSameAsNode, KNOWN_PHOTOS, requireSharedModels, SHARED_MODELS } from './byom-helpers';
import { test as base } from './csp-guard';
import { expect, PHOTO_INPUT, REPO_ROOT, waitForSettled } from './fixtures';

const test = base.extend<{ site: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a destructured object.
  site: async ({}, use) => {
    await use(siteUrl);
  },
});

const IDS: Record<string, string> = {
  'imagenet-mobilenetv2-zoo': 'imagenet-zoo',
  'imagenet-mobilenetv2-st': 'imagenet-st',
};
const SIDECAR_ID = 'imagenet-zoo-sidecar';
const DEFAULT_INTRO = {
  name: 'Everyday things — MobileNetV2',
  author: 'ONNX Model Zoo',
  description: 'Names the main thing in a photo among 1000 everyday objects and animals. Not for people or faces.',
};
const PLAIN_ID = 'imagenet-zoo-plain';
let siteUrl = '';
let server: ChildProcess | undefined;
let tempDir: string | undefined;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

test.beforeAll(async () => {
  const shared = SHARED_MODELS.every((m) => existsSync(m.model) && existsSync(m.labels));
  if (!shared) return; // each test skips (or fails in CI) through requireSharedModels()
  if (!existsSync(join(REPO_ROOT, 'dist/index.html')))
    throw new Error('dist/ has no production build: run `npx vite build` first');
  tempDir = mkdtempSync(join(tmpdir(), 'onsight-byom-'));
  const site = join(tempDir, 'dist');
  cpSync(join(REPO_ROOT, 'dist'), site, { recursive: true });
  for (const m of SHARED_MODELS) {
    // The zoo model becomes this deployment's default, introduced by the name, author and description given here.
    const intro =
      m === SHARED_MODELS[0]
        ? [
            '--default',
            '--name',
            DEFAULT_INTRO.name,
            '--author',
            DEFAULT_INTRO.author,
            '--description',
            DEFAULT_INTRO.description,
          ]
        : [];
    execFileSync(
      process.execPath,
      [
        'tools/model-add.mjs',
        m.model,
        '--labels',
        m.labels,
        '--id',
        IDS[m.name] ?? m.name,
        ...intro,
        '--out',
        join(site, 'models'),
      ],
      {
        cwd: REPO_ROOT,
        stdio: 'pipe',
      },
    );
  }
  const zoo = SHARED_MODELS[0] as (typeof SHARED_MODELS)[number];
  // The spec beside the model instead of inside it (model.onsight.json, found by the app next to the URL).
  execFileSync(
    process.execPath,
    [
      'tools/model-add.mjs',
      zoo.model,
      '--labels',
      zoo.labels,
      '--id',
      SIDECAR_ID,
      '--copy',
      '--out',
      join(site, 'models'),
    ],
    {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    },
  );
  // No model:add at all: the files copied as they are, labels.txt beside the model, listed by hand.
  mkdirSync(join(site, 'models', PLAIN_ID));
  copyFileSync(zoo.model, join(site, 'models', PLAIN_ID, 'model.onnx'));
  copyFileSync(zoo.labels, join(site, 'models', PLAIN_ID, 'labels.txt'));
  const indexPath = join(site, 'models/index.json');
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { models: { id: string; name: string; url: string }[] };
  index.models.push({ id: PLAIN_ID, name: 'Copied by hand', url: `models/${PLAIN_ID}/model.onnx` });
  writeFileSync(indexPath, JSON.stringify(index));
  expect(index.models.map((m) => m.id)).toEqual(expect.arrayContaining([...Object.values(IDS), SIDECAR_ID, PLAIN_ID]));

  const port = await freePort();
  server = spawn(process.execPath, ['tools/serve.mjs', site, '--port', String(port)], {
    cwd: REPO_ROOT,
    stdio: 'ignore',
  });
  siteUrl = `http://localhost:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(siteUrl)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`tools/serve.mjs did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

test.afterAll(() => {
  server?.kill();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

for (const shared of SHARED_MODELS) {
  const id = IDS[shared.name] ?? shared.name;
  test(`${shared.name}: model:add, then ?model=${id} classifies like the Node pipeline`, async ({
    page,
    context,
    site,
  }) => {
    requireSharedModels();
    const foreign: string[] = [];
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== new URL(site).origin)
        foreign.push(url);
    });
    await page.goto(`${site}?model=${id}`);
    const app = page.locator('#app');
    await expect(app).toHaveAttribute('data-model', id);
    await expect(app).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('model-select')).toHaveValue(`site:${id}`);

    await page.setInputFiles(
      PHOTO_INPUT,
      KNOWN_PHOTOS.map((p) => p.path),
    );
    const cards = await waitForSettled(page, KNOWN_PHOTOS.length);
    await expectKnownAndSameAsNode(cards, shared.model);
    expect(foreign, 'requests to another origin').toEqual([]);
  });
}

test('a deployment whose default comes from model:add --default introduces that model on the first screen', async ({
  page,
  site,
}) => {
  requireSharedModels();
  await page.goto(site);
  await expect(page.locator('#app')).toHaveAttribute('data-model', IDS['imagenet-mobilenetv2-zoo'] ?? '');
  const intro = page.getByTestId('model-intro');
  await expect(intro.getByTestId('model-intro-name')).toHaveText(DEFAULT_INTRO.name);
  await expect(intro.getByTestId('model-author')).toHaveText(`by ${DEFAULT_INTRO.author}`);
  await expect(intro.getByTestId('model-description')).toHaveText(DEFAULT_INTRO.description);
  await expect(intro).not.toContainText('nsfwjs');
});

for (const id of [SIDECAR_ID, PLAIN_ID]) {
  test(`?model=${id}: a deployed model without an embedded spec finds model.onsight.json / labels.txt beside it`, async ({
    page,
    site,
  }) => {
    requireSharedModels();
    const zoo = SHARED_MODELS[0] as (typeof SHARED_MODELS)[number];
    await page.goto(`${site}?model=${id}`);
    const app = page.locator('#app');
    await expect(app).toHaveAttribute('data-model', id);
    await expect(app).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('spec-summary')).toContainText(
      id === PLAIN_ID ? 'from labels.txt' : 'model.onsight.json',
    );

    await page.setInputFiles(
      PHOTO_INPUT,
      KNOWN_PHOTOS.map((p) => p.path),
    );
    const cards = await waitForSettled(page, KNOWN_PHOTOS.length);
    await expectKnownAndSameAsNode(cards, zoo.model);
  });
}
