/**
 * Photo → model geometry: squish / centre-crop / pad, with bilinear, bicubic or nearest resampling.
 *
 * Pure and DOM-free, so the browser worker and the Node pipeline run exactly the same code.
 *
 * Conventions (documented because every framework picks differently):
 * - Input is 8-bit RGB(A) or BGR(A/X) in any EXIF orientation (./pixel-source.ts), turned upright while it is read.
 *   Alpha is ignored.
 * - Output is RGB as `Float32Array`, values 0..255 (clamped, not rounded), row-major, 3 values per pixel.
 * - Resampling is separable: a horizontal pass over the source rows the output needs, then a vertical pass, each
 *   with weights precomputed once per output column / row (PIL's `ImagingResample` scheme, kept in floating point).
 * - `alignCorners: false` uses half-pixel centres: output pixel i samples source coordinate (i + 0.5) · in/out − 0.5
 *   (PIL, torchvision, TF2 `half_pixel_centers`). `alignCorners: true` uses TF1's grid: i · (in − 1)/(out − 1), so the
 *   corner pixels map onto each other (nsfwjs / `tf.image.resizeBilinear(…, alignCorners = true)`).
 * - `antialias: true`: when shrinking by a factor s > 1 the filter's support is widened by s (PIL, torchvision
 *   `antialias=True`), so every source pixel contributes; when enlarging it changes nothing. `antialias: false`
 *   samples the source directly (TF, torch without antialias), which aliases on large reductions.
 * - Bilinear is the triangle filter (support 1); bicubic is Keys' cubic with a = −0.5 (PIL; torch uses −0.75), support
 *   2. At the borders taps falling outside the image are dropped and the remaining weights renormalised (PIL), which
 *   equals edge clamping for bilinear. Nearest picks floor((i + 0.5) · in/out) (half-pixel) or
 *   round(i · (in − 1)/(out − 1)) (align corners) and never antialiases.
 * - Geometry. `squish`: the whole photo to width×height. `crop`: scale s = max(width/W, height/H) / cropFraction
 *   (shorter side 256 for a 224 crop at 0.875), resized size = round(W·s)×round(H·s), then the centre width×height
 *   window, offset round((resized − target)/2) (torchvision `Resize(256)` + `CenterCrop(224)`); only the window is
 *   computed. `pad`: scale s = min(width/W, height/H), the resized photo round(W·s)×round(H·s) is centred at
 *   floor((target − resized)/2) and the rest filled with `padColor` (default black).
 */
import type { InputSpec } from '../model/spec';
import { type PixelBuffer, type SourceView, sourceView } from './pixel-source';

export type { PixelBuffer } from './pixel-source';
export { channelsOf } from './pixel-source';

/** Resized RGB pixels, 0..255 floats, 3 values per pixel. */
export interface RgbImage {
  data: Float32Array;
  width: number;
  height: number;
}

export type ResizeOptions = Pick<
  InputSpec,
  'width' | 'height' | 'resize' | 'cropFraction' | 'resample' | 'alignCorners' | 'antialias' | 'padColor'
>;

/** Where the resized photo lands: the full resized size, the window of it that is kept, where it goes in the output. */
export interface ResizeGeometry {
  /** Size of the whole photo after scaling (before cropping). */
  scaledWidth: number;
  scaledHeight: number;
  /** Top-left of the kept window in scaled coordinates (crop), 0 otherwise. */
  cropX: number;
  cropY: number;
  /** Size of the kept window = the area of the output covered by the photo. */
  windowWidth: number;
  windowHeight: number;
  /** Top-left of the photo in the output (pad), 0 otherwise. */
  offsetX: number;
  offsetY: number;
}

/** The geometry {@link resizeImage} uses for a photo of srcWidth×srcHeight. */
export function computeGeometry(srcWidth: number, srcHeight: number, options: ResizeOptions): ResizeGeometry {
  const { width, height } = options;
  if (!(srcWidth > 0 && srcHeight > 0)) throw new RangeError(`empty image ${srcWidth}×${srcHeight}`);
  if (!(width > 0 && height > 0)) throw new RangeError(`bad target size ${width}×${height}`);
  switch (options.resize) {
    case 'squish':
      return full(width, height);
    case 'crop': {
      const fraction = options.cropFraction ?? 1;
      if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`cropFraction ${fraction} not in (0, 1]`);
      const s = Math.max(width / srcWidth, height / srcHeight) / fraction;
      // Never smaller than the window (rounding could otherwise leave it 1 pixel short).
      const scaledWidth = Math.max(width, Math.round(srcWidth * s));
      const scaledHeight = Math.max(height, Math.round(srcHeight * s));
      return {
        scaledWidth,
        scaledHeight,
        cropX: Math.round((scaledWidth - width) / 2),
        cropY: Math.round((scaledHeight - height) / 2),
        windowWidth: width,
        windowHeight: height,
        offsetX: 0,
        offsetY: 0,
      };
    }
    case 'pad': {
      const s = Math.min(width / srcWidth, height / srcHeight);
      const scaledWidth = Math.min(width, Math.max(1, Math.round(srcWidth * s)));
      const scaledHeight = Math.min(height, Math.max(1, Math.round(srcHeight * s)));
      return {
        scaledWidth,
        scaledHeight,
        cropX: 0,
        cropY: 0,
        windowWidth: scaledWidth,
        windowHeight: scaledHeight,
        offsetX: Math.floor((width - scaledWidth) / 2),
        offsetY: Math.floor((height - scaledHeight) / 2),
      };
    }
    default:
      throw new RangeError(`unknown resize policy ${String(options.resize)}`);
  }
}

