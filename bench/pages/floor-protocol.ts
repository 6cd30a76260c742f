/** Messages between the floor page and its worker. */
export type FloorRequest =
  | { id: number; type: 'init'; modelUrl: string; threads: number }
  | { id: number; type: 'run'; warmup: number; iterations: number }
  | { id: number; type: 'decode'; photo: Blob; warmup: number; iterations: number };

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
}

export type FloorResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
