/**
 * Looks up, while the model loads, the font strikes (a typeface at one size and weight) the page first needs once the
 * model is ready and on the first result card. On Linux each new strike is a synchronous call from the renderer to the
 * browser's font service; a first visit made ~5 of them in the layout right after ready (its 184 ms on a quiet 2-core
 * machine, most of it waiting) and 4 more for the first card, while the first photo's `change` and card waited. During
 * the load the page's own thread has nothing else to do.
 *
 * The list follows the style sheets (seen with getComputedStyle, default font size 16px); a strike no longer used only
 * costs one lookup, a new one missing here is looked up when first shown, as before.
 */

/** `font-weight font-size` of the body's typeface: the ready state's and the first card's new strikes. */
const BODY_STRIKES: readonly string[] = [
  '400 0.9375rem', // the model's details (dt/dd)
  '700 1rem', // headings in the model panel
  '600 0.875rem', // the spec editor's buttons
  '700 0.875rem', // a card's small print
  '400 1.5rem', // a card's icon buttons
  '700 0.9375rem', // a card's prediction scores
  '400 0.8125rem', // a card's timings (dt/dd)
];
/** The spec editor's text area. */
const MONO_STRIKE = '400 0.85rem ui-monospace, SFMono-Regular, Menlo, monospace';

/**
 * Lays out a few invisible words in each strike under `parent` and removes them: the strikes stay in the renderer's
 * font cache. Call once the first screen has been painted.
 */
export function primeFontStrikes(parent: HTMLElement): void {
  const doc = parent.ownerDocument;
  const family = doc.defaultView?.getComputedStyle(parent).fontFamily || 'system-ui, sans-serif';
  const primer = doc.createElement('div');
  primer.setAttribute('aria-hidden', 'true');
  // Through the CSSOM (the CSP forbids style attributes in markup, not this).
  Object.assign(primer.style, {
    position: 'absolute',
    left: '-10000px',
    top: '0',
    visibility: 'hidden',
    pointerEvents: 'none',
    whiteSpace: 'nowrap',
  });
  for (const font of [...BODY_STRIKES.map((strike) => `${strike} ${family}`), MONO_STRIKE]) {
    const sample = doc.createElement('span');
    sample.style.font = font;
    sample.textContent = 'Aa 0.9';
    primer.append(sample);
  }
  parent.append(primer);
  // Forces the layout (and so the lookups) now, then leaves the page as it was.
  primer.getBoundingClientRect();
  primer.remove();
}
