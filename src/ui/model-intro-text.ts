/** What the first screen says about the loaded model, in plain words (pure, for src/ui/ModelIntro.tsx). */
import type { ModelSpec } from '../model/spec';

/** Classes named in the fallback description before "and N more". */
const CLASSES_NAMED = 3;

/**
 * The model's own description when its spec has one (the default model's, or a deployment's from `model:add
 * --description`); otherwise what can be said truthfully from its labels alone.
 */
export function describeModel(spec: Pick<ModelSpec, 'description' | 'labels'>): string {
  if (spec.description) return spec.description;
  const { labels } = spec;
  if (labels.length === 0) return 'This model does not say what it is for.';
  const named = labels.slice(0, CLASSES_NAMED).map((label) => `“${label}”`);
  const rest = labels.length - named.length;
  const list =
    rest > 0
      ? `${named.join(', ')} and ${rest} more`
      : named.length > 1
        ? `${named.slice(0, -1).join(', ')} or ${named.at(-1)}`
        : (named[0] ?? '');
  return `It sorts every photo into one of its ${labels.length} classes: ${list}. It knows nothing outside them.`;
}

/** "by Gant Laborde / Infinite Red": the spec's author, else where its weights come from; undefined when neither. */
export function creditLine(spec: Pick<ModelSpec, 'author' | 'source'>): string | undefined {
  if (spec.author) return `by ${spec.author}`;
  if (spec.source?.name) return `from ${spec.source.name}`;
  return undefined;
}
