/**
 * The service worker's MD5 (src/pwa/md5.ts) against Node's: Workbox's precache revisions are content MD5s, and a
 * page's copy of the default model is kept only when its MD5 is the revision.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { md5Hex } from '../../src/pwa/md5';

const nodeMd5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

describe('md5Hex', () => {
  it('gives the RFC 1321 test vectors', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(md5Hex(text(''))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex(text('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex(text('12345678901234567890123456789012345678901234567890123456789012345678901234567890'))).toBe(
      '57edf4a22be3c955ac49da2e2107b67a',
    );
  });

  it('agrees with Node at every padding boundary', () => {
    for (const length of [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65_537]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 255);
      expect(md5Hex(bytes), `${length} bytes`).toBe(nodeMd5(bytes));
    }
  });

  const model = 'public/models/default/model.onnx';
  it.runIf(existsSync(model))('gives the default model the revision Workbox computes for it', () => {
    const bytes = new Uint8Array(readFileSync(model));
    expect(md5Hex(bytes)).toBe(nodeMd5(bytes));
  });
});
