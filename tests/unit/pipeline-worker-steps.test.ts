/**
 * The worker's steps run in Node: ORT start-up and its failure texts, model reading with progress, sidecars, photo
 * refusals, and a whole loadModel → classifyPhoto on a tiny in-memory model through real onnxruntime-web. Only what
 * Node lacks is stubbed: `self` (the worker global), and createImageBitmap/OffscreenCanvas for the decode. The browser
 * path itself is covered by the e2e specs.
 */
import * as ort from 'onnxruntime-web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyPhoto } from '../../src/inference/classify-photo';
import { loadModel } from '../../src/inference/load-model';
import { fetchWithProgress, fileNameOf, readModelFile } from '../../src/inference/model-fetch';
import { openSession } from '../../src/inference/model-session';
import { fetchSidecars } from '../../src/inference/model-sidecars';
import {
  backendInitFailure,
  type Ort,
  runtimeStartFailure,
  startRuntime,
  threadCount,
} from '../../src/inference/ort-runtime';
import { ORT_WARMUP_MODEL } from '../../src/inference/ort-warmup-model';
import { decodePhoto, KEEP_FOR_THUMBNAIL_PIXELS } from '../../src/inference/photo-decode';
import { MAX_PIXELS } from '../../src/inference/protocol';
import { ThumbnailTickets } from '../../src/inference/thumbnail-tickets';
import { buildTinyClassifier } from '../helpers/tiny-models';

ort.env.wasm.numThreads = 1;

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A fetch that answers each URL from `routes` (404 otherwise) and records what was asked for. */
function stubFetch(routes: Record<string, () => Response>) {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (url: string | URL) => {
    asked.push(String(url));
    return routes[String(url)]?.() ?? new Response('no', { status: 404, statusText: 'Not Found' });
  });
  return asked;
}

