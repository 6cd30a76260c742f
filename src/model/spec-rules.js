// @ts-check
/**
 * The rules for model specs, in one place: validation of spec JSON, defaults, what a model's declared
 * inputs/outputs tell us (and when to refuse a model), and merging several sources into one spec with provenance.
 *
 * Plain JavaScript with JSDoc types (type-checked by `tsc`), with no imports at run time, so the same code runs in
 * the browser worker (through the TypeScript modules beside it) and in `tools/model-add.mjs` under plain Node.
 */

/** @typedef {import('./spec').ModelSpec} ModelSpec */
/** @typedef {import('./spec').InputSpec} InputSpec */
/** @typedef {import('./spec').OutputSpec} OutputSpec */
/** @typedef {import('./spec').ModelSource} ModelSource */
/** @typedef {import('./types').PartialModelSpec} PartialModelSpec */
/** @typedef {import('./types').PartialInputSpec} PartialInputSpec */
/** @typedef {import('./types').PartialOutputSpec} PartialOutputSpec */
/** @typedef {import('./types').SpecPart} SpecPart */
/** @typedef {import('./types').ModelIO} ModelIO */
/** @typedef {import('./types').ValueInfo} ValueInfo */
/** @typedef {import('./types').IOFacts} IOFacts */
/** @typedef {import('./types').ResolvedSpec} ResolvedSpec */
/** @typedef {import('./types').Provenance} Provenance */

/** Same value as SPEC_FORMAT_VERSION in spec.ts (a unit test keeps them equal; this file cannot import it at run time). */
export const FORMAT_VERSION = 1;
/** Same value as SPEC_METADATA_KEY in spec.ts. */
export const METADATA_KEY = 'onsight.spec';

/** @type {[number, number, number]} */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
/** @type {[number, number, number]} */
export const IMAGENET_STD = [0.229, 0.224, 0.225];
export const DEFAULT_SIZE = 224;

/** Source name used in provenance for values read from the model's declared input/output shapes and types. */
export const IO_SOURCE = "the model's input/output";
/** Source name used in provenance for built-in defaults. */
export const DEFAULTS_SOURCE = 'defaults';

/**
 * Preprocessing defaults for a model that says nothing: torchvision's ImageNet recipe (resize the shorter side to
 * 256, centre-crop 224, bilinear with antialiasing, RGB / 255, ImageNet mean/std), the most common convention.
 * @type {Omit<InputSpec, 'name' | 'layout' | 'dtype' | 'width' | 'height' | 'padColor' | 'channels'>}
 */
export const DEFAULT_INPUT = Object.freeze({
  resize: /** @type {const} */ ('crop'),
  cropFraction: 0.875,
  resample: /** @type {const} */ ('bilinear'),
  alignCorners: false,
  antialias: true,
  channelOrder: /** @type {const} */ ('rgb'),
  scale: 1 / 255,
  mean: IMAGENET_MEAN,
  std: IMAGENET_STD,
});

/** Input element types OnSight can feed (ORT-web type names). */
export const INPUT_DTYPES = /** @type {const} */ (['float32', 'float16', 'uint8']);
/** Output element types OnSight can read as scores. */
export const OUTPUT_TYPES = /** @type {const} */ (['float32', 'float16', 'float64', 'uint8']);

/** A model or spec OnSight cannot use; the message says which source and which field, and why. */
export class SpecError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'SpecError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** @param {unknown} v */
const show = (v) => {
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
};

const TOP_KEYS = ['format', 'id', 'name', 'labels', 'input', 'output', 'source'];
/** Leaf fields of a spec's input and output: the keys validation accepts, in the order provenance lists them. */
const INPUT_FIELDS = /** @type {const} */ ([
  'name',
  'layout',
  'dtype',
  'width',
  'height',
  'channels',
  'resize',
  'cropFraction',
  'resample',
  'alignCorners',
  'antialias',
  'padColor',
  'channelOrder',
  'scale',
  'mean',
  'std',
]);
const OUTPUT_FIELDS = /** @type {const} */ (['name', 'kind', 'backgroundClass', 'quantization']);
const SOURCE_KEYS = ['name', 'package', 'version', 'license', 'url', 'notes'];
/** Largest accepted input side; beyond this a "classifier" input is almost certainly a mistake. */
const MAX_SIDE = 8192;

/**
 * Checks the fields that are present in a spec JSON value and returns them typed; missing fields stay missing.
 * Unknown fields are ignored and reported in `warnings` (if given), so a newer writer does not break an older reader.
 * @param {unknown} json
 * @param {string} where the source, for messages, e.g. "onsight.spec in model.onnx"
 * @param {string[]} [warnings]
 * @returns {PartialModelSpec}
 */
