/** `output.kind: 'auto'` tells quantised probabilities (which sum to less than 1) from logits. */
import { describe, expect, it } from 'vitest';
import { toProbabilities } from '../../src/vision/postprocess';

describe("output kind 'auto'", () => {
  it('uses quantised probabilities of a many-class model as they are (their sum falls short of 1)', () => {
    const v = new Float64Array(1000);
    v[21] = 0.484375;
    v[22] = 0.23;
    v[7] = 0.078;
    const p = toProbabilities(v, { kind: 'auto' });
    expect(p[21]).toBeCloseTo(0.484375, 9);
    expect(p[22]).toBeCloseTo(0.23, 9);
  });

  it('still applies softmax to logits, and to few-class scores in 0..1 that do not sum to 1', () => {
    const logits = Float64Array.from({ length: 1000 }, (_, i) => (i === 3 ? 9 : i % 7) - 2);
    expect(toProbabilities(logits, { kind: 'auto' }).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const two = toProbabilities(Float64Array.of(0.3, 0.4), { kind: 'auto' });
    expect((two[0] ?? 0) + (two[1] ?? 0)).toBeCloseTo(1, 9);
  });
});
