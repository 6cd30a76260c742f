/**
 * The TF.js layers converter must run in the browser and in workers (issue #11), not only in Node: everything
 * src/convert/tfjs-layers/index.ts pulls in stays inside src/, imports no package but onnx-proto, and uses no
 * Node-only global. Read from the sources, so a stray `node:fs` import fails here rather than in a browser build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(root, 'src', 'convert', 'tfjs-layers', 'index.ts');
const ALLOWED_PACKAGES = new Set(['onnx-proto']);
const NODE_ONLY = /\b(Buffer|process|require|__dirname|__filename|global)\b\s*[.(]/;

/** Import/export specifiers of one TypeScript file (static and dynamic, type-only ones included). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g))
    found.push(m[1] as string);
  for (const m of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] as string);
  for (const m of source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push(m[1] as string);
  return found;
}

function resolveLocal(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  throw new Error(`${relative(root, from)}: cannot resolve "${spec}"`);
}

/** Every source file the entry reaches, and the packages they import. */
function closure(start: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolveLocal(file, spec));
      else packages.add(spec);
    }
  }
  return { files: [...files].map((f) => relative(root, f)).sort(), packages: [...packages].sort() };
}

describe('the TF.js layers converter is browser-safe', () => {
  const { files, packages } = closure(entry);

  it('reaches the layer families, the writer and nothing outside src/', () => {
    expect(files).toContain('src/onnx/write-onnx.ts');
    expect(files).toContain('src/convert/tfjs-layers/layers/convolutional.ts');
    expect(files.filter((f) => !f.startsWith('src/'))).toEqual([]);
  });

  it('imports no package but onnx-proto (no node: built-ins)', () => {
    expect(packages.filter((p) => !ALLOWED_PACKAGES.has(p))).toEqual([]);
  });

  it('uses no Node-only global', () => {
    const offenders = files.filter((f) => NODE_ONLY.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('would notice one (the checks themselves work)', () => {
    expect(specifiers("import { readFileSync } from 'node:fs';\nimport type { X } from './x';")).toEqual([
      'node:fs',
      './x',
    ]);
    expect(specifiers("const vm = await import('node:vm');")).toEqual(['node:vm']);
    expect(NODE_ONLY.test('const b = Buffer.from(s, "base64");')).toBe(true);
    expect(NODE_ONLY.test('if (process.env.CI) {}')).toBe(true);
    expect(NODE_ONLY.test('// a weight buffer of bytes')).toBe(false);
  });
});
