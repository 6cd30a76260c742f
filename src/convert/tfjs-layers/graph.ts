/**
 * Walks a Keras model topology (as stored in TF.js `model.json`) and emits ONNX nodes through the layer registry.
 * Handles functional models (`Model` / `Functional`: `config.layers` with Keras 2.x `inbound_nodes`
 * `[[layer, nodeIndex, tensorIndex, kwargs], ...]`), `Sequential` (config as a list or `{layers}`), and models nested
 * inside either (Teachable Machine exports are a Sequential wrapping a functional MobileNet and a Sequential head).
 */
import type { GraphBuilder, Tensor } from './builder';
import { convertLayer } from './layers/registry';

/** A layer or a model as it appears in the topology JSON. */
export interface TopologyLayer {
  name?: string;
  class_name: string;
  // biome-ignore lint/suspicious/noExplicitAny: Keras config JSON, read field by field
  config: any;
  // biome-ignore lint/suspicious/noExplicitAny: Keras 2.x inbound node lists, checked by inboundRefs
  inbound_nodes?: any[];
}

export interface EmitOptions {
  /** Name of the first graph input, instead of its InputLayer's name. */
  inputName?: string;
}

/** A reference to one output of one call of a layer: [layerName, nodeIndex, tensorIndex]. */
type TensorRef = [string, number, number];

const CONTAINERS = new Set(['Model', 'Functional', 'Sequential']);

/**
 * Creates a graph input for an InputLayer (or a Sequential's first layer with batch_input_shape); rank-4 inputs
 * are declared NHWC and transposed to NCHW inside the graph.
 */
// biome-ignore lint/suspicious/noExplicitAny: an InputLayer's (or first layer's) Keras config
function graphInput(b: GraphBuilder, config: any, options: EmitOptions): Tensor {
  const shape: unknown =
    config.batch_input_shape ?? config.batch_shape ?? (config.input_shape ? [null, ...config.input_shape] : undefined);
  if (!Array.isArray(shape)) throw new Error(`input layer "${config.name}" has no batch_input_shape`);
  if ((config.dtype ?? 'float32') !== 'float32')
    throw new Error(`input "${config.name}": dtype ${config.dtype} is not supported`);
  const name = b.unique(options.inputName && b.inputs.length === 0 ? options.inputName : (config.name ?? 'input'));
  b.inputs.push({ name, dims: shape.map((d, i) => (d == null ? (i === 0 ? 'batch' : `d${i}`) : d)) });
  const t: Tensor = { name, shape: [null, ...shape.slice(1)], nchw: false };
  return shape.length === 4 ? b.toNchw(t) : t;
}

function layerName(layer: TopologyLayer): string {
  return layer.name ?? layer.config?.name;
}

/**
 * Emits one model (top level or nested). `inputs` are the tensors it is called on; null at the top level, where
 * its input layers become graph inputs.
 * @param scope names of enclosing models (for weight lookup)
 */
export function emitModel(
  b: GraphBuilder,
  model: TopologyLayer,
  inputs: Tensor[] | null,
  scope: string[],
  options: EmitOptions,
): Tensor[] {
  if (model.class_name === 'Sequential') return emitSequential(b, model, inputs, scope, options);
  if (model.class_name === 'Model' || model.class_name === 'Functional')
    return emitFunctional(b, model, inputs, scope, options);
  throw new Error(
    `top-level class "${model.class_name}" is not a Keras model (expected Model, Functional or Sequential)`,
  );
}

function applyLayer(
  b: GraphBuilder,
  layer: TopologyLayer,
  inputs: Tensor[],
  scope: string[],
  options: EmitOptions,
): Tensor[] {
  const name = layerName(layer);
  if (CONTAINERS.has(layer.class_name)) return emitModel(b, layer, inputs, [...scope, name], options);
  return convertLayer(b, { name, class_name: layer.class_name, config: layer.config ?? {} }, inputs, scope);
}

