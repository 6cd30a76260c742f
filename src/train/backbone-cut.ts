/**
 * Backbone cut: turns an image classifier into a feature extractor for transfer learning, as Teachable Machine and
 * fastai do. It finds the tensor that feeds the model's final classifier — the pooled/flattened feature vector
 * before the trailing chain of dense layers (MatMul / Gemm, with their Add, Relu, Softmax, Q/DQ...) — and returns a
 * model whose only output is that vector, `[N, D]` float32, under the name {@link FEATURES_OUTPUT}. The head's nodes
 * and weights are dropped; everything the features need is kept. By default the pooled residual stream entering the
 * last residual block is appended to the vector (feature-taps.ts): more generic features, measured better.
 *
 * Quantised heads (`QLinearMatMul`, `QGemm`) read uint8 features: a `DequantizeLinear` with the head's own input
 * scale and zero point makes them float. `MatMulInteger` heads are cut before their `DynamicQuantizeLinear`.
 */

import { concatTapNodes, type FeatureTap, findResidualTap } from './feature-taps';
import { FEATURES_OUTPUT } from './model-names';
import {
  batchDimension,
  decodeModel,
  describeNode,
  encodeModel,
  floatValueInfo,
  GraphIndex,
  intAttribute,
  type ModelProto,
  type NodeProto,
  onnx,
  pruneGraph,
} from './onnx-graph';

export { FEATURES_OUTPUT };

export interface BackboneCut {
  /** The feature extractor: one input (the original image input), one output {@link FEATURES_OUTPUT} `[N, D]`. */
  bytes: Uint8Array;
  /**
   * D, the feature vector length: the head's input (read from its first dense layer's weights) plus each tap's
   * channels (null if the graph does not say).
   */
  featureSize: number | null;
  /** The head's input length alone (the first {@link headFeatureSize} features), null if the graph does not say. */
  headFeatureSize: number | null;
  /** Earlier tensors pooled and appended after the head's input (see feature-taps.ts); empty when none. */
  taps: FeatureTap[];
  /** The original model's tensor the features are (before any dequantisation). */
  featureTensor: string;
  /** The node that produced it, e.g. "flatten_1/Flatten" (or its op and output when the node has no name). */
  featureNode: string;
  /** The first dense layer of the removed head, e.g. "dense_1/matmul/MatMul". */
  headNode: string;
  /** Whether a DequantizeLinear was added because the head read quantised features. */
  dequantized: boolean;
  /** The image input's name, unchanged. */
  inputName: string;
}

/** The model has no point where a pooled feature vector feeds a dense classifier. */
export class NoFeaturePointError extends Error {
  constructor(detail: string) {
    super(`cannot use this model as a backbone: ${detail}`);
    this.name = 'NoFeaturePointError';
  }
}

export interface CutOptions {
  /**
   * Also pool the residual stream entering the last residual block and append it to the features (default true:
   * more generic features; +0.04 with the default model on pets-small, neutral with the others; see README.md).
   */
  residualTap?: boolean;
}

/** Dense layers a classifier head is made of. */
const DENSE_OPS = new Set(['MatMul', 'Gemm', 'QLinearMatMul', 'QGemm', 'MatMulInteger', 'FusedMatMul']);
/** Ops that may sit between, after or around the dense layers of a head (activations, bias, (de)quantisation...). */
const HEAD_OPS = new Set([
  'Add',
  'QLinearAdd',
  'Sub',
  'Mul',
  'Div',
  'Relu',
  'LeakyRelu',
  'Clip',
  'Tanh',
  'Sigmoid',
  'QLinearSigmoid',
  'Softmax',
  'LogSoftmax',
  'QLinearSoftmax',
  'Identity',
  'Dropout',
  'Cast',
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'Flatten',
  'Reshape',
  'Squeeze',
  'Unsqueeze',
  'BatchNormalization',
]);
/** What may produce the features: a pooling, or a flatten/reshape of a pooled map (possibly through Q/DQ). */
const FEATURE_OPS = new Set([
  'GlobalAveragePool',
  'GlobalMaxPool',
  'GlobalLpPool',
  'QLinearGlobalAveragePool',
  'ReduceMean',
  'ReduceMax',
  'AveragePool',
  'MaxPool',
  'QLinearAveragePool',
  'Flatten',
  'Reshape',
  'Squeeze',
]);
/** Ops looked through between the features and the pooling that made them. */
const LOOK_THROUGH = new Set(['Identity', 'Cast', 'QuantizeLinear', 'DequantizeLinear', 'Dropout', 'Transpose']);

