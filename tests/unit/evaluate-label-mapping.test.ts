/** Folder names → classes: automatic matches, the user's mappings and ignores, photos in no folder, stale choices. */
import { describe, expect, it } from 'vitest';
import {
  actualResolver,
  classFolders,
  EMPTY_MAPPING,
  folderNameForLabel,
  folderOf,
  mapFolder,
  summariseFolders,
  unmapFolder,
} from '../../src/evaluate/label-mapping';

const LABELS = ['brown bear', 'American black bear', 'teddy'];
const PATHS = [
  'bears/Teddy_/1.jpg', // "Teddy_" matches "teddy" (case, _ ignored)
  'bears/teddy/2.jpg',
  'train/grizzly/1.jpg',
  'valid/grizzly/2.jpg',
  'bears/black/1.jpg',
  'bears/junk/1.jpg',
  'loose.jpg',
];

describe('label mapping', () => {
  it('finds the folder of a photo', () => {
    expect(folderOf('a/b/c.jpg')).toBe('b');
    expect(folderOf('c.jpg')).toBeUndefined();
  });

  it('lists every folder with its photo count and state; photos in no folder are counted apart', () => {
    const summary = summariseFolders(PATHS, LABELS, EMPTY_MAPPING);
    expect(summary.folders.map(({ folder, photos, state, label }) => [folder, photos, state, label])).toEqual([
      ['black', 1, 'unmatched', undefined],
      ['grizzly', 2, 'unmatched', undefined],
      ['junk', 1, 'unmatched', undefined],
      ['teddy', 1, 'matched', 'teddy'],
      ['Teddy_', 1, 'matched', 'teddy'],
    ]);
    expect(summary.unmatched.map(({ folder }) => folder)).toEqual(['black', 'grizzly', 'junk']);
    expect(summary.outside).toBe(1);
    expect(summary.labelled).toBe(2);
  });

  it('applies the user choices: a label, an ignore, an override of an automatic match; and undoes one', () => {
    let mapping = mapFolder(EMPTY_MAPPING, 'grizzly', 'brown bear');
    mapping = mapFolder(mapping, 'black', 'American black bear');
    mapping = mapFolder(mapping, 'junk', null);
    mapping = mapFolder(mapping, 'Teddy_', null);
    const summary = summariseFolders(PATHS, LABELS, mapping);
    expect(summary.unmatched).toEqual([]);
    expect(summary.labelled).toBe(4);
    expect(summary.folders.find((row) => row.folder === 'Teddy_')).toEqual({
      folder: 'Teddy_',
      photos: 1,
      automatic: 'teddy',
      state: 'ignored',
    });
    const actual = actualResolver(LABELS, mapping);
    expect(PATHS.map(actual)).toEqual([
      undefined,
      'teddy',
      'brown bear',
      'brown bear',
      'American black bear',
      undefined,
      undefined,
    ]);
    const back = unmapFolder(mapping, 'Teddy_');
    expect(actualResolver(LABELS, back)('bears/Teddy_/1.jpg')).toBe('teddy');
    expect(unmapFolder(back, 'nothing')).toBe(back);
    // The mapping is a value: earlier states are untouched.
    expect(EMPTY_MAPPING.choices.size).toBe(0);
  });

  it('a choice the model no longer has is flagged on its folder, and the folder falls back', () => {
    const mapping = mapFolder(mapFolder(EMPTY_MAPPING, 'grizzly', 'grizzly bear'), 'teddy', 'Teddy Bear');
    const summary = summariseFolders(PATHS, LABELS, mapping);
    expect(summary.folders.find((row) => row.folder === 'grizzly')).toEqual({
      folder: 'grizzly',
      photos: 2,
      state: 'unmatched',
      problem: 'mapped to "grizzly bear", which is not a label of this model; choose again',
    });
    expect(summary.folders.find((row) => row.folder === 'teddy')).toMatchObject({ state: 'matched', label: 'teddy' });
    expect(summary.folders.find((row) => row.folder === 'teddy')?.problem).toMatch(/"Teddy Bear"/);
  });

  it('names the folder to move photos into for each class', () => {
    const mapping = mapFolder(EMPTY_MAPPING, 'grizzly', 'brown bear');
    expect(classFolders(summariseFolders(PATHS, LABELS, mapping))).toEqual(
      new Map([
        ['teddy', 'teddy'], // 'teddy' and 'Teddy_' both have one photo: the first in name order
        ['brown bear', 'grizzly'],
      ]),
    );
    expect(folderNameForLabel('tench, Tinca tinca')).toBe('tench, Tinca tinca');
    expect(folderNameForLabel('AC/DC: live?')).toBe('AC_DC_ live_');
    expect(folderNameForLabel('..')).toBe('_');
    expect(folderNameForLabel('dots...')).toBe('dots');
    expect(folderNameForLabel('a\nb')).toBe('a_b');
  });

  it('scales: 10,000 photos in 20 folders cost one pass', () => {
    const paths = Array.from({ length: 10_000 }, (_, i) => `set/class${i % 20}/${i}.jpg`);
    const labels = Array.from({ length: 1000 }, (_, i) => `class${i}`);
    const summary = summariseFolders(paths, labels, EMPTY_MAPPING);
    expect(summary.folders).toHaveLength(20);
    expect(summary.labelled).toBe(10_000);
  });
});
