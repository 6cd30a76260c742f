// @ts-check
/**
 * The rows the per-photo runs give: overhead (the app against the floor, default model), threads (1 thread against
 * the app's count) and the peers' latency. A figure with no samples is a null row saying why.
 */
import { measuredRow, nullRow } from '../lib/figures.mjs';
import { ZOO_ID } from '../lib/paths.mjs';
import { APP_ZOO_WHO, peerPages } from './context.mjs';

/**
 * @typedef {import('../lib/figures.mjs').Row} Row
 * @typedef {{
 *   pool: (key: string, figure: string, photos: readonly { name: string }[]) => number[],
 *   failed: (key: string) => string | undefined,
 *   shownKeys: Set<string>,
 *   oneThreadHow: string,
 *   floorInfo: { ortVersion: string, inputType: string, inputShape: number[] } | undefined,
 * }} PerPhotoSamples `pool`: one contender's values of one figure over the photos; `failed`: why a contender stopped
 */

/**
 * @param {import('./context.mjs').BenchContext} ctx @param {PerPhotoSamples} s @returns {Row[]}
 */
export function perPhotoRows(ctx, s) {
  /** @type {Row[]} */
  const rows = [];
  /** @param {string} id @param {string} section @param {string} label @param {string} unit @param {number[]} values @param {string} key @param {string} [note] */
  const rowOrNull = (id, section, label, unit, values, key, note) =>
    rows.push(
      values.length > 0
        ? measuredRow(id, section, label, unit, values, note)
        : nullRow(id, section, label, unit, s.failed(key) ?? 'not measured'),
    );
  const { photos, big, allPhotos, threads } = ctx;

  // Overhead (default model)
  const postShown = s.shownKeys.has('postprocess');
  for (const [set, list, what] of /** @type {const} */ ([
    ['shared', photos, 'shared photos'],
    ['12mp', [big], '12 MP photo'],
  ])) {
    rowOrNull(
      `app.e2e.${set}`,
      'overhead',
      `OnSight e2e, file → top-5 on screen (${what})`,
      'ms',
      s.pool('app', 'e2e', list),
      'app',
    );
    rowOrNull(
      `app.answer.${set}`,
      'overhead',
      `OnSight file → answer in the page, before its card is drawn (${what})`,
      'ms',
      s.pool('app', 'answer', list),
      'app',
      "the app's onsight:answer mark: like the floor and the peers, nothing drawn yet",
    );
    rowOrNull(
      `app.draw.${set}`,
      'overhead',
      `OnSight answer → card in the page (${what})`,
      'ms',
      s.pool('app', 'draw', list),
      'app',
      'e2e − answer, per photo: the results section and the card rendered, laid out',
    );
    for (const b of ['decode', 'preprocess', 'inference', 'postprocess', 'transfer', 'total']) {
      const values = s.pool('app', b, list);
      const id = `app.${b}.${set}`;
      if (b === 'postprocess' && !postShown)
        rows.push(
          nullRow(
            id,
            'overhead',
            `OnSight postprocess (${what})`,
            'ms',
            'the result card does not show postprocessMs; it is inside "transfer"',
          ),
        );
      else if (values.length === 0)
        rows.push(
          nullRow(
            id,
            'overhead',
            `OnSight ${b} (${what})`,
            'ms',
            s.failed('app') ??
              `the result card does not show ${b} (shown: ${[...s.shownKeys].join(', ') || 'nothing'})`,
          ),
        );
      else {
        const label =
          b === 'transfer'
            ? `OnSight transfer${postShown ? '' : ' + postprocess'} (total − decode − preprocess − inference${postShown ? ' − postprocess' : ''}) (${what})`
            : `OnSight ${b} (${what})`;
        rows.push(
          measuredRow(
            id,
            'overhead',
            label,
            'ms',
            values,
            b === 'total' ? 'as the card shows it (ClassifyResult.timings.totalMs)' : undefined,
          ),
        );
      }
    }
  }
  for (const p of photos)
    rowOrNull(`app.e2e.photo.${p.name}`, 'overhead', `OnSight e2e (${p.name})`, 'ms', s.pool('app', 'e2e', [p]), 'app');
  const floorInfo = s.floorInfo;
  rowOrNull(
    'floor.run',
    'overhead',
    `Floor: session.run, pre-made tensor (${threads} thread${threads === 1 ? '' : 's'})`,
    'ms',
    s.pool('floor', 'run', allPhotos),
    'floor',
    floorInfo
      ? `ORT ${floorInfo.ortVersion}, ${floorInfo.inputType} ${JSON.stringify(floorInfo.inputShape)}`
      : undefined,
  );
  rowOrNull(
    'floor.run.photo',
    'overhead',
    `Floor: session.run on the photo's own tensor (${threads} thread${threads === 1 ? '' : 's'}, shared photos)`,
    'ms',
    s.pool('floor', 'run_photo', photos),
    'floor',
    'the tensor made as the app makes it (its preprocessor and spec), untimed; floor.run feeds a synthetic one',
  );
  rowOrNull(
    'floor.decode.shared',
    'overhead',
    'Floor: createImageBitmap decode in a worker (shared photos)',
    'ms',
    s.pool('floor', 'decode', photos),
    'floor',
  );
  rowOrNull(
    'floor.decode.12mp',
    'overhead',
    'Floor: createImageBitmap decode in a worker (12 MP photo)',
    'ms',
    s.pool('floor', 'decode', [big]),
    'floor',
  );

  // Threads
  if (threads === 1)
    rows.push(
      nullRow(
        'floor.run.1thread',
        'threads',
        'Floor: session.run, 1 thread',
        'ms',
        'the app itself uses 1 thread: floor.run is the 1-thread figure',
      ),
    );
  else
    rowOrNull(
      'floor.run.1thread',
      'threads',
      'Floor: session.run, 1 thread',
      'ms',
      s.pool('floor1', 'run', photos),
      'floor1',
    );
  rowOrNull(
    'app.e2e.shared.1thread',
    'threads',
    'OnSight e2e at 1 thread (shared photos)',
    'ms',
    s.pool('app1', 'e2e', photos),
    'app1',
    s.oneThreadHow,
  );

  // Peers, and the app on the zoo model that Transformers.js runs too
  for (const { key, who } of [...peerPages(ctx), { key: 'app_zoo', who: APP_ZOO_WHO }]) {
    rowOrNull(
      `${key}.latency`,
      'peers',
      `${who}: file → top-5${key === 'app_zoo' ? ' on screen' : ''} (shared photos)`,
      'ms',
      s.pool(key, 'e2e', photos),
      key,
    );
  }
  rowOrNull(
    'app_zoo.answer',
    'peers',
    `${APP_ZOO_WHO}: file → answer in the page, before its card is drawn (shared photos)`,
    'ms',
    s.pool('app_zoo', 'answer', photos),
    'app_zoo',
    "the app's onsight:answer mark: what Transformers.js's figure covers (it draws nothing)",
  );
  // Where the same model's time goes, ours against Transformers.js's (its decode: RawImage.fromBlob).
  for (const [id, key, figure, label] of /** @type {const} */ ([
    ['app_zoo.decode', 'app_zoo', 'decode', `${APP_ZOO_WHO}: decode (shared photos)`],
    ['app_zoo.preprocess', 'app_zoo', 'preprocess', `${APP_ZOO_WHO}: preprocess (shared photos)`],
    ['app_zoo.inference', 'app_zoo', 'inference', `${APP_ZOO_WHO}: inference (shared photos)`],
    ['transformersjs.decode', 'transformersjs', 'decode', 'Transformers.js: RawImage.fromBlob (shared photos)'],
    ['floor_zoo.run', 'floor_zoo', 'run', `Floor: session.run, ${ZOO_ID}, pre-made tensor (${threads} threads)`],
    [
      'floor_zoo.run.photo',
      'floor_zoo',
      'run_photo',
      `Floor: session.run, ${ZOO_ID}, on the photo's own tensor (${threads} threads, shared photos)`,
    ],
    ['transformersjs.run', 'transformersjs', 'run', "Transformers.js: its session's run (shared photos)"],
  ]))
    rowOrNull(id, 'peers', label, 'ms', s.pool(key, figure, photos), key);
  return rows;
}