function full(width: number, height: number): ResizeGeometry {
  return {
    scaledWidth: width,
    scaledHeight: height,
    cropX: 0,
    cropY: 0,
    windowWidth: width,
    windowHeight: height,
    offsetX: 0,
    offsetY: 0,
  };
}

/**
 * Precomputed 1-D filter: for output sample j (0..count-1), taps start at `first[j]` and use
 * `weights[j * maxTaps + t]` for t < `taps[j]`.
 */
export interface AxisWeights {
  count: number;
  maxTaps: number;
  first: Int32Array;
  taps: Int32Array;
  weights: Float32Array;
}

function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

function cubic(x: number): number {
  // Keys' cubic convolution, a = -0.5 (PIL's BICUBIC).
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/**
 * Weights to resample an axis of `inSize` samples to `outSize`, keeping outputs `start .. start + count - 1`
 * (the crop window along this axis).
 */
export function axisWeights(
  inSize: number,
  outSize: number,
  start: number,
  count: number,
  resample: ResizeOptions['resample'],
  alignCorners: boolean,
  antialias: boolean,
): AxisWeights {
  const first = new Int32Array(count);
  const taps = new Int32Array(count);
  if (resample === 'nearest') {
    const weights = new Float32Array(count).fill(1);
    for (let j = 0; j < count; j++) {
      const i = start + j;
      const src = alignCorners
        ? outSize > 1
          ? Math.round((i * (inSize - 1)) / (outSize - 1))
          : 0
        : Math.floor(((i + 0.5) * inSize) / outSize);
      first[j] = Math.min(inSize - 1, Math.max(0, src));
      taps[j] = 1;
    }
    return { count, maxTaps: 1, first, taps, weights };
  }
  const filter = resample === 'bicubic' ? cubic : triangle;
  const support = resample === 'bicubic' ? 2 : 1;
  // Distance between output samples in source pixels.
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : inSize / outSize;
  const filterScale = antialias ? Math.max(scale, 1) : 1;
  const radius = support * filterScale;
  const maxTaps = Math.min(inSize, Math.ceil(radius) * 2 + 1);
  const weights = new Float32Array(count * maxTaps);
  const inv = 1 / filterScale;
  for (let j = 0; j < count; j++) {
    const i = start + j;
    // Centre of the output sample in continuous source coordinates where pixel k covers [k, k + 1).
    const centre = alignCorners ? i * scale + 0.5 : (i + 0.5) * scale;
    let lo = Math.max(0, Math.floor(centre - radius + 0.5));
    let hi = Math.min(inSize, Math.floor(centre + radius + 0.5));
    if (hi - lo > maxTaps) hi = lo + maxTaps;
    let sum = 0;
    const base = j * maxTaps;
    let n = 0;
    for (let k = lo; k < hi; k++) {
      const w = filter((k - centre + 0.5) * inv);
      weights[base + n] = w;
      sum += w;
      n++;
    }
    if (sum === 0) {
      // Degenerate (can only happen far outside the image): take the nearest edge pixel.
      lo = Math.min(inSize - 1, Math.max(0, Math.floor(centre)));
      weights[base] = 1;
      n = 1;
      sum = 1;
    } else {
      for (let t = 0; t < n; t++) weights[base + t] = (weights[base + t] as number) / sum;
    }
    // Trim zero-weight taps at both ends so the inner loops do no useless work.
    let s0 = 0;
    while (n > 1 && weights[base + s0] === 0) {
      s0++;
      n--;
    }
    while (n > 1 && weights[base + s0 + n - 1] === 0) n--;
    if (s0 > 0) weights.copyWithin(base, base + s0, base + s0 + n);
    first[j] = lo + s0;
    taps[j] = n;
  }
  return { count, maxTaps, first, taps, weights };
}

/**
 * Everything a resize of one photo size needs before it reads a pixel: where the photo lands and the filter weights
 * of both axes, restricted to the source rows the output needs. Depends only on the sizes, so it can be reused for
 * every photo of the same size.
 */
export interface ResizePlan {
  geometry: ResizeGeometry;
  xWeights: AxisWeights;
  yWeights: AxisWeights;
  /** The source rows the vertical pass reads: rowLo .. rowLo + rows − 1. */
  rowLo: number;
  rows: number;
}

/**
 * The plan for pixels of `width`×`height` (upright) that show a photo of `fullWidth`×`fullHeight` (the same size
 * unless the decoder shrank it): the framing comes from the full size, the weights map it onto the pixels.
 */
export function planResize(
  width: number,
  height: number,
  fullWidth: number,
  fullHeight: number,
  options: ResizeOptions,
): ResizePlan {
  const geometry = computeGeometry(fullWidth, fullHeight, options);
  const { resample, alignCorners, antialias } = options;
  const g = geometry;
  const xWeights = axisWeights(width, g.scaledWidth, g.cropX, g.windowWidth, resample, alignCorners, antialias);
  const yWeights = axisWeights(height, g.scaledHeight, g.cropY, g.windowHeight, resample, alignCorners, antialias);
  let rowLo = height;
  let rowHi = 0;
  for (let j = 0; j < yWeights.count; j++) {
    const f = yWeights.first[j] as number;
    rowLo = Math.min(rowLo, f);
    rowHi = Math.max(rowHi, f + (yWeights.taps[j] as number));
  }
  return { geometry, xWeights, yWeights, rowLo, rows: rowHi - rowLo };
}

/**
 * The horizontal pass: the plan's source rows, each filtered to the window's width, into `mid` as RGB floats
 * (window width × 3 values per row). `mid` must hold rows × windowWidth × 3 values.
 */
export function horizontalPass(view: SourceView, plan: ResizePlan, mid: Float32Array): void {
  const { data: src, origin, dx, dy, red, green, blue } = view;
  const { first, taps, weights, maxTaps } = plan.xWeights;
  const winW = plan.geometry.windowWidth;
  for (let y = 0; y < plan.rows; y++) {
    const rowBase = origin + (plan.rowLo + y) * dy;
    let o = y * winW * 3;
    for (let x = 0; x < winW; x++) {
      let p = rowBase + (first[x] as number) * dx;
      const n = taps[x] as number;
      let wi = x * maxTaps;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < n; t++) {
        const w = weights[wi++] as number;
        r += w * (src[p + red] as number);
        g += w * (src[p + green] as number);
        b += w * (src[p + blue] as number);
        p += dx;
      }
      mid[o++] = r;
      mid[o++] = g;
      mid[o++] = b;
    }
  }
}

