/** The spec editor's form as data: reading it back with an error per field, presets, and the draft on the spec. */
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../src/model/spec';
import { validateSpec } from '../../src/model/validate';
import {
  applyPreset,
  type Draft,
  matchingPreset,
  PRESETS,
  readDraft,
  specWithOverrides,
  toDraft,
} from '../../src/ui/spec-draft';

const spec: ModelSpec = validateSpec(
  {
    id: 'm',
    name: 'M',
    labels: ['cat', 'dog'],
    input: { layout: 'nchw', dtype: 'float32', width: 224, height: 224 },
  },
  'test',
);

const preset = (id: string) => {
  const found = PRESETS.find((p) => p.id === id);
  if (!found) throw new Error(id);
  return found;
};

describe('spec draft', () => {
  it('round-trips the spec: the form as shown reads back as the same settings', () => {
    const draft = toDraft(spec);
    expect(draft).toMatchObject({
      scale: '1/255',
      mean: '0.485, 0.456, 0.406',
      cropFraction: '0.875',
      labels: 'cat\ndog',
    });
    const read = readDraft(draft);
    if (read.errors) throw new Error(JSON.stringify(read.errors));
    expect(specWithOverrides(spec, read.overrides).input).toEqual(spec.input);
    expect(specWithOverrides(spec, read.overrides).labels).toEqual(['cat', 'dog']);
  });

  it('puts an error in plain words on every field that is wrong, not just the first', () => {
    const draft: Draft = {
      ...toDraft(spec),
      labels: 'cat\n\ndog',
      width: '22.5',
      height: '',
      cropFraction: '1.5',
      scale: 'zero',
      mean: '0.5, 0.5',
      std: '0.2, 0, 0.2',
    };
    const read = readDraft(draft);
    expect(read.errors).toEqual({
      labels: 'Line 2 is empty; each line must name one class',
      width: 'Enter a whole number of pixels, like 224',
      height: 'Enter a whole number of pixels, like 224',
      cropFraction: 'Enter a number more than 0 and at most 1, like 0.875',
      scale: 'Enter a positive number, like 1/255',
      mean: 'Enter three numbers (red, green, blue), like 0.485, 0.456, 0.406',
      std: 'Each of the three must be more than 0: the pixels are divided by it',
    });
    // The crop fraction matters only for a centre crop.
    expect(readDraft({ ...toDraft(spec), resize: 'squish', cropFraction: 'n/a' }).errors).toBeUndefined();
    expect(readDraft({ ...toDraft(spec), kind: 'sigmoid', labels: 'a\nb\nc' }).errors).toEqual({
      kind: 'One yes/no score needs exactly 2 labels (no, yes); there are 3',
    });
  });

  it('presets fill how photos are prepared and leave what the model file says alone', () => {
    const draft = toDraft(spec);
    expect(matchingPreset(draft)?.id).toBe('pytorch');
    const keras = applyPreset(draft, preset('keras'));
    expect(keras).toMatchObject({ layout: 'nchw', width: '224', resize: 'squish', scale: '1/127.5', mean: '1, 1, 1' });
    expect(matchingPreset(keras)?.id).toBe('keras');
    const read = readDraft(keras);
    if (read.errors) throw new Error(JSON.stringify(read.errors));
    expect(read.overrides.input).toMatchObject({ scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] });
    expect(matchingPreset(applyPreset(draft, preset('teachable-machine')))?.id).toBe('teachable-machine');
    expect(matchingPreset(applyPreset(draft, preset('fastai')))?.id).toBe('fastai');
    // The same numbers typed differently still match; a changed one does not.
    expect(matchingPreset({ ...keras, scale: '0.00784314', mean: '1,1,1' })?.id).toBe('keras');
    expect(matchingPreset({ ...keras, std: '1, 1, 2' })).toBeUndefined();
  });

  it('every preset reads back as a spec the validator accepts', () => {
    for (const p of PRESETS) {
      const read = readDraft(applyPreset(toDraft(spec), p));
      if (read.errors) throw new Error(`${p.id}: ${JSON.stringify(read.errors)}`);
      expect(() => validateSpec(specWithOverrides(spec, read.overrides), p.id)).not.toThrow();
    }
  });
});
