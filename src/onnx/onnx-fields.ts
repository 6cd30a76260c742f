/**
 * Byte-level access to an ONNX ModelProto's top-level fields with protobufjs's wire-format Reader/Writer: find field
 * boundaries without decoding the graph, read `metadata_props` entries, and rewrite them by splicing bytes, so every
 * other byte of the model (including fields newer than any schema we ship) is kept exactly.
 *
 * Shared by the page (reading a dropped model's metadata), `model:add` and the converter (writing a spec into a model).
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

/** Protobuf wire types used here. */
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * One top-level field occurrence. `start`..`end` spans the whole field (tag included); `dataStart` is where its value
 * begins (after the tag and, for length-delimited fields, the length).
 */
export interface TopLevelField {
  field: number;
  wireType: number;
  start: number;
  end: number;
  dataStart: number;
}

/**
 * Walks the top-level fields of a protobuf message, skipping nested messages without decoding them.
 * Throws (with protobufjs's message) when the bytes are not valid protobuf wire format.
 */
export function scanTopLevel(bytes: Uint8Array): TopLevelField[] {
  const r = Reader.create(bytes);
  const fields: TopLevelField[] = [];
  while (r.pos < r.len) {
    const start = r.pos;
    const tag = r.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) throw new Error(`invalid field number 0 at byte ${start}`);
    // 3 and 4 are the deprecated groups, which ONNX never writes; above 5 is not protobuf.
    if (wireType === 3 || wireType === 4 || wireType > 5)
      throw new Error(`unsupported wire type ${wireType} at byte ${start}`);
    let dataStart = r.pos;
    if (wireType === LENGTH_DELIMITED) {
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

const tagOf = (field: number, wireType: number) => (field << 3) | wireType;

/** Decodes a StringStringEntryProto (key = 1, value = 2), given its bytes without its own tag and length. */
export function decodeStringEntry(bytes: Uint8Array): { key: string; value: string } {
  const r = Reader.create(bytes);
  let key = '';
  let value = '';
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH_DELIMITED)) key = r.string();
    else if (tag === tagOf(2, LENGTH_DELIMITED)) value = r.string();
    else r.skipType(tag & 7);
  }
  return { key, value };
}

/** Decodes an OperatorSetIdProto (domain = 1, version = 2). */
export function decodeOpset(bytes: Uint8Array): { domain: string; version: number } {
  const r = Reader.create(bytes);
  let domain = '';
  let version = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === tagOf(1, LENGTH_DELIMITED)) domain = r.string();
    else if (tag === tagOf(2, VARINT)) version = toNumber(r.int64());
    else r.skipType(tag & 7);
  }
  return { domain, version };
}

/** protobufjs returns 64-bit integers as numbers or as Long objects depending on whether `long` is loadable. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  const l = v as { toNumber?: () => number; low: number; high: number };
  return typeof l.toNumber === 'function' ? l.toNumber() : l.high * 2 ** 32 + (l.low >>> 0);
}

/** Reads a varint-encoded int64 at a given position. */
export function readInt64At(bytes: Uint8Array, pos: number): number {
  const r = Reader.create(bytes);
  r.pos = pos;
  return toNumber(r.int64());
}

/**
 * Returns a copy of the model with its `metadata_props` changed: each key in `entries` is removed, then re-added
 * with the new value unless the value is null. Every other byte is kept as it was (fields are spliced, not
 * re-encoded). New entries are appended at the end, which protobuf parsers accept in any field order.
 */
export function setMetadataProps(bytes: Uint8Array, entries: Record<string, string | null>): Uint8Array {
  const keys = new Set(Object.keys(entries));
  const chunks: Uint8Array[] = [];
  let copyFrom = 0;
  for (const f of scanTopLevel(bytes)) {
    if (f.field !== MODEL_FIELDS.metadataProps || f.wireType !== LENGTH_DELIMITED) continue;
    const { key } = decodeStringEntry(bytes.subarray(f.dataStart, f.end));
    if (!keys.has(key)) continue;
    chunks.push(bytes.subarray(copyFrom, f.start));
    copyFrom = f.end;
  }
  chunks.push(bytes.subarray(copyFrom));
  for (const [key, value] of Object.entries(entries)) {
    if (value === null) continue;
    const w = Writer.create();
    w.uint32(tagOf(MODEL_FIELDS.metadataProps, LENGTH_DELIMITED)).fork();
    w.uint32(tagOf(1, LENGTH_DELIMITED)).string(key);
    w.uint32(tagOf(2, LENGTH_DELIMITED)).string(value);
    w.ldelim();
    chunks.push(w.finish());
  }
  return concatBytes(chunks);
}

/** The chunks one after another in one new array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
