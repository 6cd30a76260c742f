import type { EpochReport } from '../../train/head-trainer';
import { accuracyCurves, type CurveSeries, lossCurves } from './curves';

const BOX = { width: 240, height: 90 };

function Chart({ title, series, top }: { title: string; series: CurveSeries[]; top: string }) {
  const summary = series.map((s) => `${s.name} ${s.last === null ? '—' : s.last.toFixed(3)}`).join(', ');
  return (
    <figure class="training-chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`-4 -4 ${BOX.width + 8} ${BOX.height + 8}`}
        role="img"
        aria-label={`${title}: ${summary}`}
        preserveAspectRatio="none"
      >
        <rect x={0} y={0} width={BOX.width} height={BOX.height} class="training-chart-frame" />
        {series.map((s, i) =>
          s.points ? <polyline key={s.name} points={s.points} class={`training-line line-${i}`} /> : null,
        )}
      </svg>
      <p class="training-legend small">
        <span class="muted">0 – {top}</span>
        {series.map((s, i) => (
          <span key={s.name} class={`legend-${i}`}>
            {s.name}: {s.last === null ? '—' : s.last.toFixed(3)}
          </span>
        ))}
      </p>
    </figure>
  );
}

/** Loss and accuracy per epoch, training and validation, drawn as the epochs come in (plain SVG). */
export function TrainingCurves({ epochs }: { epochs: readonly EpochReport[] }) {
  if (epochs.length === 0) return null;
  const loss = lossCurves(epochs, BOX);
  return (
    <div class="training-curves" data-testid="training-curves" data-epochs={epochs.length}>
      <Chart title="Loss" series={loss.series} top={loss.max.toFixed(2)} />
      <Chart title="Accuracy" series={accuracyCurves(epochs, BOX)} top="1" />
    </div>
  );
}
