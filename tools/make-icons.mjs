#!/usr/bin/env node
/**
 * Renders the PWA icons in public/icons/ from their SVG sources with sharp.
 *
 * The PNGs are committed (they are small and change only when the SVGs do), so a build needs no image tooling.
 * Run after editing an SVG: node tools/make-icons.mjs
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

/** [source svg, output png, size]. apple-touch-icon must be opaque: iOS fills transparency with black. */
const outputs = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['maskable.svg', 'maskable-512.png', 512],
  ['maskable.svg', 'maskable-192.png', 192],
  ['maskable.svg', 'apple-touch-icon.png', 180],
];

for (const [source, output, size] of outputs) {
  const svg = await readFile(join(dir, source));
  const info = await sharp(svg, { density: Math.ceil((72 * size) / 512) * 2 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: false })
    .toFile(join(dir, output));
  console.log(`icons: ${output} ${info.width}x${info.height} ${info.size} bytes`);
}
