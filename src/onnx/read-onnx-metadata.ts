/**
 * Reads an ONNX model's `metadata_props` and header fields without decoding its graph.
 *
 * ORT-web does not expose `metadata_props` to JavaScript (onnxruntime #16547), so OnSight parses the ModelProto
 * itself: only the top-level fields are walked (protobufjs's wire-format Reader); the graph (field 7, nearly all of
 * the bytes) is skipped by its length prefix, so this costs microseconds even on a large model.
 */
import { errorMessage } from '../error-message';
import {
  decodeOpset,
  decodeStringEntry,
  MODEL_FIELDS,
  readInt64At,
  scanTopLevel,
  type TopLevelField,
} from './onnx-fields';

export interface OnnxMetadata {
  /** `metadata_props` as a map; when a key repeats, the last entry wins (as protobuf map semantics would). */
  metadata: Record<string, string>;
  producerName?: string;
  producerVersion?: string;
  irVersion?: number;
  modelVersion?: number;
  docString?: string;
  /** `opset_import`: operator set domain ('' = the default ONNX domain) → version. */
  opsets: { domain: string; version: number }[];
  /** Size in bytes of the (undecoded) graph. */
  graphBytes: number;
}

/** The bytes are not an ONNX ModelProto. */
export class NotOnnxError extends Error {
  constructor(detail: string) {
    super(`not an ONNX model: ${detail}`);
    this.name = 'NotOnnxError';
  }
}

/** Wire type each known ModelProto field must have (0 = varint, 2 = length-delimited). */
const WIRE_TYPES: Record<number, number> = { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2 };

/** Recognisable formats people drop instead of an .onnx file. */
function sniffOtherFormat(b: Uint8Array): string | undefined {
  const ascii = (from: number, n: number) => String.fromCharCode(...b.subarray(from, from + n));
  if (ascii(0, 2) === 'PK')
    return 'it is a ZIP archive (a PyTorch .pt/.pth checkpoint or a Keras .keras file?); export the model to ONNX first';
  if (ascii(1, 3) === 'HDF')
    return 'it is an HDF5 file (a Keras .h5 model?); convert it to ONNX first (e.g. with tf2onnx)';
  if (ascii(4, 4) === 'TFL3') return 'it is a TensorFlow Lite model; convert it to ONNX first (e.g. with tf2onnx)';
  const first = b.find((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09);
  if (first === 0x7b || first === 0x5b) return 'it is a JSON file (a TensorFlow.js model.json?), not the model itself';
  if (ascii(0, 5) === '<!DOC' || ascii(0, 5) === '<html') return 'it is an HTML page (a failed download?)';
  return undefined;
}

/**
 * A first look at a model file from its first bytes alone (64 are plenty), so that a large file that is not ONNX is
 * refused before the rest is read: an empty file, the formats people mistake for ONNX, or a first protobuf field that
 * no ModelProto starts with. Passing this is no promise: {@link readOnnxMetadata} checks the whole file.
 * @param fileSize the whole file's size, when `head` is only its start
 * @throws {NotOnnxError} with the reason
 */
export function checkOnnxHeader(head: Uint8Array, fileSize = head.length): void {
  if (fileSize === 0 || head.length === 0) throw new NotOnnxError('the file is empty');
  const other = sniffOtherFormat(head);
  if (other) throw new NotOnnxError(other);
  let tag = 0;
  for (let i = 0, shift = 0; i < Math.min(head.length, 5); i++, shift += 7) {
    tag += ((head[i] as number) & 0x7f) * 2 ** shift;
    if (((head[i] as number) & 0x80) === 0) break;
  }
  const expected = WIRE_TYPES[Math.floor(tag / 8)];
  if (expected === undefined || expected !== tag % 8) {
    const first = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new NotOnnxError(
      `it does not begin the way an ONNX file does (its first bytes are ${first}); is it another kind of file?`,
    );
  }
}

/**
 * Reads `metadata_props`, producer, IR version and opsets from a serialized ONNX ModelProto.
 * @throws {NotOnnxError} when the bytes are not an ONNX model, with the reason.
 */
export function readOnnxMetadata(bytes: Uint8Array): OnnxMetadata {
  if (bytes.length === 0) throw new NotOnnxError('the file is empty');
  const other = sniffOtherFormat(bytes);
  if (other) throw new NotOnnxError(other);
  let fields: TopLevelField[];
  try {
    fields = scanTopLevel(bytes);
  } catch (e) {
    throw new NotOnnxError(
      `the bytes are not a valid ONNX protobuf (${errorMessage(e)}); is the file truncated or corrupt?`,
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const text = (f: TopLevelField) => decoder.decode(bytes.subarray(f.dataStart, f.end));
  const result: OnnxMetadata = { metadata: {}, opsets: [], graphBytes: 0 };
  let hasGraph = false;
  for (const f of fields) {
    const expected = WIRE_TYPES[f.field];
    if (expected !== undefined && expected !== f.wireType) {
      throw new NotOnnxError(
        `field ${f.field} at byte ${f.start} has the wrong protobuf wire type; is the file corrupt?`,
      );
    }
    switch (f.field) {
      case MODEL_FIELDS.irVersion:
        result.irVersion = readInt64At(bytes, f.dataStart);
        break;
      case MODEL_FIELDS.producerName:
        result.producerName = text(f);
        break;
      case MODEL_FIELDS.producerVersion:
        result.producerVersion = text(f);
        break;
      case MODEL_FIELDS.modelVersion:
        result.modelVersion = readInt64At(bytes, f.dataStart);
        break;
      case MODEL_FIELDS.docString:
        result.docString = text(f);
        break;
      case MODEL_FIELDS.graph:
        hasGraph = true;
        result.graphBytes += f.end - f.dataStart;
        break;
      case MODEL_FIELDS.opsetImport:
        result.opsets.push(decodeOpset(bytes.subarray(f.dataStart, f.end)));
        break;
      case MODEL_FIELDS.metadataProps: {
        const { key, value } = decodeStringEntry(bytes.subarray(f.dataStart, f.end));
        result.metadata[key] = value;
        break;
      }
    }
  }
  if (!hasGraph)
    throw new NotOnnxError('it has no graph (ModelProto field 7); is the file truncated or something else?');
  if (result.irVersion === undefined) throw new NotOnnxError('it has no ir_version (ModelProto field 1)');
  return result;
}
