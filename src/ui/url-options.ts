/**
 * The page's address as settings: `?backend=`, `?threads=`, `?model=`, `?maxModelMB=` and `?decode=` in, the chosen
 * model back out.
 */
import type { BackendPreference } from '../inference/types';

/** `?backend=`, `?threads=`, `?model=`, `?maxModelMB=` and `?decode=` from the page URL. */
export interface UrlOptions {
  backend: BackendPreference;
  /** ORT's WASM thread count, 1..16 (honoured only where the page is crossOriginIsolated). */
  threads?: number;
  modelId?: string;
  /** `?maxModelMB=`: model files larger than this many MB are refused before they are read (default 2 GiB). */
  maxModelBytes?: number;
  /** `?decode=full`: decode every photo at full size (exact; slower on large photos). */
  fullSizeDecode?: boolean;
  /** Why part of the URL was ignored (e.g. a `?threads=` out of range), for the model panel. */
  notice?: string;
}

export function parseUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const backend = params.get('backend');
  const modelId = params.get('model') ?? undefined;
  const options: UrlOptions = {
    backend: backend === 'wasm' || backend === 'webgpu' || backend === 'auto' ? backend : 'auto',
    modelId: modelId || undefined,
  };
  if (params.get('decode') === 'full') options.fullSizeDecode = true;
  const threads = params.get('threads');
  if (threads !== null) {
    const n = Number(threads);
    if (/^\d+$/.test(threads.trim()) && n >= 1 && n <= 16) options.threads = n;
    else options.notice = `Ignoring ?threads=${threads}: it must be a whole number from 1 to 16.`;
  }
  const maxModelMB = params.get('maxModelMB');
  if (maxModelMB !== null) {
    const mb = Number(maxModelMB);
    // Up to 2048 MB: the default ceiling (an ONNX file's most) can be lowered, not raised.
    if (maxModelMB.trim() !== '' && mb > 0 && mb <= 2048) options.maxModelBytes = Math.round(mb * 1e6);
    else {
      const notice = `Ignoring ?maxModelMB=${maxModelMB}: it must be a number of megabytes above 0, at most 2048.`;
      options.notice = options.notice ? `${options.notice} ${notice}` : notice;
    }
  }
  return options;
}

/** `href` with `?model=` set to `modelId` (or removed), so a reload comes back to the same model. */
export function withModelParam(href: string, modelId: string | undefined): URL {
  const url = new URL(href);
  if (modelId) url.searchParams.set('model', modelId);
  else url.searchParams.delete('model');
  return url;
}
