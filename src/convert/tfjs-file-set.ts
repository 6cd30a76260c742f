/**
 * Finding a TF.js layers model among the files a user gives: the three files of a Teachable Machine export picked or
 * dropped together, the `.zip` as downloaded, or a folder holding them (each file with its path in the folder). The
 * result is model.json, the bytes of every shard its weights manifest names, and the small files beside it
 * (metadata.json, labels.txt) for the spec. Everything the user got wrong is refused with a message naming the file.
 *
 * No DOM and no Node API: the conversion worker runs it, and so do the unit tests and `model:add`.
 */
import { unzipSync } from 'fflate';
import { baseName } from '../model/file-names';
import { type ModelJson, parseModelJson } from './tfjs-layers/model-json';

/** One file as given: picked, dropped, from a folder (`path` = its path in the folder) or from inside a .zip. */
export interface GivenFile {
  name: string;
  /** Path relative to the chosen folder or the zip's root ("my_model/model.json"); absent for loose files. */
  path?: string;
  /** Size in bytes, when known without reading the file. */
  size?: number;
  bytes(): Promise<Uint8Array>;
}

/** A TF.js layers model gathered from the user's files. */
export interface TfjsModelFiles {
  /** Where model.json was found, for messages ("tm-my-image-model.zip: model.json"). */
  where: string;
  modelJson: ModelJson;
  /** Shard bytes by the path written in the weights manifest. */
  weights: Map<string, Uint8Array>;
  /** The other small files beside model.json (metadata.json, labels.txt...), for the spec. */
  companions: { name: string; text: string }[];
  /** A name for the model when its files give none: the zip's or the folder's name. */
  fallbackName?: string;
}

/** A refusal to treat the files as a model, in words for the user. */
export class ModelFilesError extends Error {
  override readonly name = 'ModelFilesError';
}

const ZIP = /\.zip$/i;
/** TF.js shard names: "weights.bin", "group1-shard1of3" (tensorflowjs_converter writes them without extension). */
const SHARD = /(\.bin|^group\d+-shard\d+of\d+)$/i;
const MODEL_JSON = /^model\.json$/i;
/** Companions worth reading for the spec: JSON and text files (labels.txt, metadata.json, *.onsight.json). */
const COMPANION = /\.(json|txt)$/i;
/** Zips and their contents beyond these sizes are refused rather than unpacked into memory. */
export const MAX_UNZIPPED_BYTES = 1024 ** 3;
const MAX_COMPANION_BYTES = 1024 ** 2;

/**
 * Whether a set of files, by their names alone, is (or holds) a TF.js model: a .zip, a model.json or a weight shard.
 * Decides which way a drop goes before any file is read.
 */
export function looksLikeTfjsModel(files: readonly { name: string }[]): boolean {
  return files.some((f) => ZIP.test(f.name) || MODEL_JSON.test(baseName(f.name)) || SHARD.test(baseName(f.name)));
}

const pathOf = (f: GivenFile) => (f.path || f.name).replace(/\\/g, '/').replace(/^\.?\//, '');
const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '');
const depth = (path: string) => path.split('/').length;
const mb = (n: number) => `${Math.round(n / 1e6)} MB`;

/** The entries of a zip as files with their paths; folders, macOS resource forks and hidden files are left out. */
export function unzipFiles(zipName: string, bytes: Uint8Array): GivenFile[] {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (entry) => {
        const wanted = !entry.name.endsWith('/') && !/(^|\/)(__MACOSX\/|\.)/.test(entry.name);
        if (wanted) total += entry.originalSize;
        if (total > MAX_UNZIPPED_BYTES) {
          throw new ModelFilesError(
            `${zipName} unpacks to more than ${mb(MAX_UNZIPPED_BYTES)}; that is too big to be a model for this page`,
          );
        }
        return wanted;
      },
    });
  } catch (e) {
    if (e instanceof ModelFilesError) throw e;
    throw new ModelFilesError(`${zipName} is not a readable .zip file (${e instanceof Error ? e.message : e})`);
  }
  return Object.entries(entries).map(([path, data]) => ({
    name: baseName(path),
    path,
    size: data.byteLength,
    bytes: async () => data,
  }));
}

/** The files with every .zip among them replaced by its entries (paths inside a zip are kept). */
async function expandZips(files: readonly GivenFile[]): Promise<{ files: GivenFile[]; zips: string[] }> {
  const out: GivenFile[] = [];
  const zips: string[] = [];
  for (const f of files) {
    if (!ZIP.test(f.name)) {
      out.push(f);
      continue;
    }
    if (f.size !== undefined && f.size > MAX_UNZIPPED_BYTES) {
      throw new ModelFilesError(`${f.name} is ${mb(f.size)}; that is too big to be a model for this page`);
    }
    zips.push(f.name);
    const inner = unzipFiles(f.name, await f.bytes());
    out.push(...inner);
  }
  return { files: out, zips };
}

