import { useState } from 'preact/hooks';
import type { HistogramBar } from '../batch';
import { SafeText } from './safe-text';

/** Bars shown before "Show all": a 1,000-class model must not push the results off the screen. */
const FIRST_BARS = 12;

interface ClassHistogramProps {
  bars: HistogramBar[];
  /** Classes the results are filtered to (empty: all). */
  selected: readonly string[];
  onToggle: (label: string) => void;
  onClear: () => void;
}

/** How many photos each class got (top-1), most first; a bar is a toggle button that filters the results. */
export function ClassHistogram({ bars, selected, onToggle, onClear }: ClassHistogramProps) {
  const [all, setAll] = useState(false);
  if (bars.length === 0) return null;
  const most = bars[0]?.count ?? 1;
  const shown = all ? bars : bars.slice(0, FIRST_BARS);
  return (
    <div class="histogram" data-testid="histogram">
      <h3 id="histogram-heading" class="histogram-title">
        Predicted classes <span class="muted small">(select to filter)</span>
      </h3>
      <ul class="histogram-bars" aria-labelledby="histogram-heading">
        {shown.map((bar) => (
          <li key={bar.label}>
            <button
              type="button"
              class="histogram-bar"
              data-testid="histogram-bar"
              data-label={bar.label}
              data-count={bar.count}
              aria-pressed={selected.includes(bar.label)}
              onClick={() => onToggle(bar.label)}
            >
              <span class="histogram-label">
                <SafeText text={bar.label} expandable={false} />
              </span>
              <span class="histogram-count">{bar.count.toLocaleString('en')}</span>
              <span class="bar" aria-hidden="true">
                <span class="bar-fill" style={{ width: `${(100 * bar.count) / most}%` }} />
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div class="histogram-actions">
        {bars.length > FIRST_BARS && (
          <button type="button" class="link-button" onClick={() => setAll(!all)}>
            {all ? 'Show fewer classes' : `Show all ${bars.length} classes`}
          </button>
        )}
        {selected.length > 0 && (
          <button type="button" class="link-button" data-testid="histogram-clear" onClick={onClear}>
            Show every class
          </button>
        )}
      </div>
    </div>
  );
}
