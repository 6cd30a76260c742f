import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  describeNotImage,
  jpegHasEnd,
  sniffImageFormat,
  sniffImageSize,
  sniffJpegOrientation,
} from '../../src/inference/image-sniff';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);

describe('image sniffing', () => {
  it('recognises formats by magic bytes and rejects non-images', () => {
    expect(sniffImageFormat(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(sniffImageFormat(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a))).toBe('png');
    expect(sniffImageFormat(text('GIF89a......'))).toBe('gif');
    expect(sniffImageFormat(text('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(text('\0\0\0\x1cftypavif\0\0'))).toBe('avif');
    expect(sniffImageFormat(text('\0\0\0\x18ftypheic\0\0'))).toBe('heic');
    expect(sniffImageFormat(text('  <svg xmlns="http://www.w3.org/2000/svg">'))).toBe('svg');
    expect(sniffImageFormat(text('hello world'))).toBeUndefined();
    expect(sniffImageFormat(text('PK\x03\x04'))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array())).toBeUndefined();
  });

  it('reads sizes from real encoder output without decoding', async () => {
    const raw = { raw: { width: 37, height: 23, channels: 3 as const } };
    const px = Buffer.alloc(37 * 23 * 3, 128);
    for (const [fmt, buf] of [
      ['jpeg', await sharp(px, raw).jpeg().toBuffer()],
      ['png', await sharp(px, raw).png().toBuffer()],
      ['gif', await sharp(px, raw).gif().toBuffer()],
      ['webp', await sharp(px, raw).webp().toBuffer()],
      ['webp', await sharp(px, raw).webp({ lossless: true }).toBuffer()],
    ] as const) {
      const b = new Uint8Array(buf);
      expect(sniffImageFormat(b), fmt).toBe(fmt);
      expect(sniffImageSize(b, fmt), fmt).toEqual({ width: 37, height: 23 });
    }
  });

  it('a progressive JPEG with EXIF still yields its stored size', async () => {
    const shared = process.env.ONSIGHT_SHARED ?? new URL('../../../shared', import.meta.url).pathname;
    const photo = `${shared}/photos/dog.jpg`;
    let b: Uint8Array;
    try {
      b = new Uint8Array(readFileSync(photo));
    } catch {
      b = new Uint8Array(
        await sharp({ create: { width: 768, height: 576, channels: 3, background: '#888' } })
          .jpeg()
          .toBuffer(),
      );
    }
    const rotated = new Uint8Array(
      await sharp(b).withMetadata({ orientation: 6 }).jpeg({ progressive: true }).toBuffer(),
    );
    // Stored (unrotated) size: the pixel budget is about memory, not orientation.
    expect(sniffImageSize(rotated, 'jpeg')).toEqual({ width: 768, height: 576 });
  });

  it('gives up quietly on truncated headers', () => {
    expect(sniffImageSize(bytes(0xff, 0xd8, 0xff), 'jpeg')).toBeUndefined();
    expect(sniffImageSize(bytes(0x89, 0x50), 'png')).toBeUndefined();
  });

  it('names what a non-image is, from its bytes first and its type second', () => {
    expect(describeNotImage(text('%PDF-1.4\n'), '')).toBe('a PDF');
    expect(describeNotImage(text('anything'), 'application/pdf')).toBe('a PDF');
    expect(describeNotImage(text('PK\x03\x04rest'), '')).toBe('a ZIP archive');
    expect(describeNotImage(text('<!DOCTYPE html><html>'), '')).toBe('a web page');
    expect(describeNotImage(text('\0\0\0\x20ftypisom\0\0'), '')).toBe('a video');
    expect(describeNotImage(bytes(0x1a, 0x45, 0xdf, 0xa3, 1), '')).toBe('a video');
    expect(describeNotImage(text('ID3\x04\0'), '')).toBe('a sound file');
    expect(describeNotImage(text('Shopping list:\n- eggs\n- café au lait\n'), '')).toBe('a text file');
    expect(describeNotImage(text('{"a": 1}'), 'application/json')).toBe('a text file');
    expect(describeNotImage(bytes(0, 1, 2, 3, 250, 251), '')).toBeUndefined();
    expect(describeNotImage(new Uint8Array(), '')).toBeUndefined();
  });

  it("finds a JPEG's end marker in its last bytes, or not when it was cut off", async () => {
    const whole = new Uint8Array(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
        .jpeg()
        .toBuffer(),
    );
    expect(jpegHasEnd(whole.subarray(-1024))).toBe(true);
    expect(jpegHasEnd(whole.subarray(0, whole.length - 10).subarray(-1024))).toBe(false);
    // Bytes after the marker (some cameras append data) still count as whole.
    expect(jpegHasEnd(Uint8Array.of(...whole.subarray(-20), 1, 2, 3))).toBe(true);
  });

  it('reads the EXIF orientation of JPEGs as sharp writes it, and 1 when there is none or it is cut short', async () => {
    const px = Buffer.alloc(16 * 8 * 3, 90);
    const raw = { raw: { width: 16, height: 8, channels: 3 as const } };
    for (const o of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const jpeg = await sharp(px, raw).withMetadata({ orientation: o }).jpeg().toBuffer();
      expect(sniffJpegOrientation(new Uint8Array(jpeg)), `orientation ${o}`).toBe(o);
      // The size stays the stored one; the orientation says how to turn it.
      expect(sniffImageSize(new Uint8Array(jpeg), 'jpeg')).toEqual({ width: 16, height: 8 });
    }
    const plain = await sharp(px, raw).jpeg().toBuffer();
    expect(sniffJpegOrientation(new Uint8Array(plain))).toBe(1);
    const tagged = new Uint8Array(await sharp(px, raw).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    expect(sniffJpegOrientation(tagged.subarray(0, 30))).toBe(1);
  });
});
