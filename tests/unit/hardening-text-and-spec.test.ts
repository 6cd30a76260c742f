/**
 * What strangers' models can put on the page: text with bidi overrides and of any length (display-text.ts, used by
 * SafeText), a `source.url` that is not a web address (dropped by validation, never a link), and a normalisation
 * whose values no model expects (input-range.ts, warned about). The rendering itself is checked in the browser
 * (tests/e2e/hardening-hostile-model.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { inputRangeWarning, preprocessedRange } from '../../src/model/input-range';
import { createModelStore, memoryBackend } from '../../src/model/model-store';
import { webAddress } from '../../src/model/source-url';
import type { InputSpec } from '../../src/model/spec';
import { validateSpec } from '../../src/model/validate';
import { displayText, hasBidiControls, shortenText, showBidiControls } from '../../src/ui/display-text';

describe('display text', () => {
  it('shows bidi overrides, embeddings and isolates as their codes; keeps marks and ordinary text', () => {
    expect(showBidiControls('abc\u202Egpj.exe')).toBe('abc[U+202E]gpj.exe');
    expect(showBidiControls('\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069')).toBe(
      '[U+202A][U+202B][U+202C][U+202D][U+2066][U+2067][U+2068][U+2069]',
    );
    const hebrew = 'כלב\u200F (dog)';
    expect(showBidiControls(hebrew)).toBe(hebrew);
    expect(showBidiControls('👩‍👩‍👧 family')).toBe('👩‍👩‍👧 family');
    expect(hasBidiControls('a\u2066b')).toBe(true);
    expect(hasBidiControls('plain')).toBe(false);
  });

  it('cuts long text to whole characters: an emoji sequence is never split', () => {
    expect(shortenText('short', 10)).toEqual({ text: 'short', shortened: false });
    expect(shortenText('abcdefghij', 4)).toEqual({ text: 'abcd', shortened: true });
    const family = '👩‍👩‍👧';
    const many = family.repeat(100);
    const cut = shortenText(many, 3);
    expect(cut).toEqual({ text: family.repeat(3), shortened: true });
    // The window at the cut ends inside a sequence: that one is dropped, not halved.
    expect(shortenText(many, 80).text).toBe(family.repeat(Math.floor((80 * 2 + 64) / family.length) - 1));
    expect(shortenText('🐕'.repeat(5), 5)).toEqual({ text: '🐕'.repeat(5), shortened: false });
  });

  it('a 100 KB label is cut to its start and stays text', () => {
    const huge = `<img src=x onerror=alert(1)>${'A'.repeat(100_000)}`;
    const shown = displayText(huge, 80);
    expect(shown).toBe(`${huge.slice(0, 80)}…`);
    expect(displayText('abc\u202Egpj.exe')).toBe('abc[U+202E]gpj.exe');
  });
});

describe('source.url', () => {
  it('is a web address only for http: and https:', () => {
    expect(webAddress('https://example.com/model')).toBe('https://example.com/model');
    expect(webAddress('http://example.com')).toBe('http://example.com/');
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'blob:https://example.com/x',
      'file:///etc/passwd',
      '//example.com/x',
      'example.com',
      '',
      undefined,
    ]) {
      expect(webAddress(bad), String(bad)).toBeUndefined();
    }
  });

  it('validation drops any other address with a warning, so it is never saved with the model', async () => {
    const warnings: string[] = [];
    const spec = validateSpec(
      {
        id: 'm',
        name: 'M',
        labels: ['a'],
        input: { layout: 'nchw', dtype: 'float32', width: 8, height: 8 },
        source: { name: 'Evil', license: 'MIT', url: 'javascript:alert(document.domain)' },
      },
      'spec.json',
      warnings,
    );
    expect(spec.source).toEqual({ name: 'Evil', license: 'MIT' });
    expect(warnings).toEqual([
      'spec.json: source.url "javascript:alert(document.domain)" is not an http(s) address; it is ignored',
    ]);
    // A manifest saved before this check is cleaned when read back.
    const backend = memoryBackend();
    const store = createModelStore(backend);
    await store.save([{ name: 'm.onnx', data: new Uint8Array([8, 7]) }], spec);
    const manifest = JSON.parse(new TextDecoder().decode(backend.entries.get('m/manifest')));
    manifest.spec.source.url = 'javascript:alert(1)';
    backend.entries.set('m/manifest', new TextEncoder().encode(JSON.stringify(manifest)));
    expect((await store.list())[0]?.spec.source).toEqual({ name: 'Evil', license: 'MIT' });
    const ok = validateSpec({ ...spec, source: { name: 'Zoo', license: 'MIT', url: 'https://x.org/' } }, 'w');
    expect(ok.source?.url).toBe('https://x.org/');
  });
});

const input = (patch: Partial<InputSpec>): InputSpec => ({
  layout: 'nchw',
  dtype: 'float32',
  width: 224,
  height: 224,
  resize: 'crop',
  resample: 'bilinear',
  alignCorners: false,
  antialias: true,
  channelOrder: 'rgb',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  ...patch,
});

describe('preprocessed input range', () => {
  it('raises nothing for the conventions real models use', () => {
    for (const plausible of [
      input({}),
      input({ mean: [0, 0, 0], std: [1, 1, 1] }), // 0..1
      input({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }), // -1..1
      input({ scale: 1, mean: [0, 0, 0], std: [1, 1, 1] }), // raw 0..255
      input({ scale: 1, mean: [103.94, 116.78, 123.68], std: [1, 1, 1], channelOrder: 'bgr' }), // Caffe
      input({ dtype: 'float16' }),
      input({ dtype: 'uint8', scale: 1e300, std: [1e-300, 1, 1] }), // uint8 ignores them
    ]) {
      expect(inputRangeWarning(plausible)).toBeUndefined();
    }
    expect(preprocessedRange(input({}))).toMatchObject({
      min: expect.closeTo(-2.118, 3),
      max: expect.closeTo(2.64, 2),
    });
  });

  it('warns when every pixel becomes infinite (std 1e-300 with scale 1e300)', () => {
    const w = inputRangeWarning(input({ scale: 1e300, std: [1e-300, 1e-300, 1e-300] }));
    expect(w).toBe(
      'the preprocessing turns pixels into values from -4.85e+299 to ∞, beyond what float32 can hold: the model would see infinities and give meaningless scores. Check input.scale 1e+300, input.mean [0.485, 0.456, 0.406] and input.std [1e-300, 1e-300, 1e-300].',
    );
  });

  it('warns when values are finite but far outside any model’s range, or overflow float16', () => {
    expect(inputRangeWarning(input({ scale: 1, std: [0.001, 0.001, 0.001] }))).toMatch(
      /^the preprocessing turns pixels into values from -485 to 255000, far outside what image models expect \(about -3..3, 0..1 or 0..255\)/,
    );
    expect(inputRangeWarning(input({ dtype: 'float16', scale: 1, std: [0.001, 0.001, 0.001] }))).toMatch(
      /beyond what float16 can hold/,
    );
  });

  it('warns when every photo would look the same to the model', () => {
    expect(inputRangeWarning(input({ scale: 1e-12 }))).toMatch(
      /^the preprocessing squeezes every pixel into a range only 1.11e-9 wide \(-2.12 to -1.8\): to the model every photo would look the same/,
    );
  });

  it('reaches the spec’s warnings on load', () => {
    const warnings: string[] = [];
    validateSpec(
      {
        id: 'm',
        name: 'M',
        labels: ['a'],
        input: { layout: 'nchw', dtype: 'float32', width: 8, height: 8, scale: 1e300, std: [1e-300, 1, 1] },
      },
      'model.onnx',
      warnings,
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^model.onnx: the preprocessing turns pixels into values from .* beyond what float32/);
  });
});
