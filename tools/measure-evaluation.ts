/**
 * How long the evaluation panel's derivation takes for a big labelled batch (issue #15): the figure behind
 * `RUNNING_INTERVAL_MS` in src/ui/evaluation/evaluation-view.ts. Node, no browser; the page's main thread is of the
 * same order. Run: `npx tsx tools/measure-evaluation.ts [photos]`.
 */
import { BatchResults } from '../src/batch/batch-results';
import { cleanerItems, EMPTY_MAPPING, selectionFilter } from '../src/evaluate';
import { deriveEvaluationView } from '../src/ui/evaluation/evaluation-view';

const photos = Number(process.argv[2] ?? 10_000);

function batch(labels: readonly string[], classes: number): BatchResults {
  const results = new BatchResults(5);
  const rows = Array.from({ length: photos }, (_, i) => ({
    id: `p${i}`,
    path: `Set/${labels[i % classes]}/IMG_${i}.jpg`,
    actual: labels[i % classes] as string,
  }));
  results.add(rows);
  for (let i = 0; i < photos; i++) {
    const predicted = labels[(i * 7) % (classes + 2)] as string;
    const actual = labels[i % classes] as string;
    const top = [
      { label: predicted, score: 0.4 + (i % 50) / 100 },
      ...(predicted === actual ? [] : [{ label: actual, score: 0.05 + (i % 5) / 100 }]),
    ];
    results.complete(`p${i}`, top, 'm');
  }
  return results;
}

function time(what: string, run: () => unknown, repeat = 5): void {
  run(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  console.log(`${what}: median ${samples[Math.floor(repeat / 2)]?.toFixed(1)} ms (min ${samples[0]?.toFixed(1)})`);
}

for (const [name, labelCount, classes] of [
  ['5-label model, 3 class folders', 5, 3],
  ['1,000-label model, 10 class folders', 1000, 10],
] as const) {
  const labels = Array.from({ length: labelCount }, (_, i) => `class ${i}`);
  const results = batch(labels, classes);
  console.log(`${photos.toLocaleString('en')} photos, ${name}`);
  time('  derive the view (evaluate + folders + most confused)', () =>
    deriveEvaluationView(results, labels, EMPTY_MAPPING),
  );
  const where = selectionFilter({ kind: 'cell', actual: 'class 0', predicted: 'class 1' });
  time('  filter the grid to a cell', () => results.query({ where }));
  time('  the cleaner list of one class', () => cleanerItems(results.all(), 'class 0'));
}