/** Index of a dense node's activation input (the weights are the other one). */
function activationInput(index: GraphIndex, node: NodeProto): string | undefined {
  const inputs = node.input ?? [];
  if (node.opType === 'QLinearMatMul' || node.opType === 'QGemm') return inputs[0];
  const data = index.dataInputs(node);
  return data.length === 1 ? data[0] : undefined;
}

/** Ops whose first input is the one that flows (the others are shapes, bounds, scales, zero points). */
const FIRST_INPUT_FLOWS = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Clip', 'Dropout', 'Cast', 'QuantizeLinear']);

/**
 * The activation a head op passes on: its first input for shape-like ops, else its only non-constant input.
 * Undefined when two activations meet (a residual Add, a gate): that is not a head any more.
 */
function flowInput(index: GraphIndex, node: NodeProto): string | undefined {
  if (FIRST_INPUT_FLOWS.has(node.opType ?? '')) return node.input?.[0] || undefined;
  const data = index.dataInputs(node);
  return data.length === 1 ? data[0] : undefined;
}

/** D from the dense layer's weight shape (K×N, or N×K for a transposed Gemm). */
function inputSizeOf(index: GraphIndex, node: NodeProto): number | null {
  const inputs = node.input ?? [];
  const quantized = node.opType === 'QLinearMatMul' || node.opType === 'QGemm';
  const weight = quantized ? inputs[3] : inputs.find((i) => i !== '' && index.isConstant(i));
  const shape = weight ? index.constantShape(weight) : undefined;
  if (shape?.length !== 2) return null;
  const transposed = (node.opType === 'Gemm' || node.opType === 'QGemm') && intAttribute(node, 'transB') === 1;
  const d = transposed ? shape[1] : shape[0];
  return d !== undefined && d > 0 ? d : null;
}

interface FeaturePoint {
  /** The tensor the first dense layer reads. */
  tensor: string;
  head: NodeProto;
  featureSize: number | null;
}

/**
 * Walks back from the model's output through the head (dense layers and what sits around them) to the input of its
 * first dense layer. Throws {@link NoFeaturePointError} when the output does not come from such a head, or when what
 * feeds the head is not a pooled/flattened feature vector.
 */
function findFeaturePoint(index: GraphIndex, outputName: string): FeaturePoint {
  let tensor = outputName;
  let firstDense: NodeProto | undefined;
  let lastSeen: NodeProto | undefined;
  for (let steps = 0; steps < 10_000; steps++) {
    const node = index.producer.get(tensor);
    if (!node) break;
    const op = node.opType ?? '';
    if (!DENSE_OPS.has(op) && !HEAD_OPS.has(op)) {
      lastSeen = node;
      break;
    }
    if (DENSE_OPS.has(op)) firstDense = node;
    const next = DENSE_OPS.has(op) ? activationInput(index, node) : flowInput(index, node);
    if (!next) {
      lastSeen = node;
      break;
    }
    tensor = next;
  }
  if (!firstDense) {
    const last = index.producer.get(outputName);
    throw new NoFeaturePointError(
      `its output "${outputName}" is not computed by a dense classifier layer (MatMul or Gemm) at the end of the graph` +
        (last ? `; it comes from ${describeNode(last)}` : ''),
    );
  }
  const featureTensor = activationInput(index, firstDense);
  if (!featureTensor) {
    throw new NoFeaturePointError(`the classifier layer ${describeNode(firstDense)} has no single activation input`);
  }
  // The features must come from a pooling or a flatten/reshape (looking through Q/DQ, casts, identities).
  let probe = featureTensor;
  let pooled = false;
  for (let steps = 0; steps < 32; steps++) {
    const node = index.producer.get(probe);
    if (!node) break;
    if (FEATURE_OPS.has(node.opType ?? '')) {
      pooled = true;
      break;
    }
    const next = index.dataInputs(node)[0];
    if (!LOOK_THROUGH.has(node.opType ?? '') || !next) break;
    probe = next;
  }
  if (!pooled) {
    const feeder = index.producer.get(featureTensor) ?? lastSeen;
    throw new NoFeaturePointError(
      `its classifier layer ${describeNode(firstDense)} is fed by ${feeder ? describeNode(feeder) : `the graph input "${featureTensor}"`}, ` +
        'not by a global pooling, flatten or reshape of image features',
    );
  }
  return { tensor: featureTensor, head: firstDense, featureSize: inputSizeOf(index, firstDense) };
}

