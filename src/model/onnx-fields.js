// @ts-check
/**
 * Low-level access to an ONNX ModelProto's top-level fields with protobufjs's wire-format Reader/Writer: find field
 * boundaries without decoding the graph, read `metadata_props` entries, and rewrite them by splicing bytes, so every
 * other byte of the model (including fields newer than any schema we ship) is kept exactly.
 *
 * Shared by `onnx-metadata.ts` (the app) and `tools/model-add.mjs` (plain Node), hence JavaScript with JSDoc types.
 */
import protobuf from 'protobufjs/minimal.js';

const { Reader, Writer } = protobuf;

/** ModelProto field numbers (onnx.proto3). */
export const MODEL_FIELDS = Object.freeze({
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  domain: 4,
  modelVersion: 5,
  docString: 6,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
});

/**
 * One top-level field occurrence.
 * @typedef {{ field: number; wireType: number; start: number; end: number; dataStart: number }} TopLevelField
 * `start`..`end` spans the whole field (tag included); `dataStart` is where its value begins (after tag and, for
 * length-delimited fields, the length).
 */

/**
 * Walks the top-level fields of a protobuf message, skipping nested messages without decoding them.
 * Throws (with protobufjs's message) when the bytes are not valid protobuf wire format.
 * @param {Uint8Array} bytes
 * @returns {TopLevelField[]}
 */
export function scanTopLevel(bytes) {
  const r = Reader.create(bytes);
  /** @type {TopLevelField[]} */
  const fields = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const tag = r.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) throw new Error(`invalid field number 0 at byte ${start}`);
    if (wireType === 3 || wireType === 4 || wireType > 5)
      throw new Error(`unsupported wire type ${wireType} at byte ${start}`);
    let dataStart = r.pos;
    if (wireType === 2) {
      const len = r.uint32();
      dataStart = r.pos;
      if (dataStart + len > r.len) throw new Error(`field ${field} at byte ${start} runs past the end (${len} bytes)`);
      r.pos = dataStart + len;
    } else {
      r.skipType(wireType);
    }
    fields.push({ field, wireType, start, end: r.pos, dataStart });
  }
  return fields;
}

/**
 * Decodes a StringStringEntryProto (key = 1, value = 2).
 * @param {Uint8Array} bytes the entry's bytes (without its tag and length)
 * @returns {{ key: string; value: string }}
 */
export function decodeStringEntry(bytes) {
  const r = Reader.create(bytes);
  let key = '';
  let value = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) key = r.string();
    else if (tag === ((2 << 3) | 2)) value = r.string();
    else r.skipType(tag & 7);
  }
  return { key, value };
}

/**
 * Decodes an OperatorSetIdProto (domain = 1, version = 2).
 * @param {Uint8Array} bytes
 * @returns {{ domain: string; version: number }}
 */
export function decodeOpset(bytes) {
  const r = Reader.create(bytes);
  let domain = '';
  let version = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 2)) domain = r.string();
    else if (tag === ((2 << 3) | 0)) version = toNumber(r.int64());
    else r.skipType(tag & 7);
  }
  return { domain, version };
}

/**
 * protobufjs returns 64-bit integers as numbers or as Long objects depending on whether `long` is loadable.
 * @param {unknown} v
 */
export function toNumber(v) {
  if (typeof v === 'number') return v;
  const l = /** @type {{ toNumber?: () => number; low: number; high: number }} */ (v);
  return typeof l.toNumber === 'function' ? l.toNumber() : l.high * 2 ** 32 + (l.low >>> 0);
}

/**
 * Reads a varint-encoded int64 at a given position.
 * @param {Uint8Array} bytes @param {number} pos
 */
export function readInt64At(bytes, pos) {
  const r = Reader.create(bytes);
  r.pos = pos;
  return toNumber(r.int64());
}

/**
 * Returns a copy of the model with its `metadata_props` changed: each key in `entries` is removed, then re-added
 * with the new value unless the value is null. Every other byte is kept as it was (fields are spliced, not
 * re-encoded). New entries are appended at the end, which protobuf parsers accept in any field order.
 * @param {Uint8Array} bytes a serialized ModelProto
 * @param {Record<string, string | null>} entries
 * @returns {Uint8Array}
 */
export function setMetadataProps(bytes, entries) {
  const keys = new Set(Object.keys(entries));
  /** @type {Uint8Array[]} */
  const chunks = [];
  let copyFrom = 0;
  for (const f of scanTopLevel(bytes)) {
    if (f.field !== MODEL_FIELDS.metadataProps || f.wireType !== 2) continue;
    const { key } = decodeStringEntry(bytes.subarray(f.dataStart, f.end));
    if (!keys.has(key)) continue;
    chunks.push(bytes.subarray(copyFrom, f.start));
    copyFrom = f.end;
  }
  chunks.push(bytes.subarray(copyFrom));
  for (const [key, value] of Object.entries(entries)) {
    if (value === null) continue;
    const w = Writer.create();
    w.uint32((MODEL_FIELDS.metadataProps << 3) | 2).fork();
    w.uint32((1 << 3) | 2).string(key);
    w.uint32((2 << 3) | 2).string(value);
    w.ldelim();
    chunks.push(w.finish());
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