export function validatePartialSpec(json, where, warnings) {
  /** @param {string} msg @returns {never} */
  const fail = (msg) => {
    throw new SpecError(`${where}: ${msg}`);
  };
  /** @param {Record<string, unknown>} obj @param {readonly string[]} known @param {string} prefix */
  const unknown = (obj, known, prefix) => {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) warnings?.push(`${where}: unknown field ${prefix}${k} (ignored)`);
    }
  };
  /** @template {string} T @param {unknown} v @param {string} field @param {readonly T[]} options @returns {T} */
  const oneOf = (v, field, options) => {
    if (typeof v !== 'string' || !options.includes(/** @type {T} */ (v))) {
      fail(`${field} must be ${options.map((o) => `"${o}"`).join(' or ')}, got ${show(v)}`);
    }
    return /** @type {T} */ (v);
  };
  /** @param {unknown} v @param {string} field */
  const str = (v, field) => {
    if (typeof v !== 'string' || v.trim() === '') fail(`${field} must be a non-empty string, got ${show(v)}`);
    return /** @type {string} */ (v);
  };
  /** @param {unknown} v @param {string} field */
  const bool = (v, field) => {
    if (typeof v !== 'boolean') fail(`${field} must be true or false, got ${show(v)}`);
    return /** @type {boolean} */ (v);
  };
  /** @param {unknown} v @param {string} field @param {(n: number) => boolean} ok @param {string} what */
  const num = (v, field, ok, what) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(`${field} must be ${what}, got ${show(v)}`);
    return /** @type {number} */ (v);
  };
  /** @param {unknown} v @param {string} field @param {(n: number) => boolean} ok @param {string} what @returns {[number, number, number]} */
  const triple = (v, field, ok, what) => {
    if (!Array.isArray(v) || v.length !== 3)
      fail(`${field} must be an array of 3 numbers (one per channel), got ${show(v)}`);
    const a = /** @type {unknown[]} */ (v);
    return [num(a[0], `${field}[0]`, ok, what), num(a[1], `${field}[1]`, ok, what), num(a[2], `${field}[2]`, ok, what)];
  };

  if (!isObject(json)) fail(`a spec must be a JSON object, got ${show(json)}`);
  const j = /** @type {Record<string, unknown>} */ (json);
  unknown(j, TOP_KEYS, '');
  /** @type {PartialModelSpec} */
  const out = {};
  if (j.format !== undefined) {
    const f = num(j.format, 'format', Number.isInteger, 'an integer');
    if (f > FORMAT_VERSION)
      fail(`format ${f} is newer than this version of OnSight reads (${FORMAT_VERSION}); update OnSight`);
    if (f < 1) fail(`format must be 1 or more, got ${f}`);
    out.format = f;
  }
  if (j.id !== undefined) {
    const id = str(j.id, 'id');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) {
      fail(`id must be 1-128 letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${show(id)}`);
    }
    out.id = id;
  }
  if (j.name !== undefined) out.name = str(j.name, 'name');
  if (j.labels !== undefined) {
    if (!Array.isArray(j.labels) || j.labels.length === 0)
      fail(`labels must be a non-empty array of strings, got ${show(j.labels)}`);
    out.labels = /** @type {unknown[]} */ (j.labels).map((l, i) => {
      if (typeof l !== 'string') fail(`labels[${i}] must be a string, got ${show(l)}`);
      return /** @type {string} */ (l);
    });
  }
  if (j.input !== undefined) {
    if (!isObject(j.input)) fail(`input must be an object, got ${show(j.input)}`);
    const i = /** @type {Record<string, unknown>} */ (j.input);
    unknown(i, INPUT_FIELDS, 'input.');
    /** @type {PartialInputSpec} */
    const inp = {};
    const side = (/** @type {number} */ n) => Number.isInteger(n) && n > 0 && n <= MAX_SIDE;
    if (i.name !== undefined) inp.name = str(i.name, 'input.name');
    if (i.layout !== undefined) inp.layout = oneOf(i.layout, 'input.layout', /** @type {const} */ (['nchw', 'nhwc']));
    if (i.dtype !== undefined) inp.dtype = oneOf(i.dtype, 'input.dtype', INPUT_DTYPES);
    if (i.width !== undefined)
      inp.width = num(i.width, 'input.width', side, `a whole number of pixels from 1 to ${MAX_SIDE}`);
    if (i.height !== undefined)
      inp.height = num(i.height, 'input.height', side, `a whole number of pixels from 1 to ${MAX_SIDE}`);
    if (i.channels !== undefined) {
      if (i.channels !== 1 && i.channels !== 3) fail(`input.channels must be 1 or 3, got ${show(i.channels)}`);
      inp.channels = /** @type {1 | 3} */ (i.channels);
    }
    if (i.resize !== undefined)
      inp.resize = oneOf(i.resize, 'input.resize', /** @type {const} */ (['squish', 'crop', 'pad']));
    if (i.cropFraction !== undefined) {
      inp.cropFraction = num(
        i.cropFraction,
        'input.cropFraction',
        (n) => n > 0 && n <= 1,
        'a number in (0, 1], e.g. 0.875',
      );
    }
    if (i.resample !== undefined) {
      inp.resample = oneOf(i.resample, 'input.resample', /** @type {const} */ (['bilinear', 'bicubic', 'nearest']));
    }
    if (i.alignCorners !== undefined) inp.alignCorners = bool(i.alignCorners, 'input.alignCorners');
    if (i.antialias !== undefined) inp.antialias = bool(i.antialias, 'input.antialias');
    if (i.padColor !== undefined) {
      inp.padColor = triple(
        i.padColor,
        'input.padColor',
        (n) => Number.isInteger(n) && n >= 0 && n <= 255,
        'an integer 0..255',
      );
    }
    if (i.channelOrder !== undefined) {
      inp.channelOrder = oneOf(i.channelOrder, 'input.channelOrder', /** @type {const} */ (['rgb', 'bgr']));
    }
    if (i.scale !== undefined)
      inp.scale = num(i.scale, 'input.scale', (n) => n > 0, 'a positive number, e.g. 0.00392156862745098 (1/255)');
    if (i.mean !== undefined) inp.mean = triple(i.mean, 'input.mean', () => true, 'a number');
    if (i.std !== undefined) inp.std = triple(i.std, 'input.std', (n) => n > 0, 'a positive number');
    out.input = inp;
  }
  if (j.output !== undefined) {
    if (!isObject(j.output)) fail(`output must be an object, got ${show(j.output)}`);
    const o = /** @type {Record<string, unknown>} */ (j.output);
    unknown(o, OUTPUT_FIELDS, 'output.');
    /** @type {PartialOutputSpec} */
    const outp = {};
    if (o.name !== undefined) outp.name = str(o.name, 'output.name');
    if (o.kind !== undefined) {
      outp.kind = oneOf(o.kind, 'output.kind', /** @type {const} */ (['logits', 'probabilities', 'sigmoid', 'auto']));
    }
    if (o.backgroundClass !== undefined) outp.backgroundClass = bool(o.backgroundClass, 'output.backgroundClass');
    if (o.quantization !== undefined) {
      if (!isObject(o.quantization))
        fail(`output.quantization must be an object {scale, zeroPoint}, got ${show(o.quantization)}`);
      const q = /** @type {Record<string, unknown>} */ (o.quantization);
      outp.quantization = {
        scale: num(q.scale, 'output.quantization.scale', (n) => n > 0, 'a positive number'),
        zeroPoint: num(q.zeroPoint, 'output.quantization.zeroPoint', Number.isInteger, 'an integer'),
      };
    }
    out.output = outp;
  }
  if (j.source !== undefined) {
    if (!isObject(j.source)) fail(`source must be an object, got ${show(j.source)}`);
    const s = /** @type {Record<string, unknown>} */ (j.source);
    unknown(s, SOURCE_KEYS, 'source.');
    /** @type {ModelSource} */
    const src = { name: str(s.name, 'source.name'), license: str(s.license, 'source.license') };
    for (const k of /** @type {const} */ (['package', 'version', 'url', 'notes'])) {
      if (s[k] !== undefined) src[k] = str(s[k], `source.${k}`);
    }
    out.source = src;
  }
  checkCrossFields(out, fail);
  return out;
}

