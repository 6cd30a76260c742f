/**
 * What every layer converter shares: its signature, the error for what the converter cannot do, and the small
 * checks of a layer's inputs and options.
 */
import type { GraphBuilder, Tensor } from '../builder';

/** One layer of the topology, as a converter sees it. */
export interface LayerJson {
  name: string;
  class_name: string;
  // biome-ignore lint/suspicious/noExplicitAny: Keras config JSON, read option by option by each converter
  config: any;
}

/**
 * Emits the ONNX nodes of one layer and returns its output tensors.
 * @param scope names of the enclosing models, outermost first (for weight lookup)
 */
export type LayerConverter = (b: GraphBuilder, layer: LayerJson, inputs: Tensor[], scope: string[]) => Tensor[];

/** A layer type, or an option of a known type, that the converter does not handle. */
export class UnsupportedLayerError extends Error {
  override readonly name = 'UnsupportedLayerError';
  readonly className: string;
  readonly layerName: string;

  constructor(className: string, layerName: string, message: string) {
    super(message);
    this.className = className;
    this.layerName = layerName;
  }
}

/** The error for an option (or input count) of a known layer type that the converter does not handle. */
export function unsupported(layer: LayerJson, detail: string): UnsupportedLayerError {
  return new UnsupportedLayerError(
    layer.class_name,
    layer.name,
    `layer "${layer.name}" (${layer.class_name}): ${detail}`,
  );
}

/** Checks the number of inputs and returns the first. */
export function expectInputs(layer: LayerJson, inputs: Tensor[], count = 1): Tensor {
  if (inputs.length !== count) throw unsupported(layer, `expected ${count} input(s), got ${inputs.length}`);
  return inputs[0] as Tensor;
}

export function requireChannelsLast(layer: LayerJson): void {
  const format = layer.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') throw unsupported(layer, `data_format "${format}" is not supported`);
}

/** A Keras size/stride option: one number for both spatial dimensions, or a pair. */
export function pair(v: unknown): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  throw new Error(`expected a number or a pair, got ${JSON.stringify(v)}`);
}
