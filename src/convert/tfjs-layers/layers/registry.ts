/**
 * The one place where Keras layer types meet their converters: {@link LAYERS}, keyed by Keras `class_name`,
 * gathered from one module per layer family (as Keras groups them). Model containers (Model / Functional /
 * Sequential) and InputLayer are handled by graph.ts.
 */
import type { GraphBuilder, Tensor } from '../builder';
import { ACTIVATION_LAYERS } from './activations';
import { type LayerConverter, type LayerJson, UnsupportedLayerError } from './converter';
import { CONVOLUTIONAL_LAYERS } from './convolutional';
import { CORE_LAYERS } from './core';
import { MERGING_LAYERS } from './merging';
import { NORMALIZATION_LAYERS } from './normalization';
import { POOLING_LAYERS } from './pooling';
import { REGULARIZATION_LAYERS } from './regularization';
import { RESHAPING_LAYERS } from './reshaping';

const FAMILIES: Record<string, LayerConverter>[] = [
  CORE_LAYERS,
  CONVOLUTIONAL_LAYERS,
  POOLING_LAYERS,
  NORMALIZATION_LAYERS,
  ACTIVATION_LAYERS,
  MERGING_LAYERS,
  RESHAPING_LAYERS,
  REGULARIZATION_LAYERS,
];

/** Keras class_name → converter. To add a layer type, see this folder's README. */
export const LAYERS: Readonly<Record<string, LayerConverter>> = Object.freeze(
  FAMILIES.reduce<Record<string, LayerConverter>>((all, family) => {
    for (const [className, converter] of Object.entries(family)) {
      if (Object.hasOwn(all, className)) throw new Error(`layer type ${className} is registered twice`);
      all[className] = converter;
    }
    return all;
  }, {}),
);

/** Converts one layer, or throws {@link UnsupportedLayerError} naming its type and name. */
export function convertLayer(b: GraphBuilder, layer: LayerJson, inputs: Tensor[], scope: string[]): Tensor[] {
  const converter = Object.hasOwn(LAYERS, layer.class_name) ? LAYERS[layer.class_name] : undefined;
  if (!converter) {
    const supported = Object.keys(LAYERS).sort().join(', ');
    throw new UnsupportedLayerError(
      layer.class_name,
      layer.name,
      `unsupported layer type "${layer.class_name}" (layer "${layer.name}"); supported: ${supported}`,
    );
  }
  return converter(b, layer, inputs, scope);
}