/**
 * Checks that hold between fields of one spec.
 * @param {PartialModelSpec} s @param {(msg: string) => never} fail
 */
function checkCrossFields(s, fail) {
  if (s.output?.kind === 'sigmoid' && s.labels && s.labels.length !== 2) {
    fail(`output.kind "sigmoid" needs exactly 2 labels (negative, positive), got ${s.labels.length}`);
  }
  if (s.output?.kind === 'sigmoid' && s.output.backgroundClass) {
    fail('output.backgroundClass cannot be used with output.kind "sigmoid"');
  }
}

/**
 * Validates a complete spec and fills the defaults of its optional fields. Required: id, name, labels,
 * input.layout, input.dtype, input.width, input.height.
 * @param {unknown} json
 * @param {string} where the source, for messages
 * @param {string[]} [warnings] receives notes about ignored fields
 * @returns {ModelSpec}
 */
export function validateSpec(json, where, warnings) {
  const p = validatePartialSpec(json, where, warnings);
  /** @param {string} field @returns {never} */
  const missing = (field) => {
    throw new SpecError(`${where}: ${field} is missing`);
  };
  const input = p.input ?? missing('input');
  /** @type {ModelSpec} */
  const spec = {
    format: p.format ?? FORMAT_VERSION,
    id: p.id ?? missing('id'),
    name: p.name ?? missing('name'),
    labels: p.labels ?? missing('labels'),
    input: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      layout: input.layout ?? missing('input.layout'),
      dtype: input.dtype ?? missing('input.dtype'),
      width: input.width ?? missing('input.width'),
      height: input.height ?? missing('input.height'),
      ...(input.channels !== undefined ? { channels: input.channels } : {}),
      resize: input.resize ?? DEFAULT_INPUT.resize,
      resample: input.resample ?? DEFAULT_INPUT.resample,
      alignCorners: input.alignCorners ?? DEFAULT_INPUT.alignCorners,
      antialias: input.antialias ?? DEFAULT_INPUT.antialias,
      channelOrder: input.channelOrder ?? DEFAULT_INPUT.channelOrder,
      scale: input.scale ?? DEFAULT_INPUT.scale,
      mean: input.mean ?? [...DEFAULT_INPUT.mean],
      std: input.std ?? [...DEFAULT_INPUT.std],
    },
    output: { kind: 'auto', ...p.output },
  };
  const resize = spec.input.resize;
  if (resize === 'crop') spec.input.cropFraction = input.cropFraction ?? DEFAULT_INPUT.cropFraction;
  else if (input.cropFraction !== undefined) spec.input.cropFraction = input.cropFraction;
  if (resize === 'pad') spec.input.padColor = input.padColor ?? [0, 0, 0];
  else if (input.padColor !== undefined) spec.input.padColor = input.padColor;
  if (p.source) spec.source = p.source;
  return spec;
}

