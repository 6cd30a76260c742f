/**
 * Folder intake: turns what the user gave us — the files of an `<input webkitdirectory>`, a drop of folders and
 * files, a plain picker or a paste — into photos with paths relative to the chosen folder, plus the files and
 * folders left out and why. Streams in batches so a 10,000-photo folder neither blocks the page nor waits for the
 * whole walk before the first photo can be queued.
 *
 * The File and Directory Entries API is reached through the small `*Like` interfaces below, which the browser's
 * `FileSystemEntry` objects satisfy, so the walk runs in Node with stand-ins.
 */
import { errorMessage } from '../error-message';
import { photoVerdict, type SkipReason, skippedFolderReason } from './photo-filter';
import { compareKeyed, naturalKey, sortNaturallyBy } from './photo-result';

/** A photo to classify. `path` is relative to the chosen/dropped folder and starts with that folder's own name
 * (`Holiday/Day 1/IMG_0001.jpg`), like `webkitRelativePath`; a single file's path is its name. */
export interface IntakePhoto {
  file: File;
  path: string;
}

/** A file or folder left out. `file` is there when it was read, so the caller can pick up, say, a model file that
 * was dropped together with a folder of photos. A skipped folder's path ends with `/`. */
export interface SkippedEntry {
  path: string;
  reason: SkipReason;
  kind: 'file' | 'folder';
  file?: File;
  /** For `unreadable`: what the browser said. */
  detail?: string;
}

/** One slice of the walk. `scanned` counts every file and folder looked at so far (for "Scanning… 4,213 files"). */
export interface IntakeBatch {
  photos: IntakePhoto[];
  skipped: SkippedEntry[];
  scanned: number;
}

export interface IntakeResult {
  photos: IntakePhoto[];
  skipped: SkippedEntry[];
}

/** What `FileSystemEntry` offers that the walk uses. */
export interface EntryLike {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
}
export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): DirectoryReaderLike;
}
export interface DirectoryReaderLike {
  readEntries(success: (entries: EntryLike[]) => void, failure?: (error: DOMException) => void): void;
}

/** What the walk accepts: a `File` (its path is `webkitRelativePath`, else its name) or a dropped entry. */
export type IntakeItem = File | EntryLike;

/** The parts of `DataTransferItem` needed to take a drop apart. */
export interface DataTransferItemLike {
  readonly kind: string;
  webkitGetAsEntry(): EntryLike | null;
  getAsFile(): File | null;
}

export interface IntakeOptions {
  /** Photos + skipped entries per yielded batch. */
  batchSize?: number;
  /** Awaited between batches so the page can paint; defaults to a macrotask (`setTimeout(0)`). */
  yieldToPage?: () => Promise<void>;
}

const DEFAULT_BATCH_SIZE = 250;

/**
 * Snapshot of a drop, taken synchronously inside the `drop` handler: the browser empties `dataTransfer.items` once
 * the handler returns, so the entries must be taken before the first `await`. Folders are taken as entries (to walk);
 * a file dropped by itself is taken as its `File`, like a picked one, so the page treats both alike (a file the user
 * chose is classified even when its name says it is no photo, and gets its own error). Items without an entry (an
 * image dragged from another page) fall back to their file; text items are ignored.
 */
