/**
 * The true class of a photo, read from its folder: people sort photos into `cats/`, `dogs/`, `grizzly_bear/` before
 * checking a model against them. A folder names a class when it matches one of the model's labels ignoring case,
 * `_`, `-` and spaces; ImageNet-style labels (`tench, Tinca tinca`) also match by any of their comma-separated names.
 */

/** Finds the label a folder name stands for, or `undefined`. Built once per label list (a lookup table). */
export type LabelMatcher = (folderName: string) => string | undefined;

/** Marks a key that two labels share: such a folder names no class rather than a guessed one. */
const AMBIGUOUS = Symbol('ambiguous');

/** Lower case without `_`, `-` and whitespace; NFKC so that full-width and composed letters compare equal. */
export function labelKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

const matchers = new WeakMap<readonly string[], LabelMatcher>();

/** A matcher for `labels`, cached per array so that 10,000 photos × 1,000 labels cost one table, not 10 million
 * comparisons. */
export function labelMatcher(labels: readonly string[]): LabelMatcher {
  const cached = matchers.get(labels);
  if (cached) return cached;
  const whole = new Map<string, string | typeof AMBIGUOUS>();
  const aliases = new Map<string, string | typeof AMBIGUOUS>();
  const put = (table: typeof whole, key: string, label: string) => {
    if (!key) return;
    const seen = table.get(key);
    table.set(key, seen === undefined || seen === label ? label : AMBIGUOUS);
  };
  for (const label of labels) {
    put(whole, labelKey(label), label);
    if (label.includes(',')) for (const alias of label.split(',')) put(aliases, labelKey(alias), label);
  }
  const matcher: LabelMatcher = (folderName) => {
    const key = labelKey(folderName);
    const found = whole.get(key) ?? aliases.get(key);
    return typeof found === 'string' ? found : undefined;
  };
  matchers.set(labels, matcher);
  return matcher;
}

/** The label `folderName` stands for (`"Grizzly-Bear"` → `"grizzly bear"`), or `undefined`. */
export function matchLabel(folderName: string, labels: readonly string[]): string | undefined {
  return labelMatcher(labels)(folderName);
}

/** The label named by the folder a photo sits in (`Test/Grizzly_Bear/IMG_1.jpg` → `grizzly bear`), or `undefined`
 * when the photo is in no folder or its folder names no label. */
export function actualFromPath(path: string, labels: readonly string[]): string | undefined {
  const segments = path.split('/');
  const folderName = segments.length >= 2 ? segments[segments.length - 2] : undefined;
  return folderName === undefined ? undefined : matchLabel(folderName, labels);
}
