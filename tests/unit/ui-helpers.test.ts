/** The UI's small pure helpers: number formats, the `?model=` round trip, a site model's source, saved-model files. */
import { describe, expect, it } from 'vitest';
import type { SavedUserModel } from '../../src/model/model-store';
import { formatBytes, formatMs, formatStorageBytes } from '../../src/ui/format';
import { siteModelSource } from '../../src/ui/site-models';
import { parseUrlOptions, withModelParam } from '../../src/ui/url-options';
import { filesToSave, freeUserModelId, OVERRIDES_FILE } from '../../src/ui/user-model-files';

describe('formats', () => {
  it('shows durations with a decimal only under 100 ms', () => {
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(123.6)).toBe('124 ms');
  });

  it('shows file sizes in binary units and storage in decimal units, as the OS does', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 + 512)).toBe('3.5 KB');
    expect(formatBytes(14 * 1024 * 1024)).toBe('14.0 MB');
    expect(formatStorageBytes(999)).toBe('999 B');
    expect(formatStorageBytes(12_345_678)).toBe('12.3 MB');
    expect(formatStorageBytes(123_456_789)).toBe('123 MB');
    expect(formatStorageBytes(-1)).toBe('?');
  });
});

describe('the address bar', () => {
  it('keeps the chosen model in ?model= and drops it when there is none', () => {
    const kept = withModelParam('https://app.test/sub/?backend=wasm', 'bears');
    expect(kept.href).toBe('https://app.test/sub/?backend=wasm&model=bears');
    expect(parseUrlOptions(kept.search).modelId).toBe('bears');
    expect(withModelParam(kept.href, undefined).href).toBe('https://app.test/sub/?backend=wasm');
  });
});

describe('site models', () => {
  it('load from the resolved URL under the entry id', () => {
    const entry = { id: 'm1', name: 'Model one', url: 'models/one.onnx' };
    expect(siteModelSource(entry, (url) => `https://app.test/${url}`)).toEqual({
      kind: 'url',
      url: 'https://app.test/models/one.onnx',
      id: 'm1',
    });
  });
});

describe('user model files', () => {
  const onnx = (size: number) => new File([new Uint8Array(size)], 'model.onnx');
  const saved = (id: string, size: number) =>
    ({ id, modelFile: 'model.onnx', files: [{ name: 'model.onnx', size }] }) as unknown as SavedUserModel;

  it('a different model.onnx gets an id of its own; the same one keeps its id', () => {
    expect(freeUserModelId('model', [onnx(10)], [])).toBe('model');
    expect(freeUserModelId('model', [onnx(10)], [saved('model', 10)])).toBe('model');
    expect(freeUserModelId('model', [onnx(20)], [saved('model', 10)])).toBe('model-2');
    expect(freeUserModelId('model', [onnx(30)], [saved('model', 10), saved('model-2', 20)])).toBe('model-3');
  });

  it('saves the corrections beside the files, replacing earlier ones', async () => {
    const files = [onnx(1), new File(['{}'], OVERRIDES_FILE)];
    expect(filesToSave(files).map((f) => f.name)).toEqual(['model.onnx']);
    const withOverrides = filesToSave(files, { labels: ['a', 'b'] });
    expect(withOverrides.map((f) => f.name)).toEqual(['model.onnx', OVERRIDES_FILE]);
    expect(JSON.parse(await (withOverrides[1] as File).text())).toEqual({ labels: ['a', 'b'] });
  });
});
