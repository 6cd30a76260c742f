/**
 * Provenance: which source gave each field of a resolved spec (`{ labels: 'labels.txt', 'input.mean': 'defaults' }`),
 * the names of the sources that are not files, and the one line the UI shows about it.
 */
import type { Provenance } from './types';

/** Values read from the model's declared input/output shapes and types. */
export const IO_SOURCE = "the model's input/output";
/** Built-in defaults: guesses the user should check. */
export const DEFAULTS_SOURCE = 'defaults';
/** Labels numbered "class 0".."class N-1" because no source named the classes. */
export const GENERATED_LABELS_SOURCE = 'generated (no labels found)';

/** The spec fields the summary reports, grouped as the user thinks of them. */
const SUMMARY_GROUPS: Record<string, readonly string[]> = {
  labels: ['labels'],
  'layout, size and type': ['input.layout', 'input.width', 'input.height', 'input.dtype'],
  preprocessing: [
    'input.resize',
    'input.cropFraction',
    'input.resample',
    'input.scale',
    'input.mean',
    'input.std',
    'input.channelOrder',
  ],
  'output kind': ['output.kind'],
};

/**
 * One line for the UI saying where the spec came from, flagging guessed parts, e.g.
 * "labels from labels.txt; layout, size and type from the model's input/output; preprocessing from defaults — please check".
 */
export function summarizeProvenance(provenance: Provenance): string {
  const parts: string[] = [];
  let guessed = false;
  for (const [what, fields] of Object.entries(SUMMARY_GROUPS)) {
    const sources = [...new Set(fields.map((f) => provenance[f]).filter((s) => s !== undefined))];
    if (sources.length === 0) continue;
    // A defaulted output kind ("auto") decides from the values at run time: nothing for the user to check.
    const isGuess = sources.includes(DEFAULTS_SOURCE) || sources.some((s) => s.startsWith('generated'));
    if (isGuess && what !== 'output kind') guessed = true;
    parts.push(`${what} from ${sources.join(' and ')}`);
  }
  return parts.join('; ') + (guessed ? ' — please check' : '');
}
