/**
 * "Not sure" (#16, "What could go wrong"): for any model, a result whose best score is low is shown as "Not sure"
 * with its best guesses, not as an answer.
 */

/**
 * The best score below which a result is "Not sure". A fixed value, not one relative to 1/N: a softmax top-1 (or a
 * sigmoid label's score) is the model's own estimate of the chance that its answer is right, and that reading does
 * not depend on how many classes there are. Not 0.5: a two-class model's top-1 is never below 0.5 (the models people
 * train here are often two-class), so it could never be unsure; at 0.6 the model itself expects its answer to be
 * wrong at least two times in five, which is too often to present it as an answer. An ImageNet model is "Not sure"
 * more often than a five-class one, and rightly: among 1,000 classes a 40 % top-1 is usually a near miss.
 */
export const NOT_SURE_BELOW = 0.6;

/** True when the best of the ranked predictions (best first) scores below {@link NOT_SURE_BELOW}; NaN counts as low. */
export function isNotSure(ranked: readonly { score: number }[]): boolean {
  const best = ranked[0];
  if (!best) return false;
  return !(best.score >= NOT_SURE_BELOW);
}

/** What the live region says of a finished result: the answer, or "not sure" with the best guess. */
export function describeResult(ranked: readonly { label: string; score: number }[], percent: (p: number) => string) {
  const best = ranked[0];
  if (!best) return 'no prediction';
  return isNotSure(ranked)
    ? `not sure; best guess ${best.label} ${percent(best.score)}`
    : `${best.label} ${percent(best.score)}`;
}
