/**
 * Large and wrong model files are refused before they are read: the size against the ceiling (the default, and a lower
 * one as the client may configure), the first bytes against the ONNX header, with messages that name the size and the
 * limit; and a file the browser cannot read gets words of its own instead of Chromium's "permission problems".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_MAX_MODEL_BYTES,
  describeSize,
  fetchWithProgress,
  readModelFile,
} from '../../src/inference/model-fetch';
import { checkOnnxHeader, NotOnnxError } from '../../src/onnx/read-onnx-metadata';
import { buildTinyClassifier } from '../helpers/tiny-models';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A picked file that counts how often its content is read, whole or in part, and can claim any size. */
class WatchedFile extends File {
  wholeReads = 0;
  partReads = 0;
  constructor(
    bytes: Uint8Array,
    name: string,
    private readonly claimedSize?: number,
    private readonly readError?: Error,
  ) {
    super([bytes as Uint8Array<ArrayBuffer>], name);
  }
  override get size(): number {
    return this.claimedSize ?? super.size;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    this.wholeReads++;
    return this.readError ? Promise.reject(this.readError) : super.arrayBuffer();
  }
  override text(): Promise<string> {
    this.wholeReads++;
    return super.text();
  }
  override stream(): ReturnType<File['stream']> {
    this.wholeReads++;
    return super.stream();
  }
  override slice(start?: number, end?: number, type?: string): Blob {
    this.partReads++;
    return super.slice(start, end, type);
  }
}

/** A real (tiny) ONNX classifier, as a plain Uint8Array (protobufjs gives a Node Buffer). */
const tiny = () => new Uint8Array(buildTinyClassifier().bytes);

describe('picked model files', () => {
  it('one over a configured ceiling is refused before any of it is read, naming its size and the limit', async () => {
    const file = new WatchedFile(new Uint8Array(5_000), 'big.onnx');
    const read = await readModelFile({ kind: 'files', files: [file] }, undefined, 2_000);
    expect(read).toEqual({
      ok: false,
      stage: 'model',
      message: 'the file is 5 kB, larger than the 2 kB limit for a model file; it was not read',
    });
    expect(file.wholeReads + file.partReads).toBe(0);
  });

  it('a 2.5 GB file is refused by the default ceiling, not with "permission problems"', async () => {
    const file = new WatchedFile(tiny(), 'huge.onnx', 2.5e9);
    const read = await readModelFile({ kind: 'files', files: [file] });
    expect(read.ok).toBe(false);
    const message = read.ok ? '' : read.message;
    expect(message).toContain('the file is 2.5 GB, larger than the 2.1 GB limit for a model file');
    expect(message).toContain('the most one ONNX file can hold');
    expect(message).not.toMatch(/permission/i);
    expect(file.wholeReads + file.partReads).toBe(0);
    expect(DEFAULT_MAX_MODEL_BYTES).toBe(2 ** 31 - 1);
  });

  it('one that is not ONNX is refused from its first bytes; the rest is never read', async () => {
    const zip = new Uint8Array(100_000);
    zip.set([0x50, 0x4b, 0x03, 0x04]);
    const file = new WatchedFile(zip, 'model.onnx');
    const read = await readModelFile({ kind: 'files', files: [file] });
    expect(read).toMatchObject({ ok: false, stage: 'model' });
    expect(read.ok ? '' : read.message).toMatch(/^not an ONNX model: it is a ZIP archive/);
    expect(file.wholeReads).toBe(0);
    expect(file.partReads).toBe(1);
  });

  it('one the browser cannot read gets plain words, not the browser’s misleading text', async () => {
    const unreadable = new DOMException(
      'The requested file could not be read, typically due to permission problems that have occurred after a reference to a file was acquired.',
      'NotReadableError',
    );
    const file = new WatchedFile(tiny(), 'model.onnx', undefined, unreadable);
    const read = await readModelFile({ kind: 'files', files: [file] });
    expect(read.ok ? '' : read.message).toMatch(
      /^the browser could not read the file \(\d+ bytes\): it may be too large for the memory this page may use, or it was moved or changed after it was picked$/,
    );
    expect(read).toMatchObject({ stage: 'fetch' });
  });

  it('a real model under the ceiling is read whole, once', async () => {
    const bytes = tiny();
    const file = new WatchedFile(bytes, 'tiny.onnx');
    const read = await readModelFile({ kind: 'files', files: [file] }, undefined, bytes.byteLength);
    expect(read.ok && read.file.bytes).toEqual(bytes);
    expect(file.wholeReads).toBe(1);
  });
});

