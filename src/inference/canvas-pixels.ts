/**
 * A decoded bitmap's pixels, read back through one 2D canvas that the worker keeps (allocating a canvas and its
 * context for every photo costs about as much as the read itself).
 */
import type { PixelBuffer } from '../vision/pixel-source';

/** Larger canvases are shrunk after use rather than kept at their size. */
const KEEP_PIXELS = 4_000_000;

let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | null = null;

/** RGBA pixels of `bitmap`, or undefined when this worker has no 2D canvas. */
export function readCanvasPixels(bitmap: ImageBitmap): PixelBuffer | undefined {
  const { width, height } = bitmap;
  if (!canvas || !context) {
    canvas = new OffscreenCanvas(width, height);
    // A CPU-backed canvas: every use ends in getImageData.
    context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return undefined;
  } else if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  } else {
    context.clearRect(0, 0, width, height);
  }
  context.drawImage(bitmap, 0, 0);
  const image = context.getImageData(0, 0, width, height);
  // Keep the canvas for the next photo, but not the backing store of a large one.
  if (width * height > KEEP_PIXELS) {
    canvas.width = 1;
    canvas.height = 1;
  }
  return { data: image.data, width, height, channels: 4 };
}
