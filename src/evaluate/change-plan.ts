/**
 * The cleaner's decisions as file operations: a pure plan that the shell-script export writes out and the page's
 * File System Access *Apply* executes (and shows for confirmation first). Everything that could go wrong is settled
 * here, where it is testable: unsafe paths are refused, and a move never overwrites — when the target name is taken
 * (scraped sets number every folder's photos from 00000000.jpg) or two photos would land on one name, the move gets
 * a free name (`00000001 (2).jpg`) and says why.
 */
import { compareKeyed, naturalKey } from '../batch/photo-result';
import type { CleanerDecision } from './cleaner';
import { folderNameForLabel } from './label-mapping';

export type FileOperation =
  | {
      kind: 'move';
      from: string;
      to: string;
      /** The class it moves to. */
      label: string;
      /** Set when `to` is not the name the photo would have had: that name and why it was not used. */
      renamed?: { wanted: string; reason: string };
    }
  | { kind: 'delete'; path: string };

export interface PlanProblem {
  path: string;
  /** Why this decision is not in the plan, in plain words. */
  message: string;
}

export interface ChangePlan {
  /** In the natural order of the photos' paths. Paths are relative to `root` when it was given. */
  operations: FileOperation[];
  /** Folders the moves need (created when missing), natural order. */
  folders: string[];
  /** Decisions left out of the plan, each with the reason. */
  problems: PlanProblem[];
  /** Photos decided Keep (nothing to do). */
  kept: number;
  /** The folder the paths are relative to, when known (the chosen folder's name). */
  root?: string;
}

export interface PlanOptions {
  /** Every path that exists now (all the batch's photos, with `root` as their first segment when it is given): a
   * move onto one of them takes another name. Compared ignoring case, as on macOS and Windows disks. */
  existing: Iterable<string>;
  /** The folder name for a class (`classFolders` of the label mapping); default {@link folderNameForLabel}. */
  folderFor?: (label: string) => string | undefined;
  /** The chosen folder's own name: paths start with it (as intake gives them), and the plan's paths are made
   * relative to it, for a script run inside that folder or a directory handle on it. */
  root?: string;
}

/** Why a relative path is unsafe to hand to a shell or a directory handle, or `undefined` when it is fine. */
export function unsafePathReason(path: string): string | undefined {
  if (path === '') return 'the path is empty';
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\')) {
    return 'the path is absolute; only paths inside the chosen folder are changed';
  }
  if (path.includes('\u0000')) return 'the path holds a NUL character';
  for (const segment of path.split('/')) {
    if (segment === '..') return 'the path has a ".." part, which could reach outside the chosen folder';
    if (segment === '.' || segment === '') return 'the path has an empty or "." part';
  }
  return undefined;
}

export function planChanges(decisions: ReadonlyMap<string, CleanerDecision>, options: PlanOptions): ChangePlan {
  const prefix = options.root === undefined ? undefined : `${options.root}/`;
  const relative = (path: string) => (prefix === undefined ? path : path.slice(prefix.length));
  const taken = new Set<string>();
  for (const path of options.existing) {
    if (prefix === undefined || path.startsWith(prefix)) taken.add(foldKey(relative(path)));
  }

  const ordered = [...decisions]
    .map(([path, decision]) => ({ path, decision, key: naturalKey(path) }))
    .sort((a, b) => compareKeyed(a.key, a.path, b.key, b.path));
  const operations: FileOperation[] = [];
  const problems: PlanProblem[] = [];
  const folders = new Set<string>();
  let kept = 0;
  for (const { path, decision } of ordered) {
    if (decision.kind === 'keep') {
      kept++;
      continue;
    }
    const unsafe = unsafePathReason(path);
    if (unsafe !== undefined) {
      problems.push({ path, message: `not changed: ${unsafe}` });
      continue;
    }
    if (prefix !== undefined && !path.startsWith(prefix)) {
      problems.push({ path, message: `not changed: it is not inside the folder "${options.root}"` });
      continue;
    }
    const from = relative(path);
    if (decision.kind === 'delete') {
      operations.push({ kind: 'delete', path: from });
      continue;
    }
    const folder = targetFolder(decision.to, options.folderFor);
    if (folder === undefined) {
      problems.push({ path, message: `not moved: "${decision.to}" gives no usable folder name` });
      continue;
    }
    const segments = from.split('/');
    const name = segments[segments.length - 1] as string;
    const dir = [...segments.slice(0, Math.max(0, segments.length - 2)), folder].join('/');
    const wanted = `${dir}/${name}`;
    if (wanted === from) {
      problems.push({ path, message: `not moved: it is already in the folder "${folder}"` });
      continue;
    }
    const to = freeName(dir, name, taken);
    taken.add(foldKey(to));
    folders.add(dir);
    operations.push({
      kind: 'move',
      from,
      to,
      label: decision.to,
      ...(to === wanted ? {} : { renamed: { wanted, reason: `"${wanted}" is taken` } }),
    });
  }
  return {
    operations,
    folders: [...folders]
      .map((dir) => ({ dir, key: naturalKey(dir) }))
      .sort((a, b) => compareKeyed(a.key, a.dir, b.key, b.dir))
      .map(({ dir }) => dir),
    problems,
    kept,
    ...(options.root === undefined ? {} : { root: options.root }),
  };
}

/** One line per operation, for the confirmation dialog and the script's header. */
export function describeOperation(operation: FileOperation): string {
  if (operation.kind === 'delete') return `delete ${operation.path}`;
  const why = operation.renamed ? ` (renamed: ${operation.renamed.reason})` : '';
  return `move ${operation.from} → ${operation.to}${why}`;
}

function targetFolder(label: string, folderFor: PlanOptions['folderFor']): string | undefined {
  const folder = folderFor?.(label) ?? folderNameForLabel(label);
  // A folder name from a mapping is a real folder's name; still, it must be one segment that stays inside.
  return folder === '' || folder === '.' || folder === '..' || folder.includes('/') || folder.includes('\u0000')
    ? undefined
    : folder;
}

/** `name` in `dir`, or `stem (2).ext`, `stem (3).ext`… — the first not in `taken`. */
function freeName(dir: string, name: string, taken: ReadonlySet<string>): string {
  const candidate = `${dir}/${name}`;
  if (!taken.has(foldKey(candidate))) return candidate;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let n = 2; ; n++) {
    const renamed = `${dir}/${stem} (${n})${ext}`;
    if (!taken.has(foldKey(renamed))) return renamed;
  }
}

/** Paths that one case-insensitive file system would treat as the same. */
function foldKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}
