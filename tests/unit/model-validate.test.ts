/** validateSpec / validatePartialSpec: every field checked with a message naming source and field; defaults filled. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeProvenance } from '../../src/model/provenance';
import { SPEC_FORMAT_VERSION, SPEC_METADATA_KEY } from '../../src/model/spec';
import { validatePartialSpec, validateSpec } from '../../src/model/validate';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { repoRoot } from '../helpers/shared-data';

const W = 'onsight.spec in model.onnx';
const minimal = () => ({
  id: 'm',
  name: 'M',
  labels: ['a', 'b', 'c'],
  input: { layout: 'nchw', dtype: 'float32', width: 224, height: 224 },
});

describe('validateSpec', () => {
  it('fills and enforces the one format version (spec.ts)', () => {
    expect(validateSpec(minimal(), W).format).toBe(SPEC_FORMAT_VERSION);
    expect(() => validateSpec({ ...minimal(), format: SPEC_FORMAT_VERSION + 1 }, W)).toThrow(
      `format ${SPEC_FORMAT_VERSION + 1} is newer than this version of OnSight reads (${SPEC_FORMAT_VERSION})`,
    );
  });

  it('fills defaults for every optional field', () => {
    const spec = validateSpec(minimal(), W);
    expect(spec).toEqual({
      format: 1,
      id: 'm',
      name: 'M',
      labels: ['a', 'b', 'c'],
      input: {
        layout: 'nchw',
        dtype: 'float32',
        width: 224,
        height: 224,
        resize: 'crop',
        cropFraction: 0.875,
        resample: 'bilinear',
        alignCorners: false,
        antialias: true,
        channelOrder: 'rgb',
        scale: 1 / 255,
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
      },
      output: { kind: 'auto' },
    });
  });

  it('description and author are optional, trimmed free text for the first screen', () => {
    const spec = validateSpec({ ...minimal(), description: '  What it is for.  ', author: 'Ada' }, W);
    expect(spec).toMatchObject({ description: 'What it is for.', author: 'Ada' });
    expect(validateSpec(minimal(), W)).not.toHaveProperty('description');
    expect(() => validatePartialSpec({ description: ' ' }, W)).toThrow(`${W}: description must be a non-empty string`);
    expect(() => validatePartialSpec({ author: 7 }, W)).toThrow(`${W}: author`);
    expect(() => validatePartialSpec({ description: 'x'.repeat(501) }, W)).toThrow(
      'description must be at most 500 characters, got 501',
    );
  });

  it('pad gets a black padColor by default; squish gets no cropFraction', () => {
    expect(validateSpec({ ...minimal(), input: { ...minimal().input, resize: 'pad' } }, W).input.padColor).toEqual([
      0, 0, 0,
    ]);
    expect(
      validateSpec({ ...minimal(), input: { ...minimal().input, resize: 'squish' } }, W).input.cropFraction,
    ).toBeUndefined();
  });

  const bad: [string, (s: ReturnType<typeof minimal> & Record<string, unknown>) => unknown, string][] = [
    [
      'layout',
      (s) => ({ ...s, input: { ...s.input, layout: 'chw' } }),
      `${W}: input.layout must be "nchw" or "nhwc", got "chw"`,
    ],
    [
      'dtype',
      (s) => ({ ...s, input: { ...s.input, dtype: 'int8' } }),
      `${W}: input.dtype must be "float32" or "float16" or "uint8", got "int8"`,
    ],
    [
      'width',
      (s) => ({ ...s, input: { ...s.input, width: 0 } }),
      `${W}: input.width must be a whole number of pixels from 1 to 8192, got 0`,
    ],
    [
      'height',
      (s) => ({ ...s, input: { ...s.input, height: '224' } }),
      `${W}: input.height must be a whole number of pixels from 1 to 8192, got "224"`,
    ],
    [
      'mean',
      (s) => ({ ...s, input: { ...s.input, mean: [0.5, 0.5] } }),
      `${W}: input.mean must be an array of 3 numbers (one per channel), got [0.5,0.5]`,
    ],
    [
      'std',
      (s) => ({ ...s, input: { ...s.input, std: [1, 0, 1] } }),
      `${W}: input.std[1] must be a positive number, got 0`,
    ],
    ['scale', (s) => ({ ...s, input: { ...s.input, scale: -1 } }), `${W}: input.scale must be a positive number`],
    [
      'cropFraction',
      (s) => ({ ...s, input: { ...s.input, cropFraction: 1.2 } }),
      `${W}: input.cropFraction must be a number in (0, 1], e.g. 0.875, got 1.2`,
    ],
    [
      'resize',
      (s) => ({ ...s, input: { ...s.input, resize: 'fit' } }),
      `${W}: input.resize must be "squish" or "crop" or "pad", got "fit"`,
    ],
    [
      'padColor',
      (s) => ({ ...s, input: { ...s.input, padColor: [0, 0, 256] } }),
      `${W}: input.padColor[2] must be an integer 0..255, got 256`,
    ],
    ['channels', (s) => ({ ...s, input: { ...s.input, channels: 4 } }), `${W}: input.channels must be 1 or 3, got 4`],
    [
      'antialias',
      (s) => ({ ...s, input: { ...s.input, antialias: 'yes' } }),
      `${W}: input.antialias must be true or false, got "yes"`,
    ],
    [
      'kind',
      (s) => ({ ...s, output: { kind: 'softmax' } }),
      `${W}: output.kind must be "logits" or "probabilities" or "sigmoid" or "auto", got "softmax"`,
    ],
    [
      'quantization',
      (s) => ({ ...s, output: { quantization: { scale: 0.1 } } }),
      `${W}: output.quantization.zeroPoint must be an integer, got nothing`,
    ],
    ['labels', (s) => ({ ...s, labels: 'a,b,c' }), `${W}: labels must be a non-empty array of strings, got "a,b,c"`],
    ['a label', (s) => ({ ...s, labels: ['a', 2] }), `${W}: labels[1] must be a string, got 2`],
    [
      'id',
      (s) => ({ ...s, id: 'my model/v2' }),
      `${W}: id must be 1-128 letters, digits, ".", "_" or "-" (starting with a letter or digit), got "my model/v2"`,
    ],
    [
      'format',
      (s) => ({ ...s, format: 2 }),
      `${W}: format 2 is newer than this version of OnSight reads (1); update OnSight`,
    ],
    ['missing field', (s) => ({ ...s, input: { ...s.input, layout: undefined } }), `${W}: input.layout is missing`],
    [
      'sigmoid with 3 labels',
      (s) => ({ ...s, output: { kind: 'sigmoid' } }),
      `${W}: output.kind "sigmoid" needs exactly 2 labels (negative, positive), got 3`,
    ],
    [
      'source without licence',
      (s) => ({ ...s, source: { name: 'x' } }),
      `${W}: source.license must be a non-empty string, got nothing`,
    ],
    ['not an object', () => [1, 2], `${W}: a spec must be a JSON object, got [1,2]`],
  ];
  for (const [what, mutate, message] of bad) {
    it(`refuses a bad ${what}`, () => {
      expect(() => validateSpec(mutate(minimal()), W)).toThrow(message);
    });
  }

  it('ignores unknown fields but reports them', () => {
    const warnings: string[] = [];
    const spec = validateSpec({ ...minimal(), input: { ...minimal().input, mena: [0, 0, 0] }, extra: 1 }, W, warnings);
    expect(spec.input).not.toHaveProperty('mena');
    expect(warnings).toEqual([`${W}: unknown field extra (ignored)`, `${W}: unknown field input.mena (ignored)`]);
  });

  it('a partial spec keeps only what is given', () => {
    expect(validatePartialSpec({ labels: ['x'], input: { resize: 'squish' } }, W)).toEqual({
      labels: ['x'],
      input: { resize: 'squish' },
    });
  });

  it('the default model built at install (if present) carries a valid spec', () => {
    const file = join(repoRoot, 'public', 'models', 'default', 'model.onnx');
    if (!existsSync(file)) return; // built by `npm run model:default`; not this test's job
    const meta = readOnnxMetadata(new Uint8Array(readFileSync(file)));
    const spec = validateSpec(
      JSON.parse(meta.metadata[SPEC_METADATA_KEY] ?? 'null'),
      `${SPEC_METADATA_KEY} in the default model`,
    );
    expect(spec.input.layout).toBe('nhwc');
  });
});

describe('summarizeProvenance', () => {
  it('names the sources and asks to check guessed parts', () => {
    expect(summarizeProvenance({ labels: 'labels.txt', 'input.layout': 'x', 'input.mean': 'defaults' })).toBe(
      'labels from labels.txt; layout, size and type from x; preprocessing from defaults — please check',
    );
    expect(
      summarizeProvenance({
        labels: 'onsight.spec in m.onnx',
        'input.mean': 'onsight.spec in m.onnx',
        'output.kind': 'defaults',
      }),
    ).toBe('labels from onsight.spec in m.onnx; preprocessing from onsight.spec in m.onnx; output kind from defaults');
  });
});
