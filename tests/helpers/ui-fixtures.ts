/** Fixtures for the UI store's tests: a minimal valid spec, so the tests exercise the store, not spec rules. */
import type { ModelSpec } from '../../src/model/spec';

/** A 2×2 NCHW float32 squish model that outputs probabilities over `labels`. */
export function tinySpec(id: string, labels = ['cat', 'dog']): ModelSpec {
  return {
    format: 1,
    id,
    name: id,
    labels,
    input: {
      layout: 'nchw',
      dtype: 'float32',
      width: 2,
      height: 2,
      resize: 'squish',
      resample: 'bilinear',
      alignCorners: false,
      antialias: false,
      channelOrder: 'rgb',
      scale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    output: { kind: 'probabilities' },
  };
}