function emitSequential(
  b: GraphBuilder,
  model: TopologyLayer,
  inputs: Tensor[] | null,
  scope: string[],
  options: EmitOptions,
): Tensor[] {
  const layers: TopologyLayer[] | undefined = Array.isArray(model.config) ? model.config : model.config?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`Sequential "${layerName(model)}" has no layers`);
  let current: Tensor[] | null = inputs;
  for (const layer of layers) {
    if (layer.class_name === 'InputLayer') {
      current ??= [graphInput(b, layer.config, options)];
      continue;
    }
    if (current === null && CONTAINERS.has(layer.class_name)) {
      // A nested model first (Teachable Machine): its own InputLayer declares the graph input.
      current = emitModel(b, layer, null, [...scope, layerName(layer)], options);
      continue;
    }
    if (current === null) current = [graphInput(b, layer.config ?? {}, options)];
    current = applyLayer(b, layer, current, scope, options);
  }
  if (current === null) throw new Error(`Sequential "${layerName(model)}" has no layers`);
  return current;
}

/** Normalises one inbound node to a list of [layerName, nodeIndex, tensorIndex]. */
function inboundRefs(node: unknown, owner: string): TensorRef[] {
  if (Array.isArray(node)) {
    return node.map((ref) => {
      if (!Array.isArray(ref) || typeof ref[0] !== 'string')
        throw new Error(`layer "${owner}": unreadable inbound node ${JSON.stringify(ref)}`);
      return [ref[0], ref[1] ?? 0, ref[2] ?? 0];
    });
  }
  throw new Error(
    `layer "${owner}": inbound node format ${JSON.stringify(node).slice(0, 80)} is not supported (Keras 2.x lists only)`,
  );
}

function emitFunctional(
  b: GraphBuilder,
  model: TopologyLayer,
  inputs: Tensor[] | null,
  scope: string[],
  options: EmitOptions,
): Tensor[] {
  const config = model.config;
  const layers: TopologyLayer[] = config.layers;
  const toRef = (r: unknown[]): TensorRef => [r[0] as string, (r[1] as number) ?? 0, (r[2] as number) ?? 0];
  const inputLayers: TensorRef[] = config.input_layers.map(toRef);
  const outputLayers: TensorRef[] = config.output_layers.map(toRef);
  if (inputs && inputs.length !== inputLayers.length) {
    throw new Error(`model "${config.name}" takes ${inputLayers.length} inputs, called with ${inputs.length}`);
  }
  /** Keyed "layer:node:tensor". */
  const produced = new Map<string, Tensor>();
  const key = (l: string, n: number, t: number) => `${l}:${n}:${t}`;

  for (const layer of layers) {
    if (layer.class_name !== 'InputLayer') continue;
    const name = layerName(layer);
    const index = inputLayers.findIndex((r) => r[0] === name);
    if (index < 0) throw new Error(`model "${config.name}": InputLayer "${name}" is not among its input_layers`);
    const given = inputs?.[index];
    produced.set(key(name, 0, 0), given ?? graphInput(b, layer.config, options));
  }

  // Keras lists layers in creation order, which is topological for a saved model's nodes; loop until every
  // inbound node has its inputs, so an out-of-order listing still works.
  let pending: { layer: TopologyLayer; nodeIndex: number; refs: TensorRef[] }[] = [];
  for (const layer of layers) {
    if (layer.class_name === 'InputLayer') continue;
    const nodes = layer.inbound_nodes ?? [];
    nodes.forEach((node, nodeIndex) => {
      pending.push({ layer, nodeIndex, refs: inboundRefs(node, layerName(layer)) });
    });
  }
  while (pending.length > 0) {
    const waiting: typeof pending = [];
    for (const item of pending) {
      const ins = item.refs.map(([l, n, t]) => produced.get(key(l, n, t)));
      if (ins.some((t) => t === undefined)) {
        waiting.push(item);
        continue;
      }
      const name = layerName(item.layer);
      const outs = applyLayer(b, item.layer, ins as Tensor[], scope, options);
      outs.forEach((t, i) => {
        produced.set(key(name, item.nodeIndex, i), t);
      });
    }
    if (waiting.length === pending.length) {
      const missing = waiting.map((w) => layerName(w.layer)).join(', ');
      throw new Error(`model "${config.name}": cannot resolve the inputs of layers ${missing}`);
    }
    pending = waiting;
  }

  return outputLayers.map(([l, n, t]) => {
    const out = produced.get(key(l, n, t));
    if (!out) throw new Error(`model "${config.name}": output ${l}[${n}][${t}] was never computed`);
    return out;
  });
}