// ---------------------------------------------------------------------------------------------------------------
// What a model's inputs and outputs say

/** @param {readonly (number | string)[]} shape */
export const showShape = (shape) =>
  `[${shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d ? d : '?')).join(',')}]`;
/** @param {number | string | undefined} d @returns {d is number} */
const fixed = (d) => typeof d === 'number' && d > 0;
/** @param {number | string | undefined} d */
const channelLike = (d) => d === 1 || d === 3;

/**
 * Layout from a 4-D shape: a channel count (1 or 3) at index 1 means NCHW, at index 3 NHWC. When both or neither
 * position holds one, prefer the position holding 3; otherwise it is unknown.
 * @param {readonly (number | string)[]} shape
 * @returns {'nchw' | 'nhwc' | undefined}
 */
export function layoutFromShape(shape) {
  if (shape.length !== 4) return undefined;
  const [, d1, , d3] = shape;
  const c1 = channelLike(d1);
  const c3 = channelLike(d3);
  if (c1 && !c3) return 'nchw';
  if (c3 && !c1) return 'nhwc';
  if (c1 && c3) {
    if (d1 === 3 && d3 !== 3) return 'nchw';
    if (d3 === 3 && d1 !== 3) return 'nhwc';
  }
  return undefined;
}

/** @param {ValueInfo} v */
const isImageLike = (v) =>
  v.isTensor !== false &&
  v.shape.length === 4 &&
  (channelLike(v.shape[1]) || channelLike(v.shape[3]) || !fixed(v.shape[1]) || !fixed(v.shape[3]));

/**
 * Checks that a model's declared inputs/outputs are those of an image classifier OnSight can drive, and reads what
 * they say (layout, size, dtype, class count). Throws a {@link SpecError} saying why otherwise.
 * @param {ModelIO} io
 * @param {{ inputName?: string; outputName?: string; where?: string }} [hints] names from a spec, and the model's name for messages
 * @returns {IOFacts}
 */
