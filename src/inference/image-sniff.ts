/**
 * Cheap checks on a photo's first bytes, before decoding: is it an image at all, and how many pixels will it have.
 * Pure functions (no DOM), unit-testable in Node.
 */
import type { ExifOrientation } from '../vision/pixel-source';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic' | 'ico' | 'tiff' | 'svg';

/** The format the magic bytes announce, or undefined when they match no image format. */
export function sniffImageFormat(b: Uint8Array): ImageFormat | undefined {
  const ascii = (from: number, n: number) => String.fromCharCode(...b.subarray(from, from + n));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && ascii(1, 3) === 'PNG') return 'png';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return 'webp';
  if (ascii(0, 2) === 'BM' && b.length >= 26) return 'bmp';
  if (ascii(4, 4) === 'ftyp') {
    const brand = ascii(8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return 'ico';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  const head = ascii(0, Math.min(b.length, 256)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg';
  return undefined;
}

/** How a format is called in a message: "This JPEG is…". */
export const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
  heic: 'HEIC',
  ico: 'icon',
  tiff: 'TIFF',
  svg: 'SVG',
};

/**
 * What a file that is not an image is, in plain words for a message ("a PDF", "a text file"), from its first bytes
 * and its MIME type; undefined when neither says.
 */
export function describeNotImage(b: Uint8Array, mimeType: string): string | undefined {
  const ascii = (from: number, n: number) => String.fromCharCode(...b.subarray(from, from + n));
  const type = mimeType.toLowerCase();
  if (ascii(0, 5) === '%PDF-' || type === 'application/pdf') return 'a PDF';
  if (ascii(0, 4) === 'PK\x03\x04' || type === 'application/zip') return 'a ZIP archive';
  const head = ascii(0, Math.min(b.length, 256)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || type === 'text/html') return 'a web page';
  const videoBrand = ascii(4, 4) === 'ftyp' && !sniffImageFormat(b);
  if (type.startsWith('video/') || videoBrand || (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3))
    return 'a video';
  if (type.startsWith('audio/') || ascii(0, 3) === 'ID3' || ascii(0, 4) === 'OggS' || ascii(0, 4) === 'fLaC')
    return 'a sound file';
  if (type.startsWith('text/') || type === 'application/json' || looksLikeText(b)) return 'a text file';
  return undefined;
}

/** Printable UTF-8 with line breaks and tabs only: no NUL or other control bytes in the bytes looked at. */
function looksLikeText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) return false;
    if (c === 0x7f) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, Math.max(0, b.length - 3)));
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a JPEG's last bytes hold its end marker (FF D9). One that does not was cut off: a download or copy that
 * stopped early. A few cameras write data after the marker, so the last kilobyte is searched, not just the end.
 */
export function jpegHasEnd(tail: Uint8Array): boolean {
  for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
  return false;
}

/**
 * Width and height from the header, for the formats where that is cheap (JPEG, PNG, GIF, WebP, BMP); undefined
 * otherwise. Lets the worker refuse a 30 000 × 30 000 photo before decoding allocates gigabytes.
 */
export function sniffImageSize(
  b: Uint8Array,
  format: ImageFormat | undefined,
): { width: number; height: number } | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  try {
    switch (format) {
      case 'png':
        return { width: dv.getUint32(16), height: dv.getUint32(20) };
      case 'gif':
        return { width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
      case 'bmp':
        return { width: Math.abs(dv.getInt32(18, true)), height: Math.abs(dv.getInt32(22, true)) };
      case 'webp': {
        const chunk = String.fromCharCode(...b.subarray(12, 16));
        if (chunk === 'VP8X')
          return { width: 1 + (dv.getUint32(24, true) & 0xffffff), height: 1 + (dv.getUint32(27, true) & 0xffffff) };
        if (chunk === 'VP8 ')
          return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
        if (chunk === 'VP8L') {
          const bits = dv.getUint32(21, true);
          return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
        }
        return undefined;
      }
      case 'jpeg': {
        let p = 2;
        while (p + 9 < b.length) {
          if (b[p] !== 0xff) return undefined;
          const marker = b[p + 1] as number;
          if (marker === 0xff) {
            p++;
            continue;
          }
          const len = dv.getUint16(p + 2);
          // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
          if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
            return { height: dv.getUint16(p + 5), width: dv.getUint16(p + 7) };
          }
          p += 2 + len;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/**
 * The EXIF orientation a JPEG declares in its APP1 "Exif" segment (tag 0x0112 of the first IFD), or 1 when it
 * declares none or the header cannot be read. Needed before decoding to ask a decoder for a reduced size in the
 * photo's upright shape.
 */
export function sniffJpegOrientation(b: Uint8Array): ExifOrientation {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  try {
    let p = 2;
    while (p + 4 <= b.length) {
      if (b[p] !== 0xff) return 1;
      const marker = b[p + 1] as number;
      if (marker === 0xff) {
        p++;
        continue;
      }
      // Start of scan or end of image: the header is over.
      if (marker === 0xda || marker === 0xd9) return 1;
      const len = dv.getUint16(p + 2);
      const exif = String.fromCharCode(...b.subarray(p + 4, p + 10)) === 'Exif\0\0';
      if (marker === 0xe1 && exif) return tiffOrientation(dv, p + 10);
      p += 2 + len;
    }
  } catch {
    // A header cut short: no orientation to read.
  }
  return 1;
}

/** Tag 0x0112 of the first IFD of the TIFF structure at `t` (EXIF's layout), else 1. */
function tiffOrientation(dv: DataView, t: number): ExifOrientation {
  const order = dv.getUint16(t);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  if (dv.getUint16(t + 2, little) !== 42) return 1;
  const ifd = t + dv.getUint32(t + 4, little);
  const entries = dv.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + 12 * i;
    if (dv.getUint16(e, little) !== 0x0112) continue;
    const value = dv.getUint16(e + 8, little);
    return value >= 1 && value <= 8 ? (value as ExifOrientation) : 1;
  }
  return 1;
}
