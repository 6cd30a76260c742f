/**
 * Decoded pixels → the model's input tensor in one pass, for one model input.
 *
 * The horizontal filter pass reads the photo (upright, in the model's geometry, see ./resize.ts); the vertical pass
 * writes each value straight into the tensor, normalised, in the model's layout, channel order and dtype — no RGB image
 * in between, no per-pixel closures or allocations. The filter plan and every buffer are kept between photos: the
 * plan while photos keep the same size, the intermediate rows always, and tensor buffers through a small pool (a
 * buffer goes back with {@link Preprocessor.release} once `session.run` is done with it, so overlapping calls never
 * share one).
 *
 * Equal value for value to `toTensor(resizeImage(pixels))` (./to-tensor.ts, ./resize.ts), the reference the unit
 * tests hold it to: each step rounds to float32 where the reference stores a Float32Array.
 */
import type { InputSpec } from '../model/spec';
import { sourceView } from './pixel-source';
import { fullSizeOf, horizontalPass, type PixelBuffer, planResize, type ResizePlan } from './resize';
import { float32ToFloat16Bits, type TensorData } from './to-tensor';

const f32 = Math.fround;

/** Luma as the reference's toLuma computes it (ITU-R 601), from float32 R, G, B. */
const luma = (r: number, g: number, b: number) => f32(0.299 * r + 0.587 * g + 0.114 * b);

export class Preprocessor {
  private readonly input: InputSpec;
  private readonly gray: boolean;
  private readonly channels: number;
  /** Per output channel c: value = v · scale[c] + offset[c] (float dtypes). */
  private readonly scale = new Float64Array(3);
  private readonly offset = new Float64Array(3);
  private plan: ResizePlan | undefined;
  private planKey = '';
  private mid = new Float32Array(0);
  private readonly free: TensorData[] = [];

  constructor(input: InputSpec) {
    this.input = input;
    this.gray = input.channels === 1;
    this.channels = this.gray ? 1 : 3;
    if (input.dtype !== 'uint8') {
      for (let c = 0; c < this.channels; c++) {
        const std = input.std[c] as number;
        if (!(std !== 0 && Number.isFinite(std))) throw new RangeError(`std[${c}] must be a non-zero number`);
        // (p · scale − mean) / std = p · a + b
        this.scale[c] = input.scale / std;
        this.offset[c] = -(input.mean[c] as number) / std;
      }
    }
  }

  /** The tensor for `pixels`. Hand it back with {@link release} once the session has run on it. */
  run(pixels: PixelBuffer): TensorData {
    const view = sourceView(pixels);
    const full = fullSizeOf(pixels, view);
    const key = `${view.width}x${view.height}/${full.width}x${full.height}`;
    if (!this.plan || key !== this.planKey) {
      this.plan = planResize(view.width, view.height, full.width, full.height, this.input);
      this.planKey = key;
    }
    const plan = this.plan;
    const midLength = plan.rows * plan.geometry.windowWidth * 3;
    if (this.mid.length < midLength) this.mid = new Float32Array(midLength);
    horizontalPass(view, plan, this.mid);
    const tensor = this.take();
    if (this.input.resize === 'pad') this.fillPad(tensor);
    this.verticalPass(plan, tensor);
    return tensor;
  }

  /** Returns a tensor from {@link run} to the pool. */
  release(tensor: TensorData): void {
    if (this.free.length < 2) this.free.push(tensor);
  }

  private take(): TensorData {
    const pooled = this.free.pop();
    if (pooled) return pooled;
    const { width, height, layout, dtype } = this.input;
    const ch = this.channels;
    const size = width * height * ch;
    const dims = layout === 'nchw' ? [1, ch, height, width] : [1, height, width, ch];
    if (dtype === 'uint8') return { type: 'uint8', data: new Uint8Array(size), dims };
    if (dtype === 'float16') return { type: 'float16', data: new Uint16Array(size), dims };
    return { type: 'float32', data: new Float32Array(size), dims };
  }

