/**
 * What a TypeScript entry pulls in, read from the sources: every local file it reaches and the packages they import.
 * For tests that keep worker/browser code free of Node (a stray `node:fs` import fails in Node, not in a browser build).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from './shared-data';

/** Node-only globals used as values (`Buffer.from(`, `process.env`...). */
export const NODE_ONLY_GLOBAL = /\b(Buffer|process|require|__dirname|__filename|global)\b\s*[.(]/;

/** Import/export specifiers of one TypeScript file (static and dynamic, type-only ones included). */
export function importSpecifiers(source: string): string[] {
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
  throw new Error(`${relative(repoRoot, from)}: cannot resolve "${spec}"`);
}

/** Every source file the entry reaches (paths relative to the repository) and the packages they import. */
export function sourceClosure(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [resolve(repoRoot, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolveLocal(file, spec));
      else packages.add(spec);
    }
  }
  return { files: [...files].map((f) => relative(repoRoot, f)).sort(), packages: [...packages].sort() };
}
