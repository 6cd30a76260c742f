/**
 * *Apply* with the File System Access API: runs a change plan (see change-plan) on a directory handle the user
 * granted read-write access to (`showDirectoryPicker({ mode: 'readwrite' })`). The handles are reached through the
 * small `*Like` interfaces below, which Chromium's `FileSystemDirectoryHandle` / `FileSystemFileHandle` satisfy, so
 * the same code runs in Node against a real folder in the tests.
 *
 * Each operation is checked again at the moment it runs, as the script does: a missing source or a taken target is
 * skipped with the reason, never overwritten; only files are removed. A move uses `FileSystemFileHandle.move` where the
 * browser has it, else copies then removes the original (and removes a half-written copy if that fails).
 */
import { errorMessage } from '../error-message';
import type { ChangePlan, FileOperation } from './change-plan';

export interface WritableLike {
  write(data: Blob): Promise<void>;
  close(): Promise<void>;
}

export interface FileHandleLike {
  readonly kind: 'file';
  getFile(): Promise<Blob>;
  createWritable(): Promise<WritableLike>;
  /** Chromium's `move(directory, newName)`; absent in some browsers and versions. */
  move?: (directory: DirectoryHandleLike, newName: string) => Promise<void>;
}

export interface DirectoryHandleLike {
  readonly kind: 'directory';
  readonly name: string;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandleLike>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike>;
  removeEntry(name: string): Promise<void>;
}

export type OperationOutcome =
  | { operation: FileOperation; status: 'done' }
  | { operation: FileOperation; status: 'skipped' | 'failed'; reason: string };

export interface ApplyOptions {
  /** After each operation. */
  onProgress?: (done: number, total: number, outcome: OperationOutcome) => void;
  /** Stops before the next operation (the one running finishes). */
  signal?: AbortSignal;
}

/** Runs the plan's operations in order on `root` (the folder the plan's paths are relative to). */
export async function applyPlan(
  root: DirectoryHandleLike,
  plan: ChangePlan,
  options: ApplyOptions = {},
): Promise<OperationOutcome[]> {
  const outcomes: OperationOutcome[] = [];
  for (const operation of plan.operations) {
    if (options.signal?.aborted) break;
    const outcome = await runOperation(root, operation);
    outcomes.push(outcome);
    options.onProgress?.(outcomes.length, plan.operations.length, outcome);
  }
  return outcomes;
}

async function runOperation(root: DirectoryHandleLike, operation: FileOperation): Promise<OperationOutcome> {
  const source = operation.kind === 'move' ? operation.from : operation.path;
  const skipped = (reason: string): OperationOutcome => ({ operation, status: 'skipped', reason });
  const from = await locateFile(root, source);
  if (typeof from === 'string') return skipped(from);
  try {
    if (operation.kind === 'delete') {
      await from.directory.removeEntry(from.name);
      return { operation, status: 'done' };
    }
    const { dirs, name } = split(operation.to);
    const target = await walk(root, dirs, true);
    if (await exists(target, name)) return skipped(`${operation.to} already exists`);
    await moveFile(from.directory, from.name, from.file, target, name);
    return { operation, status: 'done' };
  } catch (error) {
    return { operation, status: 'failed', reason: describeError(error) };
  }
}

async function moveFile(
  sourceDir: DirectoryHandleLike,
  sourceName: string,
  file: FileHandleLike,
  targetDir: DirectoryHandleLike,
  targetName: string,
): Promise<void> {
  if (typeof file.move === 'function') {
    await file.move(targetDir, targetName);
    return;
  }
  const copy = await targetDir.getFileHandle(targetName, { create: true });
  try {
    const writable = await copy.createWritable();
    await writable.write(await file.getFile());
    await writable.close();
  } catch (error) {
    await targetDir.removeEntry(targetName).catch(() => undefined);
    throw error;
  }
  await sourceDir.removeEntry(sourceName);
}

/** The file at `path` with its folder, or why it cannot be used. */
async function locateFile(
  root: DirectoryHandleLike,
  path: string,
): Promise<{ directory: DirectoryHandleLike; name: string; file: FileHandleLike } | string> {
  const { dirs, name } = split(path);
  try {
    const directory = await walk(root, dirs, false);
    return { directory, name, file: await directory.getFileHandle(name) };
  } catch (error) {
    const kind = (error as { name?: string })?.name;
    if (kind === 'NotFoundError') return `${path} is not here`;
    if (kind === 'TypeMismatchError') return `${path} is a folder, not a file`;
    return `${path} could not be opened: ${describeError(error)}`;
  }
}

async function walk(root: DirectoryHandleLike, dirs: readonly string[], create: boolean): Promise<DirectoryHandleLike> {
  let directory = root;
  for (const dir of dirs) directory = await directory.getDirectoryHandle(dir, { create });
  return directory;
}

/** Whether anything (file or folder) has this name in `directory`. */
async function exists(directory: DirectoryHandleLike, name: string): Promise<boolean> {
  try {
    await directory.getFileHandle(name);
    return true;
  } catch (error) {
    return (error as { name?: string })?.name !== 'NotFoundError';
  }
}

function split(path: string): { dirs: string[]; name: string } {
  const segments = path.split('/');
  return { dirs: segments.slice(0, -1), name: segments[segments.length - 1] as string };
}

/** DOMException names in plain words. */
function describeError(error: unknown): string {
  switch ((error as { name?: string })?.name) {
    case 'NotAllowedError':
      return 'the browser was not allowed to change this folder (permission not granted)';
    case 'NoModificationAllowedError':
      return 'the file is locked or read-only';
    case 'QuotaExceededError':
      return 'the disk is full';
    default:
      return errorMessage(error);
  }
}
