/**
 * Text that strangers wrote (labels, model names, file names, licences), made safe to show: bidi overrides that would
 * make a name read differently from what it is are shown instead of applied, and long text is shortened on a
 * character boundary. Pure, so Node tests cover it; {@link SafeText} (safe-text.tsx) renders it.
 */

/**
 * Explicit bidi formatting characters: embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069). An
 * override reverses strong characters ("abc\u202Egpj.exe" shows as "abcexe.jpg"). Marks (U+200E, U+200F, U+061C)
 * stay: they only steer neutral characters, and right-to-left text needs them.
 */
const BIDI_FORMATTING = /[\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every bidi formatting character replaced by its visible code, e.g. "abc[U+202E]gpj.exe". */
export function showBidiControls(text: string): string {
  return text.replace(BIDI_FORMATTING, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** Does `text` contain a bidi formatting character? */
export const hasBidiControls = (text: string): boolean => /[\u202A-\u202E\u2066-\u2069]/.test(text);

const graphemes =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : null;

/**
 * The first `max` characters of `text` (user-perceived characters: an emoji with its modifiers counts as one and is
 * never cut in half), and whether anything was cut. Only the start is segmented, so a 100 KB label costs no more
 * than a short one.
 */
export function shortenText(text: string, max: number): { text: string; shortened: boolean } {
  if (text.length <= max) return { text, shortened: false };
  // A grapheme is at most a few dozen code units in practice; a generous window keeps whole ones at the edge.
  const head = text.slice(0, max * 2 + 64);
  const parts = graphemes ? Array.from(graphemes.segment(head), (s) => s.segment) : Array.from(head);
  // The window may end inside its last character: never keep that one.
  if (head.length < text.length) parts.pop();
  const out = parts.slice(0, max).join('');
  return out.length < text.length ? { text: out, shortened: true } : { text, shortened: false };
}

/** `text` as plain text for places that cannot hold markup (an `<option>`, an attribute): controls shown, cut to `max`. */
export function displayText(text: string, max = 120): string {
  const { text: short, shortened } = shortenText(text, max);
  return showBidiControls(short) + (shortened ? '…' : '');
}