export function inspectIO(io, hints = {}) {
  const where = hints.where ?? 'the model';
  /** @param {string} msg @returns {never} */
  const fail = (msg) => {
    throw new SpecError(`${where}: ${msg}`);
  };
  const list = (/** @type {readonly ValueInfo[]} */ vs) =>
    vs.map((v) => `"${v.name}" ${showShape(v.shape)}`).join(', ');

  // --- input
  if (io.inputs.length === 0) fail('the model has no inputs');
  /** @type {ValueInfo | undefined} */
  let input;
  if (hints.inputName !== undefined) {
    input = io.inputs.find((v) => v.name === hints.inputName);
    if (!input) fail(`the spec names input "${hints.inputName}", but the model's inputs are ${list(io.inputs)}`);
    const others = io.inputs.filter((v) => v !== input);
    if (others.length > 0)
      fail(
        `the model has ${io.inputs.length} inputs (${list(io.inputs)}); OnSight feeds only one image and cannot fill ${others.map((v) => `"${v.name}"`).join(', ')}`,
      );
  } else {
    const images = io.inputs.filter(isImageLike);
    if (images.length > 1) {
      fail(
        `the model has ${images.length} image-like inputs (${list(images)}); OnSight feeds exactly one image per run`,
      );
    }
    if (io.inputs.length > 1) {
      fail(
        `the model has ${io.inputs.length} inputs (${list(io.inputs)}); an image classifier takes a single image tensor`,
      );
    }
    input = io.inputs[0];
  }
  if (!input) return fail('the model has no inputs');
  if (input.isTensor === false) fail(`input "${input.name}" is not a tensor`);
  const dtype = /** @type {(typeof INPUT_DTYPES)[number]} */ (input.type);
  if (!INPUT_DTYPES.includes(dtype)) {
    fail(
      `input "${input.name}" has element type ${input.type || 'unknown'}; OnSight feeds images as float32, float16 or uint8`,
    );
  }
  /** @type {IOFacts['input']} */
  const inFacts = { name: input.name, type: input.type, dtype };
  const s = input.shape;
  if (s.length > 0) {
    if (s.length !== 4) {
      fail(
        `input "${input.name}" has shape ${showShape(s)} (${s.length}-D), not an image: an image classifier takes a 4-D tensor [N,C,H,W] or [N,H,W,C]`,
      );
    }
    if (fixed(s[0]) && s[0] !== 1)
      fail(
        `input "${input.name}" has shape ${showShape(s)}: its batch size is fixed at ${s[0]}, and OnSight feeds one image per run`,
      );
    const layout = layoutFromShape(s);
    if (!layout && fixed(s[1]) && fixed(s[3])) {
      fail(
        `input "${input.name}" has shape ${showShape(s)}: neither dimension 1 (NCHW) nor dimension 3 (NHWC) is a colour channel count of 1 or 3`,
      );
    }
    if (layout) {
      inFacts.layout = layout;
      const [h, w, c] = layout === 'nchw' ? [s[2], s[3], s[1]] : [s[1], s[2], s[3]];
      if (fixed(h)) inFacts.height = h;
      if (fixed(w)) inFacts.width = w;
      if (c === 1 || c === 3) inFacts.channels = c;
    }
  }

  // --- output
  if (io.outputs.length === 0) fail('the model has no outputs');
  /** @type {ValueInfo | undefined} */
  let output;
  if (hints.outputName !== undefined) {
    output = io.outputs.find((v) => v.name === hints.outputName);
    if (!output) fail(`the spec names output "${hints.outputName}", but the model's outputs are ${list(io.outputs)}`);
  } else {
    output = io.outputs[0];
  }
  if (!output) return fail('the model has no outputs');
  if (output.isTensor === false) fail(`output "${output.name}" is not a tensor`);
  const otype = /** @type {(typeof OUTPUT_TYPES)[number]} */ (output.type);
  if (!OUTPUT_TYPES.includes(otype)) {
    fail(
      `output "${output.name}" has element type ${output.type || 'unknown'}; class scores must be float32, float16, float64 or uint8`,
    );
  }
  /** @type {IOFacts['output']} */
  const outFacts = { name: output.name, type: output.type };
  const os = output.shape;
  if (os.length > 0) {
    // Rank 1: [K]. Otherwise dimension 0 is the batch and exactly one other dimension may differ from 1.
    const perImage = os.length === 1 ? os : os.slice(1);
    if (os.length > 1 && fixed(os[0]) && os[0] !== 1) {
      fail(
        `output "${output.name}" has shape ${showShape(os)}: its batch size is fixed at ${os[0]}, and OnSight runs one image at a time`,
      );
    }
    const big = perImage.filter((d) => d !== 1);
    if (big.length > 1) {
      fail(
        `output "${output.name}" has shape ${showShape(os)}, not one score per class: besides the batch, only one dimension may be larger than 1 (is it a detector or a segmenter?)`,
      );
    }
    if (big.length === 0) outFacts.classes = 1;
    else if (fixed(big[0])) outFacts.classes = big[0];
  }
  return { input: inFacts, output: outFacts };
}

