// @ts-check
/**
 * latest.json: the run's figures, with the headline ratios (ours / theirs or ours / floor, of medians from the same
 * run; lower is better) up front.
 */
import { medianOf } from './figures.mjs';
import { ratio } from './stats.mjs';

/**
 * Each ratio: [name, numerator row, denominator, what]. The denominator is a row, or two rows: `[a, b]` the faster (or
 * smaller) of a peer's two backends, `{ sum: [a, b] }` their sum (the floor's decode + session.run).
 * batch_ratio is floor/app in photos/s, i.e. app time per photo / floor time per photo: lower is better like the rest.
 * @type {[string, string, string | [string, string] | { sum: [string, string] }, string][]}
 */
const RATIOS = [
  [
    'overhead_vs_floor',
    'app.e2e.shared',
    { sum: ['floor.decode.shared', 'floor.run'] },
    'OnSight e2e (file → top-5 on screen) / the floor for the same photo: createImageBitmap decode + session.run, shared photos, default model',
  ],
  [
    'overhead_vs_floor_answer',
    'app.answer.shared',
    { sum: ['floor.decode.shared', 'floor.run'] },
    'the same up to the answer in the page, before its card is drawn (the floor draws nothing either)',
  ],
  [
    'overhead_vs_floor_12mp',
    'app.e2e.12mp',
    { sum: ['floor.decode.12mp', 'floor.run'] },
    'the same on the 12 MP photo',
  ],
  [
    'overhead_ratio',
    'app.e2e.shared',
    'floor.run',
    'OnSight e2e (file → top-5 on screen) / session.run on a pre-made tensor, shared photos, default model',
  ],
  ['overhead_ratio_12mp', 'app.e2e.12mp', 'floor.run', 'the same on the 12 MP photo'],
  [
    'threads_ratio_floor',
    'floor.run',
    'floor.run.1thread',
    `floor session.run at the app's thread count / at 1 thread`,
  ],
  [
    'threads_ratio_app',
    'app.e2e.shared',
    'app.e2e.shared.1thread',
    'OnSight e2e at its own thread count / at 1 thread',
  ],
  ['batch_ratio', 'floor.batch', 'app.batch', 'floor photos/s / OnSight photos/s (time per photo, ours / floor)'],
  [
    'nsfwjs_latency_ratio',
    'app.e2e.shared',
    ['nsfwjs.webgl.latency', 'nsfwjs.wasm.latency'],
    'OnSight default model / nsfwjs (faster backend), file → top-5',
  ],
  [
    'nsfwjs_latency_ratio_answer',
    'app.answer.shared',
    ['nsfwjs.webgl.latency', 'nsfwjs.wasm.latency'],
    'the same up to the answer in the page, before its card is drawn (nsfwjs draws nothing)',
  ],
  [
    'nsfwjs_cold_start_ratio',
    'app.cold.first_result',
    ['nsfwjs.webgl.cold.first_result', 'nsfwjs.wasm.cold.first_result'],
    'navigation → first result, first visit; against the faster nsfwjs backend',
  ],
  [
    'nsfwjs_bytes_ratio',
    'app.cold.bytes',
    ['nsfwjs.webgl.cold.bytes', 'nsfwjs.wasm.cold.bytes'],
    'bytes until first result, first visit; against the smaller nsfwjs backend',
  ],
  [
    'transformersjs_latency_ratio',
    'app_zoo.latency',
    'transformersjs.latency',
    'same zoo model and photos: OnSight / Transformers.js, file → top-5',
  ],
  [
    'transformersjs_latency_ratio_answer',
    'app_zoo.answer',
    'transformersjs.latency',
    'the same up to the answer in the page, before its card is drawn (Transformers.js draws nothing)',
  ],
  [
    'transformersjs_cold_start_ratio',
    'app_zoo.cold.first_result',
    'transformersjs.cold.first_result',
    'navigation → first result, first visit, zoo model',
  ],
  [
    'transformersjs_bytes_ratio',
    'app_zoo.cold.bytes',
    'transformersjs.cold.bytes',
    'bytes until first result, first visit, zoo model',
  ],
  [
    'transformersjs_bytes_ratio_gzip',
    'app_zoo.cold.bytes_gzip',
    'transformersjs.cold.bytes_gzip',
    'the same, as a host that gzips text and .wasm sends them (GitHub Pages)',
  ],
  [
    'transformersjs_bytes_ratio_brotli',
    'app_zoo.cold.bytes_brotli',
    'transformersjs.cold.bytes_brotli',
    'the same, as a host that sends brotli (Netlify, Cloudflare)',
  ],
  [
    'nsfwjs_bytes_ratio_gzip',
    'app.cold.bytes_gzip',
    ['nsfwjs.webgl.cold.bytes_gzip', 'nsfwjs.wasm.cold.bytes_gzip'],
    'bytes until first result, first visit, gzip as GitHub Pages sends them; against the smaller nsfwjs backend',
  ],
];

