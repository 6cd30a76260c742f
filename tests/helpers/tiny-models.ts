/**
 * Tiny ONNX image classifiers built in memory with onnx-proto, for tests of every input/output convention.
 *
 * Graph: image → [Cast to float] → ReduceMean over H and W (per-channel mean) → MatMul W [C,K] → Add B [K]
 *        → [Softmax] → [QuantizeLinear to uint8]. So for an input whose channel c averages m_c, the logits are
 *        z_k = Σ_c m_c·W[c][k] + B[k]: easy to compute by hand, and sensitive to the layout (a wrong layout averages
 *        the wrong numbers).
 *
 * Reusable by the inference tests: `buildTinyClassifier(options)` returns the model bytes and `expected(pixels)`,
 * an independent plain-JS reference of what the model outputs.
 */
import { createRequire } from 'node:module';

type OnnxProto = typeof import('onnx-proto');
/** onnx-proto's generated classes (CommonJS, loaded with require so both Node and Vitest see the same object). */
export const { onnx } = createRequire(import.meta.url)('onnx-proto') as OnnxProto;

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

export type Dim = number | string;
export type TinyOutput = 'logits' | 'probabilities' | 'uint8' | 'sigmoid';

export interface TinyModelOptions {
  layout?: 'nchw' | 'nhwc';
  inputType?: 'float32' | 'uint8' | 'float16';
  /** Batch, height and width dims; strings are symbolic (dynamic). */
  batch?: Dim;
  height?: Dim;
  width?: Dim;
  /** Colour channels (default 3). */
  channels?: number;
  /** Classes K (ignored for `sigmoid`, which has one output). Default 3. */
  classes?: number;
  output?: TinyOutput;
  /** Weights W[c][k]; default a fixed pattern. */
  weights?: number[][];
  bias?: number[];
  /** uint8 output quantisation (default scale 1/256, zero point 0). */
  quantization?: { scale: number; zeroPoint: number };
  metadata?: Record<string, string>;
  inputName?: string;
  outputName?: string;
  /** Override the whole input shape (for malformed models). */
  inputShape?: Dim[];
  /** Extra graph inputs (for malformed models). */
  extraInputs?: { name: string; type: 'float32' | 'uint8'; shape: Dim[] }[];
  /** Reshape the output to this shape (for malformed models). */
  outputShape?: number[];
  irVersion?: number;
  opset?: number;
}

export interface TinyModel {
  bytes: Uint8Array;
  options: Required<Pick<TinyModelOptions, 'layout' | 'inputType' | 'channels' | 'classes' | 'output'>>;
  weights: number[][];
  bias: number[];
  /** The model's output for a given input (pixel values in the tensor's own layout and shape). */
  expected(pixels: ArrayLike<number>, shape: readonly number[]): number[];
}

const TYPE_CODE = { float32: T.FLOAT, uint8: T.UINT8, float16: T.FLOAT16 } as const;