// ---------------------------------------------------------------------------------------------------------------
// Merging sources

/**
 * Merges partial specs (first source wins, field by field), checks them against the model's declared
 * inputs/outputs, fills what is still unknown from those and then from defaults, and returns the complete, validated
 * spec with the source of every field.
 * @param {readonly SpecPart[]} parts in precedence order, most trusted first
 * @param {ModelIO | undefined} io the model's inputs/outputs; without it nothing is cross-checked
 * @param {{ id: string; name: string; where?: string }} fallback id and name used when no source gives them; `where` names the model in messages
 * @returns {ResolvedSpec}
 */
export function completeSpec(parts, io, fallback) {
  const where = fallback.where ?? 'the model';
  /** @type {string[]} */
  const warnings = [];
  /** @type {Provenance} */
  const provenance = {};
  /** @type {Record<string, unknown>} */
  const input = {};
  /** @type {Record<string, unknown>} */
  const output = {};
  /** @type {Record<string, unknown>} */
  const top = {};

  for (const part of parts) {
    const p = part.spec;
    for (const k of /** @type {const} */ (['id', 'name', 'labels', 'source'])) {
      if (p[k] !== undefined && top[k] === undefined) {
        top[k] = p[k];
        provenance[k] = part.source;
      }
    }
    for (const k of INPUT_FIELDS) {
      const v = p.input?.[k];
      if (v !== undefined && input[k] === undefined) {
        input[k] = v;
        provenance[`input.${k}`] = part.source;
      }
    }
    for (const k of OUTPUT_FIELDS) {
      const v = p.output?.[k];
      if (v !== undefined && output[k] === undefined) {
        output[k] = v;
        provenance[`output.${k}`] = part.source;
      }
    }
  }
  /** @param {string} field */
  const from = (field) => provenance[field] ?? 'the spec';
  /** @param {string} msg @returns {never} */
  const fail = (msg) => {
    throw new SpecError(`${where}: ${msg}`);
  };
  /** @param {Record<string, unknown>} obj @param {string} prefix @param {string} k @param {unknown} v @param {string} source */
  const fill = (obj, prefix, k, v, source) => {
    if (obj[k] === undefined && v !== undefined) {
      obj[k] = v;
      provenance[`${prefix}${k}`] = source;
    }
  };

  // --- the model's declared inputs/outputs: cross-check, then fill
  /** @type {IOFacts | undefined} */
  let facts;
  if (io) {
    facts = inspectIO(io, {
      inputName: /** @type {string | undefined} */ (input.name),
      outputName: /** @type {string | undefined} */ (output.name),
      where,
    });
    const fi = facts.input;
    if (input.layout !== undefined && fi.layout !== undefined && input.layout !== fi.layout) {
      const shape = showShape(io.inputs.find((v) => v.name === fi.name)?.shape ?? []);
      fail(
        `${from('input.layout')} says input.layout "${input.layout}", but input "${fi.name}" has shape ${shape}, which is ${fi.layout.toUpperCase()}`,
      );
    }
    if (input.dtype !== undefined && input.dtype !== fi.dtype) {
      fail(`${from('input.dtype')} says input.dtype "${input.dtype}", but input "${fi.name}" takes ${fi.type}`);
    }
    for (const k of /** @type {const} */ (['width', 'height', 'channels'])) {
      if (input[k] !== undefined && fi[k] !== undefined && input[k] !== fi[k]) {
        fail(`${from(`input.${k}`)} says input.${k} ${input[k]}, but input "${fi.name}" has a fixed ${k} of ${fi[k]}`);
      }
    }
    fill(input, 'input.', 'name', fi.name, IO_SOURCE);
    fill(input, 'input.', 'layout', fi.layout, IO_SOURCE);
    fill(input, 'input.', 'dtype', fi.dtype, IO_SOURCE);
    fill(input, 'input.', 'width', fi.width, IO_SOURCE);
    fill(input, 'input.', 'height', fi.height, IO_SOURCE);
    if (fi.channels === 1) fill(input, 'input.', 'channels', 1, IO_SOURCE);
    fill(output, 'output.', 'name', facts.output.name, IO_SOURCE);
  }

  // --- input defaults
  if (input.layout === undefined) {
    warnings.push(`${where}: the input layout could not be read from the model; assuming NCHW`);
  }
  fill(input, 'input.', 'layout', 'nchw', DEFAULTS_SOURCE);
  fill(input, 'input.', 'dtype', 'float32', DEFAULTS_SOURCE);
  if (input.width === undefined || input.height === undefined) {
    const w = input.width ?? input.height ?? DEFAULT_SIZE;
    const h = input.height ?? input.width ?? DEFAULT_SIZE;
    warnings.push(`${where}: the model accepts any input size; using ${w}×${h}`);
    fill(input, 'input.', 'width', w, DEFAULTS_SOURCE);
    fill(input, 'input.', 'height', h, DEFAULTS_SOURCE);
  }
  fill(input, 'input.', 'resize', DEFAULT_INPUT.resize, DEFAULTS_SOURCE);
  if (input.resize === 'crop') fill(input, 'input.', 'cropFraction', DEFAULT_INPUT.cropFraction, DEFAULTS_SOURCE);
  if (input.resize === 'pad') fill(input, 'input.', 'padColor', [0, 0, 0], DEFAULTS_SOURCE);
  // Channels-last models come from TensorFlow/Keras/TFLite, whose resizes (tf.image.resize, keras Resizing) do not
  // antialias by default; torchvision's (channels first) do. A uint8 TFLite-derived MobileNetV2 picks "kite" over
  // "bald eagle" when fed antialiased pixels.
  if (input.layout === 'nhwc') fill(input, 'input.', 'antialias', false, DEFAULTS_SOURCE);
  for (const k of /** @type {const} */ (['resample', 'alignCorners', 'antialias', 'channelOrder'])) {
    fill(input, 'input.', k, DEFAULT_INPUT[k], DEFAULTS_SOURCE);
  }
  if (input.dtype === 'uint8') {
    // Raw pixels: scale/mean/std are ignored for uint8 input; record neutral values so the spec reads true.
    fill(input, 'input.', 'scale', 1, IO_SOURCE);
    fill(input, 'input.', 'mean', [0, 0, 0], IO_SOURCE);
    fill(input, 'input.', 'std', [1, 1, 1], IO_SOURCE);
  } else {
    fill(input, 'input.', 'scale', DEFAULT_INPUT.scale, DEFAULTS_SOURCE);
    fill(input, 'input.', 'mean', [...DEFAULT_INPUT.mean], DEFAULTS_SOURCE);
    fill(input, 'input.', 'std', [...DEFAULT_INPUT.std], DEFAULTS_SOURCE);
  }

  // --- output: labels against the class count
  const classes = facts?.output.classes;
  /** @type {string[] | undefined} */
  let labels = /** @type {string[] | undefined} */ (top.labels);
  const outName = facts ? `output "${facts.output.name}"` : 'the output';
  if (!labels) {
    if (classes === undefined) {
      fail(
        `no labels were found (embedded in the model, onsight.json, config.json, metadata.json or labels.txt), and ${outName} does not declare how many classes it has`,
      );
    }
    const n = /** @type {number} */ (classes) - (output.backgroundClass === true ? 1 : 0);
    labels = Array.from({ length: n }, (_, i) => `class ${i}`);
    top.labels = labels;
    provenance.labels = 'generated (no labels found)';
    warnings.push(
      `${where}: no labels found; classes are numbered "class 0".."class ${n - 1}". Add a labels.txt with one class name a line.`,
    );
  }
  const L = labels.length;
  if (classes !== undefined) {
    if (output.kind === 'sigmoid' && classes !== 1) {
      fail(`${from('output.kind')} says output.kind "sigmoid" (one logit), but ${outName} has ${classes} scores`);
    }
    if (output.backgroundClass === true && classes !== L + 1) {
      fail(
        `${from('output.backgroundClass')} says there is a background class, but ${outName} has ${classes} scores for ${L} labels (expected ${L + 1})`,
      );
    }
    if (classes === L) {
      fill(output, 'output.', 'backgroundClass', undefined, IO_SOURCE);
    } else if (classes === L + 1 && output.backgroundClass !== false) {
      fill(output, 'output.', 'backgroundClass', true, IO_SOURCE);
    } else if (classes === 1 && L === 2) {
      if (output.kind !== undefined && output.kind !== 'sigmoid' && output.kind !== 'auto') {
        fail(
          `${outName} has a single score for 2 labels, which needs output.kind "sigmoid", but ${from('output.kind')} says "${output.kind}"`,
        );
      }
      output.kind = 'sigmoid';
      provenance['output.kind'] = IO_SOURCE;
    } else {
      fail(
        `${outName} has ${classes} scores per image, but there are ${L} labels (from ${from('labels')}); they must match (or the model may have one extra background class at index 0)`,
      );
    }
  }
  fill(output, 'output.', 'kind', 'auto', DEFAULTS_SOURCE);
  if (facts?.output.type === 'uint8' && output.quantization === undefined) {
    // src/vision/postprocess.ts reads an unquantised uint8 output as q / 255.
    warnings.push(
      `${where}: ${outName} is uint8 and no output.quantization was given; its values are read as 0..255 → 0..1`,
    );
  }
  fill(top, '', 'id', fallback.id, DEFAULTS_SOURCE);
  fill(top, '', 'name', fallback.name, DEFAULTS_SOURCE);

  const spec = validateSpec({ format: FORMAT_VERSION, ...top, input, output }, where, warnings);
  return { spec, provenance, warnings };
}

