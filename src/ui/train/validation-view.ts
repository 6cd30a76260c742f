/**
 * The trained head's predictions on the held-out photos as batch-style results (pure), so that #15's evaluation
 * (`src/evaluate`) and its views show them: accuracy, the per-class report, the confusion matrix, the top losses.
 */
import type { PhotoResult } from '../../batch/photo-result';
import { type Evaluation, evaluate } from '../../evaluate';
import type { ValidationPrediction } from '../../train/training-run';

/** A photo of the training request: where it came from and its class index. */
export interface TrainedPhoto {
  path: string;
  label: number;
}

/** The id of a held-out photo's result: its index in the training request. */
export const validationId = (index: number): string => String(index);

/**
 * One done result per held-out photo: `actual` is its class, `top` every class by probability, highest first (ties
 * keep class order, so the top-1 is the trainer's own first-highest argmax and the accuracies agree exactly).
 */
export function validationResults(
  predictions: readonly ValidationPrediction[],
  photos: readonly TrainedPhoto[],
  classNames: readonly string[],
): PhotoResult[] {
  return predictions.flatMap(({ index, probabilities }) => {
    const photo = photos[index];
    if (!photo) return [];
    const top = probabilities
      .map((score, c) => ({ label: classNames[c] as string, score, c }))
      .sort((a, b) => b.score - a.score || a.c - b.c)
      .map(({ label, score }) => ({ label, score }));
    return [{ id: validationId(index), path: photo.path, status: 'done', top, actual: classNames[photo.label] }];
  });
}

/** The evaluation of the held-out photos, over every class (a class no held-out photo has still gets its row). */
export function evaluateValidation(
  predictions: readonly ValidationPrediction[],
  photos: readonly TrainedPhoto[],
  classNames: readonly string[],
): { results: PhotoResult[]; evaluation: Evaluation } {
  const results = validationResults(predictions, photos, classNames);
  return { results, evaluation: evaluate(results, { labels: classNames, include: classNames }) };
}
