/** Helpers for untrusted JSON: the one object test, a short rendering of a value for messages, and parsing. */
import { errorMessage } from '../error-message';
import { SpecError } from './spec-error';

/** A plain JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a message shows it: JSON, cut to 60 characters; `undefined` reads "nothing". */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}

/** Parses JSON text (a leading byte-order mark allowed); a syntax error becomes a SpecError naming the file. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SpecError(`${where}: not valid JSON (${errorMessage(e)})`);
  }
}
