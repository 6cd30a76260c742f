/**
 * What OnSight needs to know to run an image classifier: how to turn pixels into the model's input tensor and how
 * to read its output. Preprocessing is data, never code: every model (the embedded default, a user's ONNX file, a
 * deployment's models) is described by one of these.
 *
 * A spec is stored inside an ONNX file's `metadata_props` under {@link SPEC_METADATA_KEY} as JSON, written by
 * `tools/` (the default-model converter and `npm run model:add`) and read back by `src/model/`.
 */

/** `metadata_props` key holding the JSON-encoded {@link ModelSpec}. */
export const SPEC_METADATA_KEY = 'onsight.spec';
/** Current version of the JSON format; bump when a field changes meaning. */
export const SPEC_FORMAT_VERSION = 1;

/** Memory order of the input tensor: channels first (PyTorch) or channels last (TensorFlow/Keras). */
export type Layout = 'nchw' | 'nhwc';
/** Element type of the input tensor. uint8 models take raw 0..255 pixels (mean/std/scale are ignored). */
export type InputDType = 'float32' | 'float16' | 'uint8';
/** Every {@link InputDType}: the input element types OnSight can feed (ORT-web type names). */
export const INPUT_DTYPES: readonly InputDType[] = ['float32', 'float16', 'uint8'];
/**
 * How a photo of any aspect ratio becomes width×height:
 * - `squish`: resize the whole photo to exactly width×height (aspect ratio not kept);
 * - `crop`: resize so the shorter side is `size / cropFraction`, then take the centre width×height;
 * - `pad`: resize so the longer side fits, then pad the rest with `padColor`.
 */
export type ResizePolicy = 'squish' | 'crop' | 'pad';
/** Interpolation used when resizing. */
export type Resample = 'bilinear' | 'bicubic' | 'nearest';
/**
 * What the output vector holds:
 * - `logits`: raw scores, softmax is applied;
 * - `probabilities`: already a distribution, used as is;
 * - `sigmoid`: one logit for a two-class model (labels[1] is the positive class);
 * - `auto`: decide from the values (a vector of non-negative numbers summing to 1 is a distribution).
 */
export type OutputKind = 'logits' | 'probabilities' | 'sigmoid' | 'auto';

export interface InputSpec {
  /** ONNX input name; when absent, the model's first input is used. */
  name?: string;
  layout: Layout;
  dtype: InputDType;
  width: number;
  height: number;
  resize: ResizePolicy;
  /** For `crop`: fraction of the resized shorter side that the crop keeps (0.875 → resize to 256 for a 224 crop). */
  cropFraction?: number;
  resample: Resample;
  /** TF's `align_corners=True` sampling grid (nsfwjs uses it); false means half-pixel centres (PIL, PyTorch). */
  alignCorners: boolean;
  /** Low-pass the photo when shrinking (as PIL / torchvision antialias=True do); false samples the source directly. */
  antialias: boolean;
  /** RGB colour of the padding for `pad`, 0..255. */
  padColor?: [number, number, number];
  /** Channel order the model expects. */
  channelOrder: 'rgb' | 'bgr';
  /**
   * Colour channels the input tensor has: 3 (colour, the default when absent) or 1 (grayscale: one luma channel,
   * 0.299 R + 0.587 G + 0.114 B; mean[0]/std[0] apply). Optional, added for grayscale models (e.g. [N,1,H,W]).
   */
  channels?: 1 | 3;
  /** Pixels (0..255) are multiplied by this first, e.g. 1/255. Ignored for uint8 input. */
  scale: number;
  /** Per-channel mean subtracted after scaling, in channelOrder. Ignored for uint8 input. */
  mean: [number, number, number];
  /** Per-channel std divided by after subtracting the mean, in channelOrder. Ignored for uint8 input. */
  std: [number, number, number];
}

export interface OutputSpec {
  /** ONNX output name; when absent, the model's first output is used. */
  name?: string;
  kind: OutputKind;
  /** The output has one more class than there are labels, at index 0 (TF-slim's 1001-class "background"). */
  backgroundClass?: boolean;
  /** Dequantisation of a uint8 output: value = (q - zeroPoint) * scale. */
  quantization?: { scale: number; zeroPoint: number };
}

/** `source.license` of a model whose maker states no licence (a Teachable Machine export, a converted TF.js model). */
export const LICENSE_NOT_STATED = 'not stated';

export interface ModelSource {
  /** Where the weights come from, e.g. "nsfwjs". */
  name: string;
  /** npm package or upstream project, with version. */
  package?: string;
  version?: string;
  /** SPDX licence identifier, e.g. "MIT". */
  license: string;
  url?: string;
  /** Free text: authors, paper, how the file was made. */
  notes?: string;
}

export interface ModelSpec {
  /** Format version of this JSON ({@link SPEC_FORMAT_VERSION}). */
  format: number;
  /** Stable identifier, used in URLs (`?model=`) and storage. */
  id: string;
  /** Human-readable name. */
  name: string;
  /**
   * One or two sentences for a newcomer: what the model is for and what it is not for. Optional, added for the
   * first-screen introduction (src/ui/ModelIntro.tsx).
   */
  description?: string;
  /** Who made the model (a person, team or organisation), shown beside its name. Optional, added with `description`. */
  author?: string;
  /** Class names in output order (without the background class, if any). */
  labels: string[];
  input: InputSpec;
  output: OutputSpec;
  source?: ModelSource;
}
