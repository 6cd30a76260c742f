/**
 * What a model's declared inputs and outputs say (layout, size, element type, class count), and when they rule the
 * model out: OnSight drives single-image classifiers only. Independent of ORT, so it can be tested without a session;
 * {@link describeSession} turns an ORT session into the {@link ModelIO} this reads.
 */
import { INPUT_DTYPES, type InputDType, type Layout } from './spec';
import { SpecError } from './spec-error';
import type { IOFacts, ModelIO, ValueInfo } from './types';

/** Output element types OnSight can read as scores. */
export const OUTPUT_TYPES = ['float32', 'float16', 'float64', 'uint8'] as const;

type Shape = readonly (number | string)[];

/** A shape for messages: "[N,3,224,224]", with "?" for an unnamed dynamic dimension. */
export const showShape = (shape: Shape): string =>
  `[${shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d ? d : '?')).join(',')}]`;
const fixed = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;
const channelLike = (d: number | string | undefined) => d === 1 || d === 3;
const listValues = (vs: readonly ValueInfo[]) => vs.map((v) => `"${v.name}" ${showShape(v.shape)}`).join(', ');

/**
 * Layout from a 4-D shape: a channel count (1 or 3) at index 1 means NCHW, at index 3 NHWC. When both or neither
 * position holds one, prefer the position holding 3; otherwise it is unknown.
 */
export function layoutFromShape(shape: Shape): Layout | undefined {
  if (shape.length !== 4) return undefined;
  const [, d1, , d3] = shape;
  const c1 = channelLike(d1);
  const c3 = channelLike(d3);
  if (c1 && !c3) return 'nchw';
  if (c3 && !c1) return 'nhwc';
  if (c1 && c3) {
    if (d1 === 3 && d3 !== 3) return 'nchw';
    if (d3 === 3 && d1 !== 3) return 'nhwc';
  }
  return undefined;
}

const isImageLike = (v: ValueInfo) =>
  v.isTensor !== false &&
  v.shape.length === 4 &&
  (channelLike(v.shape[1]) || channelLike(v.shape[3]) || !fixed(v.shape[1]) || !fixed(v.shape[3]));

/** Names from a spec to look for, and the model's name for messages. */
export interface IOHints {
  inputName?: string;
  outputName?: string;
  where?: string;
}

/**
 * Checks that a model's declared inputs/outputs are those of an image classifier OnSight can drive, and reads what
 * they say (layout, size, dtype, class count). Throws a {@link SpecError} saying why otherwise.
 */
export function inspectIO(io: ModelIO, hints: IOHints = {}): IOFacts {
  const fail = (msg: string): never => {
    throw new SpecError(`${hints.where ?? 'the model'}: ${msg}`);
  };
  return {
    input: inspectInput(io.inputs, hints.inputName, fail),
    output: inspectOutput(io.outputs, hints.outputName, fail),
  };
}

type Fail = (msg: string) => never;

/** The one image input: the named one, else the only one. */
function pickInput(inputs: readonly ValueInfo[], name: string | undefined, fail: Fail): ValueInfo {
  if (inputs.length === 0) fail('the model has no inputs');
  if (name !== undefined) {
    const input = inputs.find((v) => v.name === name);
    if (!input) return fail(`the spec names input "${name}", but the model's inputs are ${listValues(inputs)}`);
    const others = inputs.filter((v) => v !== input);
    if (others.length > 0)
      fail(
        `the model has ${inputs.length} inputs (${listValues(inputs)}); OnSight feeds only one image and cannot fill ${others.map((v) => `"${v.name}"`).join(', ')}`,
      );
    return input;
  }
  const images = inputs.filter(isImageLike);
  if (images.length > 1) {
    fail(
      `the model has ${images.length} image-like inputs (${listValues(images)}); OnSight feeds exactly one image per run`,
    );
  }
  if (inputs.length > 1) {
    fail(
      `the model has ${inputs.length} inputs (${listValues(inputs)}); an image classifier takes a single image tensor`,
    );
  }
  return inputs[0] ?? fail('the model has no inputs');
}

