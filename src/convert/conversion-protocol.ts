/**
 * Messages between the page and the conversion worker, over comlink. A failure comes back as a value with its
 * message (comlink keeps only an Error's message, and the message is what the user reads).
 */
import type { ConversionProgress, ConvertedModel } from './convert-user-model';

export type { ConversionProgress, ConvertedModel };

/** A file and its path in the folder it was chosen from (File.webkitRelativePath does not survive postMessage). */
export interface FileWithPath {
  file: File;
  path?: string;
}

export type ConversionOutcome = ({ ok: true } & ConvertedModel) | { ok: false; message: string };

export interface ConversionWorkerApi {
  convert(files: FileWithPath[], onProgress?: (p: ConversionProgress) => void): Promise<ConversionOutcome>;
}