  /** One output value from a float32 pixel value `v` of output channel `c`. */
  private encode(v: number, c: number): number {
    switch (this.input.dtype) {
      case 'uint8':
        return Math.min(255, Math.max(0, Math.round(v)));
      case 'float16':
        return float32ToFloat16Bits(v * (this.scale[c] as number) + (this.offset[c] as number));
      default:
        return v * (this.scale[c] as number) + (this.offset[c] as number);
    }
  }

  /** Every value the photo does not cover gets the pad colour (written first; the photo's window overwrites). */
  private fillPad(tensor: TensorData): void {
    const [pr, pg, pb] = (this.input.padColor ?? [0, 0, 0]).map(f32) as [number, number, number];
    const bgr = this.input.channelOrder === 'bgr';
    const src = this.gray ? [luma(pr, pg, pb)] : bgr ? [pb, pg, pr] : [pr, pg, pb];
    const ch = this.channels;
    const plane = this.input.width * this.input.height;
    const nchw = this.input.layout === 'nchw';
    for (let c = 0; c < ch; c++) {
      const value = this.encode(src[c] as number, c);
      if (nchw) tensor.data.fill(value, c * plane, (c + 1) * plane);
      else for (let i = c; i < plane * ch; i += ch) tensor.data[i] = value;
    }
  }

  /** The vertical filter pass, each value clamped, normalised and stored at its place in the tensor. */
  private verticalPass(plan: ResizePlan, tensor: TensorData): void {
    const { first, taps, weights, maxTaps, count } = plan.yWeights;
    const g = plan.geometry;
    const mid = this.mid;
    const out = tensor.data;
    const outW = this.input.width;
    const plane = outW * this.input.height;
    const nchw = this.input.layout === 'nchw';
    const ch = this.channels;
    const bgr = this.input.channelOrder === 'bgr';
    const gray = this.gray;
    const dtype = this.input.dtype;
    const a0 = this.scale[0] as number;
    const a1 = this.scale[1] as number;
    const a2 = this.scale[2] as number;
    const b0 = this.offset[0] as number;
    const b1 = this.offset[1] as number;
    const b2 = this.offset[2] as number;
    // Where output channel 1 and 2 of pixel i go, relative to channel 0 (NCHW: a plane further; NHWC: next value).
    const step = nchw ? plane : 1;
    const stride = g.windowWidth * 3;
    for (let y = 0; y < count; y++) {
      const n = taps[y] as number;
      const wBase = y * maxTaps;
      const r0 = ((first[y] as number) - plan.rowLo) * stride;
      let pixel = (g.offsetY + y) * outW + g.offsetX;
      for (let x = 0; x < g.windowWidth; x++, pixel++) {
        let r = 0;
        let gr = 0;
        let b = 0;
        let p = r0 + x * 3;
        for (let t = 0; t < n; t++) {
          const w = weights[wBase + t] as number;
          r += w * (mid[p] as number);
          gr += w * (mid[p + 1] as number);
          b += w * (mid[p + 2] as number);
          p += stride;
        }
        r = f32(Math.min(255, Math.max(0, r)));
        gr = f32(Math.min(255, Math.max(0, gr)));
        b = f32(Math.min(255, Math.max(0, b)));
        const o = nchw ? pixel : pixel * ch;
        if (gray) {
          const l = luma(r, gr, b);
          out[o] = dtype === 'uint8' ? Math.round(l) : this.encode(l, 0);
          continue;
        }
        const v0 = bgr ? b : r;
        const v2 = bgr ? r : b;
        if (dtype === 'float32') {
          out[o] = v0 * a0 + b0;
          out[o + step] = gr * a1 + b1;
          out[o + 2 * step] = v2 * a2 + b2;
        } else if (dtype === 'uint8') {
          out[o] = Math.round(v0);
          out[o + step] = Math.round(gr);
          out[o + 2 * step] = Math.round(v2);
        } else {
          out[o] = this.encode(v0, 0);
          out[o + step] = this.encode(gr, 1);
          out[o + 2 * step] = this.encode(v2, 2);
        }
      }
    }
  }
}
