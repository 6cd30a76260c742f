/** Source: a plain class list beside the model, one class a line: `<model>.labels.txt`, `labels.txt` or `classes.txt`. */
import { SpecError } from '../spec-error';
import type { SpecSource } from './spec-source';

export const labelsTxtSource: SpecSource = {
  name: 'labels.txt',
  async read(ctx) {
    const file = ctx.companion(`${ctx.modelStem}.labels.txt`, 'labels.txt', 'classes.txt');
    if (!file) return [];
    return [{ source: file.name, spec: { labels: parseLabelsText(await file.text(), file.name) } }];
  },
};

/**
 * labels.txt: one class a line, trimmed; a trailing empty line (or several) is skipped. Empty lines in the middle
 * are an error (they would shift every following label).
 */
export function parseLabelsText(text: string, where = 'labels.txt'): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new SpecError(`${where}: no labels (the file is empty)`);
  const blank = lines.indexOf('');
  if (blank >= 0) throw new SpecError(`${where}: line ${blank + 1} is empty; each line must name one class`);
  return lines;
}
