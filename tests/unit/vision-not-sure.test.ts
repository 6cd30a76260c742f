/** The "Not sure" rule (#16): a low best score is shown as "Not sure" with its guesses, on cards, rows and aloud. */
import { describe, expect, it } from 'vitest';
import { formatPercent } from '../../src/ui/format';
import { describeResult, isNotSure, NOT_SURE_BELOW } from '../../src/vision/not-sure';

const ranked = (...scores: number[]) => scores.map((score, i) => ({ label: `class ${i}`, score }));

describe('isNotSure', () => {
  it('is unsure below the threshold and sure at or above it', () => {
    expect(NOT_SURE_BELOW).toBe(0.6);
    expect(isNotSure(ranked(0.59, 0.41))).toBe(true);
    expect(isNotSure(ranked(0.6, 0.4))).toBe(false);
    expect(isNotSure(ranked(0.97, 0.02, 0.01))).toBe(false);
  });

  it('lets a two-class model be unsure (its top-1 is never below 0.5)', () => {
    expect(isNotSure(ranked(0.52, 0.48))).toBe(true);
  });

  it('judges the best (first) prediction only, whatever the number of classes', () => {
    expect(isNotSure(ranked(0.45, 0.2, 0.15, 0.1, 0.1))).toBe(true);
    expect(isNotSure(ranked(0.7, ...new Array(999).fill(0.3 / 999)))).toBe(false);
  });

  it('treats a NaN score as unsure and no prediction as nothing to judge', () => {
    expect(isNotSure(ranked(Number.NaN))).toBe(true);
    expect(isNotSure([])).toBe(false);
  });
});

describe('describeResult (the live-region wording)', () => {
  it('says the answer when sure and "not sure" with the best guess otherwise', () => {
    expect(describeResult([{ label: 'cat', score: 0.9 }], formatPercent)).toBe('cat 90%');
    expect(
      describeResult(
        [
          { label: 'Drawing', score: 0.523 },
          { label: 'Neutral', score: 0.421 },
        ],
        formatPercent,
      ),
    ).toBe('not sure; best guess Drawing 52%');
    expect(describeResult([], formatPercent)).toBe('no prediction');
  });
});
