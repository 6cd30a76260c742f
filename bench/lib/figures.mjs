// @ts-check
/**
 * What every section hands back: rows (the figures of latest.json), details and notes, and the helpers that make
 * them. A figure that could not be measured is a null row with a reason, never a made-up number.
 */
import { summarize } from './stats.mjs';

/**
 * @typedef {{ id: string, section: string, label: string, unit: string, median: number | null, min: number | null,
 *   max: number | null, n: number, reason?: string, note?: string }} Row
 * @typedef {{ rows: Row[], details: Record<string, any>, notes: string[] }} Figures
 */

/** @returns {Figures} */
export function emptyFigures() {
  return { rows: [], details: {}, notes: [] };
}

/**
 * Median, min, max and n of the values; with no values the row is null with "no samples" as its reason.
 * @param {string} id @param {string} section @param {string} label @param {string} unit @param {number[]} values
 * @param {string} [note]
 * @returns {Row}
 */
export function measuredRow(id, section, label, unit, values, note) {
  const s = summarize(values);
  /** @type {Row} */
  const row = { id, section, label, unit, ...s };
  if (s.median == null) row.reason = 'no samples';
  if (note) row.note = note;
  return row;
}

/** @param {string} id @param {string} section @param {string} label @param {string} unit @param {string} reason @returns {Row} */
export function nullRow(id, section, label, unit, reason) {
  return { id, section, label, unit, median: null, min: null, max: null, n: 0, reason };
}

/** @param {readonly Row[]} rows @param {string} id */
export function medianOf(rows, id) {
  return rows.find((r) => r.id === id)?.median ?? null;
}

/**
 * Appends a section's figures to the run's. Details merge one level deep, so that a later section can add fields to
 * an object an earlier one started (the per-photo section adds `card_timings_shown` to the thread count's `app`).
 * @param {Figures} into @param {Figures} from
 */
export function mergeFigures(into, from) {
  into.rows.push(...from.rows);
  into.notes.push(...from.notes);
  for (const [key, value] of Object.entries(from.details)) {
    const old = into.details[key];
    into.details[key] = isPlainObject(old) && isPlainObject(value) ? { ...old, ...value } : value;
  }
}

/** @param {unknown} v @returns {v is Record<string, unknown>} */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first line of what was thrown: what a null row's reason and the log show. @param {unknown} error */
export function errorLine(error) {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/**
 * Runs one section with its start and duration logged. A failure is logged and returned, not thrown, so that the
 * sections after it still run; the caller turns it into null rows.
 * @param {string} name @param {() => Promise<void>} fn @returns {Promise<string | undefined>} `<name> failed: <why>`
 */
export async function section(name, fn) {
  const t0 = Date.now();
  console.error(`bench: ${name}…`);
  /** @type {string | undefined} */
  let failure;
  try {
    await fn();
  } catch (error) {
    failure = `${name} failed: ${errorLine(error)}`;
    console.error(`bench: ${failure}`);
  }
  console.error(`bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return failure;
}

/**
 * Appends to a list kept under a key, creating it on first use.
 * @template T @param {Record<string, T[]>} map @param {string} key @param {T} value
 */
export function pushTo(map, key, value) {
  const list = map[key] ?? [];
  list.push(value);
  map[key] = list;
}