describe('ORT runtime', () => {
  it('threads: as asked within 1..16 when isolated, else min(4, cores); always 1 without isolation', () => {
    expect(threadCount(3, true, 8)).toBe(3);
    expect(threadCount(99, true, 8)).toBe(16);
    expect(threadCount(0, true, 8)).toBe(1);
    expect(threadCount(undefined, true, 8)).toBe(4);
    expect(threadCount(undefined, true, 2)).toBe(2);
    expect(threadCount(undefined, true, undefined)).toBe(1);
    expect(threadCount(8, false, 8)).toBe(1);
  });

  it("tells a backend that failed to start from a model ORT refuses, by ORT's own texts", async () => {
    expect(backendInitFailure(new Error('no available backend found. ERR: [wasm] RangeError: Out of memory'))).toBe(
      'RangeError: Out of memory',
    );
    const refusal = await ort.InferenceSession.create(new Uint8Array([1, 2, 3, 4]), {
      executionProviders: ['wasm'],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refusal).toBeDefined();
    expect(backendInitFailure(refusal)).toBeUndefined();
    expect(runtimeStartFailure('wasm', 4, 'RangeError: Out of memory')).toEqual({
      ok: false,
      stage: 'runtime',
      threads: 4,
      cause: 'RangeError: Out of memory',
      message: "onnxruntime-web's wasm backend failed to start with 4 threads: RangeError: Out of memory",
    });
    expect(runtimeStartFailure('wasm', 1, 'x').message).toBe("onnxruntime-web's wasm backend failed to start: x");
  });

  it('starts once per worker; another build in the same worker is refused as a runtime failure', async () => {
    const first = startRuntime('wasm', 1);
    expect(startRuntime('wasm', 1)).toBe(first);
    expect((await first).ok).toBe(true);
    const other = await startRuntime('webgpu', 1);
    expect(other).toMatchObject({
      ok: false,
      failure: {
        stage: 'runtime',
        message: "could not load onnxruntime-web's webgpu build: this worker already runs ORT's wasm build",
      },
    });
  });

  it('a model ORT refuses is stage session; a valid one opens', async () => {
    const o = ort as unknown as Ort;
    const refused = await openSession(o, new Uint8Array([1, 2, 3, 4]), 'wasm', 1);
    expect(refused).toMatchObject({ ok: false, stage: 'session' });
    expect(!refused.ok && refused.message).toMatch(/^wasm session failed: ./);
    const opened = await openSession(o, ORT_WARMUP_MODEL, 'wasm', 1);
    expect(opened.ok).toBe(true);
    if (opened.ok) await opened.raw.release();
  });
});

describe('model fetch', () => {
  it('streams with progress and ends with the full size', async () => {
    const body = new Uint8Array(1000).fill(7);
    stubFetch({ 'http://x/m.onnx': () => new Response(body, { headers: { 'Content-Length': '1000' } }) });
    const progress: unknown[] = [];
    const bytes = await fetchWithProgress('http://x/m.onnx', (p) => progress.push(p));
    expect(bytes).toEqual(body);
    expect(progress[0]).toEqual({ phase: 'downloading', loadedBytes: 0, totalBytes: 1000 });
    expect(progress.at(-1)).toEqual({ phase: 'downloading', loadedBytes: 1000, totalBytes: 1000 });
  });

  it('reports no total while a compressed body is arriving (Content-Length counts compressed bytes)', async () => {
    stubFetch({
      'http://x/m.onnx': () =>
        new Response(new Uint8Array(10), { headers: { 'Content-Length': '4', 'Content-Encoding': 'gzip' } }),
    });
    const progress: { totalBytes?: number }[] = [];
    await fetchWithProgress('http://x/m.onnx', (p) => progress.push(p));
    expect(progress[0]?.totalBytes).toBeUndefined();
    expect(progress.at(-1)?.totalBytes).toBe(10);
  });

  it('an HTTP error is stage fetch, worded for the user', async () => {
    stubFetch({});
    expect(await readModelFile({ kind: 'url', url: 'http://x/missing.onnx' })).toEqual({
      ok: false,
      stage: 'fetch',
      message: 'could not load the model: HTTP 404 Not Found for http://x/missing.onnx',
    });
  });

  it('picked files: the .onnx is the model, the rest companions; none is stage model', async () => {
    const model = new File([new Uint8Array([0x08, 0x07])], 'My Model.ONNX');
    const labels = new File(['a\nb'], 'labels.txt');
    const read = await readModelFile({ kind: 'files', files: [labels, model] });
    expect(read).toMatchObject({ ok: true, file: { fileName: 'My Model.ONNX', companions: [labels] } });
    expect(await readModelFile({ kind: 'files', files: [labels, new File(['x'], 'notes.md')] })).toEqual({
      ok: false,
      stage: 'model',
      message: 'no .onnx file among the files given',
    });
    expect(fileNameOf('http://x/dir/my%20model.onnx?v=2')).toBe('my model.onnx');
    expect(fileNameOf('http://x/')).toBe('model.onnx');
  });

  it('sidecars: found ones are kept; 404s and HTML fallbacks are skipped', async () => {
    const asked = stubFetch({
      'http://x/m/labels.txt': () => new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } }),
      'http://x/m/net.onsight.json': () => new Response('{}', { headers: { 'Content-Type': 'application/json' } }),
    });
    const found = await fetchSidecars('http://x/m/net.onnx', 'net.onnx');
    expect(asked.sort()).toEqual(['http://x/m/labels.txt', 'http://x/m/net.onsight.json']);
    expect(found.map((f) => f.name)).toEqual(['net.onsight.json']);
  });
});