/**
 * The ratios by name, why each missing one is missing, and each one's parts for `details.ratios`.
 * @param {readonly import('./figures.mjs').Row[]} rows
 */
export function ratios(rows) {
  const med = (/** @type {string} */ id) => medianOf(rows, id);
  /** @type {Record<string, number | null>} */
  const values = {};
  /** @type {Record<string, string>} */
  const reasons = {};
  /** @type {Record<string, { value: number | null, numerator: string, denominator: string, what: string }>} */
  const parts = {};
  for (const [name, a, b, what] of RATIOS) {
    /** @type {string[]} the denominator's rows */
    let bIds;
    if (typeof b === 'string') bIds = [b];
    else if (Array.isArray(b)) {
      const [x, y] = b;
      const mx = med(x);
      const my = med(y);
      bIds = [mx == null ? y : my == null ? x : mx <= my ? x : y];
    } else bIds = b.sum;
    const medians = bIds.map(med);
    const denominator = medians.some((v) => v == null) ? null : medians.reduce((s, v) => (s ?? 0) + (v ?? 0), 0);
    const bId = bIds.length > 1 ? `(${bIds.join(' + ')})` : (bIds[0] ?? '');
    const value = ratio(med(a), denominator);
    if (value == null) {
      const missing = [a, ...bIds].filter((id) => med(id) == null);
      reasons[name] =
        `not measured: ${missing.map((id) => `${id} (${rows.find((r) => r.id === id)?.reason ?? 'missing'})`).join('; ')}`;
    }
    parts[name] = { value, numerator: a, denominator: bId, what };
    values[name] = value;
  }
  return { values, reasons, parts };
}

/**
 * @param {{ started: Date, argv: string[], opts: import('../sections/context.mjs').Options,
 *   photos: { name: string }[], figures: import('./figures.mjs').Figures, machine: Record<string, unknown>,
 *   loadAtEnd: number[] }} o
 */
export function assembleResult(o) {
  const { rows, details, notes } = o.figures;
  const r = ratios(rows);
  details.ratios = { ...details.ratios, ...r.parts };
  return {
    date: o.started.toISOString(),
    command: `npm run bench${o.argv.length > 0 ? ` -- ${o.argv.join(' ')}` : ''}`,
    machine: { ...o.machine, load_average_at_end: o.loadAtEnd },
    settings: {
      iterations: o.opts.iterations,
      warmup: o.opts.warmup,
      cold_starts: o.opts.cold,
      batch: o.opts.batch,
      quick: o.opts.quick,
      photos: o.photos.map((p) => p.name),
      big_photo: '12 MP (4256×2832) upscaled from eagle.jpg with sharp, in a temp dir',
      threads: details.threads_used_for_floor_and_peers ?? null,
      served_by:
        'tools/serve.mjs (COOP/COEP, so every page — app, floor and peers — is crossOriginIsolated and may use threads), behind a byte-counting proxy',
    },
    ...r.values,
    reasons: r.reasons,
    notes,
    rows,
    details,
  };
}
