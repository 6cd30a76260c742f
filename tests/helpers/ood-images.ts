/**
 * Images unlike any photo, for the "unlike the training photos" tests: seeded noise (per pixel and in coarse
 * blocks), flat colours and two-colour gradients, 224×224 RGBA.
 */
import type { PixelBuffer } from '../../src/vision/resize';

const SIZE = 224;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function image(pixel: (x: number, y: number) => [number, number, number]): PixelBuffer {
  const data = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const [r, g, b] = pixel(x, y);
      const o = (y * SIZE + x) * 4;
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = 255;
    }
  return { data, width: SIZE, height: SIZE, channels: 4 };
}

const COLOURS: [number, number, number][] = [
  [0, 0, 0],
  [255, 255, 255],
  [128, 128, 128],
  [220, 30, 30],
  [30, 160, 40],
  [30, 60, 220],
  [240, 220, 40],
  [150, 90, 40],
];

export function syntheticOodImages(): Record<string, PixelBuffer[]> {
  const noise = [1, 2, 3, 4].map((seed) => {
    const random = seeded(seed);
    return image(() => [random() * 256, random() * 256, random() * 256]);
  });
  const blocks = [5, 6, 7, 8].map((seed) => {
    const random = seeded(seed);
    const grid = Array.from({ length: 64 }, () => [random() * 256, random() * 256, random() * 256] as const);
    return image((x, y) => {
      const c = grid[Math.floor(y / 28) * 8 + Math.floor(x / 28)] ?? [0, 0, 0];
      return [c[0], c[1], c[2]];
    });
  });
  const flat = COLOURS.map((c) => image(() => c));
  const gradients = COLOURS.slice(0, 4).map((a, i) => {
    const b = COLOURS[(i + 4) % COLOURS.length] ?? [0, 0, 0];
    return image((x) => {
      const t = x / (SIZE - 1);
      return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];
    });
  });
  return { noise, 'block noise': blocks, 'flat colour': flat, gradient: gradients };
}
