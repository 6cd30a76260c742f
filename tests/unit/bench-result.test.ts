/**
 * The bench's pure parts: the headline ratios, how section figures merge, and the shape of latest.json (its top-level
 * keys must stay those of the committed bench/results/latest.json, which bench/README.md quotes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFigures, measuredRow, mergeFigures, nullRow } from '../../bench/lib/figures.mjs';
import { assembleResult, ratios } from '../../bench/lib/result.mjs';
import { repoRoot } from '../helpers/shared-data';

const ms = (id: string, median: number) => measuredRow(id, 'overhead', id, 'ms', [median]);

describe('bench ratios', () => {
  it('divides medians, and compares against the faster of a peer’s two backends', () => {
    const r = ratios([
      ms('app.e2e.shared', 80),
      ms('floor.run', 40),
      ms('nsfwjs.webgl.latency', 400),
      ms('nsfwjs.wasm.latency', 100),
    ]);
    expect(r.values.overhead_ratio).toBe(2);
    expect(r.values.nsfwjs_latency_ratio).toBe(0.8);
    expect(r.parts.nsfwjs_latency_ratio?.denominator).toBe('nsfwjs.wasm.latency');
    expect(r.reasons.overhead_ratio).toBeUndefined();
  });

  it('overhead_vs_floor divides by the floor’s decode + session.run, both medians of the same run', () => {
    const r = ratios([ms('app.e2e.shared', 66), ms('floor.decode.shared', 5), ms('floor.run', 50)]);
    expect(r.values.overhead_vs_floor).toBe(1.2);
    expect(r.parts.overhead_vs_floor?.denominator).toBe('(floor.decode.shared + floor.run)');
    const missing = ratios([ms('app.e2e.shared', 66), ms('floor.run', 50)]);
    expect(missing.values.overhead_vs_floor).toBeNull();
    expect(missing.reasons.overhead_vs_floor).toBe('not measured: floor.decode.shared (missing)');
  });

  it('the answer ratios compare the app up to its answer, before drawing, with the same denominators', () => {
    const r = ratios([
      ms('app.e2e.shared', 66),
      ms('app.answer.shared', 55),
      ms('floor.decode.shared', 5),
      ms('floor.run', 50),
      ms('nsfwjs.wasm.latency', 100),
      ms('app_zoo.latency', 60),
      ms('app_zoo.answer', 45),
      ms('transformersjs.latency', 50),
    ]);
    expect(r.values.overhead_vs_floor).toBe(1.2);
    expect(r.values.overhead_vs_floor_answer).toBe(1);
    expect(r.values.nsfwjs_latency_ratio_answer).toBe(0.55);
    expect(r.values.transformersjs_latency_ratio).toBe(1.2);
    expect(r.values.transformersjs_latency_ratio_answer).toBe(0.9);
  });

  it('is null with the missing rows’ reasons when a side was not measured', () => {
    const r = ratios([ms('app.e2e.shared', 80), nullRow('floor.run', 'overhead', 'floor', 'ms', 'floor failed: boom')]);
    expect(r.values.overhead_ratio).toBeNull();
    expect(r.reasons.overhead_ratio).toBe('not measured: floor.run (floor failed: boom)');
    expect(r.reasons.batch_ratio).toBe('not measured: floor.batch (missing); app.batch (missing)');
  });
});

describe('bench figures', () => {
  it('appends rows and notes, and merges details one level deep', () => {
    const run = emptyFigures();
    run.details.app = { threads: 2 };
    const section = emptyFigures();
    section.rows.push(ms('floor.run', 40));
    section.notes.push('a note');
    section.details.app = { card_timings_shown: ['decode'] };
    section.details.floor = { threads_2: {} };
    mergeFigures(run, section);
    expect(run.rows.map((r) => r.id)).toEqual(['floor.run']);
    expect(run.notes).toEqual(['a note']);
    expect(run.details).toEqual({ app: { threads: 2, card_timings_shown: ['decode'] }, floor: { threads_2: {} } });
  });

  it('gives a row with no values a null median and a reason', () => {
    expect(measuredRow('x', 'cold', 'x', 'ms', [])).toMatchObject({ median: null, n: 0, reason: 'no samples' });
    expect(measuredRow('x', 'cold', 'x', 'ms', [3, 1, 2])).toMatchObject({ median: 2, min: 1, max: 3, n: 3 });
  });
});

describe('latest.json', () => {
  it('keeps the top-level keys, in order, of the committed results', () => {
    const committed = JSON.parse(readFileSync(join(repoRoot, 'bench', 'results', 'latest.json'), 'utf8'));
    const opts = { iterations: 1, warmup: 1, cold: 1, batch: 3, quick: true, build: false, out: 'x', dist: 'y' };
    const result = assembleResult({
      started: new Date(),
      argv: ['--quick'],
      opts,
      photos: [{ name: 'dog.jpg' }],
      figures: emptyFigures(),
      machine: {},
      loadAtEnd: [0, 0, 0],
    });
    expect(Object.keys(result)).toEqual(Object.keys(committed));
    expect(Object.keys(result.settings)).toEqual(Object.keys(committed.settings));
    expect(Object.keys(result.details)).toEqual(['ratios']);
    expect(Object.keys(result.details.ratios)).toEqual(Object.keys(committed.details.ratios));
  });
});
