/**
 * The conversion worker: turns a user's TF.js layers model (Teachable Machine export) into ONNX off the main thread.
 * The converter and onnx-proto live only in this worker's chunk, so the page pays for them only when someone brings
 * such a model. One worker per conversion; the page terminates it afterwards.
 */
import * as Comlink from 'comlink';
import { errorMessage } from '../error-message';
import type { ConversionWorkerApi } from './conversion-protocol';
import { convertUserModel } from './convert-user-model';

const api: ConversionWorkerApi = {
  async convert(files, onProgress) {
    try {
      const given = files.map(({ file, path }) => ({
        name: file.name,
        path,
        size: file.size,
        bytes: async () => new Uint8Array(await file.arrayBuffer()),
      }));
      const converted = await convertUserModel(given, onProgress);
      return Comlink.transfer({ ok: true as const, ...converted }, [converted.onnx.buffer]);
    } catch (e) {
      return { ok: false, message: errorMessage(e) };
    }
  },
};

Comlink.expose(api);
