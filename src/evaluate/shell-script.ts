/**
 * A change plan as a POSIX shell script, for people who apply the cleaner's decisions themselves (or on another
 * machine). Safe with any file name: every path is one single-quoted word (a `'` inside becomes `'\''`), every command
 * takes `--` before paths, the header's listing shows control characters as escapes (a newline in a name cannot end
 * the comment), nothing is overwritten (`mv -n`, after a check) and only files marked Delete are removed (`rm --`,
 * never `-r` or `-f`). The plan has already refused absolute paths and `..` parts (see change-plan).
 */
import { type ChangePlan, describeOperation } from './change-plan';

/** `text` as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `text` fit for a `#` comment: control characters (newline, CR, escape…) shown as `\n`, `\r`, `\x1b`. */
export function commentText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

export interface ScriptOptions {
  /** When the plan was made (shown in the header). */
  at?: Date;
}

const PRELUDE = `set -eu

skipped=0
skip() {
  printf 'onsight: skipped %s: %s\\n' "$1" "$2" >&2
  skipped=$((skipped + 1))
}
move() {
  if [ ! -e "$1" ] && [ ! -L "$1" ]; then
    skip "$1" 'it is not here'
  elif [ -e "$2" ] || [ -L "$2" ]; then
    skip "$1" "$2 already exists"
  else
    mv -n -- "$1" "$2"
  fi
}
remove() {
  if [ -f "$1" ] || [ -L "$1" ]; then
    rm -- "$1"
  else
    skip "$1" 'it is not a file here'
  fi
}
`;

/** The plan as a script: header listing every change, then the commands. Run it with `sh` inside the folder the
 * header names. It stops at the first failing command; what could not be done is reported and ends it with status 1. */
export function planToShellScript(plan: ChangePlan, options: ScriptOptions = {}): string {
  const at = options.at ?? new Date();
  const where =
    plan.root === undefined
      ? 'the folder that the paths below start from'
      : `the folder "${commentText(plan.root)}" (the paths below are relative to it)`;
  const moves = plan.operations.filter((op) => op.kind === 'move').length;
  const deletes = plan.operations.length - moves;
  const header = [
    '#!/bin/sh',
    `# OnSight data-set cleanup, made ${at.toISOString()}.`,
    `# Run it with sh inside ${where}.`,
    `# ${moves} move(s), ${deletes} delete(s). Nothing is overwritten; a change that cannot be made is skipped and`,
    '# reported, and the script then ends with status 1. Changes:',
    ...plan.operations.map((op) => `#   ${commentText(describeOperation(op))}`),
    ...(plan.problems.length === 0
      ? []
      : [
          '# Left out:',
          ...plan.problems.map(({ path, message }) => `#   ${commentText(path)}: ${commentText(message)}`),
        ]),
    '',
  ];
  const sources = plan.operations.map((op) => shellQuote(op.kind === 'move' ? op.from : op.path));
  // Run from the wrong folder, none of the files is there: stop before changing anything.
  const guard =
    sources.length === 0
      ? []
      : [
          'found=0',
          `for f in ${sources.join(' ')}; do`,
          '  if [ -e "$f" ] || [ -L "$f" ]; then found=1; break; fi',
          'done',
          'if [ "$found" -eq 0 ]; then',
          `  printf '%s\\n' ${shellQuote(`onsight: none of the files is here; run this script inside ${plan.root === undefined ? 'the folder that its paths start from' : `the folder "${plan.root}"`}`)} >&2`,
          '  exit 1',
          'fi',
          '',
        ];
  const commands = [
    ...plan.folders.map((dir) => `mkdir -p -- ${shellQuote(dir)}`),
    ...plan.operations.map((op) =>
      op.kind === 'move' ? `move ${shellQuote(op.from)} ${shellQuote(op.to)}` : `remove ${shellQuote(op.path)}`,
    ),
  ];
  const footer = [
    '',
    'if [ "$skipped" -gt 0 ]; then',
    `  printf 'onsight: %s change(s) skipped\\n' "$skipped" >&2`,
    '  exit 1',
    'fi',
    `printf '%s\\n' ${shellQuote(`onsight: ${moves} moved, ${deletes} deleted`)}`,
    '',
  ];
  return [...header, PRELUDE, ...guard, ...commands, ...footer].join('\n');
}

export const SHELL_SCRIPT_MIME_TYPE = 'text/x-shellscript';