function inspectInput(inputs: readonly ValueInfo[], name: string | undefined, fail: Fail): IOFacts['input'] {
  const input = pickInput(inputs, name, fail);
  if (input.isTensor === false) fail(`input "${input.name}" is not a tensor`);
  const dtype = input.type as InputDType;
  if (!INPUT_DTYPES.includes(dtype)) {
    fail(
      `input "${input.name}" has element type ${input.type || 'unknown'}; OnSight feeds images as float32, float16 or uint8`,
    );
  }
  const facts: IOFacts['input'] = { name: input.name, type: input.type, dtype };
  const s = input.shape;
  if (s.length === 0) return facts; // the model does not declare a shape
  if (s.length !== 4) {
    fail(
      `input "${input.name}" has shape ${showShape(s)} (${s.length}-D), not an image: an image classifier takes a 4-D tensor [N,C,H,W] or [N,H,W,C]`,
    );
  }
  if (fixed(s[0]) && s[0] !== 1)
    fail(
      `input "${input.name}" has shape ${showShape(s)}: its batch size is fixed at ${s[0]}, and OnSight feeds one image per run`,
    );
  const layout = layoutFromShape(s);
  if (!layout && fixed(s[1]) && fixed(s[3])) {
    fail(
      `input "${input.name}" has shape ${showShape(s)}: neither dimension 1 (NCHW) nor dimension 3 (NHWC) is a colour channel count of 1 or 3`,
    );
  }
  if (layout) {
    facts.layout = layout;
    const [h, w, c] = layout === 'nchw' ? [s[2], s[3], s[1]] : [s[1], s[2], s[3]];
    if (fixed(h)) facts.height = h;
    if (fixed(w)) facts.width = w;
    if (c === 1 || c === 3) facts.channels = c;
  }
  return facts;
}

function inspectOutput(outputs: readonly ValueInfo[], name: string | undefined, fail: Fail): IOFacts['output'] {
  if (outputs.length === 0) fail('the model has no outputs');
  const output =
    name === undefined
      ? (outputs[0] ?? fail('the model has no outputs'))
      : (outputs.find((v) => v.name === name) ??
        fail(`the spec names output "${name}", but the model's outputs are ${listValues(outputs)}`));
  if (output.isTensor === false) fail(`output "${output.name}" is not a tensor`);
  if (!(OUTPUT_TYPES as readonly string[]).includes(output.type)) {
    fail(
      `output "${output.name}" has element type ${output.type || 'unknown'}; class scores must be float32, float16, float64 or uint8`,
    );
  }
  const facts: IOFacts['output'] = { name: output.name, type: output.type };
  const os = output.shape;
  if (os.length === 0) return facts;
  // Rank 1: [K]. Otherwise dimension 0 is the batch and exactly one other dimension may differ from 1.
  const perImage = os.length === 1 ? os : os.slice(1);
  if (os.length > 1 && fixed(os[0]) && os[0] !== 1) {
    fail(
      `output "${output.name}" has shape ${showShape(os)}: its batch size is fixed at ${os[0]}, and OnSight runs one image at a time`,
    );
  }
  const big = perImage.filter((d) => d !== 1);
  if (big.length > 1) {
    fail(
      `output "${output.name}" has shape ${showShape(os)}, not one score per class: besides the batch, only one dimension may be larger than 1 (is it a detector or a segmenter?)`,
    );
  }
  if (big.length === 0) facts.classes = 1;
  else if (fixed(big[0])) facts.classes = big[0];
  return facts;
}

/** The ModelIO of an onnxruntime(-web) InferenceSession (anything with `inputMetadata`/`outputMetadata`). */
export function describeSession(session: {
  readonly inputMetadata: readonly unknown[];
  readonly outputMetadata: readonly unknown[];
}): ModelIO {
  const one = (m: unknown): ValueInfo => {
    const v = m as { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };
    return v.isTensor
      ? { name: v.name, isTensor: true, type: String(v.type ?? ''), shape: [...(v.shape ?? [])] }
      : { name: v.name, isTensor: false, type: '', shape: [] };
  };
  return { inputs: session.inputMetadata.map(one), outputs: session.outputMetadata.map(one) };
}