/** A response whose body is `chunks` (pulled one at a time), counting what was pulled and whether it was cancelled. */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[seen.pulled++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { response: new Response(body, { headers }), seen };
}

function stubFetchOnce(response: Response) {
  vi.stubGlobal('fetch', async () => response);
}

describe('model URLs', () => {
  const chunks = (n: number, size: number, first?: Uint8Array) =>
    Array.from({ length: n }, (_, i) => (i === 0 && first ? first : new Uint8Array(size).fill(8)));

  it('a Content-Length over the ceiling is refused before the body is read', async () => {
    const { response, seen } = streamed(chunks(10, 1000), { 'Content-Length': '10000' });
    stubFetchOnce(response);
    const read = await readModelFile({ kind: 'url', url: 'http://x/big.onnx' }, undefined, 4000);
    expect(read).toEqual({
      ok: false,
      stage: 'model',
      message: 'the file is 10 kB, larger than the 4 kB limit for a model file; it was not read',
    });
    expect(seen.pulled).toBeLessThanOrEqual(1);
    expect(seen.cancelled).toBe(true);
  });

  it('without a Content-Length, the download stops as soon as it passes the ceiling', async () => {
    const { response, seen } = streamed(chunks(10, 1000, tiny()));
    stubFetchOnce(response);
    const read = await readModelFile({ kind: 'url', url: 'http://x/big.onnx' }, undefined, 2500);
    expect(read.ok ? '' : read.message).toBe(
      'the file is larger than the 2.5 kB limit for a model file; the download was stopped',
    );
    expect(seen.pulled).toBeLessThan(10);
    expect(seen.cancelled).toBe(true);
  });

  it('an HTML page in place of the model is refused from its first chunk', async () => {
    const page = new TextEncoder().encode(`<!DOCTYPE html><html>${'x'.repeat(2000)}`);
    const { response, seen } = streamed([page, ...chunks(50, 1000)]);
    stubFetchOnce(response);
    const read = await readModelFile({ kind: 'url', url: 'http://x/m.onnx' });
    expect(read).toMatchObject({ ok: false, stage: 'model' });
    expect(read.ok ? '' : read.message).toContain('it is an HTML page (a failed download?)');
    expect(seen.pulled).toBeLessThan(5);
  });

  it('a model with a Content-Length arrives whole in one buffer, with progress', async () => {
    const bytes = tiny();
    const parts = [bytes.subarray(0, 10), bytes.subarray(10, 100), bytes.subarray(100)];
    const { response } = streamed(parts, { 'Content-Length': String(bytes.byteLength) });
    stubFetchOnce(response);
    const progress: number[] = [];
    const got = await fetchWithProgress('http://x/m.onnx', (p) => progress.push(p.loadedBytes ?? -1), {
      maxBytes: bytes.byteLength,
    });
    expect(got).toEqual(bytes);
    expect(progress.at(-1)).toBe(bytes.byteLength);
  });
});

describe('the ONNX header from the first bytes', () => {
  it('accepts a real model’s start and refuses other starts with the reason', () => {
    expect(() => checkOnnxHeader(tiny().subarray(0, 64), 10_000)).not.toThrow();
    const refusal = (bytes: number[] | string) => {
      const head = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes);
      try {
        checkOnnxHeader(head, 10_000);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(NotOnnxError);
        return (e as Error).message;
      }
    };
    expect(refusal([])).toBe('not an ONNX model: the file is empty');
    expect(refusal('{"format": 1}')).toMatch(/a JSON file/);
    expect(refusal('these are not the weights')).toBe(
      'not an ONNX model: it does not begin the way an ONNX file does (its first bytes are 74 68 65 73); is it another kind of file?',
    );
    expect(refusal([0x00, 0x00, 0x00, 0x00])).toMatch(/does not begin the way an ONNX file does/);
  });

  it('describes sizes the way file managers do', () => {
    expect(describeSize(2.5e9)).toBe('2.5 GB');
    expect(describeSize(3_655_640)).toBe('3.7 MB');
    expect(describeSize(3_195)).toBe('3.2 kB');
    expect(describeSize(5_000)).toBe('5 kB');
    expect(describeSize(999)).toBe('999 bytes');
  });
});
