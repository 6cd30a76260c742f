/**
 * Keras regularization layers: dropout and noise, which do nothing at inference time.
 */
import { expectInputs, type LayerConverter } from './converter';

const identity: LayerConverter = (_b, layer, inputs) => [expectInputs(layer, inputs)];

export const REGULARIZATION_LAYERS: Record<string, LayerConverter> = {
  Dropout: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
};