describe('photo decode refusals', () => {
  it('empty, not an image, and over the pixel budget by its header, before any decoding', async () => {
    const decoder = vi.fn();
    vi.stubGlobal('createImageBitmap', decoder);
    expect(await decodePhoto(new Blob([]))).toMatchObject({ ok: false, code: 'empty' });
    expect(await decodePhoto(new Blob([]))).toMatchObject({ message: 'This file is empty' });
    expect(await decodePhoto(new Blob(['hello'], { type: 'text/plain' }))).toEqual({
      ok: false,
      code: 'not-image',
      message: 'This is a text file, not a photo',
    });
    expect(await decodePhoto(new Blob(['%PDF-1.7\n%âãÏÓ\n'], { type: 'application/pdf' }))).toMatchObject({
      code: 'not-image',
      message: 'This is a PDF, not a photo',
    });
    // No type and no telling bytes: said without guessing.
    expect(await decodePhoto(new Blob([new Uint8Array([0, 1, 2, 3, 0, 9])]))).toMatchObject({
      code: 'not-image',
      message: 'This file is not a photo, or not in a format OnSight reads',
    });
    // A PNG header claiming 20 000 × 10 000 pixels.
    const png = new Uint8Array(33);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 20_000);
    new DataView(png.buffer).setUint32(20, 10_000);
    expect(await decodePhoto(new Blob([png]))).toEqual({
      ok: false,
      code: 'too-large',
      message: `This photo is too large to read: 20000×10000 is 200 megapixels, and the limit is ${MAX_PIXELS / 1e6} — make it smaller first`,
    });
    expect(decoder).not.toHaveBeenCalled();
  });

  it("a decoder failure says what the file is and what is wrong, in plain words, without the browser's text", async () => {
    vi.stubGlobal('createImageBitmap', async () => {
      throw new Error('The source image could not be decoded.');
    });
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    // Cut off before its end marker (FF D9): a download or copy that stopped early.
    const truncated = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 1, 2, 3])]);
    expect(await decodePhoto(truncated)).toEqual({
      ok: false,
      code: 'undecodable',
      message: 'This JPEG is damaged or incomplete — it ends before the picture does',
    });
    // Whole (it ends with FF D9) but still unreadable.
    const damaged = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 7, 7, 0xff, 0xd9])]);
    expect(await decodePhoto(damaged)).toMatchObject({
      message: 'This JPEG could not be opened — it is damaged, or saved in a form this browser cannot read',
    });
    const svg = new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>'], { type: 'image/svg+xml' });
    expect(await decodePhoto(svg)).toMatchObject({
      code: 'undecodable',
      message: 'This is an SVG drawing, not a photo — save it as PNG or JPEG to classify it',
    });
    const heic = new Blob([new TextEncoder().encode('\0\0\0\x18ftypheic\0\0\0\0')]);
    expect(await decodePhoto(heic)).toMatchObject({
      message: 'This browser cannot open HEIC pictures — save it as JPEG or PNG first',
    });
    for (const outcome of [truncated, damaged, svg, heic].map((photo) => decodePhoto(photo))) {
      const { message } = (await outcome) as { message: string };
      expect(message, 'sentence case, no bracketed browser text').toMatch(/^[A-Z][^()]*$/);
    }
  });
});

