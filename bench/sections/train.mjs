// @ts-check
/**
 * Train (#16): the trainer on ../shared/datasets/pets-small with the default model as backbone, in a fresh browser
 * context (an empty embedding cache), timed from the Train click to `[data-testid=training][data-status=done]`; then
 * "Train again" in the same page, whose embeddings come from the device's cache. `train_ratio` is the first run
 * over its floor: photos × (decode + session.run), the per-photo medians of the floor rows (the issue's target:
 * at most 1.3). The floor's photos are the shared ones, larger than the pets' (decode costs more there), so the ratio
 * errs on the kind side only when decode dominates; session.run, which dominates here, does not depend on size.
 * That floor has no session creation in it, which the trainer pays once per run (0.7–1.3 s here, more than the
 * 20 photos of --quick cost): `train_ratio_incl_session` adds the floor's own InferenceSession.create to it.
 * With --quick, 10 photos per class (copied to the run's temp folder), so the smoke test stays short.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitAppReady } from '../lib/browser.mjs';
import { emptyFigures, measuredRow, medianOf, nullRow, section } from '../lib/figures.mjs';
import { ROOT } from '../lib/paths.mjs';

const PETS = join(ROOT, '..', 'shared', 'datasets', 'pets-small');

const QUICK_PER_CLASS = 10;

/** The first `perClass` photos of each class of `from`, copied under `tmp`. @param {string} from @param {string} tmp @param {number} perClass */
function subset(from, tmp, perClass) {
  const to = join(tmp, 'pets-quick');
  for (const cls of readdirSync(from, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    mkdirSync(join(to, cls.name), { recursive: true });
    for (const name of readdirSync(join(from, cls.name)).sort().slice(0, perClass))
      copyFileSync(join(from, cls.name, name), join(to, cls.name, name));
  }
  return to;
}

/** Counts the photos under the labelled folder (one level of class sub-folders). @param {string} dir */
function countPhotos(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .reduce((sum, e) => sum + readdirSync(join(dir, e.name)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).length, 0);
}

/**
 * Clicks Train and waits for done; the time is the page's (performance.now()) from the click to the status change.
 * @param {import('@playwright/test').Page} page
 * @returns {Promise<{ ms: number, accuracy: number, worker: { setup: number, decode: number, run: number, all: number }, timings: any }>}
 */
async function trainOnce(page) {
  await page.evaluate(() => {
    /** @type {any} */
    const w = window;
    const training = /** @type {HTMLElement} */ (document.querySelector('[data-testid=training]'));
    const button = /** @type {HTMLElement} */ (document.querySelector('[data-testid=train-start]'));
    const state = { start: 0, end: /** @type {number | null} */ (null) };
    const observer = new MutationObserver(() => {
      if (training.dataset.status === 'done' || training.dataset.status === 'error') {
        state.end = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(training, { attributes: true, attributeFilter: ['data-status'] });
    w.__train = state;
    state.start = performance.now();
    button.click();
  });
  await page.waitForFunction(() => /** @type {any} */ (window).__train.end != null, undefined, {
    timeout: 600_000,
    polling: 100,
  });
  const status = await page.getByTestId('training').getAttribute('data-status');
  if (status !== 'done')
    throw new Error(`training ended ${status}: ${await page.getByTestId('training').textContent()}`);
  const ms = await page.evaluate(
    () => /** @type {any} */ (window).__train.end - /** @type {any} */ (window).__train.start,
  );
  const training = page.getByTestId('training');
  const accuracy = Number(await training.getAttribute('data-val-accuracy'));
  /** @param {string} name */
  const ms0 = async (name) => Number(await training.getAttribute(`data-${name}-ms`));
  const worker = {
    setup: await ms0('setup'),
    decode: await ms0('decode'),
    run: await ms0('run'),
    all: await ms0('worker'),
  };
  // Everything the worker measured (TrainTimings): setup's parts, first run, idle backbone, head, OOD, export.
  const timings = JSON.parse((await training.getAttribute('data-timings')) ?? 'null');
  return { ms, accuracy, worker, timings };
}

/**
 * @param {import('./context.mjs').BenchContext} ctx
 * @param {readonly import('../lib/figures.mjs').Row[]} rowsSoFar the floor's decode and run medians come from here
 * @param {string} tmp the run's temporary folder (for the --quick subset)
 * @returns {Promise<import('../lib/figures.mjs').Figures>}
 */
export async function train(ctx, rowsSoFar, tmp) {
  const out = emptyFigures();
  if (!existsSync(PETS)) {
    out.rows.push(nullRow('app.train', 'train', 'OnSight trainer: pets-small, Train → done', 's', `no ${PETS}`));
    return out;
  }
  const folder = ctx.opts.quick ? subset(PETS, tmp, QUICK_PER_CLASS) : PETS;
  const photos = countPhotos(folder);
  const label = `OnSight trainer: pets-small${ctx.opts.quick ? ' (quick subset)' : ''}, ${photos} photos, 2 classes, Train → done`;
  /** @type {Awaited<ReturnType<typeof trainOnce>> | undefined} */
  let first;
  /** @type {Awaited<ReturnType<typeof trainOnce>> | undefined} */
  let again;
  const failure = await section('train', async () => {
    const page = await ctx.openPage(`${ctx.app.origin}/`, true);
    await waitAppReady(page);
    await page.getByTestId('train-open').click();
    await page.setInputFiles('[data-testid=train-folder-input]', folder);
    await page.locator('[data-testid=train-classes] li').first().waitFor();
    first = await trainOnce(page);
    again = await trainOnce(page);
  });
  if (failure || !first || !again) {
    out.rows.push(nullRow('app.train', 'train', label, 's', failure ?? 'not measured'));
    return out;
  }
  const w = first.worker;
  const t = first.timings;
  const r = (/** @type {number} */ x) => Math.round(x);
  const parts = t
    ? ` (read ${r(t.setup.readMs)}, cut ${r(t.setup.cutMs)}, ORT ${r(t.setup.runtimeMs)}, session ${r(t.setup.sessionMs)})`
    : '';
  const after = t
    ? `, first run ${r(t.firstRunMs)} ms, backbone idle ${r(t.idleMs)} ms (${r(t.firstIdleMs)} before the first run); embedding ${r(t.embedMs)} ms, head ${r(t.headMs)} ms, OOD statistics ${r(t.oodMs)} ms, export ${r(t.exportMs)} ms`
    : '';
  const where = `in the worker: setup ${w.setup} ms${parts}, decode ${w.decode} ms (overlapped with the runs), backbone runs ${w.run} ms${after}, all ${w.all} ms`;
  out.rows.push(
    measuredRow('app.train', 'train', label, 's', [first.ms / 1000], `validation accuracy ${first.accuracy}; ${where}`),
  );
  out.rows.push(
    measuredRow('app.train.cached', 'train', 'OnSight trainer: Train again (embeddings from the cache)', 's', [
      again.ms / 1000,
    ]),
  );
  const dec = medianOf(rowsSoFar, 'floor.decode.shared');
  const run = medianOf(rowsSoFar, 'floor.run');
  if (dec == null || run == null) {
    out.rows.push(
      nullRow('train_ratio', 'train', 'Trainer over its floor', '×', 'floor decode or run was not measured'),
    );
    return out;
  }
  const floorMs = photos * (dec + run);
  out.rows.push({
    id: 'floor.train',
    section: 'train',
    label: `Floor: ${photos} × (decode + session.run), medians`,
    unit: 's',
    median: floorMs / 1000,
    min: null,
    max: null,
    n: 1,
    note: 'derived from floor.decode.shared and floor.run',
  });
  out.rows.push({
    id: 'train_ratio',
    section: 'train',
    label: 'Trainer over its floor (target ≤ 1.3)',
    unit: '×',
    median: first.ms / floorMs,
    min: null,
    max: null,
    n: 1,
    note: 'app.train / floor.train',
  });
  // The floor above leaves out creating a session, which any trainer must do once per run and which 20 photos (the
  // --quick subset) cannot amortise: the second ratio counts the floor's own session creation in its floor.
  const create = medianOf(rowsSoFar, 'floor.session_create');
  if (create == null) {
    out.rows.push(
      nullRow(
        'train_ratio_incl_session',
        'train',
        'Trainer over its floor incl. session creation',
        '×',
        'floor.session_create was not measured',
      ),
    );
  } else {
    out.rows.push({
      id: 'floor.train_incl_session',
      section: 'train',
      label: `Floor: InferenceSession.create + ${photos} × (decode + session.run), medians`,
      unit: 's',
      median: (create + floorMs) / 1000,
      min: null,
      max: null,
      n: 1,
      note: 'derived from floor.session_create, floor.decode.shared and floor.run',
    });
    out.rows.push({
      id: 'train_ratio_incl_session',
      section: 'train',
      label: 'Trainer over its floor including one session creation',
      unit: '×',
      median: first.ms / (create + floorMs),
      min: null,
      max: null,
      n: 1,
      note: 'app.train / floor.train_incl_session (train_ratio leaves the session out of the floor)',
    });
  }
  out.details.train = {
    photos,
    first_ms: first.ms,
    cached_ms: again.ms,
    validation_accuracy: first.accuracy,
    worker_ms: first.worker,
    worker_timings: first.timings,
    cached_worker_timings: again.timings,
  };
  return out;
}
