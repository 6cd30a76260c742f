/**
 * Keras reshaping layers: Flatten, Reshape and ZeroPadding2D. Flatten and Reshape depend on element order, so they
 * work on the channels-last (Keras) layout.
 */
import { expectInputs, type LayerConverter, pair, requireChannelsLast } from './converter';

const zeroPadding2d: LayerConverter = (b, layer, inputs) => {
  requireChannelsLast(layer);
  const x = b.toNchw(expectInputs(layer, inputs));
  const p = layer.config.padding ?? 1;
  let rows: [number, number];
  let cols: [number, number];
  if (typeof p === 'number') {
    rows = [p, p];
    cols = [p, p];
  } else if (Array.isArray(p) && p.length === 2 && typeof p[0] === 'number') {
    rows = [p[0], p[0]];
    cols = [p[1], p[1]];
  } else {
    rows = pair(p[0]);
    cols = pair(p[1]);
  }
  const pads = b.constI64(`${layer.name}/pads`, [0, 0, rows[0], cols[0], 0, 0, rows[1], cols[1]]);
  const [n, h, w, ch] = x.shape;
  const shape = [
    n ?? null,
    h == null ? null : h + rows[0] + rows[1],
    w == null ? null : w + cols[0] + cols[1],
    ch ?? null,
  ];
  return [{ name: b.node('Pad', [x.name, pads], layer.name, { mode: 'constant' }), shape, nchw: true }];
};

/** Keras flattens channels-last: bring the tensor back to NHWC first so the element order matches. */
const flatten: LayerConverter = (b, layer, inputs) => {
  const x = b.toNhwc(expectInputs(layer, inputs));
  const rest = x.shape.slice(1);
  const size = rest.every((d) => typeof d === 'number') ? rest.reduce<number>((a, d) => a * (d as number), 1) : null;
  return [{ name: b.node('Flatten', [x.name], layer.name, { axis: 1 }), shape: [null, size], nchw: false }];
};

const reshape: LayerConverter = (b, layer, inputs) => {
  const x = b.toNhwc(expectInputs(layer, inputs));
  const target: number[] = layer.config.target_shape;
  const shapeName = b.constI64(`${layer.name}/shape`, [0, ...target]);
  let out: (number | null)[] = [null, ...target];
  const known = x.shape.slice(1);
  if (target.includes(-1) && known.every((d) => typeof d === 'number')) {
    const total = known.reduce<number>((a, d) => a * (d as number), 1);
    const rest = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    out = [null, ...target.map((d) => (d === -1 ? total / rest : d))];
  }
  return [
    {
      name: b.node('Reshape', [x.name, shapeName], layer.name),
      shape: out.map((d) => (d === -1 ? null : d)),
      nchw: false,
    },
  ];
};

export const RESHAPING_LAYERS: Record<string, LayerConverter> = {
  ZeroPadding2D: zeroPadding2d,
  Flatten: flatten,
  Reshape: reshape,
};
