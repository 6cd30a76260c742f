/**
 * Real backbones and labelled photo folders for the training tests (Node only): each backbone kind the trainer must
 * cut (the default model, the two ImageNet MobileNetV2s in ../shared, a converted Teachable Machine export), with
 * its spec resolved the way the page resolves it, and photo folders (one sub-folder per class) embedded through the
 * Node pipeline (sharp decode → src/vision preprocess → the cut model in onnxruntime-web).
 *
 * Embeddings are cached under tests/.generated/embeddings, keyed by a hash of everything they depend on (the cut
 * model, the input spec, each photo's bytes, the code's cache version), so re-running the slow accuracy script only
 * trains.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertTfjsLayersModel } from '../../src/convert/tfjs-layers/index';
import { describeSession, resolveModelSpec } from '../../src/model/resolve-spec';
import type { ModelSpec } from '../../src/model/spec';
import type { PartialModelSpec } from '../../src/model/types';
import { decodeImageFile } from '../../src/node/classify-file';
import { type BackboneCut, type CutOptions, cutBackbone } from '../../src/train/backbone-cut';
import { embedPixels, mirrorPixels, stackEmbeddings } from '../../src/train/embed';
import type { LabelledEmbeddings } from '../../src/train/head-model';
import { adaptOrtSession, type TensorSession } from '../../src/vision/pipeline';
import { readTfjsLayersFiles } from '../../tools/tfjs-layers-files';
import { ort } from './ort-node';
import { repoRoot, sharedModels } from './shared-data';

export const sharedRoot = join(repoRoot, '..', 'shared');
export const datasetsRoot = join(sharedRoot, 'datasets');
export const tmModel = join(sharedModels, 'teachable-machine-recycle');
export const defaultModelPath = join(repoRoot, 'public', 'models', 'default', 'model.onnx');

export type BackboneKind = 'default' | 'teachable-machine' | 'imagenet-zoo' | 'imagenet-st';

/** The preprocessing of the ImageNet models, as tests/unit/pipeline-models.test.ts measured it. */
const IMAGENET_CROP = {
  width: 224,
  height: 224,
  resize: 'crop',
  cropFraction: 0.875,
  resample: 'bilinear',
  alignCorners: false,
  antialias: true,
  channelOrder: 'rgb',
} as const;
const ZOO_SPEC: PartialModelSpec = {
  input: {
    ...IMAGENET_CROP,
    layout: 'nchw',
    dtype: 'float32',
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  output: { kind: 'logits' },
  source: { name: 'ONNX Model Zoo mobilenetv2-12-int8', license: 'Apache-2.0' },
};
const ST_SPEC: PartialModelSpec = {
  input: {
    ...IMAGENET_CROP,
    antialias: false,
    layout: 'nhwc',
    dtype: 'uint8',
    scale: 1,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  },
  output: { kind: 'probabilities' },
  source: { name: 'STMicroelectronics MobileNetV2 int8', license: 'Apache-2.0' },
};

export interface Backbone {
  kind: BackboneKind;
  /** The whole classifier's bytes, as a user would load it. */
  modelBytes: Uint8Array;
  /** The backbone's resolved spec (its preprocessing is the trained model's). */
  spec: ModelSpec;
  cut: BackboneCut;
  session: TensorSession;
}

async function bytesOf(kind: BackboneKind): Promise<{ bytes: Uint8Array; companions: Map<string, string> }> {
  const companions = new Map<string, string>();
  const dir = kind === 'imagenet-zoo' ? 'imagenet-mobilenetv2-zoo' : 'imagenet-mobilenetv2-st';
  switch (kind) {
    case 'default':
      return { bytes: new Uint8Array(readFileSync(defaultModelPath)), companions };
    case 'teachable-machine': {
      const converted = await convertTfjsLayersModel(readTfjsLayersFiles(join(tmModel, 'model.json')));
      companions.set('metadata.json', readFileSync(join(tmModel, 'metadata.json'), 'utf8'));
      return { bytes: converted.onnx, companions };
    }
    default:
      companions.set('labels.txt', readFileSync(join(sharedModels, dir, 'labels.txt'), 'utf8'));
      return { bytes: new Uint8Array(readFileSync(join(sharedModels, dir, 'model.onnx'))), companions };
  }
}

/**
 * Loads a backbone: the full model, its spec (resolved as the page does), the cut (with `cutOptions`) and a session
 * on the cut.
 */
export async function loadBackbone(kind: BackboneKind, cutOptions: CutOptions = {}): Promise<Backbone> {
  const { bytes, companions } = await bytesOf(kind);
  const full = await ort.InferenceSession.create(new Uint8Array(bytes));
  const overrides = kind === 'imagenet-zoo' ? ZOO_SPEC : kind === 'imagenet-st' ? ST_SPEC : undefined;
  const resolved = await resolveModelSpec({
    modelFileName: 'model.onnx',
    modelBytes: bytes,
    companions,
    io: describeSession(full),
    overrides,
    fallbackName: kind,
  });
  await full.release();
  const cut = cutBackbone(bytes, cutOptions);
  const session = adaptOrtSession(ort, await ort.InferenceSession.create(cut.bytes));
  return { kind, modelBytes: bytes, spec: resolved.spec, cut, session };
}

/** A labelled folder: class names (sorted sub-folder names) and each photo's path, class and content hash. */
export interface PhotoFolder {
  name: string;
  classes: string[];
  files: { path: string; label: number; key: string }[];
}

const PHOTO = /\.(jpe?g|png|webp)$/i;

export function listPhotoFolder(name: string): PhotoFolder {
  const root = join(datasetsRoot, name);
  const classes = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files = classes.flatMap((cls, label) =>
    readdirSync(join(root, cls))
      .filter((f) => PHOTO.test(f))
      .sort()
      .map((f) => {
        const path = join(root, cls, f);
        return { path, label, key: createHash('sha256').update(readFileSync(path)).digest('hex') };
      }),
  );
  return { name, classes, files };
}

export function haveDataset(name: string): boolean {
  return existsSync(join(datasetsRoot, name));
}

/** Embeddings of a folder: rows 0..N−1 are the photos; with `mirror`, rows N..2N−1 are the same photos mirrored. */
export interface FolderEmbeddings {
  data: LabelledEmbeddings;
  photoCount: number;
  keys: string[];
  /** Wall time of decoding + embedding (0 when read from the cache). */
  embedMs: number;
}

const CACHE_VERSION = 1;

export async function embedFolder(backbone: Backbone, folder: PhotoFolder, mirror: boolean): Promise<FolderEmbeddings> {
  const hash = createHash('sha256')
    .update(`v${CACHE_VERSION} mirror=${mirror}\n${JSON.stringify(backbone.spec.input)}\n`)
    .update(backbone.cut.bytes);
  for (const f of folder.files) hash.update(`${f.label}:${f.key}\n`);
  const dir = join(repoRoot, 'tests', '.generated', 'embeddings');
  const file = join(dir, `${backbone.kind}-${folder.name}-${hash.digest('hex').slice(0, 16)}.bin`);
  const n = folder.files.length;
  const labels = new Int32Array(mirror ? 2 * n : n);
  folder.files.forEach((f, i) => {
    labels[i] = f.label;
    if (mirror) labels[n + i] = f.label;
  });
  const keys = folder.files.map((f) => f.key);
  const classCount = folder.classes.length;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const vectors = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const size = vectors.length / labels.length;
    return { data: { vectors, count: labels.length, size, labels, classCount }, photoCount: n, keys, embedMs: 0 };
  }
  const t0 = performance.now();
  const rows: Float32Array[] = [];
  const mirrored: Float32Array[] = [];
  for (const f of folder.files) {
    const pixels = await decodeImageFile(f.path);
    rows.push(await embedPixels(backbone.session, backbone.spec, pixels));
    if (mirror) mirrored.push(await embedPixels(backbone.session, backbone.spec, mirrorPixels(pixels)));
  }
  const { vectors, size } = stackEmbeddings([...rows, ...mirrored]);
  const embedMs = performance.now() - t0;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, new Uint8Array(vectors.buffer));
  return { data: { vectors, count: labels.length, size, labels, classCount }, photoCount: n, keys, embedMs };
}
