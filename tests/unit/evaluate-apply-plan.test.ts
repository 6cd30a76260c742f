/**
 * *Apply* through File System Access handles: the executor runs against a real temp folder through a Node stand-in
 * for `FileSystemDirectoryHandle` (same methods, same DOMException names), with and without `FileSystemFileHandle.move`.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, type DirectoryHandleLike, type FileHandleLike } from '../../src/evaluate/apply-plan';
import { planChanges } from '../../src/evaluate/change-plan';
import type { CleanerDecision } from '../../src/evaluate/cleaner';

// Chromium's handles must fit the executor's interfaces (checked by tsc).
const _fits: DirectoryHandleLike = {} as FileSystemDirectoryHandle;
void _fits;

const notFound = (path: string) => new DOMException(`${path} not found`, 'NotFoundError');

/** A directory handle on a real folder, as the browser would give it. */
function nodeDirectory(path: string, withMove: boolean): DirectoryHandleLike {
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  const file = (p: string): FileHandleLike => ({
    kind: 'file',
    getFile: async () => new Blob([await readFile(p)]),
    createWritable: async () => {
      const parts: Blob[] = [];
      return {
        write: async (data: Blob) => void parts.push(data),
        close: async () => writeFile(p, Buffer.from(await new Blob(parts).arrayBuffer())),
      };
    },
    ...(withMove
      ? { move: async (dir: DirectoryHandleLike, name: string) => rename(p, join(pathOf.get(dir) as string, name)) }
      : {}),
  });
  const handle: DirectoryHandleLike = {
    kind: 'directory',
    name: basename(path),
    getDirectoryHandle: async (name, options) => {
      const p = join(path, name);
      if (!isDir(p)) {
        if (existsSync(p)) throw new DOMException('a file', 'TypeMismatchError');
        if (!options?.create) throw notFound(p);
        mkdirSync(p);
      }
      return nodeDirectory(p, withMove);
    },
    getFileHandle: async (name, options) => {
      const p = join(path, name);
      if (isDir(p)) throw new DOMException('a folder', 'TypeMismatchError');
      if (!existsSync(p)) {
        if (!options?.create) throw notFound(p);
        await writeFile(p, '');
      }
      return file(p);
    },
    removeEntry: async (name) => {
      const p = join(path, name);
      if (!existsSync(p)) throw notFound(p);
      if ((await stat(p)).isDirectory()) await rm(p);
      else await unlink(p);
    },
  };
  pathOf.set(handle, path);
  return handle;
}
const pathOf = new WeakMap<DirectoryHandleLike, string>();

const temp = mkdtempSync(join(tmpdir(), 'onsight-apply-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function makeTree(): string {
  const dir = mkdtempSync(join(temp, 'run-'));
  const root = join(dir, 'bears');
  for (const file of ['black/1.jpg', 'black/2.jpg', "black/a'b; rm -rf x.jpg", 'grizzly/1.jpg', 'teddy/3.jpg']) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), file);
  }
  mkdirSync(join(root, 'teddy', 'folder.jpg'));
  return root;
}

const list = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).sort();

const decisions = new Map<string, CleanerDecision>([
  ['bears/black/1.jpg', { kind: 'move', to: 'brown bear' }], // grizzly/1.jpg is taken: 1 (2).jpg
  ["bears/black/a'b; rm -rf x.jpg", { kind: 'move', to: 'ice bear' }], // a new folder
  ['bears/teddy/3.jpg', { kind: 'delete' }],
  ['bears/black/2.jpg', { kind: 'keep' }],
]);

describe.each([true, false])('apply a plan (FileSystemFileHandle.move: %s)', (withMove) => {
  it('moves and deletes as planned, reporting progress', async () => {
    const root = makeTree();
    const plan = planChanges(decisions, {
      existing: list(root).map((p) => `bears/${p}`),
      root: 'bears',
      folderFor: (label) => (label === 'brown bear' ? 'grizzly' : undefined),
    });
    const progress: string[] = [];
    const outcomes = await applyPlan(nodeDirectory(root, withMove), plan, {
      onProgress: (done, total, outcome) => progress.push(`${done}/${total} ${outcome.status}`),
    });
    expect(outcomes.map(({ status }) => status)).toEqual(['done', 'done', 'done']);
    expect(progress).toEqual(['1/3 done', '2/3 done', '3/3 done']);
    expect(list(root)).toEqual(
      [
        'black',
        'black/2.jpg',
        'grizzly',
        'grizzly/1.jpg',
        'grizzly/1 (2).jpg',
        'ice bear',
        "ice bear/a'b; rm -rf x.jpg",
        'teddy',
        'teddy/folder.jpg',
      ].sort(),
    );
    expect(readFileSync(join(root, 'grizzly/1 (2).jpg'), 'utf8')).toBe('black/1.jpg');
    expect(readFileSync(join(root, 'grizzly/1.jpg'), 'utf8')).toBe('grizzly/1.jpg');
  });

  it('checks again as it runs: a vanished source, a taken target and a folder are skipped with the reason', async () => {
    const root = makeTree();
    const plan = planChanges(
      new Map<string, CleanerDecision>([
        ['bears/black/1.jpg', { kind: 'move', to: 'grizzly' }],
        ['bears/black/2.jpg', { kind: 'move', to: 'teddy' }],
        ['bears/teddy/3.jpg', { kind: 'delete' }],
        ['bears/teddy/folder.jpg', { kind: 'delete' }],
      ]),
      { existing: ['bears/grizzly/1.jpg'], root: 'bears' },
    );
    // After planning: black/2.jpg's target appears, teddy/3.jpg vanishes.
    writeFileSync(join(root, 'teddy/2.jpg'), 'someone else');
    rmSync(join(root, 'teddy/3.jpg'));
    const outcomes = await applyPlan(nodeDirectory(root, withMove), plan);
    expect(outcomes.map((o) => [o.status, 'reason' in o ? o.reason : ''])).toEqual([
      ['done', ''],
      ['skipped', 'teddy/2.jpg already exists'],
      ['skipped', 'teddy/3.jpg is not here'],
      ['skipped', 'teddy/folder.jpg is a folder, not a file'],
    ]);
    expect(readFileSync(join(root, 'teddy/2.jpg'), 'utf8')).toBe('someone else');
    expect(existsSync(join(root, 'teddy/folder.jpg'))).toBe(true);
  });

  it('stops before the next operation when aborted', async () => {
    const root = makeTree();
    const plan = planChanges(decisions, { existing: [], root: 'bears' });
    const controller = new AbortController();
    const outcomes = await applyPlan(nodeDirectory(root, withMove), plan, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(outcomes).toHaveLength(1);
  });
});

it('a refused permission is said in plain words on the operation', async () => {
  const denied = new DOMException('denied', 'NotAllowedError');
  const root: DirectoryHandleLike = {
    kind: 'directory',
    name: 'bears',
    getDirectoryHandle: async () => root,
    getFileHandle: async () => ({
      kind: 'file',
      getFile: async () => new Blob([]),
      createWritable: () => Promise.reject(denied),
    }),
    removeEntry: () => Promise.reject(denied),
  };
  const [outcome] = await applyPlan(root, {
    operations: [{ kind: 'delete', path: 'a/1.jpg' }],
    folders: [],
    problems: [],
    kept: 0,
  });
  expect(outcome).toEqual({
    operation: { kind: 'delete', path: 'a/1.jpg' },
    status: 'failed',
    reason: 'the browser was not allowed to change this folder (permission not granted)',
  });
});