/**
 * One line for the UI saying where the spec came from, flagging guessed parts, e.g.
 * "labels from labels.txt; layout, size and type from the model's input/output; preprocessing from defaults — please check".
 * @param {Provenance} provenance
 */
export function summarizeProvenance(provenance) {
  /** @type {Record<string, string[]>} */
  const groups = {
    labels: ['labels'],
    'layout, size and type': ['input.layout', 'input.width', 'input.height', 'input.dtype'],
    preprocessing: [
      'input.resize',
      'input.cropFraction',
      'input.resample',
      'input.scale',
      'input.mean',
      'input.std',
      'input.channelOrder',
    ],
    'output kind': ['output.kind'],
  };
  /** @type {string[]} */
  const parts = [];
  let guessed = false;
  for (const [what, fields] of Object.entries(groups)) {
    const sources = [...new Set(fields.map((f) => provenance[f]).filter((s) => s !== undefined))];
    if (sources.length === 0) continue;
    if (sources.includes(DEFAULTS_SOURCE) || sources.some((s) => s.startsWith('generated'))) {
      if (what !== 'output kind') guessed = true;
    }
    parts.push(`${what} from ${sources.join(' and ')}`);
  }
  return parts.join('; ') + (guessed ? ' — please check' : '');
}

// ---------------------------------------------------------------------------------------------------------------
// Small parsers shared by the app and tools