export function itemsFromDrop(items: Iterable<DataTransferItemLike> | ArrayLike<DataTransferItemLike>): IntakeItem[] {
  const taken: IntakeItem[] = [];
  for (const item of Array.from(items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    const file = entry?.isDirectory ? null : item.getAsFile();
    if (file) taken.push(file);
    else if (entry) taken.push(entry);
  }
  return taken;
}

/**
 * Walks the items and yields photos and skipped entries in batches of about `batchSize`. Folders are walked depth
 * first, each folder's entries in natural name order (`img2` before `img10`), whatever order the browser lists them
 * in; the files of a folder input (which come flat, in the file system's order) are put in natural path order first.
 * Dropped items keep the order of the drop. Hidden and system folders are reported once and not listed.
 */
export async function* walkIntake(
  items: Iterable<IntakeItem>,
  options: IntakeOptions = {},
): AsyncGenerator<IntakeBatch> {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const yieldToPage = options.yieldToPage ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  let batch: IntakeBatch = { photos: [], skipped: [], scanned: 0 };
  let scanned = 0;
  // Files from a folder input arrive flat: report each hidden/system folder once, as the entry walk does.
  const reportedFolders = new Set<string>();

  const emit = (found: Found): void => {
    if (found.photo) batch.photos.push(found.photo);
    else batch.skipped.push(found.skipped);
  };

  const list = Array.from(items);
  const ordered = list.every((item) => !isEntry(item) && (item as File).webkitRelativePath)
    ? inWalkOrder(list as File[])
    : list;
  for (const item of ordered) {
    const found = isEntry(item) ? walkEntry(item) : fromFile(item, reportedFolders);
    for await (const step of found) {
      scanned += 1;
      if (step) emit(step);
      if (batch.photos.length + batch.skipped.length >= batchSize) {
        batch.scanned = scanned;
        yield batch;
        batch = { photos: [], skipped: [], scanned };
        await yieldToPage();
      }
    }
  }
  batch.scanned = scanned;
  if (batch.photos.length > 0 || batch.skipped.length > 0 || scanned === 0) yield batch;
}

/** A folder input's files in the order the entry walk would visit them: each folder's files in natural name order,
 * then its sub-folders, so that a picked folder and the same folder dropped come in the same order. */
export function inWalkOrder(files: readonly File[]): File[] {
  return files
    .map((file) => {
      const parts = file.webkitRelativePath.split('/');
      // \u0001 before \u0002: at the first segment where two paths differ, a file comes before a folder.
      const key = parts
        .map((part, i) => (i === parts.length - 1 ? '\u0001' : '\u0002') + naturalKey(part))
        .join('\u0000');
      return { file, key, path: file.webkitRelativePath };
    })
    .sort((a, b) => compareKeyed(a.key, a.path, b.key, b.path))
    .map(({ file }) => file);
}

/** The whole walk at once, for callers that do not need progress. */
export async function collectIntake(items: Iterable<IntakeItem>, options: IntakeOptions = {}): Promise<IntakeResult> {
  const result: IntakeResult = { photos: [], skipped: [] };
  for await (const batch of walkIntake(items, options)) {
    result.photos.push(...batch.photos);
    result.skipped.push(...batch.skipped);
  }
  return result;
}

/** One step of a walk: a photo, a skipped entry, or `undefined` for something looked at but not reported (a file
 * inside a folder that was already reported as skipped, or a folder that was entered). */
type Found = { photo: IntakePhoto; skipped?: never } | { photo?: never; skipped: SkippedEntry };

async function* fromFile(file: File, reportedFolders: Set<string>): AsyncGenerator<Found | undefined> {
  // Node's File has no webkitRelativePath; a plain picker's files have an empty one.
  const path = file.webkitRelativePath || file.name;
  const folders = path.split('/').slice(0, -1);
  for (const [depth, folder] of folders.entries()) {
    const reason = skippedFolderReason(folder);
    if (!reason) continue;
    const folderPath = `${folders.slice(0, depth + 1).join('/')}/`;
    if (reportedFolders.has(folderPath)) yield undefined;
    else {
      reportedFolders.add(folderPath);
      yield { skipped: { path: folderPath, reason, kind: 'folder' } };
    }
    return;
  }
  yield classify(file, path);
}

async function* walkEntry(root: EntryLike): AsyncGenerator<Found | undefined> {
  if (!isDirectory(root)) {
    if (isFileEntry(root)) yield* readFileEntries([{ entry: root, path: root.name }]);
    return;
  }
  // Explicit stack rather than recursion: folder depth is unbounded. A folder's files come before its subfolders.
  const stack: Array<{ entry: DirectoryEntryLike; path: string }> = [{ entry: root, path: root.name }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next) break;
    const { entry, path } = next;
    const reason = skippedFolderReason(entry.name);
    if (reason) {
      yield { skipped: { path: `${path}/`, reason, kind: 'folder' } };
      continue;
    }
    let children: EntryLike[];
    try {
      children = await readAllEntries(entry);
    } catch (error) {
      yield { skipped: { path: `${path}/`, reason: 'unreadable', kind: 'folder', detail: errorMessage(error) } };
      continue;
    }
    yield undefined;
    const files: Array<{ entry: FileEntryLike; path: string }> = [];
    const folders: Array<{ entry: DirectoryEntryLike; path: string }> = [];
    for (const child of sortNaturallyBy(children, (entry) => entry.name)) {
      if (isDirectory(child)) folders.push({ entry: child, path: `${path}/${child.name}` });
      else if (isFileEntry(child)) files.push({ entry: child, path: `${path}/${child.name}` });
    }
    yield* readFileEntries(files);
    // Reversed so that subfolders are walked in the order they were listed.
    for (let i = folders.length - 1; i >= 0; i--) stack.push(folders[i] as (typeof folders)[number]);
  }
}

/** Files read this many at a time: each `file()` is a round trip to the browser, and 10,000 in series add up. */
const FILE_READS_IN_FLIGHT = 32;

async function* readFileEntries(files: Array<{ entry: FileEntryLike; path: string }>): AsyncGenerator<Found> {
  for (let start = 0; start < files.length; start += FILE_READS_IN_FLIGHT) {
    const slice = files.slice(start, start + FILE_READS_IN_FLIGHT);
    yield* await Promise.all(slice.map(({ entry, path }) => readFileEntry(entry, path)));
  }
}

async function readFileEntry(entry: FileEntryLike, path: string): Promise<Found> {
  const byName = photoVerdict(entry.name);
  // Hidden and system files are judged by name alone; reading them would only cost time.
  if (!byName.photo && (byName.reason === 'hidden' || byName.reason === 'system' || byName.reason === 'apple-double')) {
    return { skipped: { path, reason: byName.reason, kind: 'file' } };
  }
  try {
    return classify(await readFile(entry), path);
  } catch (error) {
    return { skipped: { path, reason: 'unreadable', kind: 'file', detail: errorMessage(error) } };
  }
}

function classify(file: File, path: string): Found {
  const verdict = photoVerdict(file.name, file.type);
  return verdict.photo ? { photo: { file, path } } : { skipped: { path, reason: verdict.reason, kind: 'file', file } };
}

/** All of a folder's entries: `readEntries` hands them out in slices (Chromium: at most 100) until an empty one. */
export async function readAllEntries(directory: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = directory.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const slice = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (slice.length === 0) return all;
    all.push(...slice);
  }
}

function readFile(entry: FileEntryLike): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function isEntry(item: IntakeItem): item is EntryLike {
  return typeof (item as EntryLike).isDirectory === 'boolean';
}
function isDirectory(entry: EntryLike): entry is DirectoryEntryLike {
  return entry.isDirectory && typeof (entry as DirectoryEntryLike).createReader === 'function';
}
function isFileEntry(entry: EntryLike): entry is FileEntryLike {
  return entry.isFile && typeof (entry as FileEntryLike).file === 'function';
}