function valueInfo(name: string, elemType: number, shape: readonly Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function floatTensor(name: string, dims: number[], values: number[]) {
  return { name, dataType: T.FLOAT, dims, floatData: values };
}

export function buildTinyClassifier(o: TinyModelOptions = {}): TinyModel {
  const layout = o.layout ?? 'nchw';
  const inputType = o.inputType ?? 'float32';
  const channels = o.channels ?? 3;
  const output = o.output ?? 'logits';
  const classes = output === 'sigmoid' ? 1 : (o.classes ?? 3);
  const batch = o.batch ?? 1;
  const height = o.height ?? 4;
  const width = o.width ?? 4;
  const weights =
    o.weights ??
    Array.from({ length: channels }, (_, c) =>
      Array.from({ length: classes }, (_, k) => ((c + 1) * ((k % 5) + 1)) / 10 - 0.2 * (k % 3)),
    );
  const bias = o.bias ?? Array.from({ length: classes }, (_, k) => (k % 7) * 0.05 - 0.1);
  const quant = o.quantization ?? { scale: 1 / 256, zeroPoint: 0 };
  const inputName = o.inputName ?? 'image';
  const outputName = o.outputName ?? 'scores';
  const inputShape =
    o.inputShape ?? (layout === 'nchw' ? [batch, channels, height, width] : [batch, height, width, channels]);

  const nodes: object[] = [];
  const inits: object[] = [];
  let x = inputName;
  if (inputType !== 'float32') {
    nodes.push({
      opType: 'Cast',
      input: [x],
      output: ['as_float'],
      attribute: [{ name: 'to', type: A.INT, i: T.FLOAT }],
    });
    x = 'as_float';
  }
  const axes = layout === 'nchw' ? [2, 3] : [1, 2];
  nodes.push({
    opType: 'ReduceMean',
    input: [x],
    output: ['pooled'],
    attribute: [
      { name: 'axes', type: A.INTS, ints: axes },
      { name: 'keepdims', type: A.INT, i: 0 },
    ],
  });
  inits.push(floatTensor('W', [channels, classes], weights.flat()));
  inits.push(floatTensor('B', [classes], bias));
  nodes.push({ opType: 'MatMul', input: ['pooled', 'W'], output: ['mm'] });
  nodes.push({ opType: 'Add', input: ['mm', 'B'], output: ['logits'] });
  let y = 'logits';
  let outType: number = T.FLOAT;
  if (output === 'probabilities' || output === 'uint8') {
    nodes.push({ opType: 'Softmax', input: [y], output: ['probs'], attribute: [{ name: 'axis', type: A.INT, i: -1 }] });
    y = 'probs';
  }
  if (output === 'uint8') {
    inits.push(floatTensor('q_scale', [], [quant.scale]));
    inits.push({ name: 'q_zero', dataType: T.UINT8, dims: [], int32Data: [quant.zeroPoint] });
    nodes.push({ opType: 'QuantizeLinear', input: [y, 'q_scale', 'q_zero'], output: ['quantized'] });
    y = 'quantized';
    outType = T.UINT8;
  }
  let outShape: Dim[] = [batch, classes];
  if (o.outputShape) {
    inits.push({ name: 'out_shape', dataType: T.INT64, dims: [o.outputShape.length], int64Data: o.outputShape });
    nodes.push({ opType: 'Reshape', input: [y, 'out_shape'], output: ['reshaped'] });
    y = 'reshaped';
    outShape = o.outputShape;
  }
  nodes.push({ opType: 'Identity', input: [y], output: [outputName] });

  const graph = {
    name: 'tiny',
    node: nodes,
    initializer: inits,
    input: [
      valueInfo(inputName, TYPE_CODE[inputType], inputShape),
      ...(o.extraInputs ?? []).map((e) => valueInfo(e.name, TYPE_CODE[e.type], e.shape)),
    ],
    output: [valueInfo(outputName, outType, outShape)],
  };
  const model = onnx.ModelProto.create({
    irVersion: o.irVersion ?? 8,
    producerName: 'onsight-tests',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: o.opset ?? 13 }],
    graph,
    metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  const bytes = onnx.ModelProto.encode(model).finish();

  const expected = (pixels: ArrayLike<number>, shape: readonly number[]): number[] => {
    const [, d1 = 0, d2 = 0, d3 = 0] = shape;
    const [C, H, W] = layout === 'nchw' ? [d1, d2, d3] : [d3, d1, d2];
    const at = (c: number, h: number, w: number) =>
      Number(pixels[layout === 'nchw' ? (c * H + h) * W + w : (h * W + w) * C + c]);
    const means = Array.from({ length: C }, (_, c) => {
      let s = 0;
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) s += at(c, h, w);
      return s / (H * W);
    });
    const z = Array.from({ length: classes }, (_, k) =>
      means.reduce((s, m, c) => s + m * (weights[c]?.[k] ?? 0), bias[k] ?? 0),
    );
    if (output === 'logits' || output === 'sigmoid') return z;
    const mx = Math.max(...z);
    const e = z.map((v) => Math.exp(v - mx));
    const sum = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / sum);
    if (output === 'probabilities') return p;
    // QuantizeLinear: saturate(round_half_to_even(x / scale) + zero_point)
    return p.map((v) => Math.min(255, Math.max(0, roundHalfEven(v / quant.scale) + quant.zeroPoint)));
  };
  return { bytes, options: { layout, inputType, channels, classes, output }, weights, bias, expected };
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Numbers → IEEE half-precision bits (round half to even), for float16 input tensors (ORT-web takes a Uint16Array). */
export function toFloat16Bits(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
    const a = Math.abs(v);
    if (Number.isNaN(v)) out[i] = 0x7e00;
    else if (a >= 65520) out[i] = sign | 0x7c00;
    else if (a < 2 ** -14) out[i] = sign | roundHalfEven(a / 2 ** -24);
    else {
      let e = Math.floor(Math.log2(a));
      let m = roundHalfEven((a / 2 ** e - 1) * 1024);
      if (m === 1024) {
        m = 0;
        e += 1;
      }
      out[i] = sign | ((e + 15) << 10) | m;
    }
  }
  return out;
}

/** A tensor of the given shape whose value at each element is `f(c, h, w)`, laid out as `layout`. */
export function makeImage(
  layout: 'nchw' | 'nhwc',
  C: number,
  H: number,
  W: number,
  f: (c: number, h: number, w: number) => number,
): { data: number[]; shape: number[] } {
  const data: number[] = new Array(C * H * W);
  for (let c = 0; c < C; c++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++) data[layout === 'nchw' ? (c * H + h) * W + w : (h * W + w) * C + c] = f(c, h, w);
  return { data, shape: layout === 'nchw' ? [1, C, H, W] : [1, H, W, C] };
}
