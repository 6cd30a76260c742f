/**
 * Smoke test for `npm run bench` (issue #6): runs the real harness once in its cheapest mode (1 iteration, 1 photo,
 * a 3-photo batch, 1 cold start) against the build `npm run test:e2e` just made, and checks that every figure was
 * measured. No timing is asserted: this machine's speed is not the test's business.
 *
 * The peers install from the npm registry into bench/peers/node_modules on first use (npm ci), so they must be
 * measured here too; only rows the app itself cannot provide (e.g. a timing the result card does not show) may be
 * null, and then only with a reason.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

interface Row {
  id: string;
  median: number | null;
  n: number;
  reason?: string;
}

/** Rows that must hold a number: every input of the headline ratios, the floor, the batch and each peer. */
const REQUIRED_ROWS = [
  'app.e2e.shared',
  'app.answer.shared',
  'app.e2e.12mp',
  'app.decode.shared',
  'app.inference.shared',
  'app.total.shared',
  'floor.run',
  'floor.run.1thread',
  'floor.decode.shared',
  'floor.decode.12mp',
  'floor.batch',
  'app.batch',
  'app.batch_large',
  'app.batch_large.peak_rss',
  'app.batch_large.peak_pss',
  'app.batch_large.longest_task',
  'app.cold.ready',
  'app.cold.first_result',
  'app.cold.bytes',
  'app.repeat.first_result',
  'nsfwjs.webgl.latency',
  'nsfwjs.webgl.cold.first_result',
  'nsfwjs.webgl.cold.bytes',
  'nsfwjs.wasm.latency',
  'nsfwjs.wasm.cold.first_result',
  'nsfwjs.wasm.cold.bytes',
  'transformersjs.latency',
  'transformersjs.cold.first_result',
  'transformersjs.cold.bytes',
  'app_zoo.latency',
  'app_zoo.answer',
  'app_zoo.cold.first_result',
  'app_zoo.cold.bytes',
  'app.train',
  'app.train.cached',
  'floor.train',
  'train_ratio',
];

const REQUIRED_RATIOS = [
  'overhead_vs_floor',
  'overhead_vs_floor_answer',
  'overhead_ratio',
  'nsfwjs_latency_ratio',
  'nsfwjs_cold_start_ratio',
  'transformersjs_latency_ratio',
  'transformersjs_latency_ratio_answer',
  'transformersjs_cold_start_ratio',
  'transformersjs_bytes_ratio',
];

test('npm run bench -- --quick --iterations 1 measures every row', async () => {
  const testInfo = test.info();
  test.setTimeout(300_000);
  const out = testInfo.outputPath('latest.json');
  const log: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/run.mjs', '--quick', '--iterations', '1', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => log.push(d.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  await testInfo.attach('bench output', { body: log.join(''), contentType: 'text/plain' });
  expect(code, log.join('').slice(-4000)).toBe(0);

  const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { rows: Row[] };
  expect(result.machine).toBeTruthy();
  expect(typeof result.date).toBe('string');

  // Every row: a number, or null with a reason — never a silent gap.
  for (const row of result.rows) {
    if (row.median === null) expect(row.reason, `${row.id} is null without a reason`).toBeTruthy();
    else expect(Number.isFinite(row.median), `${row.id} median`).toBe(true);
  }
  const byId = new Map(result.rows.map((r) => [r.id, r]));
  for (const id of REQUIRED_ROWS) {
    const row = byId.get(id);
    expect(row, `row ${id} is missing`).toBeTruthy();
    expect(row?.median, `${id}: ${row?.reason ?? ''}`).toEqual(expect.any(Number));
  }
  const reasons = (result.reasons ?? {}) as Record<string, string>;
  for (const name of REQUIRED_RATIOS) {
    expect(result[name], `${name}: ${reasons[name] ?? ''}`).toEqual(expect.any(Number));
  }
});
