/**
 * The training core runs in the inference worker: everything src/train/index.ts reaches stays in src/, imports no
 * package but onnx-proto and protobufjs (no node: built-ins), and uses no Node-only global.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared-data';
import { NODE_ONLY_GLOBAL, sourceClosure } from '../helpers/source-closure';

describe('src/train is worker-safe', () => {
  const { files, packages } = sourceClosure('src/train/index.ts');

  it('reaches the trainer, the cut and the export, and nothing outside src/', () => {
    expect(files).toEqual(
      expect.arrayContaining(['src/train/head-trainer.ts', 'src/train/backbone-cut.ts', 'src/onnx/onnx-fields.ts']),
    );
    expect(files.filter((f) => !f.startsWith('src/'))).toEqual([]);
  });

  it('imports only onnx-proto and protobufjs', () => {
    expect(packages.filter((p) => p !== 'onnx-proto' && p !== 'protobufjs/minimal.js')).toEqual([]);
  });

  it('uses no Node-only global (and the check notices one)', () => {
    expect(files.filter((f) => NODE_ONLY_GLOBAL.test(readFileSync(join(repoRoot, f), 'utf8')))).toEqual([]);
    expect(NODE_ONLY_GLOBAL.test('const b = Buffer.from(s, "base64");')).toBe(true);
  });
});
