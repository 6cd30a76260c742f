// @ts-check
/**
 * Warm per-photo latency, interleaved: every contender stays open in its own page, and each classifies photo p
 * before any moves on to the next, so both sides of every ratio see the same load. Gives the overhead, threads and
 * peers rows (per-photo-rows.mjs).
 */
import { emptyFigures, errorLine, pushTo, section } from '../lib/figures.mjs';
import { perPhotoContenders } from './per-photo-contenders.mjs';
import { perPhotoRows } from './per-photo-rows.mjs';

/**
 * @typedef {import('./per-photo-contenders.mjs').Contender} Contender
 * @typedef {import('./per-photo-contenders.mjs').Sample} Sample
 * @typedef {import('./context.mjs').Photo} Photo
 */

/** @param {import('./context.mjs').BenchContext} ctx @returns {Promise<import('../lib/figures.mjs').Figures>} */
export async function perPhotoLatency(ctx) {
  const out = emptyFigures();
  const oneThread = { how: '?threads=1' };
  const contenders = perPhotoContenders(ctx, out, oneThread);
  /** @type {Record<string, Record<string, Record<string, number[]>>>} per contender, per photo, per figure */
  const samples = {};
  /** @type {Set<string>} the card's timing names seen in the timed runs */
  const shownKeys = new Set();

  /** Keeps a timed run's figures, and the first top-5 each contender gave for each photo. @param {Contender} c @param {Photo} p @param {Sample} s */
  const record = (c, p, s) => {
    const byPhoto = samples[c.key] ?? {};
    samples[c.key] = byPhoto;
    const figures = byPhoto[p.name] ?? {};
    byPhoto[p.name] = figures;
    for (const [figure, v] of Object.entries(s.values)) if (v != null) pushTo(figures, figure, v);
    for (const k of s.shown ?? []) shownKeys.add(k);
    const tops = out.details[`${c.key}_top`] ?? {};
    if (s.top && !tops[p.name]) out.details[`${c.key}_top`] = { ...tops, [p.name]: s.top };
  };
  /** A contender that fails once is out for the rest of the run; its rows say why. @param {Contender} c @param {() => Promise<void>} fn */
  const guarded = async (c, fn) => {
    if (c.failed) return;
    try {
      await fn();
    } catch (error) {
      c.failed = `${c.who} failed: ${errorLine(error)}`;
      console.error(`bench: ${c.failed}`);
    }
  };
  /** One round: every photo, and for each every contender that measures it. @param {string} tag @param {boolean} timed */
  const round = async (tag, timed) => {
    for (const p of ctx.allPhotos)
      for (const c of contenders)
        if (c.photos.includes(p))
          await guarded(c, async () => {
            const s = await c.once(p, tag);
            if (timed) record(c, p, s);
          });
  };
  await section('per-photo latency (interleaved)', async () => {
    for (const c of contenders) await guarded(c, c.open);
    for (let w = 0; w < ctx.opts.warmup; w++) await round(`w${w}`, false);
    for (let i = 0; i < ctx.opts.iterations; i++) await round(`i${i}`, true);
  });

  out.details.app = { card_timings_shown: [...shownKeys] };
  out.rows.push(
    ...perPhotoRows(ctx, {
      pool: (key, figure, list) => list.flatMap((p) => samples[key]?.[p.name]?.[figure] ?? []),
      failed: (key) => contenders.find((c) => c.key === key)?.failed,
      shownKeys,
      oneThreadHow: oneThread.how,
      floorInfo: out.details.floor?.[`threads_${ctx.threads}`],
    }),
  );
  return out;
}
