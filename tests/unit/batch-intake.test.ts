import { describe, expect, it } from 'vitest';
import {
  collectIntake,
  type DataTransferItemLike,
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
  type IntakeBatch,
  itemsFromDrop,
  walkIntake,
} from '../../src/batch/folder-intake';
import { extensionOf, photoVerdict } from '../../src/batch/photo-filter';

// Compile-time: the browser's own objects fit the interfaces the walk takes.
const _entryFits: (entry: FileSystemEntry) => EntryLike = (entry) => entry;
const _directoryFits: (entry: FileSystemDirectoryEntry) => DirectoryEntryLike = (entry) => entry;
const _fileEntryFits: (entry: FileSystemFileEntry) => FileEntryLike = (entry) => entry;
const _itemFits: (item: DataTransferItem) => DataTransferItemLike = (item) => item;
const _dropFits = (list: DataTransferItemList) => itemsFromDrop(list);
const _inputFits = (files: FileList) => walkIntake(files);
void [_entryFits, _directoryFits, _fileEntryFits, _itemFits, _dropFits, _inputFits];

const noWait = () => Promise.resolve();

/** A File as `<input webkitdirectory>` gives it (Node's File has no webkitRelativePath). */
function pickedFile(relativePath: string, type = ''): File {
  const file = new File(['x'], relativePath.split('/').pop() ?? relativePath, { type });
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

interface FakeFileEntry extends FileEntryLike {
  reads: number;
}
function fileEntry(name: string, type = '', fail?: string): FakeFileEntry {
  const entry: FakeFileEntry = {
    isFile: true,
    isDirectory: false,
    name,
    reads: 0,
    file(success, failure) {
      entry.reads += 1;
      // Callbacks come later, as in the browser.
      setTimeout(() =>
        fail ? failure?.(new DOMException(fail, 'NotFoundError')) : success(new File(['x'], name, { type })),
      );
    },
  };
  return entry;
}

interface FakeDirectory extends DirectoryEntryLike {
  readCalls: number;
  readersMade: number;
}
/** A folder whose reader hands out at most 100 entries per call, then an empty slice, like Chromium. */
function folder(name: string, children: EntryLike[], fail?: string): FakeDirectory {
  const dir: FakeDirectory = {
    isFile: false,
    isDirectory: true,
    name,
    readCalls: 0,
    readersMade: 0,
    createReader() {
      dir.readersMade += 1;
      let offset = 0;
      return {
        readEntries(success, failure) {
          dir.readCalls += 1;
          setTimeout(() => {
            if (fail) return failure?.(new DOMException(fail, 'SecurityError'));
            const slice = children.slice(offset, offset + 100);
            offset += slice.length;
            success(slice);
          });
        },
      };
    },
  };
  return dir;
}

describe('photoVerdict: which files are photos', () => {
  it.each([
    ['IMG_0001.JPG', '', true],
    ['a.heic', '', true],
    ['a.HEIF', 'application/octet-stream', true],
    ['scan.tiff', '', true],
    ['no-extension', 'image/png', true],
    ['photo.jpeg', 'image/jpeg', true],
  ])('%s (%s) is a photo', (name, type, expected) => {
    expect(photoVerdict(name, type).photo).toBe(expected);
  });

  it.each([
    ['.DS_Store', '', 'system'],
    ['Thumbs.db', '', 'system'],
    ['desktop.ini', '', 'system'],
    ['._IMG_0001.jpg', 'image/jpeg', 'apple-double'],
    ['.hidden.jpg', 'image/jpeg', 'hidden'],
    ['IMG_0001.jpg.json', 'application/json', 'sidecar'],
    ['IMG_0001.xmp', '', 'sidecar'],
    ['IMG_0001.AAE', '', 'sidecar'],
    ['notes.txt', 'text/plain', 'sidecar'],
    ['IMG_0002.MOV', 'video/quicktime', 'video'],
    ['clip.mp4', '', 'video'],
    ['clip.weird', 'video/x-weird', 'video'],
    ['IMG_0003.CR2', 'image/x-canon-cr2', 'raw'],
    ['model.onnx', '', 'not-image'],
    ['README', '', 'not-image'],
  ])('%s (%s) is skipped as %s', (name, type, reason) => {
    expect(photoVerdict(name, type)).toEqual({ photo: false, reason });
  });

  it('extensionOf ignores a leading dot and lower-cases', () => {
    expect(extensionOf('A.B.JPG')).toBe('jpg');
    expect(extensionOf('.bashrc')).toBe('');
    expect(extensionOf('plain')).toBe('');
  });
});

describe('walkIntake: files from a folder input or a picker', () => {
  it('keeps webkitRelativePath (root folder first), in walk order, skips and counts the rest', async () => {
    const files = [
      pickedFile('Holiday/IMG_0001.jpg', 'image/jpeg'),
      pickedFile('Holiday/Day 2/IMG_0001.jpg', 'image/jpeg'),
      pickedFile('Holiday/.DS_Store'),
      pickedFile('Holiday/Day 2/IMG_0001.jpg.json', 'application/json'),
      pickedFile('Holiday/.git/objects/ab/cdef'),
      pickedFile('Holiday/.git/HEAD'),
      pickedFile('Holiday/__MACOSX/._IMG_0001.jpg'),
      pickedFile('Holiday/shot.HEIC'),
    ];
    const { photos, skipped } = await collectIntake(files, { yieldToPage: noWait });
    // As the entry walk goes: a folder's files (natural name order) before its sub-folders.
    expect(photos.map((p) => p.path)).toEqual([
      'Holiday/IMG_0001.jpg',
      'Holiday/shot.HEIC',
      'Holiday/Day 2/IMG_0001.jpg',
    ]);
    expect(photos[0]?.file).toBe(files[0]);
    expect(skipped.map(({ path, reason, kind }) => ({ path, reason, kind }))).toEqual([
      { path: 'Holiday/.DS_Store', reason: 'system', kind: 'file' },
      // A hidden folder counts once, however many files it holds.
      { path: 'Holiday/.git/', reason: 'hidden', kind: 'folder' },
      { path: 'Holiday/__MACOSX/', reason: 'system', kind: 'folder' },
      { path: 'Holiday/Day 2/IMG_0001.jpg.json', reason: 'sidecar', kind: 'file' },
    ]);
    expect(skipped[3]?.file).toBe(files[3]);
  });

  it('a folder input and the same folder dropped give the same order, whatever order the browser lists', async () => {
    const paths = ['A/img10.jpg', 'A/b/x.jpg', 'A/img2.jpg', 'A/B2/y.jpg', 'A/a/z.jpg', 'A/IMG1.jpg'];
    const picked = await collectIntake(
      paths.map((path) => pickedFile(path, 'image/jpeg')),
      { yieldToPage: noWait },
    );
    const dropped = await collectIntake(
      [
        folder('A', [
          fileEntry('img10.jpg'),
          folder('b', [fileEntry('x.jpg')]),
          fileEntry('img2.jpg'),
          folder('B2', [fileEntry('y.jpg')]),
          folder('a', [fileEntry('z.jpg')]),
          fileEntry('IMG1.jpg'),
        ]),
      ],
      { yieldToPage: noWait },
    );
    const expected = ['A/IMG1.jpg', 'A/img2.jpg', 'A/img10.jpg', 'A/a/z.jpg', 'A/b/x.jpg', 'A/B2/y.jpg'];
    expect(picked.photos.map((p) => p.path)).toEqual(expected);
    expect(dropped.photos.map((p) => p.path)).toEqual(expected);
  });

  it('a plain picker file (no relative path) is its own name', async () => {
    const file = new File(['x'], 'cat.png', { type: 'image/png' });
    const { photos } = await collectIntake([file], { yieldToPage: noWait });
    expect(photos).toEqual([{ file, path: 'cat.png' }]);
  });

  it('nothing given: one empty batch, so a caller always hears back', async () => {
    const batches: IntakeBatch[] = [];
    for await (const batch of walkIntake([], { yieldToPage: noWait })) batches.push(batch);
    expect(batches).toEqual([{ photos: [], skipped: [], scanned: 0 }]);
  });
});

describe('walkIntake: dropped folders', () => {
  it('recurses, names paths from the dropped folder, keeps same-named photos apart', async () => {
    const drop = folder('Pets', [
      fileEntry('IMG_0001.jpg', 'image/jpeg'),
      folder('cats', [fileEntry('IMG_0001.jpg', 'image/jpeg'), fileEntry('._IMG_0001.jpg', 'image/jpeg')]),
      fileEntry('model.onnx'),
      folder('dogs', [folder('puppies', [fileEntry('p.webp', '')])]),
    ]);
    const { photos, skipped } = await collectIntake([drop, fileEntry('loose.png', 'image/png')], {
      yieldToPage: noWait,
    });
    expect(photos.map((p) => p.path)).toEqual([
      'Pets/IMG_0001.jpg',
      'Pets/cats/IMG_0001.jpg',
      'Pets/dogs/puppies/p.webp',
      'loose.png',
    ]);
    expect(photos[1]?.file.name).toBe('IMG_0001.jpg');
    expect(skipped.map(({ path, reason }) => `${path} ${reason}`)).toEqual([
      'Pets/model.onnx not-image',
      'Pets/cats/._IMG_0001.jpg apple-double',
    ]);
    // The model file comes with its File, so the caller can load it.
    expect(skipped[0]?.file?.name).toBe('model.onnx');
  });

  it('calls readEntries until it returns an empty slice (250 files → 3 full slices + 1 empty)', async () => {
    const big = folder(
      'Big',
      Array.from({ length: 250 }, (_, i) => fileEntry(`img${i}.jpg`, 'image/jpeg')),
    );
    const { photos } = await collectIntake([big], { yieldToPage: noWait });
    expect(photos).toHaveLength(250);
    expect(new Set(photos.map((p) => p.path)).size).toBe(250);
    expect(big.readCalls).toBe(4);
  });

  it('does not list hidden or system folders, nor read hidden files', async () => {
    const git = folder('.git', [fileEntry('HEAD')]);
    const trash = folder('$RECYCLE.BIN', [fileEntry('x.jpg', 'image/jpeg')]);
    const dsStore = fileEntry('.DS_Store');
    const drop = folder('Album', [git, trash, dsStore, fileEntry('a.jpg', 'image/jpeg')]);
    const { photos, skipped } = await collectIntake([drop], { yieldToPage: noWait });
    expect(photos.map((p) => p.path)).toEqual(['Album/a.jpg']);
    expect(skipped.map(({ path, reason, kind }) => `${kind} ${path} ${reason}`).sort()).toEqual([
      'file Album/.DS_Store system',
      'folder Album/$RECYCLE.BIN/ system',
      'folder Album/.git/ hidden',
    ]);
    expect(git.readersMade + trash.readersMade + dsStore.reads).toBe(0);
  });

  it('a folder or file the browser cannot read is skipped as unreadable, and the walk goes on', async () => {
    const drop = folder('Album', [
      folder('locked', [fileEntry('a.jpg', 'image/jpeg')], 'not allowed'),
      fileEntry('gone.jpg', 'image/jpeg', 'file vanished'),
      fileEntry('b.jpg', 'image/jpeg'),
    ]);
    const { photos, skipped } = await collectIntake([drop], { yieldToPage: noWait });
    expect(photos.map((p) => p.path)).toEqual(['Album/b.jpg']);
    expect(skipped).toEqual([
      { path: 'Album/gone.jpg', reason: 'unreadable', kind: 'file', detail: 'file vanished' },
      { path: 'Album/locked/', reason: 'unreadable', kind: 'folder', detail: 'not allowed' },
    ]);
  });

  it('itemsFromDrop takes entries, falls back to the file, ignores text', () => {
    const entry = folder('Album', []);
    const pasted = new File(['x'], 'image.png', { type: 'image/png' });
    const items: DataTransferItemLike[] = [
      { kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => null },
      { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => pasted },
      { kind: 'string', webkitGetAsEntry: () => null, getAsFile: () => null },
      { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => null },
    ];
    expect(itemsFromDrop(items)).toEqual([entry, pasted]);
  });

  it('itemsFromDrop takes a file dropped by itself as its File (like a picked one), a folder as its entry', () => {
    const album = folder('Album', []);
    const dropped = new File(['x'], 'notes.txt', { type: 'text/plain' });
    // Chromium hands out a 0-byte File for a dropped folder too: the entry must win there.
    const folderAsFile = new File([], 'Album');
    const items: DataTransferItemLike[] = [
      { kind: 'file', webkitGetAsEntry: () => fileEntry('notes.txt'), getAsFile: () => dropped },
      { kind: 'file', webkitGetAsEntry: () => album, getAsFile: () => folderAsFile },
    ];
    expect(itemsFromDrop(items)).toEqual([dropped, album]);
  });
});

describe('walkIntake: streaming', () => {
  it('yields batches of batchSize and gives the page a turn between them', async () => {
    const files = Array.from({ length: 1000 }, (_, i) => pickedFile(`F/img${i}.jpg`, 'image/jpeg'));
    let turns = 0;
    const batches: IntakeBatch[] = [];
    for await (const batch of walkIntake(files, { batchSize: 100, yieldToPage: async () => void turns++ })) {
      batches.push(batch);
    }
    expect(batches.map((b) => b.photos.length)).toEqual(Array(10).fill(100));
    expect(batches.map((b) => b.scanned)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 100));
    expect(turns).toBe(10);
  });

  it('10,000 dropped entries in 100 folders: the first batch comes long before the walk ends', async () => {
    const folders = Array.from({ length: 100 }, (_, f) =>
      folder(
        `day${f}`,
        Array.from({ length: 100 }, (_, i) => fileEntry(i % 10 === 0 ? `IMG_${i}.json` : `IMG_${i}.jpg`, '')),
      ),
    );
    const started = performance.now();
    let firstBatchMs = 0;
    let photos = 0;
    let skipped = 0;
    let batches = 0;
    let lastFolderReadBeforeFirstBatch = true;
    for await (const batch of walkIntake([folder('All', folders)])) {
      if (batches++ === 0) {
        firstBatchMs = performance.now() - started;
        lastFolderReadBeforeFirstBatch = (folders[99]?.readCalls ?? 0) > 0;
      }
      photos += batch.photos.length;
      skipped += batch.skipped.length;
    }
    const totalMs = performance.now() - started;
    console.log(`intake: 10,000 entries in ${totalMs.toFixed(0)} ms, first batch after ${firstBatchMs.toFixed(1)} ms`);
    expect(photos).toBe(9000);
    expect(skipped).toBe(1000);
    expect(batches).toBe(40);
    expect(lastFolderReadBeforeFirstBatch).toBe(false);
  });
});
