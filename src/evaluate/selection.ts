/**
 * What a click in an evaluation picks (a matrix cell, a class, a confused pair), as a predicate over photo results:
 * the page filters its photo grid with it (Teachable Machine's users ask for exactly this, their #164).
 */
import type { PhotoResult } from '../batch/photo-result';
import { isEvaluated } from './evaluation';

export type EvaluationSelection =
  /** One matrix cell: photos of class `actual` that the model put in `predicted`. */
  | { kind: 'cell'; actual: string; predicted: string }
  /** A class: its photos (`actual`), the photos put in it (`predicted`), or both (`either`: every photo that its
   * precision or recall speaks about). */
  | { kind: 'class'; label: string; by: 'actual' | 'predicted' | 'either' }
  /** Two classes mistaken for each other, in either direction. */
  | { kind: 'pair'; a: string; b: string }
  /** Every photo the model got wrong. */
  | { kind: 'wrong' };

/** A predicate that is true for the evaluated photos (true class and top-1 known) in the selection. */
export function selectionFilter(selection: EvaluationSelection): (photo: PhotoResult) => boolean {
  const test = cellTest(selection);
  return (photo) => isEvaluated(photo) && test(photo.actual, photo.top[0]?.label as string);
}

function cellTest(selection: EvaluationSelection): (actual: string, predicted: string) => boolean {
  switch (selection.kind) {
    case 'cell':
      return (actual, predicted) => actual === selection.actual && predicted === selection.predicted;
    case 'class': {
      const { label, by } = selection;
      if (by === 'actual') return (actual) => actual === label;
      if (by === 'predicted') return (_, predicted) => predicted === label;
      return (actual, predicted) => actual === label || predicted === label;
    }
    case 'pair': {
      const { a, b } = selection;
      return (actual, predicted) => (actual === a && predicted === b) || (actual === b && predicted === a);
    }
    case 'wrong':
      return (actual, predicted) => actual !== predicted;
  }
}

/** A short description for the filter chip and the live announcement: "grizzly predicted as black". */
export function describeSelection(selection: EvaluationSelection): string {
  switch (selection.kind) {
    case 'cell':
      return selection.actual === selection.predicted
        ? `${selection.actual} predicted correctly`
        : `${selection.actual} predicted as ${selection.predicted}`;
    case 'class':
      return selection.by === 'actual'
        ? `photos of ${selection.label}`
        : selection.by === 'predicted'
          ? `predicted as ${selection.label}`
          : `${selection.label}, actual or predicted`;
    case 'pair':
      return `${selection.a} and ${selection.b} mistaken for each other`;
    case 'wrong':
      return 'wrong predictions';
  }
}