/**
 * labels.txt: one class a line, trimmed; a trailing empty line (or several) is skipped. Empty lines in the middle
 * are an error (they would shift every following label).
 * @param {string} text @param {string} [where]
 */
export function parseLabelsText(text, where = 'labels.txt') {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new SpecError(`${where}: no labels (the file is empty)`);
  const blank = lines.indexOf('');
  if (blank >= 0) throw new SpecError(`${where}: line ${blank + 1} is empty; each line must name one class`);
  return lines;
}

/**
 * A label list stored as text in metadata: a JSON array of strings, or a comma-separated list.
 * @param {string} text @param {string} where
 */
export function parseLabelList(text, where) {
  const t = text.trim();
  if (t.startsWith('[')) {
    /** @type {unknown} */
    let v;
    try {
      v = JSON.parse(t);
    } catch (e) {
      throw new SpecError(`${where}: looks like a JSON array but does not parse (${/** @type {Error} */ (e).message})`);
    }
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
      throw new SpecError(`${where}: must be a non-empty JSON array of class names`);
    }
    return v.map(String);
  }
  const list = t.split(',').map((s) => s.trim());
  if (list.length === 0 || list.some((s) => s === ''))
    throw new SpecError(`${where}: must be a comma-separated list of class names`);
  return list;
}

/**
 * The ModelIO of an onnxruntime(-web) InferenceSession (anything with `inputMetadata`/`outputMetadata`).
 * @param {{ readonly inputMetadata: readonly unknown[]; readonly outputMetadata: readonly unknown[] }} session
 * @returns {ModelIO}
 */
export function describeSession(session) {
  /** @param {unknown} m @returns {ValueInfo} */
  const one = (m) => {
    const v = /** @type {{ name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] }} */ (
      m
    );
    return v.isTensor
      ? { name: v.name, isTensor: true, type: String(v.type ?? ''), shape: [...(v.shape ?? [])] }
      : { name: v.name, isTensor: false, type: '', shape: [] };
  };
  return { inputs: session.inputMetadata.map(one), outputs: session.outputMetadata.map(one) };
}

/**
 * A model id from a file name: "My Model (v2).onnx" → "my-model-v2".
 * @param {string} fileName
 */
export function idFromFileName(fileName) {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '');
  const id = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 128);
  return id || 'model';
}
