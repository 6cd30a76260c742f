/**
 * TF.js layers model → ONNX: decodes model.json and the weight shards from bytes, walks the topology into a graph
 * and encodes it. No Node API: the same code runs at install time in Node and, later, in the inference worker.
 */
import { type OnnxValueInfo, writeOnnx } from '../../onnx/write-onnx';
import { GraphBuilder } from './builder';
import { emitModel, type TopologyLayer } from './graph';
import { type ModelJson, parseModelJson } from './model-json';
import { decodeManifest, fetchShards, type Weight, type WeightShards } from './weights';

/** A TF.js layers model as bytes: model.json and a way to get each weight shard the manifest names. */
export interface TfjsLayersModelSource {
  /** model.json's text, or the object it holds. */
  modelJson: string | ModelJson;
  /** The shard bytes, by the path written in the weights manifest. */
  weights: WeightShards;
}

/** A layers model with every weight decoded, ready to convert. */
export interface DecodedTfjsModel {
  // biome-ignore lint/suspicious/noExplicitAny: Keras topology JSON, walked and checked by graph.ts
  modelTopology: any;
  weights: ReadonlyMap<string, Weight>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  userDefinedMetadata?: Record<string, unknown>;
}

export interface ConvertOptions {
  /** Name of the (first) graph input; defaults to its InputLayer's name. */
  inputName?: string;
  /** Name of the first graph output; defaults to `output_0`. */
  outputName?: string;
  /** Defaults to the Keras model's name. */
  graphName?: string;
  docString?: string;
  producerVersion?: string;
  /** ONNX `metadata_props`. */
  metadata?: Record<string, string>;
  /** Keep uint8-quantised kernels uint8 in the file, dequantised in the graph (see README). */
  keepQuantizedWeights?: boolean;
}

export interface ConversionResult {
  /** The encoded .onnx file. */
  onnx: Uint8Array;
  /** Graph inputs: NHWC as Keras declares them, the batch dimension symbolic ("batch"). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodeCount: number;
  /** Number of weight values the graph uses. */
  parameterCount: number;
  /** Weights in the manifest that no layer read (a sign of a layer converted wrongly). */
  unusedWeights: string[];
}

/** The `producer_name` of every file this converter writes. */
export const PRODUCER_NAME = 'onsight-tfjs-to-onnx';

/** Parses model.json, gets its weight shards and decodes every weight. */
export async function decodeTfjsLayersModel(source: TfjsLayersModelSource): Promise<DecodedTfjsModel> {
  const json = parseModelJson(source.modelJson);
  const manifest = json.weightsManifest ?? [];
  const shards = await fetchShards(manifest, source.weights);
  const weights = decodeManifest(manifest, (path) => shards.get(path) as Uint8Array);
  return {
    modelTopology: json.modelTopology,
    weights,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/** Converts a decoded model to ONNX bytes (synchronous: all the work is in memory). */
export function convertDecodedModel(model: DecodedTfjsModel, options: ConvertOptions = {}): ConversionResult {
  const topology = model.modelTopology;
  const root: TopologyLayer | undefined = topology?.model_config ?? topology;
  if (!root?.class_name) throw new Error('modelTopology has no model_config');
  const b = new GraphBuilder(model.weights, { keepQuantizedWeights: options.keepQuantizedWeights });
  const outs = emitModel(b, root, null, [], { inputName: options.inputName });
  outs.forEach((t, i) => {
    const x = b.toNhwc(t);
    const name = b.unique(options.outputName && i === 0 ? options.outputName : `output_${i}`);
    b.nodes.push({ op: 'Identity', name: b.unique(`${name}/Identity`), inputs: [x.name], outputs: [name], attrs: {} });
    b.outputs.push({ name, dims: x.shape.map((d, j) => (d == null ? (j === 0 ? 'batch' : `out${i}_d${j}`) : d)) });
  });
  const onnx = writeOnnx({
    graph: {
      name: options.graphName ?? root.config?.name ?? 'model',
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: b.inputs,
      outputs: b.outputs,
    },
    producerName: PRODUCER_NAME,
    producerVersion: options.producerVersion ?? '1',
    docString: options.docString,
    metadata: options.metadata,
  });
  return {
    onnx,
    inputs: b.inputs,
    outputs: b.outputs,
    nodeCount: b.nodes.length,
    parameterCount: [...b.usedWeights].reduce((n, w) => n + (model.weights.get(w)?.data.length ?? 0), 0),
    unusedWeights: [...model.weights.keys()].filter((w) => !b.usedWeights.has(w)),
  };
}

/**
 * Converts a TF.js layers model, given as bytes, to an ONNX file:
 *
 *   const { onnx, inputs, outputs } = await convertTfjsLayersModel(
 *     { modelJson: await (await fetch(url)).text(), weights: async (path) => ... },
 *     { outputName: 'probabilities' },
 *   );
 */
export async function convertTfjsLayersModel(
  source: TfjsLayersModelSource,
  options: ConvertOptions = {},
): Promise<ConversionResult> {
  return convertDecodedModel(await decodeTfjsLayersModel(source), options);
}
