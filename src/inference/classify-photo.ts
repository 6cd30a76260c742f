/** One photo through the loaded model in the worker: decode, then the vision pipeline, with timings. */
import { errorMessage } from '../error-message';
import { classifyWithOod, UNLIKE_TRAINING_WARNING } from '../train/ood-classify';
import { photoShapeWarning } from '../vision/photo-shape';
import { classifyPixels } from '../vision/pipeline';
import { photoSize } from '../vision/pixel-source';
import type { ActiveModel } from './load-model';
import { decodePhoto } from './photo-decode';
import type { ThumbnailRequest } from './pixel-thumbnail';
import type { ClassifyOutcome } from './protocol';
import type { ThumbnailTickets } from './thumbnail-tickets';

/** A thumbnail asked for with the photo, and where the worker keeps it until the client takes it. */
export interface ThumbnailOrder {
  request: ThumbnailRequest;
  tickets: ThumbnailTickets;
}

/**
 * Classifies `photo` with `model`. A photo that cannot be used is reported before the missing model is. With a
 * `thumbnail` order, its thumbnail is drawn from what the decode left after the answer (`thumbnailTicket` takes it).
 */
export async function classifyPhoto(
  model: ActiveModel | undefined,
  photo: Blob,
  topK: number,
  thumbnail?: ThumbnailOrder,
): Promise<ClassifyOutcome> {
  const t0 = performance.now();
  const decoded = await decodePhoto(photo, {
    input: model?.spec.input,
    fullSize: model?.fullSizeDecode,
    // Only with a model: without one nothing is drawn.
    thumbnailMaxSide: model ? thumbnail?.request.maxSide : undefined,
  });
  if (!decoded.ok) return decoded;
  const decodeMs = performance.now() - t0;
  if (!model) return { ok: false, code: 'no-model', message: 'No model is loaded' };
  const { pixels, thumbnail: small } = decoded;
  let handedOver = false;
  try {
    const r = model.ood
      ? await classifyWithOod(model.session, model.spec, pixels, topK, model.ood)
      : await classifyPixels(model.session, model.spec, pixels, topK);
    const unlike = 'unlike' in r && r.unlike ? UNLIKE_TRAINING_WARNING : undefined;
    // The photo's own upright size, not the decoder-shrunk or stored-sideways pixels.
    const { width, height } = photoSize(pixels);
    const warning = [photoShapeWarning(width, height), unlike].filter(Boolean).join(' ') || undefined;
    // Drawn once this answer has gone; the tickets close the small bitmap.
    const thumbnailTicket = thumbnail?.tickets.start(small ? { pixels, small } : { pixels }, thumbnail.request);
    handedOver = thumbnailTicket !== undefined;
    return {
      ok: true,
      result: {
        predictions: r.predictions,
        width,
        height,
        ...(warning ? { warning } : {}),
        ...(thumbnailTicket === undefined ? {} : { thumbnailTicket }),
        timings: { decodeMs, preprocessMs: r.preprocessMs, inferenceMs: r.inferenceMs, postprocessMs: r.postprocessMs },
      },
    };
  } catch (e) {
    return { ok: false, code: 'inference-failed', message: `The model failed on this photo: ${errorMessage(e)}` };
  } finally {
    if (!handedOver) small?.close();
  }
}