describe('loadModel → classifyPhoto, through real onnxruntime-web', () => {
  /** Node has no worker global; the worker reads `self.crossOriginIsolated` for its thread count. */
  const stubWorkerGlobal = () => vi.stubGlobal('self', { crossOriginIsolated: false, name: '' });

  /** A decoder that yields a uniform RGBA image of the given colour. */
  function stubDecoder(width: number, height: number, rgb: [number, number, number]) {
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
    vi.stubGlobal('createImageBitmap', async () => ({ width, height, close() {} }));
    vi.stubGlobal(
      'OffscreenCanvas',
      class {
        getContext() {
          return { drawImage() {}, clearRect() {}, getImageData: () => ({ data }) };
        }
      },
    );
  }

  it('loads picked files with labels, warms up, and classifies a photo', async () => {
    stubWorkerGlobal();
    const tiny = buildTinyClassifier({ output: 'probabilities', height: 8, width: 8 });
    const files = [new File([new Uint8Array(tiny.bytes)], 'tiny.onnx'), new File(['red\ngreen\nblue'], 'labels.txt')];
    const progress: string[] = [];
    const loaded = await loadModel(
      { source: { kind: 'files', files }, backend: 'wasm', backendReason: 'WASM requested' },
      (p) => progress.push(p.phase),
    );
    if (!loaded.ok) throw new Error(`${loaded.stage}: ${loaded.message}`);
    expect(progress).toEqual(['initialising']);
    expect(loaded.model).toMatchObject({
      backend: 'wasm',
      threads: 1,
      bytes: tiny.bytes.byteLength,
      backendReason: 'WASM requested',
    });
    expect(loaded.model.spec.labels).toEqual(['red', 'green', 'blue']);
    expect(loaded.model.warmupMs).toBeGreaterThanOrEqual(0);

    stubDecoder(20, 10, [255, 0, 0]);
    const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0])], { type: 'image/jpeg' });
    expect(await classifyPhoto(undefined, photo, 3)).toEqual({
      ok: false,
      code: 'no-model',
      message: 'No model is loaded',
    });
    const outcome = await classifyPhoto(loaded.active, photo, 3);
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result).toMatchObject({ width: 20, height: 10 });
    expect(outcome.result.predictions.map((p) => p.label).sort()).toEqual(['blue', 'green', 'red']);
    const sum = outcome.result.predictions.reduce((s, p) => s + p.score, 0);
    expect(sum).toBeCloseTo(1, 3);
    await loaded.active.raw.release();
  });

  it('a photo over 4 MP is shrunk for its thumbnail during the decode, so only the small copy outlives it', async () => {
    const [width, height] = [2500, 2000];
    const data = new Uint8ClampedArray(width * height * 4);
    vi.stubGlobal(
      'OffscreenCanvas',
      class {
        getContext() {
          return { drawImage() {}, clearRect() {}, getImageData: () => ({ data }) };
        }
      },
    );
    const events: string[] = [];
    let n = 0;
    vi.stubGlobal('createImageBitmap', async (_source: unknown, options?: ImageBitmapOptions) => {
      const no = ++n;
      const [w, h] = options?.resizeWidth ? [options.resizeWidth, options.resizeHeight] : [width, height];
      return { width: w, height: h, close: () => events.push(`bitmap ${no} closed`) };
    });
    const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0])], { type: 'image/jpeg' });
    const decoded = await decodePhoto(photo, { thumbnailMaxSide: 160 });
    if (!decoded.ok) throw new Error(decoded.message);
    expect(width * height).toBeGreaterThan(KEEP_FOR_THUMBNAIL_PIXELS);
    expect([decoded.thumbnail?.width, decoded.thumbnail?.height]).toEqual([160, 128]);
    expect(events).toEqual(['bitmap 1 closed']);
  });

  it("with a thumbnail asked for, the decode's own bitmap is kept for it, and drawn after the answer", async () => {
    stubWorkerGlobal();
    const tiny = buildTinyClassifier({ output: 'probabilities', height: 8, width: 8 });
    const files = [new File([new Uint8Array(tiny.bytes)], 'tiny.onnx'), new File(['red\ngreen\nblue'], 'labels.txt')];
    const loaded = await loadModel({ source: { kind: 'files', files }, backend: 'wasm', backendReason: 'r' });
    if (!loaded.ok) throw new Error(`${loaded.stage}: ${loaded.message}`);
    stubDecoder(20, 10, [0, 255, 0]);
    const events: string[] = [];
    let n = 0;
    vi.stubGlobal('createImageBitmap', async (_source: unknown, options?: ImageBitmapOptions) => {
      const no = ++n;
      const [width, height] = options?.resizeWidth ? [options.resizeWidth, options.resizeHeight] : [20, 10];
      return { width, height, close: () => events.push(`bitmap ${no} closed`) };
    });
    const later: (() => void)[] = [];
    const tickets = new ThumbnailTickets(
      async (source) => {
        const from = source.small ? `bitmap ${source.small.width}×${source.small.height}` : 'pixels';
        events.push(`drawn from ${from}`);
        source.small?.close();
        return new Blob(['thumbnail']);
      },
      16,
      (task) => later.push(task),
    );
    const order = { request: { maxSide: 16, quality: 0.8 }, tickets };
    const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0])], { type: 'image/jpeg' });

    const outcome = await classifyPhoto(loaded.active, photo, 3, order);
    if (!outcome.ok) throw new Error(outcome.message);
    // Answered: the full-size bitmap (a small photo's) is still open for the thumbnail, nothing drawn or shrunk yet.
    expect(events).toEqual([]);
    expect(n).toBe(1);
    for (const task of later.splice(0)) task();
    const ticket = outcome.result.thumbnailTicket;
    if (ticket === undefined) throw new Error('no thumbnail ticket');
    expect(await (await tickets.take(ticket))?.text()).toBe('thumbnail');
    expect(events).toEqual(['drawn from bitmap 20×10', 'bitmap 1 closed']);

    // Not asked for: nothing kept, no ticket.
    const plain = await classifyPhoto(loaded.active, photo, 3);
    expect(plain.ok && plain.result.thumbnailTicket).toBe(undefined);
    expect(events.slice(2)).toEqual(['bitmap 2 closed']);
    // No model: nothing is kept either.
    expect(await classifyPhoto(undefined, photo, 3, order)).toMatchObject({ ok: false, code: 'no-model' });
    expect(events.slice(3)).toEqual(['bitmap 3 closed']);
    expect(tickets.size).toBe(0);
    await loaded.active.raw.release();
  });

  it('a non-ONNX file is stage model, before ORT is asked', async () => {
    stubWorkerGlobal();
    const loaded = await loadModel({
      source: { kind: 'files', files: [new File(['not a model at all'], 'x.onnx')] },
      backend: 'wasm',
      backendReason: 'r',
    });
    expect(loaded).toMatchObject({ ok: false, stage: 'model' });
  });
});
