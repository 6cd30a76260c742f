import { describe, expect, it } from 'vitest';
import { mirrorPixels } from '../../src/train/embed';
import type { PixelBuffer } from '../../src/vision/resize';

/** A 3×2 RGBA image whose pixel (x, y) holds the value 10·y + x in every channel, rows padded to `stride` bytes. */
function numbered(stride: number, extra: Partial<PixelBuffer> = {}): PixelBuffer {
  const data = new Uint8Array(stride * 2).fill(255);
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 3; x++) data.fill(10 * y + x, y * stride + x * 4, y * stride + x * 4 + 4);
  return { data, width: 3, height: 2, channels: 4, rowStride: stride, ...extra };
}
const valuesOf = (p: PixelBuffer) => Array.from({ length: 6 }, (_, i) => p.data[i * 4]);

describe('mirrorPixels', () => {
  it('flips each stored row, reading padded rows by their stride, and keeps colour order and size', () => {
    const m = mirrorPixels(numbered(16, { colorOrder: 'bgr', fullWidth: 30, fullHeight: 20 }));
    expect(valuesOf(m)).toEqual([2, 1, 0, 12, 11, 10]);
    expect(m).toMatchObject({ width: 3, height: 2, channels: 4, colorOrder: 'bgr', fullWidth: 30, fullHeight: 20 });
    expect(m.rowStride).toBeUndefined();
  });

  it('flips the stored rows when the EXIF orientation swaps the axes (upright x is stored y)', () => {
    const m = mirrorPixels(numbered(12, { orientation: 6 }));
    expect(valuesOf(m)).toEqual([10, 11, 12, 0, 1, 2]);
    expect(m.orientation).toBe(6);
  });
});
