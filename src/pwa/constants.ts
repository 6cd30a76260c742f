/**
 * Names shared by the service worker (`src/sw.ts`) and the page (`src/pwa/register-sw.ts`).
 * Kept dependency-free so both builds can import it.
 */

/** Cache holding files shared to the installed app (Web Share Target) until the page picks them up. */
export const SHARED_FILES_CACHE = 'onsight-shared-files';
/** Header carrying the original (URI-encoded) file name of a shared file. */
export const SHARED_NAME_HEADER = 'X-OnSight-File-Name';
/** Header carrying the original lastModified of a shared file. */
export const SHARED_MODIFIED_HEADER = 'X-OnSight-File-Modified';
/** The manifest's share_target action, relative to the app's scope. */
export const SHARE_TARGET_PATH = 'share-target';
/** Query parameter the service worker adds when it redirects after a share: `1` or an error code. */
export const SHARED_QUERY = 'shared';
/** Runtime cache for onnxruntime-web's WebGPU/JSEP .wasm builds, fetched only when that backend is used. */
export const ORT_GPU_CACHE = 'onsight-ort-gpu';
/** Runtime cache for models listed in models/index.json other than the precached default. */
export const MODELS_CACHE = 'onsight-models';
/**
 * Cache for the files the page downloads before its first result (the CPU .wasm, the default model, the model list),
 * filled by the page's own first download: the page stores its copy under the file's plain URL (./core-copy.ts), the
 * service worker keeps it under its precache key.
 */
export const CORE_CACHE = 'onsight-core';

/**
 * The files kept in {@link CORE_CACHE} (a path): onnxruntime-web's CPU .wasm, the default model, and the model list
 * the page reads first (all three are fetched by the page before its first result, so they are copied, not precached).
 */
export function isCoreFile(path: string): boolean {
  return (
    /\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(path) || /\/models\/(default\/model\.onnx|index\.json)$/.test(path)
  );
}

/** Message the page posts once its model has loaded: the worker makes sure the large files are cached, answers true. */
export const CACHE_CORE = 'CACHE_CORE';
/** Message the page posts to a waiting service worker to activate it (same shape as workbox-window's). */
export const SKIP_WAITING = 'SKIP_WAITING';
/**
 * BroadcastChannel on which the page says when to store the copies (after its first work) and a page's worker says
 * that the copies it kept (./core-copy.ts) are stored: the page asks the service worker to adopt them only then.
 */
export const CORE_COPIES_CHANNEL = 'onsight-core-copies';
