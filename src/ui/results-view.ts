/** Pure helpers of the results view (no DOM), so that Node can test them. */

/** Matches `.cards-row` in result-cards.css: cards at least 20rem wide, 0.75rem apart (at 16 px per rem). */
export const CARD_MIN_PX = 320;
export const CARD_GAP_PX = 12;

/** How many cards fit side by side in `width` pixels (at least one). */
export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width + CARD_GAP_PX) / (CARD_MIN_PX + CARD_GAP_PX)));
}

/** A percentage typed in a filter field: `undefined` when empty, `null` when it is not a number from 0 to 100. */
export function parsePercent(text: string): number | undefined | null {
  const trimmed = text.trim().replace(/%$/, '').trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) && value >= 0 && value <= 100 ? value : null;
}

/** What is wrong with a confidence range typed as `from`–`to` percent, in words; `undefined` when it can be used. */
export function scoreRangeProblem(from: string, to: string): string | undefined {
  const low = parsePercent(from);
  const high = parsePercent(to);
  if (low === null || high === null) return 'Enter a percentage from 0 to 100.';
  if (low !== undefined && high !== undefined && low > high) return 'The lower bound is above the upper one.';
  return undefined;
}
