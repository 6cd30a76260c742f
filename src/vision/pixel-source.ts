/**
 * Decoded pixels as the resize reads them: any 8-bit RGB(A/X) or BGR(A/X) buffer, with a row stride, stored in any of
 * the eight EXIF orientations, possibly shrunk by the decoder. {@link sourceView} turns that into "upright pixel
 * (x, y) is at data[origin + x·dx + y·dy]", so the resize turns the photo upright and picks its channels while it
 * reads, without a copy. Pure and DOM-free.
 */

/**
 * EXIF orientation: how the stored pixels must be turned to show the photo upright. 1 upright, 2 mirrored, 3 turned
 * 180°, 4 mirrored top to bottom, 5 transposed, 6 turned 90° clockwise, 7 transversed, 8 turned 90° anticlockwise.
 */
export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** An 8-bit image: `channels` values per pixel (4 = RGBA/RGBX, 3 = RGB), row-major. */
export interface PixelBuffer {
  data: Uint8Array | Uint8ClampedArray;
  /** Size of the pixels as stored in `data` (before `orientation` is applied). */
  width: number;
  height: number;
  /** Values per pixel; derived from data.length when absent. */
  channels?: 3 | 4;
  /** Values from one row to the next; default width × channels (a VideoFrame's rows may be padded). */
  rowStride?: number;
  /** 'bgr' when each pixel is stored blue first (BGRA / BGRX, a VideoFrame's usual format); default 'rgb'. */
  colorOrder?: 'rgb' | 'bgr';
  /** How `data` must be turned to be upright (default 1: it is upright already). */
  orientation?: ExifOrientation;
  /**
   * The upright photo's own size when `data` holds it shrunk by the decoder. The framing (crop window, padding) is
   * computed from this size and the filter maps it onto the pixels, so a shrunk decode frames the photo exactly as the
   * full-size one does. Absent: the upright size of `data` is the photo's own size.
   */
  fullWidth?: number;
  fullHeight?: number;
}

/** Upright pixel (x, y), channel red, is `data[origin + x·dx + y·dy + red]`; likewise green and blue. */
export interface SourceView {
  data: Uint8Array | Uint8ClampedArray;
  /** Upright size of the pixels in `data`. */
  width: number;
  height: number;
  origin: number;
  dx: number;
  dy: number;
  red: number;
  green: number;
  blue: number;
}

export function channelsOf(image: PixelBuffer): 3 | 4 {
  if (image.channels) return image.channels;
  const n = image.width * image.height;
  if (image.data.length === n * 4) return 4;
  if (image.data.length === n * 3) return 3;
  throw new RangeError(
    `pixel buffer of ${image.data.length} bytes is neither RGB nor RGBA for ${image.width}×${image.height}`,
  );
}

/** Whether the orientation swaps width and height (the quarter turns and the two diagonal mirrors). */
export function swapsAxes(orientation: ExifOrientation): boolean {
  return orientation >= 5;
}

/** The photo's own upright size: what the user sees, whatever size and orientation the pixels are stored in. */
export function photoSize(image: PixelBuffer): { width: number; height: number } {
  const swap = swapsAxes(image.orientation ?? 1);
  return {
    width: image.fullWidth ?? (swap ? image.height : image.width),
    height: image.fullHeight ?? (swap ? image.width : image.height),
  };
}

/** How to read `image` upright. Checks that `data` holds every pixel the view can reach. */
export function sourceView(image: PixelBuffer): SourceView {
  const { width: w, height: h, data } = image;
  if (!(w > 0 && h > 0)) throw new RangeError(`empty image ${w}×${h}`);
  const c = image.rowStride === undefined ? channelsOf(image) : (image.channels ?? 4);
  const s = image.rowStride ?? w * c;
  if (s < w * c || (h - 1) * s + w * c > data.length) {
    throw new RangeError(`pixel buffer of ${data.length} bytes is too small for ${w}×${h} with row stride ${s}`);
  }
  const last = (h - 1) * s;
  const right = (w - 1) * c;
  // [origin, dx, dy]: where upright (0, 0) is, and the steps to its right and downwards (see ExifOrientation).
  const steps: Record<ExifOrientation, [number, number, number]> = {
    1: [0, c, s],
    2: [right, -c, s],
    3: [last + right, -c, -s],
    4: [last, c, -s],
    5: [0, s, c],
    6: [last, -s, c],
    7: [last + right, -s, -c],
    8: [right, s, -c],
  };
  const orientation = image.orientation ?? 1;
  const step = steps[orientation];
  if (!step) throw new RangeError(`unknown orientation ${String(orientation)}`);
  const [origin, dx, dy] = step;
  const bgr = image.colorOrder === 'bgr';
  const swap = swapsAxes(orientation);
  return {
    data,
    width: swap ? h : w,
    height: swap ? w : h,
    origin,
    dx,
    dy,
    red: bgr ? 2 : 0,
    green: 1,
    blue: bgr ? 0 : 2,
  };
}
