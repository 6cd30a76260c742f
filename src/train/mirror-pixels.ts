/** Flip augmentation's mirror image, apart from embed.ts so the photo-prep worker does not pull in the ONNX graph code. */
import type { PixelBuffer } from '../vision/resize';

/**
 * The photo mirrored left–right as the user sees it (a new, packed buffer; the original is untouched). The stored
 * pixels are flipped along the axis that is upright x: their rows when the EXIF orientation swaps the axes. Colour
 * order, orientation and the full size travel along, and padded rows (a VideoFrame's stride) are read correctly.
 */
export function mirrorPixels(pixels: PixelBuffer): PixelBuffer {
  const { width, height } = pixels;
  const channels = pixels.channels ?? (pixels.data.length / (width * height) === 3 ? 3 : 4);
  const stride = pixels.rowStride ?? width * channels;
  const rowBytes = width * channels;
  const flipRows = (pixels.orientation ?? 1) >= 5;
  const data = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const from = y * stride;
    if (flipRows) {
      data.set(pixels.data.subarray(from, from + rowBytes), (height - 1 - y) * rowBytes);
      continue;
    }
    const row = y * rowBytes;
    for (let x = 0; x < width; x++) {
      const src = from + x * channels;
      const to = row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) data[to + c] = pixels.data[src + c] as number;
    }
  }
  const { colorOrder, orientation, fullWidth, fullHeight } = pixels;
  return { data, width, height, channels, colorOrder, orientation, fullWidth, fullHeight };
}
