// @ts-check
/**
 * TF.js layers model → ONNX. Entry point tying together the reader, the topology walker, the layer table and the
 * writer. Plain Node ESM (runs at `npm install`, before any TypeScript build).
 *
 *   import { convertTfjsToOnnx, readTfjsModel } from './tools/tfjs-to-onnx/index.mjs';
 *   const { bytes } = convertTfjsToOnnx(readTfjsModel('model.json'), { outputName: 'probabilities' });
 */
import { endianness } from 'node:os';
import { GraphBuilder } from './builder.mjs';
import { emitModel } from './graph.mjs';
import { writeOnnx } from './write-onnx.mjs';

export { LAYERS, samePadding, UnsupportedLayerError } from './layers.mjs';
export { readSideMetadata, readTfjsModel } from './read-tfjs-model.mjs';
export { IR_VERSION, OPSET } from './write-onnx.mjs';

/**
 * @typedef {{
 *   inputName?: string,
 *   outputName?: string,
 *   graphName?: string,
 *   docString?: string,
 *   producerVersion?: string,
 *   metadata?: Record<string, string>,
 *   keepQuantizedWeights?: boolean,
 * }} ConvertOptions
 * @typedef {{
 *   bytes: Uint8Array,
 *   inputs: { name: string, dims: (number | string)[] }[],
 *   outputs: { name: string, dims: (number | string)[] }[],
 *   nodeCount: number,
 *   parameterCount: number,
 *   unusedWeights: string[],
 * }} ConvertResult
 */

/**
 * @param {import('./read-tfjs-model.mjs').TfjsModel} model
 * @param {ConvertOptions} [options]
 * @returns {ConvertResult}
 */
export function convertTfjsToOnnx(model, options = {}) {
  if (endianness() !== 'LE')
    throw new Error('tfjs-to-onnx writes raw little-endian tensors; run it on a little-endian machine');
  const topology = model.modelTopology;
  const root = topology?.model_config ?? topology;
  if (!root?.class_name) throw new Error('modelTopology has no model_config');
  const b = new GraphBuilder(model.weights, { keepQuantizedWeights: options.keepQuantizedWeights });
  const outs = emitModel(b, root, null, [], { inputName: options.inputName });
  outs.forEach((t, i) => {
    const x = b.toNhwc(t);
    const name = b.unique(options.outputName && i === 0 ? options.outputName : `output_${i}`);
    b.nodes.push({ op: 'Identity', name: b.unique(`${name}/Identity`), inputs: [x.name], outputs: [name], attrs: {} });
    b.outputs.push({ name, dims: x.shape.map((d, j) => (d == null ? (j === 0 ? 'batch' : `out${i}_d${j}`) : d)) });
  });
  const bytes = writeOnnx({
    graph: b,
    graphName: options.graphName ?? root.config?.name ?? 'model',
    producerVersion: options.producerVersion,
    docString: options.docString,
    metadata: options.metadata,
  });
  return {
    bytes,
    inputs: b.inputs,
    outputs: b.outputs,
    nodeCount: b.nodes.length,
    parameterCount: [...b.usedWeights].reduce((n, w) => n + (model.weights.get(w)?.data.length ?? 0), 0),
    unusedWeights: [...model.weights.keys()].filter((w) => !b.usedWeights.has(w)),
  };
}