/**
 * Cuts a classifier at its pooled features (plus, unless `options.residualTap` is false, the pooled residual stream
 * of feature-taps.ts). `bytes` is the ONNX model; the first graph output is the one whose head is removed. Metadata
 * is dropped (the original spec's labels do not describe features), the rest of the model (IR version, opsets,
 * producer, local functions) is kept.
 * @throws {NoFeaturePointError} when no feature point is found; a plain Error when the bytes are not a model.
 */
export function cutBackbone(bytes: Uint8Array, options: CutOptions = {}): BackboneCut {
  const model = decodeModel(bytes);
  const graph = model.graph as NonNullable<ModelProto['graph']>;
  const index = new GraphIndex(graph);
  const outputName = graph.output?.[0]?.name;
  if (!outputName) throw new NoFeaturePointError('it has no outputs');
  const inputName = index.runtimeInputs()[0]?.name;
  if (!inputName) throw new NoFeaturePointError('it has no input');

  if (index.producer.has(FEATURES_OUTPUT) || index.initializers.has(FEATURES_OUTPUT)) {
    throw new NoFeaturePointError(`it already has a tensor named "${FEATURES_OUTPUT}"`);
  }
  const point = findFeaturePoint(index, outputName);
  const producer = index.producer.get(point.tensor);
  const nodes = graph.node as NodeProto[];
  let source = point.tensor;
  let dequantized = false;
  if (point.head.opType === 'QLinearMatMul' || point.head.opType === 'QGemm') {
    const [, scale, zeroPoint] = point.head.input ?? [];
    if (!scale) throw new NoFeaturePointError(`${describeNode(point.head)} has no input scale`);
    source = `${point.tensor}/onsight_dequantized`;
    nodes.push(
      onnx.NodeProto.create({
        name: 'onsight/features/DequantizeLinear',
        opType: 'DequantizeLinear',
        input: zeroPoint ? [point.tensor, scale, zeroPoint] : [point.tensor, scale],
        output: [source],
      }),
    );
    dequantized = true;
  } else if (point.head.opType === 'MatMulInteger') {
    // Dynamically quantised: the float tensor is DynamicQuantizeLinear's input.
    if (producer?.opType !== 'DynamicQuantizeLinear' || !producer.input?.[0]) {
      throw new NoFeaturePointError(
        `${describeNode(point.head)} reads integer features that do not come from a DynamicQuantizeLinear`,
      );
    }
    source = producer.input[0];
  }
  const tap = options.residualTap === false ? null : findResidualTap(index, point.tensor);
  const taps = tap ? [tap] : [];
  const headFeatures = taps.length > 0 ? 'onsight/features/head' : FEATURES_OUTPUT;
  // Flatten(axis 1) gives [N, D] whatever rank the head read (a no-op on [N, D]) and names the output.
  nodes.push(
    onnx.NodeProto.create({
      name: 'onsight/features/Flatten',
      opType: 'Flatten',
      input: [source],
      output: [headFeatures],
      attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
    }),
  );
  if (taps.length > 0) nodes.push(...concatTapNodes(headFeatures, taps, FEATURES_OUTPUT));
  const featureSize = taps.reduce<number | null>(
    (sum, t) => (sum === null || t.channels === null ? null : sum + t.channels),
    point.featureSize,
  );
  graph.output = [floatValueInfo(FEATURES_OUTPUT, [batchDimension(index), featureSize ?? 'features'])];
  pruneGraph(graph);
  model.metadataProps = [];
  return {
    bytes: encodeModel(model),
    featureSize,
    headFeatureSize: point.featureSize,
    taps,
    featureTensor: point.tensor,
    featureNode: producer?.name || `${producer?.opType ?? 'input'} → ${point.tensor}`,
    headNode: point.head.name || `${point.head.opType} → ${point.head.output?.[0] ?? '?'}`,
    dequantized,
    inputName,
  };
}
