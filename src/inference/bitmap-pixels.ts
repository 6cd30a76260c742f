/**
 * A decoded bitmap's pixels. An opaque one (a JPEG) is copied out of a VideoFrame as it is stored (BGRX on Chromium:
 * one copy, no conversion; the resize reads either channel order); anything else is read back through one 2D canvas
 * that the worker keeps (allocating a canvas and its context for every photo costs about as much as the read itself),
 * which also un-premultiplies transparent pixels the way the Node pipeline sees them.
 */
import type { PixelBuffer } from '../vision/pixel-source';

/** Larger canvases are shrunk after use rather than kept at their size. */
const KEEP_PIXELS = 4_000_000;

let canvas: OffscreenCanvas | undefined;
let context: OffscreenCanvasRenderingContext2D | null = null;

/** Frame formats whose pixels the resize reads directly: four bytes a pixel, red or blue first. */
export const DIRECT_FORMATS: Partial<Record<VideoPixelFormat, 'rgb' | 'bgr'>> = {
  RGBA: 'rgb',
  RGBX: 'rgb',
  BGRA: 'bgr',
  BGRX: 'bgr',
};

/** The pixels of `bitmap`, or undefined when this worker has no 2D canvas. */
export async function readBitmapPixels(bitmap: ImageBitmap, opaque: boolean): Promise<PixelBuffer | undefined> {
  if (opaque && typeof VideoFrame !== 'undefined') {
    const pixels = await copyFromVideoFrame(bitmap).catch(() => undefined);
    if (pixels) return pixels;
  }
  return readCanvasPixels(bitmap);
}

/** The bitmap's pixels as a VideoFrame holds them, or undefined for a format the resize does not read. */
async function copyFromVideoFrame(bitmap: ImageBitmap): Promise<PixelBuffer | undefined> {
  const frame = new VideoFrame(bitmap, { timestamp: 0 });
  try {
    const colorOrder = frame.format ? DIRECT_FORMATS[frame.format] : undefined;
    const rect = frame.visibleRect;
    const width = rect?.width ?? frame.codedWidth;
    const height = rect?.height ?? frame.codedHeight;
    if (!colorOrder || width !== bitmap.width || height !== bitmap.height) return undefined;
    const data = new Uint8ClampedArray(frame.allocationSize());
    const [plane] = await frame.copyTo(data);
    return { data, width, height, channels: 4, rowStride: plane?.stride ?? width * 4, colorOrder };
  } finally {
    frame.close();
  }
}

/** RGBA pixels of `bitmap` read back through the kept canvas, or undefined when this worker has no 2D canvas. */
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
