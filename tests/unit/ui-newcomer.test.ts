/** Plain-words helpers for a newcomer: the results heading's count, and the warning on tiny or thin photos. */
import { describe, expect, it } from 'vitest';
import { offlineSign, photoHint } from '../../src/ui/connection-status';
import { creditLine, describeModel } from '../../src/ui/model-intro-text';
import { countResults, describeResultCounts } from '../../src/ui/results-count';
import { photoShapeWarning } from '../../src/vision/photo-shape';

describe('results count', () => {
  it('counts failures and photos in progress beside the total', () => {
    const photos = ['done', 'error', 'pending', 'done', 'error'].map((status) => ({ status }));
    expect(countResults(photos)).toEqual({ total: 5, pending: 1, failed: 2 });
    expect(describeResultCounts(countResults(photos))).toBe('(5, 1 in progress, 2 failed)');
    expect(describeResultCounts({ total: 3, pending: 0, failed: 0 })).toBe('(3)');
    expect(describeResultCounts({ total: 0, pending: 0, failed: 0 })).toBe('');
  });
});

describe('photo shape warning', () => {
  it('warns on tiny and very thin pictures, not on ordinary photos and panoramas', () => {
    expect(photoShapeWarning(1, 1)).toMatch(/^This picture is tiny \(1×1 pixels\)/);
    expect(photoShapeWarning(8000, 8)).toMatch(/^This picture is a thin strip \(8000×8 pixels\)/);
    expect(photoShapeWarning(8, 8000)).toMatch(/thin strip/);
    expect(photoShapeWarning(31, 32)).toMatch(/tiny/);
    expect(photoShapeWarning(32, 32)).toBeUndefined();
    expect(photoShapeWarning(4032, 3024)).toBeUndefined();
    expect(photoShapeWarning(12000, 2000)).toBeUndefined(); // a 6:1 panorama is fine
  });
});

describe('model introduction', () => {
  it("uses the spec's own description and author", () => {
    const spec = { description: 'For X, not for Y.', author: 'Ada', labels: ['a'] };
    expect(describeModel(spec)).toBe('For X, not for Y.');
    expect(creditLine(spec)).toBe('by Ada');
  });

  it('without a description, says only what the labels tell', () => {
    expect(describeModel({ labels: ['cat', 'dog'] })).toBe(
      'It sorts every photo into one of its 2 classes: “cat” or “dog”. It knows nothing outside them.',
    );
    expect(describeModel({ labels: ['tench', 'goldfish', 'great white shark', 'tiger shark'] })).toBe(
      'It sorts every photo into one of its 4 classes: “tench”, “goldfish”, “great white shark” and 1 more. It knows nothing outside them.',
    );
    expect(creditLine({ source: { name: 'ONNX Model Zoo', license: 'Apache-2.0' } })).toBe('from ONNX Model Zoo');
    expect(creditLine({})).toBeUndefined();
  });
});

describe('connection status and hints', () => {
  it('says when offline, and whether a reload would still work', () => {
    expect(offlineSign(true, true)).toBeUndefined();
    expect(offlineSign(false, true)).toBe('Offline — everything still works');
    expect(offlineSign(false, false)).toMatch(/^Offline — this page still works/);
  });

  it('does not talk about dropping or Ctrl+V where there is no mouse', () => {
    expect(photoHint(true)).not.toMatch(/drop|Ctrl|paste/i);
    expect(photoHint(false)).toMatch(/drop photos or folders anywhere.*Ctrl\+V/);
  });
});
