/**
 * The cleaner's session (src/ui/evaluation/cleaner-session.ts): exact duplicates from the real bytes of
 * ../shared/datasets/bears (three byte-identical grizzlies and a pair), and the near-duplicate hook fed with
 * embeddings; and the batch store's side of the mapping: a mapped folder's photos get their class (also photos added
 * later), and photos with a class are classified with every prediction, so their loss survives the top-K trim.
 */
import 'fake-indexeddb/auto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMPTY_MAPPING, mapFolder } from '../../src/evaluate';
import type { ClassifyResult, LoadedModel } from '../../src/inference/types';
import { BatchStore } from '../../src/ui/batch-store';
import { CleanerSession, cleanerSessionFor } from '../../src/ui/evaluation/cleaner-session';
import { deriveEvaluationView } from '../../src/ui/evaluation/evaluation-view';
import { mappingFromJson, mappingToJson } from '../../src/ui/evaluation/mapping-storage';
import { tinySpec } from '../helpers/ui-fixtures';

const shared = process.env.ONSIGHT_SHARED ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const bears = join(shared, 'datasets/bears');
const haveBears = existsSync(bears);
if (!haveBears && process.env.CI === 'true') throw new Error(`CI: ${bears} is missing`);

describe('CleanerSession', () => {
  it.skipIf(!haveBears)('flags the byte-identical bears: the shortest name is the one kept', async () => {
    const photos = ['black', 'grizzly', 'teddy'].flatMap((folder) =>
      readdirSync(join(bears, folder)).map((name) => ({
        id: `${folder}/${name}`,
        path: `bears/${folder}/${name}`,
        file: new Blob([readFileSync(join(bears, folder, name))]),
      })),
    );
    const session = new CleanerSession();
    let told = 0;
    session.subscribe(() => told++);
    await session.hashMissing(photos);
    expect(told).toBe(1);
    const flags = session.flags();
    const flagged = [...flags].map(([id, flag]) => `${id} → ${flag.of.path}`).sort();
    expect(flagged).toEqual([
      'grizzly/00000001-Copy1.jpg → bears/grizzly/00000001.jpg',
      'grizzly/00000001-Copy2.jpg → bears/grizzly/00000001.jpg',
      'grizzly/00000001.jpg → bears/grizzly/00000001.jpg',
      'grizzly/00000009-Copy1.jpg → bears/grizzly/00000009.jpg',
      'grizzly/00000009.jpg → bears/grizzly/00000009.jpg',
    ]);
    expect(session.exactGroups).toHaveLength(2);
    // Hashed once: a second call with the same photos reads nothing and says nothing.
    await session.hashMissing(photos);
    expect(told).toBe(1);
  });

  it('near duplicates appear when embeddings are supplied; exact ones win; bad vectors are refused', async () => {
    const session = new CleanerSession();
    const same = new Blob(['same bytes']);
    await session.hashMissing([
      { id: 'a', path: 'set/a.jpg', file: same },
      { id: 'b', path: 'set/a copy.jpg', file: same },
    ]);
    const refused = session.addEmbeddings([
      { id: 'a', path: 'set/a.jpg', vector: [1, 0, 0] },
      { id: 'c', path: 'set/c.jpg', vector: [1, 0.01, 0] },
      { id: 'd', path: 'set/d.jpg', vector: [0, 1, 0] },
      { id: 'e', path: 'set/e.jpg', vector: [0, 0, 0] },
    ]);
    expect(refused.map((r) => r.path)).toEqual(['set/e.jpg']);
    const flags = session.flags();
    expect(flags.get('a')?.kind).toBe('exact');
    expect(flags.get('b')?.of.path).toBe('set/a.jpg');
    expect(flags.get('c')).toMatchObject({ kind: 'near', of: { path: 'set/a.jpg' } });
    expect(flags.has('d')).toBe(false);
  });

  it('one session per batch store', () => {
    const batch = {};
    expect(cleanerSessionFor(batch)).toBe(cleanerSessionFor(batch));
    expect(cleanerSessionFor({})).not.toBe(cleanerSessionFor(batch));
  });
});

