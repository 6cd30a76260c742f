#!/usr/bin/env node
// @ts-check
/**
 * Plain-Node entry to `tools/model-add.ts` for callers not run under tsx: `node tools/model-add.mjs ...` and
 * `import { main } from './tools/model-add.mjs'` (bench/run.mjs, tests/e2e/byom-deploy.spec.ts). It loads the
 * TypeScript tool through tsx's loader and adds nothing of its own; `npm run model:add` runs the .ts directly.
 * Remove it once those callers use `tsx tools/model-add.ts`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/** @type {typeof import('./model-add.ts')} */
const tool = await tsImport('./model-add.ts', import.meta.url);

export const { main, specFromOptions } = tool;

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  process.exit(await tool.runCommand(process.argv.slice(2)));
}
