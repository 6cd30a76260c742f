/**
 * Floor page: owns one module worker (a fresh ORT instance, so each page load can pick its own thread count) and
 * exposes `window.floor` for bench/run.mjs to drive with page.evaluate.
 */
import type { FloorBuild, FloorInitResult, FloorInput, FloorRequest, FloorResponse } from './floor-protocol';

type Payload<T> = T extends unknown ? Omit<T, 'id'> : never;

const worker = new Worker(new URL('./floor-worker.ts', import.meta.url), { type: 'module', name: 'floor' });
let nextId = 1;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

worker.onmessage = (event: MessageEvent<FloorResponse>) => {
  const message = event.data;
  const entry = pending.get(message.id);
  if (!entry) return;
  pending.delete(message.id);
  if (message.ok) entry.resolve(message.value);
  else entry.reject(new Error(message.error));
};
worker.onerror = (event) => {
  for (const entry of pending.values()) entry.reject(new Error(`floor worker error: ${event.message}`));
  pending.clear();
};

function call<T>(request: Payload<FloorRequest>): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    worker.postMessage({ ...request, id });
  });
}

async function photo(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`photo ${url}: HTTP ${response.status}`);
  return response.blob();
}

const floor = {
  init: (modelUrl: string, threads: number, build?: FloorBuild) =>
    call<FloorInitResult>({ type: 'init', modelUrl, threads, build }),
  run: (warmup: number, iterations: number, input?: FloorInput) =>
    call<number[]>({ type: 'run', warmup, iterations, input }),
  /** Makes the photo's tensor as the app would, for `run(…, 'photo')`. */
  tensor: async (photoUrl: string) => call<void>({ type: 'tensor', photo: await photo(photoUrl) }),
  decode: async (photoUrl: string, warmup: number, iterations: number) =>
    call<number[]>({ type: 'decode', photo: await photo(photoUrl), warmup, iterations }),
};

declare global {
  interface Window {
    floor?: typeof floor;
  }
}
window.floor = floor;
document.body.dataset.ready = 'true';