function listFiles(files: readonly GivenFile[]): string {
  if (files.length === 0) return 'no files';
  const names = files.slice(0, 5).map(pathOf);
  return names.join(', ') + (files.length > 5 ? ` and ${files.length - 5} more files` : '');
}

/** The model.json among the files: the one named so (the shallowest), else the only JSON with a model topology. */
async function findModelJson(
  files: readonly GivenFile[],
  where: string,
): Promise<{ file: GivenFile; json: ModelJson }> {
  const named = files.filter((f) => MODEL_JSON.test(f.name));
  const shallowest = Math.min(...named.map((f) => depth(pathOf(f))));
  const top = named.filter((f) => depth(pathOf(f)) === shallowest);
  if (top.length > 1) {
    throw new ModelFilesError(
      `${where} holds ${top.length} models (${top.map(pathOf).join(', ')}); give the files of one model at a time`,
    );
  }
  const candidates = top.length === 1 ? top : files.filter((f) => /\.json$/i.test(f.name));
  for (const file of candidates) {
    const text = new TextDecoder().decode(await file.bytes());
    if (top.length === 0 && !text.includes('"modelTopology"')) continue;
    try {
      return { file, json: parseModelJson(text, pathOf(file)) };
    } catch (e) {
      throw new ModelFilesError(e instanceof Error ? e.message : String(e));
    }
  }
  const holds = where.endsWith('.zip')
    ? `${where} holds no model.json`
    : `There is no model.json among the files given`;
  throw new ModelFilesError(
    `${holds} (${listFiles(files)}), so it is not a TF.js or Teachable Machine model export: that is model.json with its weight file(s), and metadata.json from Teachable Machine`,
  );
}

/**
 * Gathers a TF.js layers model from the user's files (loose files, a folder's files with paths, or .zip files).
 * Throws a {@link ModelFilesError} naming what is missing or wrong.
 */
export async function gatherTfjsModel(given: readonly GivenFile[]): Promise<TfjsModelFiles> {
  const { files, zips } = await expandZips(given);
  const where = zips.length === 1 ? `${zips[0]}` : 'the files given';
  const { file: modelFile, json } = await findModelJson(files, where);
  const modelPath = pathOf(modelFile);
  const folder = folderOf(modelPath);
  // Shards are named relative to model.json (possibly in a subfolder); loose files (no path) are beside it.
  const others = files.filter((f) => f !== modelFile);
  const under = others.filter((f) => f.path === undefined || pathOf(f).startsWith(folder));
  const byPath = new Map(under.map((f) => [f.path === undefined ? f.name : pathOf(f).slice(folder.length), f]));
  const beside = others.filter((f) => f.path === undefined || folderOf(pathOf(f)) === folder);
  const byName = new Map(beside.map((f) => [f.name.toLowerCase(), f]));

  const needed = [...new Set((json.weightsManifest ?? []).flatMap((group) => group.paths))];
  const shardFile = (p: string) => byPath.get(p.replace(/^\.\//, '')) ?? byName.get(baseName(p).toLowerCase());
  const missing = needed.filter((p) => !shardFile(p));
  if (missing.length > 0) {
    const list = missing.map((p) => `"${p}"`).join(', ');
    throw new ModelFilesError(
      `${zips.length === 1 ? `${zips[0]}: ` : ''}${baseName(modelPath)} needs the weight file${missing.length > 1 ? 's' : ''} ${list}, which ${missing.length > 1 ? 'are' : 'is'} not among the files given. Give ${missing.length > 1 ? 'them' : 'it'} together with ${baseName(modelPath)} (or the whole folder, or the .zip as downloaded).`,
    );
  }
  const weights = new Map<string, Uint8Array>();
  for (const p of needed) weights.set(p, await (shardFile(p) as GivenFile).bytes());

  const companions: { name: string; text: string }[] = [];
  for (const f of beside) {
    if (!COMPANION.test(f.name) || (f.size ?? 0) > MAX_COMPANION_BYTES) continue;
    companions.push({ name: f.name, text: new TextDecoder().decode(await f.bytes()) });
  }
  const folderName = folder.split('/').filter(Boolean).pop();
  const zipStem = zips.length === 1 ? zips[0]?.replace(ZIP, '') : undefined;
  return {
    where: zipStem ? `${zips[0]}: ${modelPath}` : modelPath,
    modelJson: json,
    weights,
    companions,
    fallbackName: folderName ?? zipStem,
  };
}
