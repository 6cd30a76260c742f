/**
 * Keras merging layers: the element-wise Add, Subtract, Multiply, Average, Maximum, Minimum, and Concatenate.
 * Inputs are brought to one layout (NCHW if any of them is) before they meet.
 */
import { NHWC_TO_NCHW_AXIS, type Tensor } from '../builder';
import { type LayerConverter, unsupported } from './converter';

/**
 * An element-wise merge layer.
 * @param op ONNX op: variadic Sum/Max/Min/Mean, or binary Add/Mul/Sub chained over the inputs
 */
function elementwise(op: string): LayerConverter {
  return (b, layer, inputs) => {
    if (inputs.length < 2) throw unsupported(layer, 'needs at least two inputs');
    const anyNchw = inputs.some((t) => t.nchw);
    const xs = inputs.map((t) => (anyNchw ? b.toNchw(t) : t));
    const first = xs[0] as Tensor;
    let name: string;
    if (op === 'Add' || op === 'Mul' || op === 'Sub') {
      if (op === 'Sub' && xs.length !== 2) throw unsupported(layer, 'needs exactly two inputs');
      name = first.name;
      for (let i = 1; i < xs.length; i++) {
        name = b.node(op, [name, (xs[i] as Tensor).name], i === xs.length - 1 ? layer.name : `${layer.name}/${i}`);
      }
    } else {
      name = b.node(
        op,
        xs.map((t) => t.name),
        layer.name,
      );
    }
    return [{ ...first, name }];
  };
}

const concatenate: LayerConverter = (b, layer, inputs) => {
  if (inputs.length < 2) throw unsupported(layer, 'needs at least two inputs');
  const anyNchw = inputs.some((t) => t.nchw);
  const xs = inputs.map((t) => (anyNchw ? b.toNchw(t) : t));
  const first = xs[0] as Tensor;
  const rank = first.shape.length;
  let axis = layer.config.axis ?? -1;
  if (axis < 0) axis += rank;
  const onnxAxis = anyNchw ? (NHWC_TO_NCHW_AXIS[axis] as number) : axis;
  const shape = [...first.shape];
  shape[axis] = xs.reduce<number | null>(
    (sum, t) => (sum === null || t.shape[axis] == null ? null : sum + (t.shape[axis] as number)),
    0,
  );
  const name = b.node(
    'Concat',
    xs.map((t) => t.name),
    layer.name,
    { axis: onnxAxis },
  );
  return [{ name, shape, nchw: anyNchw }];
};

export const MERGING_LAYERS: Record<string, LayerConverter> = {
  Add: elementwise('Add'),
  Subtract: elementwise('Sub'),
  Multiply: elementwise('Mul'),
  Average: elementwise('Mean'),
  Maximum: elementwise('Max'),
  Minimum: elementwise('Min'),
  Concatenate: concatenate,
};
