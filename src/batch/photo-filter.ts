/**
 * Which files in a folder are photos to classify, and why the others are left out. Pure: decides from the name and
 * the MIME type the browser reports, so the rules are the same for picked folders, dropped folders and single files.
 */

/** Why a file or folder was left out of a batch. None of these is a failure: the UI reports them as "skipped". */
export type SkipReason =
  /** A name starting with `.` (`.git/`, `.thumbnails/`, `.hidden.jpg`), which the user's file manager hides too. */
  | 'hidden'
  /** Files and folders the operating system writes: `.DS_Store`, `Thumbs.db`, `desktop.ini`, `__MACOSX/`. */
  | 'system'
  /** macOS `._name` files: resource forks copied to non-Apple disks; never an image even when named `._IMG.jpg`. */
  | 'apple-double'
  /** Metadata beside a photo: `.json` (Google Takeout), `.xmp`, `.aae`, `.txt`... */
  | 'sidecar'
  | 'video'
  /** Camera raw files: browsers cannot decode them, and a RAW+JPEG folder would otherwise double its errors. */
  | 'raw'
  /** Anything else that is not an image (a model file dropped with the folder, a PDF...). */
  | 'not-image'
  /** The browser could not read the entry (a folder it may not list, a file that vanished while reading). */
  | 'unreadable';

export type PhotoVerdict = { photo: true } | { photo: false; reason: SkipReason };

/** Extensions taken as images when the browser gives no `image/*` MIME type (it often gives none for HEIC/AVIF). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg',
  'jpeg',
  'png',
  'gif',
  'webp',
  'bmp',
  'avif',
  'heic',
  'heif',
  'tif',
  'tiff',
]);

const SYSTEM_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', 'icon\r', '.localized']);
const SYSTEM_FOLDERS = new Set(['__macosx', '$recycle.bin', 'system volume information']);
const SIDECAR_EXTENSIONS = new Set(['json', 'xmp', 'txt', 'aae', 'xml', 'csv', 'ini', 'dop', 'pp3', 'md5', 'log']);
const VIDEO_EXTENSIONS = new Set([
  'mp4',
  'mov',
  'm4v',
  'avi',
  'mkv',
  'webm',
  '3gp',
  'mts',
  'm2ts',
  'wmv',
  'mpg',
  'mpeg',
  'lrv',
]);
const RAW_EXTENSIONS = new Set(['dng', 'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'orf', 'rw2', 'raf']);

/** Lower-case extension without the dot; `''` when the name has none (or is only a leading-dot name). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * Whether a folder's contents are left out as a whole (hidden or system folders), and why. The walker does not even
 * list such a folder, so a `.git/` with 50,000 objects costs nothing and counts as one skipped entry.
 */
export function skippedFolderReason(folderName: string): SkipReason | undefined {
  if (SYSTEM_FOLDERS.has(folderName.toLowerCase())) return 'system';
  if (folderName.startsWith('.')) return 'hidden';
  return undefined;
}

/**
 * Whether a file is a photo to classify. Name rules come first because the browser derives the MIME type from the
 * extension (`._IMG_0001.jpg` reports `image/jpeg`); then an `image/*` MIME type decides; else the extension.
 */
export function photoVerdict(name: string, mimeType = ''): PhotoVerdict {
  const lower = name.toLowerCase();
  if (lower.startsWith('._')) return { photo: false, reason: 'apple-double' };
  if (SYSTEM_FILES.has(lower)) return { photo: false, reason: 'system' };
  if (lower.startsWith('.')) return { photo: false, reason: 'hidden' };
  const extension = extensionOf(lower);
  // Some browsers label raw files `image/x-adobe-dng` etc., but none can decode them.
  if (RAW_EXTENSIONS.has(extension)) return { photo: false, reason: 'raw' };
  if (mimeType.toLowerCase().startsWith('image/') || IMAGE_EXTENSIONS.has(extension)) return { photo: true };
  if (mimeType.toLowerCase().startsWith('video/') || VIDEO_EXTENSIONS.has(extension)) {
    return { photo: false, reason: 'video' };
  }
  if (SIDECAR_EXTENSIONS.has(extension)) return { photo: false, reason: 'sidecar' };
  return { photo: false, reason: 'not-image' };
}
