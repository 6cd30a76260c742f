// @ts-check
/**
 * Walks a Keras model topology (as stored in TF.js `model.json`) and emits ONNX nodes through layers.mjs.
 * Handles functional models (`Model` / `Functional`: `config.layers` with Keras 2.x `inbound_nodes`
 * `[[layer, nodeIndex, tensorIndex, kwargs], ...]`), `Sequential` (config as a list or `{layers}`), and models nested
 * inside either (Teachable Machine exports are a Sequential wrapping a functional MobileNet and a Sequential head).
 */
import { convertLayer } from './layers.mjs';

/**
 * @typedef {import('./builder.mjs').GraphBuilder} GraphBuilder
 * @typedef {import('./builder.mjs').Tensor} Tensor
 * @typedef {{ name?: string, class_name: string, config: any, inbound_nodes?: any[] }} LayerJson
 */

const CONTAINERS = new Set(['Model', 'Functional', 'Sequential']);

/**
 * Creates a graph input for an InputLayer (or a Sequential's first layer with batch_input_shape); rank-4 inputs
 * are declared NHWC and transposed to NCHW inside the graph.
 * @param {GraphBuilder} b
 * @param {any} config
 * @param {{ inputName?: string }} options
 * @returns {Tensor}
 */
function graphInput(b, config, options) {
  const shape =
    config.batch_input_shape ?? config.batch_shape ?? (config.input_shape ? [null, ...config.input_shape] : undefined);
  if (!Array.isArray(shape)) throw new Error(`input layer "${config.name}" has no batch_input_shape`);
  if ((config.dtype ?? 'float32') !== 'float32')
    throw new Error(`input "${config.name}": dtype ${config.dtype} is not supported`);
  const name = b.unique(options.inputName && b.inputs.length === 0 ? options.inputName : (config.name ?? 'input'));
  b.inputs.push({ name, dims: shape.map((d, i) => (d == null ? (i === 0 ? 'batch' : `d${i}`) : d)) });
  /** @type {Tensor} */
  const t = { name, shape: [null, ...shape.slice(1)], nchw: false };
  return shape.length === 4 ? b.toNchw(t) : t;
}

/**
 * @param {LayerJson} layer
 * @returns {string}
 */
function layerName(layer) {
  return layer.name ?? layer.config?.name;
}

/**
 * Emits one model (top level or nested). `inputs` are the tensors it is called on; null at the top level, where
 * its input layers become graph inputs.
 * @param {GraphBuilder} b
 * @param {LayerJson} model
 * @param {Tensor[] | null} inputs
 * @param {string[]} scope names of enclosing models (for weight lookup)
 * @param {{ inputName?: string }} options
 * @returns {Tensor[]}
 */
export function emitModel(b, model, inputs, scope, options) {
  if (model.class_name === 'Sequential') return emitSequential(b, model, inputs, scope, options);
  if (model.class_name === 'Model' || model.class_name === 'Functional')
    return emitFunctional(b, model, inputs, scope, options);
  throw new Error(
    `top-level class "${model.class_name}" is not a Keras model (expected Model, Functional or Sequential)`,
  );
}

/**
 * @param {GraphBuilder} b
 * @param {LayerJson} layer
 * @param {Tensor[]} inputs
 * @param {string[]} scope
 * @param {{ inputName?: string }} options
 * @returns {Tensor[]}
 */
function applyLayer(b, layer, inputs, scope, options) {
  const name = layerName(layer);
  if (CONTAINERS.has(layer.class_name)) return emitModel(b, layer, inputs, [...scope, name], options);
  return convertLayer(b, { name, class_name: layer.class_name, config: layer.config ?? {} }, inputs, scope);
}

/**
 * @param {GraphBuilder} b
 * @param {LayerJson} model
 * @param {Tensor[] | null} inputs
 * @param {string[]} scope
 * @param {{ inputName?: string }} options
 * @returns {Tensor[]}
 */
function emitSequential(b, model, inputs, scope, options) {
  /** @type {LayerJson[]} */
  const layers = Array.isArray(model.config) ? model.config : model.config?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`Sequential "${layerName(model)}" has no layers`);
  /** @type {Tensor[] | null} */
  let current = inputs;
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

/**
 * Normalises one inbound node to a list of [layerName, nodeIndex, tensorIndex].
 * @param {any} node
 * @param {string} owner
 * @returns {[string, number, number][]}
 */
function inboundRefs(node, owner) {
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

/**
 * @param {GraphBuilder} b
 * @param {LayerJson} model
 * @param {Tensor[] | null} inputs
 * @param {string[]} scope
 * @param {{ inputName?: string }} options
 * @returns {Tensor[]}
 */
function emitFunctional(b, model, inputs, scope, options) {
  const config = model.config;
  /** @type {LayerJson[]} */
  const layers = config.layers;
  /** @type {[string, number, number][]} */
  const inputLayers = config.input_layers.map((/** @type {any[]} */ r) => [r[0], r[1] ?? 0, r[2] ?? 0]);
  /** @type {[string, number, number][]} */
  const outputLayers = config.output_layers.map((/** @type {any[]} */ r) => [r[0], r[1] ?? 0, r[2] ?? 0]);
  if (inputs && inputs.length !== inputLayers.length) {
    throw new Error(`model "${config.name}" takes ${inputLayers.length} inputs, called with ${inputs.length}`);
  }
  /** @type {Map<string, Tensor>} key "layer:node:tensor" */
  const produced = new Map();
  /** @param {string} l @param {number} n @param {number} t */
  const key = (l, n, t) => `${l}:${n}:${t}`;

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
  /** @type {{ layer: LayerJson, nodeIndex: number, refs: [string, number, number][] }[]} */
  let pending = [];
  for (const layer of layers) {
    if (layer.class_name === 'InputLayer') continue;
    const nodes = layer.inbound_nodes ?? [];
    nodes.forEach((node, nodeIndex) => {
      pending.push({ layer, nodeIndex, refs: inboundRefs(node, layerName(layer)) });
    });
  }
  while (pending.length > 0) {
    /** @type {typeof pending} */
    const waiting = [];
    for (const item of pending) {
      const ins = item.refs.map(([l, n, t]) => produced.get(key(l, n, t)));
      if (ins.some((t) => t === undefined)) {
        waiting.push(item);
        continue;
      }
      const name = layerName(item.layer);
      const outs = applyLayer(b, item.layer, /** @type {Tensor[]} */ (ins), scope, options);
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
