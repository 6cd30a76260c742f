/**
 * Shared by the peer pages: photo loading and the `window.peer` contract that bench/run.mjs drives.
 * Every timing is taken in the page with performance.now(); navigation start is 0.
 */
export interface Top {
  label: string;
  score: number;
}

export interface PeerInfo {
  readyAt: number;
  loadMs: number;
  backend: string;
  threads: number | null;
  crossOriginIsolated: boolean;
  notes: string[];
}

export interface PeerApi {
  info: PeerInfo;
  /**
   * Classify one photo (file bytes → top-5), returning the time taken in ms and the result; `decodeMs`, where the
   * library's API lets it be timed apart, is the part spent turning the file into pixels; `runMs`, where it can be
   * timed, the model's own run (ORT's `session.run`).
   */
  classify(photoUrl: string): Promise<{ ms: number; top: Top[]; doneAt: number; decodeMs?: number; runMs?: number }>;
}

const photoCache = new Map<string, Blob>();

/** Fetched once and kept, so a timed run starts from a File in memory, like a file picked in the app. */
export async function photoFile(url: string): Promise<Blob> {
  const cached = photoCache.get(url);
  if (cached) return cached;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`photo ${url}: HTTP ${response.status}`);
  const blob = await response.blob();
  photoCache.set(url, blob);
  return blob;
}

export function params(): URLSearchParams {
  return new URL(location.href).searchParams;
}

declare global {
  interface Window {
    peer?: PeerApi;
    peerError?: string;
  }
}

export function publish(api: PeerApi): void {
  window.peer = api;
  document.body.dataset.ready = 'true';
}

export function fail(error: unknown): void {
  window.peerError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  document.body.dataset.ready = 'error';
}
