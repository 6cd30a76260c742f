/**
 * A real Teachable Machine export (../shared/models/teachable-machine-recycle) opened as the page opens it — its
 * three files loose, from a folder, or as the .zip (built here with fflate) — and through `model:add` (model.json or
 * the .zip): the ONNX file it becomes carries its spec and credit, and classifies the shared photos as TF.js did
 * (the probabilities in its SOURCE.md) within 0.02, the rest being the resize.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { convertUserModel } from '../../src/convert/convert-user-model';
import type { GivenFile } from '../../src/convert/tfjs-file-set';
import { SPEC_METADATA_KEY } from '../../src/model/spec';
import { classifyFile, loadNodeModel } from '../../src/node/classify-file';
import { readOnnxMetadata } from '../../src/onnx/read-onnx-metadata';
import { main } from '../../tools/model-add';
import {
  haveTeachableMachineExport,
  sharedPhotos,
  teachableMachineExport,
  teachableMachineReference,
} from '../helpers/shared-data';

const FILES = ['model.json', 'weights.bin', 'metadata.json'];
const work = mkdtempSync(join(tmpdir(), 'onsight-tm-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const read = (name: string) => new Uint8Array(readFileSync(join(teachableMachineExport, name)));
const file = (name: string, bytes: Uint8Array, path?: string): GivenFile => ({
  name,
  ...(path ? { path } : {}),
  size: bytes.byteLength,
  bytes: async () => bytes,
});

/** model:add's report goes to stderr; keep the test output clean. */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true;
  try {
    return await f();
  } finally {
    process.stderr.write = write;
  }
}

describe.skipIf(!haveTeachableMachineExport())('the real Teachable Machine export', () => {
  const zip = () => zipSync(Object.fromEntries(FILES.map((name) => [name, read(name)])));

  it('converts the same from its three files, a folder holding them and its .zip, named and credited', async () => {
    const loose = await convertUserModel(FILES.map((name) => file(name, read(name))));
    // A folder as <input webkitdirectory> gives it: every file with its path, SOURCE.md among them.
    const folder = await convertUserModel(
      readdirSync(teachableMachineExport).map((name) => file(name, read(name), `my_model/${name}`)),
    );
    const zipped = await convertUserModel([file('tm-my-image-model.zip', zip())]);
    // (Buffer.equals: vitest's deep equality walks 2 MB byte by byte for seconds.)
    expect(Buffer.from(folder.onnx).equals(loose.onnx), 'folder = loose files').toBe(true);
    expect(Buffer.from(zipped.onnx).equals(loose.onnx), 'zip = loose files').toBe(true);

    expect(loose.fileName).toBe('recyclables.onnx');
    expect(loose.spec).toMatchObject({
      id: 'recyclables',
      name: 'Recyclables',
      labels: ['Glass', 'Trash', 'Recyclable plastic'],
      input: { layout: 'nhwc', width: 224, height: 224, resize: 'crop', cropFraction: 1, scale: 1 / 127 },
      output: { kind: 'probabilities' },
      source: { name: 'Teachable Machine', package: '@teachablemachine/image', version: '0.8.4-alpha2' },
    });
    expect(loose.spec.source?.notes).toBe(
      'Trained with Teachable Machine 2.4.10, exported for TensorFlow.js 1.7.4. Converted from TF.js to ONNX by OnSight.',
    );
    expect(loose.summary).toContain('labels from metadata.json (Teachable Machine)');
    expect(loose.warnings).toEqual([]);
    // The spec travels in the file: the next visit loads it as it is.
    const embedded = JSON.parse(readOnnxMetadata(loose.onnx).metadata[SPEC_METADATA_KEY] ?? 'null');
    expect(embedded).toMatchObject({ id: 'recyclables', name: 'Recyclables', labels: loose.spec.labels });
  });

  it.each([
    ['model.json', () => join(teachableMachineExport, 'model.json')],
    [
      'the .zip',
      () => {
        const path = join(work, 'tm-my-image-model.zip');
        writeFileSync(path, zip());
        return path;
      },
    ],
  ])('model:add on %s classifies the shared photos as TF.js did, within 0.02', async (_, modelPath) => {
    const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
    const result = await quietly(() => main([modelPath(), '--out', out]));
    expect(result?.spec.id).toBe('recyclables');
    expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).models).toEqual([
      { id: 'recyclables', name: 'Recyclables', url: 'models/recyclables/model.onnx' },
    ]);

    const reference = teachableMachineReference(readFileSync(join(teachableMachineExport, 'SOURCE.md'), 'utf8'));
    expect(reference.photos.size).toBe(4);
    const model = await loadNodeModel(result?.target as string, { companions: false });
    expect(model.spec.labels).toEqual(reference.labels);
    for (const [photo, expected] of reference.photos) {
      const { predictions } = await classifyFile(model, join(sharedPhotos, photo), expected.length);
      const scores = reference.labels.map((label) => predictions.find((p) => p.label === label)?.score ?? Number.NaN);
      scores.forEach((score, i) => {
        expect(Math.abs(score - (expected[i] as number)), `${photo} ${reference.labels[i]}: ${score}`).toBeLessThan(
          0.02,
        );
      });
    }
  });
});
