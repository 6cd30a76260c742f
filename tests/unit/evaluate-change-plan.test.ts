/**
 * From decisions to file operations: the pure plan (unsafe paths refused, taken names avoided) and the POSIX shell
 * script made from it, run for real with `sh` on a temp tree that includes hostile file names.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeOperation, planChanges, unsafePathReason } from '../../src/evaluate/change-plan';
import type { CleanerDecision } from '../../src/evaluate/cleaner';
import { commentText, planToShellScript, shellQuote } from '../../src/evaluate/shell-script';

const move = (to: string): CleanerDecision => ({ kind: 'move', to });
const DELETE: CleanerDecision = { kind: 'delete' };
const KEEP: CleanerDecision = { kind: 'keep' };

describe('unsafe paths', () => {
  it('refuses absolute paths, .. and . parts, empty parts and NUL', () => {
    expect(unsafePathReason('bears/black/1.jpg')).toBeUndefined();
    expect(unsafePathReason("bears/a'b; rm -rf x.jpg")).toBeUndefined();
    expect(unsafePathReason('/etc/passwd')).toMatch(/absolute/);
    expect(unsafePathReason('C:\\x.jpg')).toMatch(/absolute/);
    expect(unsafePathReason('bears/../../x.jpg')).toMatch(/"\.\."/);
    expect(unsafePathReason('..')).toMatch(/"\.\."/);
    expect(unsafePathReason('bears/./x.jpg')).toMatch(/empty or "\."/);
    expect(unsafePathReason('bears//x.jpg')).toMatch(/empty or "\."/);
    expect(unsafePathReason('bears/x\u0000.jpg')).toMatch(/NUL/);
    expect(unsafePathReason('')).toMatch(/empty/);
  });
});

describe('change plan', () => {
  const existing = [
    'bears/black/1.jpg',
    'bears/black/2.jpg',
    'bears/grizzly/1.jpg',
    'bears/grizzly/1 (2).jpg',
    'bears/teddy/3.jpg',
    'bears/teddy/7.JPG',
  ];

  it('moves into the class folder beside the photo, deletes, keeps; in natural path order', () => {
    const plan = planChanges(
      new Map<string, CleanerDecision>([
        ['bears/teddy/3.jpg', DELETE],
        ['bears/black/2.jpg', move('brown bear')],
        ['bears/black/1.jpg', KEEP],
      ]),
      { existing, folderFor: (label) => (label === 'brown bear' ? 'grizzly' : undefined) },
    );
    expect(plan).toEqual({
      operations: [
        { kind: 'move', from: 'bears/black/2.jpg', to: 'bears/grizzly/2.jpg', label: 'brown bear' },
        { kind: 'delete', path: 'bears/teddy/3.jpg' },
      ],
      folders: ['bears/grizzly'],
      problems: [],
      kept: 1,
    });
  });

  it('never overwrites: a taken name (ignoring case) or two photos on one name get a free name, with the reason', () => {
    const plan = planChanges(
      new Map<string, CleanerDecision>([
        ['bears/black/1.jpg', move('grizzly')], // grizzly/1.jpg and grizzly/1 (2).jpg exist
        ['bears/teddy/1.jpg', move('grizzly')], // would take the same name as the one above
        ['bears/black/7.jpg', move('teddy')], // teddy/7.JPG exists: the same file on macOS and Windows
      ]),
      { existing, root: 'bears' },
    );
    expect(plan.operations).toEqual([
      {
        kind: 'move',
        from: 'black/1.jpg',
        to: 'grizzly/1 (3).jpg',
        label: 'grizzly',
        renamed: { wanted: 'grizzly/1.jpg', reason: '"grizzly/1.jpg" is taken' },
      },
      {
        kind: 'move',
        from: 'black/7.jpg',
        to: 'teddy/7 (2).jpg',
        label: 'teddy',
        renamed: { wanted: 'teddy/7.jpg', reason: '"teddy/7.jpg" is taken' },
      },
      {
        kind: 'move',
        from: 'teddy/1.jpg',
        to: 'grizzly/1 (4).jpg',
        label: 'grizzly',
        renamed: { wanted: 'grizzly/1.jpg', reason: '"grizzly/1.jpg" is taken' },
      },
    ]);
    expect(plan.root).toBe('bears');
    expect(plan.folders).toEqual(['grizzly', 'teddy']);
    expect(describeOperation(plan.operations[0] as never)).toBe(
      'move black/1.jpg → grizzly/1 (3).jpg (renamed: "grizzly/1.jpg" is taken)',
    );
  });

  it('leaves out what it must not do, each with the reason, and plans the rest', () => {
    const plan = planChanges(
      new Map<string, CleanerDecision>([
        ['bears/../../etc/passwd', DELETE],
        ['/home/me/x.jpg', DELETE],
        ['other/black/1.jpg', DELETE],
        ['bears/grizzly/1.jpg', move('grizzly')],
        ['bears/black/2.jpg', move('..')],
        ['bears/black/1.jpg', DELETE],
      ]),
      { existing, root: 'bears', folderFor: (label) => label },
    );
    expect(plan.operations).toEqual([{ kind: 'delete', path: 'black/1.jpg' }]);
    expect(plan.problems).toEqual([
      {
        path: '/home/me/x.jpg',
        message: 'not changed: the path is absolute; only paths inside the chosen folder are changed',
      },
      {
        path: 'bears/../../etc/passwd',
        message: 'not changed: the path has a ".." part, which could reach outside the chosen folder',
      },
      { path: 'bears/black/2.jpg', message: 'not moved: ".." gives no usable folder name' },
      { path: 'bears/grizzly/1.jpg', message: 'not moved: it is already in the folder "grizzly"' },
      { path: 'other/black/1.jpg', message: 'not changed: it is not inside the folder "bears"' },
    ]);
  });

  it('a class without a folder gets one named after the label, made safe', () => {
    const plan = planChanges(new Map([['set/a/1.jpg', move('AC/DC')]]), { existing: [] });
    expect(plan.operations).toEqual([{ kind: 'move', from: 'set/a/1.jpg', to: 'set/AC_DC/1.jpg', label: 'AC/DC' }]);
  });
});

describe('shell script', () => {
  it('quotes any text as one word, and keeps control characters out of comments', () => {
    expect(shellQuote("a'b; rm -rf x")).toBe(`'a'\\''b; rm -rf x'`);
    expect(commentText('a\nrm -rf /\r\u001b[2J')).toBe('a\\nrm -rf /\\r\\x1b[2J');
  });

  const temp = mkdtempSync(join(tmpdir(), 'onsight-cleanup-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const hostile = "a'b; rm -rf x.jpg";
  const newline = 'new\nline; touch pwned.jpg';
  const dollar = '$(touch pwned).jpg';

  /** A small tree with hostile names, plus `x/` and `keep.txt` that a broken script would destroy. */
  function makeTree(): string {
    const dir = mkdtempSync(join(temp, 'run-'));
    const files = [
      'bears/black/1.jpg',
      `bears/black/${hostile}`,
      `bears/black/${newline}`,
      'bears/black/-rf.jpg',
      `bears/teddy/${dollar}`,
      'bears/teddy/2.jpg',
      'bears/grizzly/1.jpg',
      'bears/x/keep.txt',
      'x/keep.txt',
    ];
    for (const file of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), file);
    }
    return dir;
  }

  function listTree(dir: string): string[] {
    return (readdirSync(dir, { recursive: true }) as string[]).sort();
  }

  const decisions = new Map<string, CleanerDecision>([
    ['bears/black/1.jpg', move('brown bear')], // grizzly/1.jpg exists: becomes grizzly/1 (2).jpg
    [`bears/black/${hostile}`, move('brown bear')],
    [`bears/black/${newline}`, DELETE],
    ['bears/black/-rf.jpg', DELETE],
    [`bears/teddy/${dollar}`, move('ice bear')], // no folder yet: made
    ['bears/teddy/2.jpg', KEEP],
    ['bears/../x/keep.txt', DELETE], // refused
  ]);

  function script(dir: string): string {
    const existing = listTree(dir).filter((p) => p.startsWith('bears/'));
    const plan = planChanges(decisions, {
      existing,
      root: 'bears',
      folderFor: (label) => (label === 'brown bear' ? 'grizzly' : undefined),
    });
    const text = planToShellScript(plan, { at: new Date('2025-01-31T14:05:00Z') });
    writeFileSync(join(dir, 'cleanup.sh'), text);
    return text;
  }

  it('applies the decisions with sh, safely, and a second run changes nothing and says why', () => {
    const dir = makeTree();
    const text = script(dir);
    expect(text.startsWith('#!/bin/sh\n# OnSight data-set cleanup, made 2025-01-31T14:05:00.000Z.\n')).toBe(true);
    expect(text).toContain('#   move black/1.jpg → grizzly/1 (2).jpg (renamed: "grizzly/1.jpg" is taken)\n');
    expect(text).toContain('#   delete black/new\\nline; touch pwned.jpg\n');
    expect(text).toContain('#   bears/../x/keep.txt: not changed: the path has a ".." part');
    expect(text).toContain('\nset -eu\n');
    // One rm in the whole script, in remove(), on one file: no -r, no -f.
    expect(text.split('\n').filter((line) => /^\s*rm\b/.test(line))).toEqual(['    rm -- "$1"']);

    const first = spawnSync('sh', ['../cleanup.sh'], { cwd: join(dir, 'bears'), encoding: 'utf8' });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('onsight: 3 moved, 2 deleted\n');
    expect(listTree(dir)).toEqual(
      [
        'bears',
        'bears/black',
        'bears/grizzly',
        'bears/grizzly/1.jpg',
        'bears/grizzly/1 (2).jpg',
        `bears/grizzly/${hostile}`,
        'bears/ice bear',
        `bears/ice bear/${dollar}`,
        'bears/teddy',
        'bears/teddy/2.jpg',
        'bears/x',
        'bears/x/keep.txt',
        'cleanup.sh',
        'x',
        'x/keep.txt',
      ].sort(),
    );
    // Contents moved with their files; the existing grizzly/1.jpg was not overwritten.
    expect(readFileSync(join(dir, 'bears/grizzly/1.jpg'), 'utf8')).toBe('bears/grizzly/1.jpg');
    expect(readFileSync(join(dir, 'bears/grizzly/1 (2).jpg'), 'utf8')).toBe('bears/black/1.jpg');
    expect(readFileSync(join(dir, `bears/grizzly/${hostile}`), 'utf8')).toBe(`bears/black/${hostile}`);
    expect(existsSync(join(dir, 'bears/pwned.jpg')) || existsSync(join(dir, 'bears/pwned'))).toBe(false);

    const again = spawnSync('sh', ['../cleanup.sh'], { cwd: join(dir, 'bears'), encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('onsight: none of the files is here; run this script inside the folder "bears"');
  });

  it('run in the wrong folder, it stops before changing anything', () => {
    const dir = makeTree();
    script(dir);
    const before = listTree(dir);
    const run = spawnSync('sh', ['cleanup.sh'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('none of the files is here');
    expect(listTree(dir)).toEqual(before);
  });

  it('a change that cannot be made is skipped and reported, the rest are made, and the status is 1', () => {
    const dir = makeTree();
    script(dir);
    // Meanwhile a file appeared where one photo is going, and one photo vanished.
    writeFileSync(join(dir, `bears/grizzly/${hostile}`), 'someone else');
    rmSync(join(dir, 'bears/black/-rf.jpg'));
    const run = spawnSync('sh', ['../cleanup.sh'], { cwd: join(dir, 'bears'), encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'onsight: skipped black/-rf.jpg: it is not a file here\n' +
        `onsight: skipped black/${hostile}: grizzly/${hostile} already exists\n` +
        'onsight: 2 change(s) skipped\n',
    );
    expect(readFileSync(join(dir, `bears/grizzly/${hostile}`), 'utf8')).toBe('someone else');
    expect(existsSync(join(dir, `bears/black/${hostile}`))).toBe(true);
    expect(existsSync(join(dir, 'bears/grizzly/1 (2).jpg'))).toBe(true);
    expect(existsSync(join(dir, `bears/black/${newline}`))).toBe(false);
  });

  it('without a root, the paths keep the chosen folder name and the script runs beside that folder', () => {
    const dir = makeTree();
    const plan = planChanges(new Map([['bears/teddy/2.jpg', DELETE]]), { existing: [] });
    const text = planToShellScript(plan);
    expect(text).toContain('# Run it with sh inside the folder that the paths below start from.\n');
    writeFileSync(join(dir, 'cleanup.sh'), text);
    const inside = spawnSync('sh', ['../cleanup.sh'], { cwd: join(dir, 'bears'), encoding: 'utf8' });
    expect(inside.status).toBe(1);
    expect(inside.stderr).toContain('run this script inside the folder that its paths start from');
    const beside = spawnSync('sh', ['cleanup.sh'], { cwd: dir, encoding: 'utf8' });
    expect([beside.status, beside.stdout]).toEqual([0, 'onsight: 0 moved, 1 deleted\n']);
    expect(existsSync(join(dir, 'bears/teddy/2.jpg'))).toBe(false);
  });

  it('an empty plan is a script that does nothing', () => {
    const text = planToShellScript({ operations: [], folders: [], problems: [], kept: 0 });
    const dir = mkdtempSync(join(temp, 'empty-'));
    writeFileSync(join(dir, 'cleanup.sh'), text);
    const run = spawnSync('sh', ['cleanup.sh'], { cwd: dir, encoding: 'utf8' });
    expect([run.status, run.stdout]).toEqual([0, 'onsight: 0 moved, 0 deleted\n']);
  });
});
