/**
 * What a result card shows of one photo. The batch keeps compact records (src/batch); a card's `Photo` is built from
 * one only while the card is in view, with this session's extras (thumbnail URL, timings) where there are any.
 */
import type { PhotoResult, PhotoStatus } from '../batch';
import type { Prediction, Timings } from '../inference/types';

export type { PhotoStatus };

/** Why a pending photo is not being classified right now. */
export type PhotoWait =
  /** In the queue, not started yet. */
  | 'queued'
  /** In the queue while the batch is paused. */
  | 'paused'
  /** Its run was cancelled; "Classify the rest" takes it up again. */
  | 'cancelled'
  /** Saved before a reload, without its file (files are never kept): adding the folder again finishes it. */
  | 'reload';

export interface Photo {
  /** Unique per added photo (paths may repeat). */
  id: string;
  /** The file's name: the last part of `path`. */
  name: string;
  /** Relative to the chosen folder (`Holiday/Day 1/IMG_0001.jpg`); a single file's path is its name. */
  path: string;
  /** Object URL of the small thumbnail, once there is one. */
  url?: string;
  status: PhotoStatus;
  /** Predictions best first; timings and size only for photos classified in this session. */
  result?: {
    predictions: Prediction[];
    timings?: Timings;
    width?: number;
    height?: number;
    warning?: string;
    thumbnailFrom?: ThumbnailFrom;
  };
  error?: string;
  /** The id of the model that classified it, when that is not the model loaded now. */
  otherModel?: string;
  waiting?: PhotoWait;
}

/** Who drew a thumbnail: the worker, from the pixels it classified, or the page, from the file (a fallback). */
export type ThumbnailFrom = 'worker' | 'page';

/** What this session knows of a photo beyond its record: how long it took (and waited), its size, any warning. */
export interface PhotoDetails {
  timings: Timings;
  width: number;
  height: number;
  /** Why the result may mean little (a tiny or thin picture). */
  warning?: string;
  /** Who drew its thumbnail (the card's `data-thumbnail-from`). */
  thumbnailFrom?: ThumbnailFrom;
}

export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

export interface PhotoExtras {
  url?: string;
  details?: PhotoDetails;
  /** The model loaded now, to tell results made by another one. */
  currentModelId?: string;
  waiting?: PhotoWait;
}

export function toPhoto(record: PhotoResult, extras: PhotoExtras = {}): Photo {
  const { url, details, currentModelId, waiting } = extras;
  const photo: Photo = { id: record.id, name: fileName(record.path), path: record.path, status: record.status };
  if (url) photo.url = url;
  if (record.status === 'done') {
    // `index` is only the list key here: records keep labels and scores, not class indices.
    photo.result = { predictions: record.top.map(({ label, score }, rank) => ({ index: rank, label, score })) };
    if (details) Object.assign(photo.result, details);
  }
  if (record.status === 'error') photo.error = record.error ?? 'This photo could not be classified.';
  if (record.status !== 'pending' && record.modelId && currentModelId && record.modelId !== currentModelId) {
    photo.otherModel = record.modelId;
  }
  if (record.status === 'pending' && waiting) photo.waiting = waiting;
  return photo;
}
