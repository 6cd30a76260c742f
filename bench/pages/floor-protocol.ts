/** Messages between the floor page and its worker. */
export type FloorRequest =
  | { id: number; type: 'init'; modelUrl: string; threads: number; build?: FloorBuild }
  | { id: number; type: 'run'; warmup: number; iterations: number; input?: FloorInput }
  | { id: number; type: 'decode'; photo: Blob; warmup: number; iterations: number }
  | { id: number; type: 'tensor'; photo: Blob };

/** ORT's build: `wasm`, the plain SIMD-threaded one the app ships for CPU, or `webgpu`, the asyncify one. */
export type FloorBuild = 'wasm' | 'webgpu';

/**
 * What `run` feeds: `synthetic`, a fixed photo-like tensor (the floor of old), or `photo`, the last photo given to
 * `tensor` preprocessed as the app does it. Some models' cost depends on the values: the zoo's int8 MobileNetV2 runs
 * ~1.3× longer on a real photo's tensor than on the synthetic one (measured in Node and Chromium).
 */
export type FloorInput = 'synthetic' | 'photo';

export interface FloorInitResult {
  sessionCreateMs: number;
  fetchMs: number;
  modelBytes: number;
  inputName: string;
  inputType: string;
  inputShape: number[];
  threads: number;
  crossOriginIsolated: boolean;
  ortVersion: string;
  /** Why `tensor` cannot make a photo's tensor for this model (no OnSight spec in its metadata); absent when it can. */
  noPhotoTensor?: string;
}

export type FloorResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