/** The upright photo's own size: `fullWidth`×`fullHeight` when the decoder shrank it, else the view's size. */
export function fullSizeOf(image: PixelBuffer, view: SourceView): { width: number; height: number } {
  return { width: image.fullWidth ?? view.width, height: image.fullHeight ?? view.height };
}

/**
 * Resizes `image` to `options.width × options.height` RGB following the spec's geometry and filter: the reference
 * that the tensor preprocessor (./preprocess.ts) equals value for value.
 */
export function resizeImage(image: PixelBuffer, options: ResizeOptions): RgbImage {
  const view = sourceView(image);
  const full = fullSizeOf(image, view);
  const plan = planResize(view.width, view.height, full.width, full.height, options);
  const { width: outW, height: outH } = options;
  const g = plan.geometry;
  const out = new Float32Array(outW * outH * 3);
  if (options.resize === 'pad') {
    const [r, gC, b] = options.padColor ?? [0, 0, 0];
    for (let p = 0; p < out.length; p += 3) {
      out[p] = r;
      out[p + 1] = gC;
      out[p + 2] = b;
    }
  }
  const mid = new Float32Array(plan.rows * g.windowWidth * 3);
  horizontalPass(view, plan, mid);

  // Vertical pass into the output window.
  const { first: yFirst, taps: yTaps, weights: yWeights, maxTaps: yMax } = plan.yWeights;
  const stride = g.windowWidth * 3;
  for (let y = 0; y < plan.yWeights.count; y++) {
    const n = yTaps[y] as number;
    const r0 = (yFirst[y] as number) - plan.rowLo;
    const wBase = y * yMax;
    let o = ((g.offsetY + y) * outW + g.offsetX) * 3;
    for (let c = 0; c < stride; c++) {
      let acc = 0;
      let p = r0 * stride + c;
      for (let t = 0; t < n; t++) {
        acc += (yWeights[wBase + t] as number) * (mid[p] as number);
        p += stride;
      }
      out[o++] = Math.min(255, Math.max(0, acc));
    }
  }
  return { data: out, width: outW, height: outH };
}
