/**
 * The photo-prep worker, started by the training worker: decodes and preprocesses the next photos while the training
 * worker's thread is inside `session.run` (onnxruntime-web's WASM run holds the thread that calls it, so decoding in
 * that same thread only fills the gaps between runs: measured 7–37 ms a photo of backbone idle time). The tensor is
 * transferred, not copied. No ORT here.
 */
import * as Comlink from 'comlink';
import { type PhotoPrepApi, preparePhoto } from './photo-prep';

const api: PhotoPrepApi = {
  async prepare(photo, spec, mirror) {
    const prepared = await preparePhoto(photo, spec, mirror);
    // A fresh buffer per photo (the preprocessor's pool is not used: the buffer leaves this worker).
    return prepared.ok ? Comlink.transfer(prepared, [prepared.tensor.data.buffer]) : prepared;
  },
};

Comlink.expose(api);