/** A File as `<input webkitdirectory>` gives it. */
function picked(relativePath: string): File {
  const file = new File(['x'], relativePath.split('/').pop() ?? relativePath, { type: 'image/jpeg' });
  Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
  return file;
}

describe('BatchStore and the folder mapping', () => {
  it('a mapped folder gives its photos a class, also to photos added later; classified with every prediction', async () => {
    const labels = ['cat', 'dog', 'bird', 'fish', 'frog', 'newt'];
    const model: LoadedModel = {
      id: 'm',
      spec: tinySpec('m', labels),
      backend: 'wasm',
      threads: 1,
      bytes: 1,
      backendReason: '',
    };
    const topKs: number[] = [];
    const store = new BatchStore({
      async classify(_photo, { topK }): Promise<ClassifyResult> {
        topKs.push(topK);
        // A stand-in for the model (this tests the store's bookkeeping): `newt` is ranked last, past the top 5.
        const predictions = labels.map((label, index) => ({ index, label, score: (labels.length - index) / 21 }));
        return {
          predictions: topK > 0 ? predictions.slice(0, topK) : predictions,
          timings: { decodeMs: 1, preprocessMs: 1, inferenceMs: 1, postprocessMs: 0, totalMs: 3 },
          width: 4,
          height: 3,
        };
      },
      modelReady: async () => model,
      currentModel: () => model,
      announce: () => {},
      createObjectURL: () => 'blob:1',
      revokeObjectURL: () => {},
    });
    const settled = async () => {
      for (let i = 0; i < 500 && store.results.counts().pending > 0; i++) await new Promise((r) => setTimeout(r, 1));
    };
    await store.add([picked('Set/cat/1.jpg'), picked('Set/salamander/1.jpg'), picked('loose.jpg')]);
    await settled();
    const actualOf = (path: string) => store.results.all().find((p) => p.path === path)?.actual;
    expect(actualOf('Set/cat/1.jpg')).toBe('cat');
    expect(actualOf('Set/salamander/1.jpg')).toBeUndefined();

    store.setMapping(mapFolder(EMPTY_MAPPING, 'salamander', 'newt'));
    expect(store.mapping.choices.get('salamander')).toBe('newt');
    expect(actualOf('Set/salamander/1.jpg')).toBe('newt');
    // Classified before it had a class, with the top 5 only: its loss is unknown until it is classified again.
    const unknown = deriveEvaluationView(store.results, labels, store.mapping).evaluation.lossUnknown;
    expect(unknown).toHaveLength(1);
    expect(store.rerun(unknown)).toBe(1);
    await settled();
    expect(deriveEvaluationView(store.results, labels, store.mapping).evaluation.lossUnknown).toEqual([]);

    await store.add([picked('Set/salamander/2.jpg')]);
    await settled();
    const later = store.results.all().find((p) => p.path === 'Set/salamander/2.jpg');
    expect(later?.actual).toBe('newt');
    // p(newt) is past the top 5, and kept: the photo was classified with every prediction.
    expect(later?.actualScore).toEqual({ label: 'newt', score: 1 / 21 });
    // Photos with a class (cat/1, salamander/1 again, salamander/2): every prediction; the others the top 5.
    expect(topKs.sort()).toEqual([0, 0, 0, 5, 5]);
    expect(store.fileOf(later?.id as string)?.name).toBe('2.jpg');
    store.dispose();
  });
});

describe('the stored mapping', () => {
  it('round-trips, and a malformed value gives what can be read (never throws)', () => {
    const mapping = mapFolder(mapFolder(EMPTY_MAPPING, 'kitten', 'cat'), 'misc', null);
    expect(mappingFromJson(mappingToJson(mapping)).choices).toEqual(mapping.choices);
    expect(mappingFromJson(null)).toBe(EMPTY_MAPPING);
    expect(mappingFromJson('{not json')).toBe(EMPTY_MAPPING);
    expect(mappingFromJson('{"a":1}')).toBe(EMPTY_MAPPING);
    expect([...mappingFromJson('[["a","cat"],["b",3],["c"],"d",["e",null]]').choices]).toEqual([
      ['a', 'cat'],
      ['e', null],
    ]);
  });
});
