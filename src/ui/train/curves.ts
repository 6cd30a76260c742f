/** The live training curves' geometry (pure): per-epoch loss and accuracy as SVG polyline points. */
import type { EpochReport } from '../../train/head-trainer';

export interface CurveSeries {
  name: string;
  /** "x,y x,y …" in the chart's box, or '' with fewer than one point. */
  points: string;
  /** The last value, for the legend. */
  last: number | null;
}

export interface CurveBox {
  width: number;
  height: number;
}

/** Points of `values` (nulls skipped) over epochs 1..`epochs`, between `min` and `max` (top = max). */
export function polyline(values: readonly (number | null)[], epochs: number, min: number, max: number, box: CurveBox) {
  const span = max - min || 1;
  const step = epochs > 1 ? box.width / (epochs - 1) : 0;
  const out: string[] = [];
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) return;
    const x = epochs > 1 ? i * step : box.width / 2;
    const y = box.height - ((Math.min(max, Math.max(min, value)) - min) / span) * box.height;
    out.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  return out.join(' ');
}

/** Loss curves (train, validation) on a scale from 0 to the largest loss seen. */
export function lossCurves(history: readonly EpochReport[], box: CurveBox): { series: CurveSeries[]; max: number } {
  const train = history.map((e) => e.trainLoss);
  const validation = history.map((e) => e.validationLoss);
  const max = Math.max(1e-6, ...train, ...validation.filter((v): v is number => v !== null));
  const epochs = Math.max(2, history.length);
  return {
    max,
    series: [
      { name: 'training loss', points: polyline(train, epochs, 0, max, box), last: train.at(-1) ?? null },
      {
        name: 'validation loss',
        points: polyline(validation, epochs, 0, max, box),
        last: validation.at(-1) ?? null,
      },
    ],
  };
}

/** Accuracy curves (train, validation) on a 0..1 scale. */
export function accuracyCurves(history: readonly EpochReport[], box: CurveBox): CurveSeries[] {
  const train = history.map((e) => e.trainAccuracy);
  const validation = history.map((e) => e.validationAccuracy);
  const epochs = Math.max(2, history.length);
  return [
    { name: 'training accuracy', points: polyline(train, epochs, 0, 1, box), last: train.at(-1) ?? null },
    {
      name: 'validation accuracy',
      points: polyline(validation, epochs, 0, 1, box),
      last: validation.at(-1) ?? null,
    },
  ];
}
