import { useRef } from 'preact/hooks';
import type { PhotoResult } from '../batch';
import { isNotSure } from '../vision/not-sure';
import { displayText } from './display-text';
import { formatPercent } from './format';
import { SafeText } from './safe-text';
import { useListPlacement, useWindowVirtualizer, visibleWindow } from './use-window-virtualizer';

/** Matches `.results-table tbody tr` in result-cards.css (2.25rem). */
const ROW_PX = 36;

/**
 * The results as a compact table, one line per photo, virtualised like the cards: spacer rows stand in for the rows
 * out of view, and aria-rowcount / aria-rowindex tell assistive technology where a row sits in the whole.
 */
export function ResultsTable({ rows, currentModelId }: { rows: PhotoResult[]; currentModelId?: string }) {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const { top } = useListPlacement(bodyRef);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => ROW_PX,
    overscan: 10,
    scrollMargin: top,
  });
  const { items, before, after } = visibleWindow(virtualizer);
  const labelled = rows.some((row) => row.actual !== undefined);
  return (
    <div class="table-wrap">
      <table class="results-table" data-testid="results-table" aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Photo</th>
            <th scope="col">Class</th>
            <th scope="col" class="number">
              Confidence
            </th>
            {labelled && <th scope="col">True class</th>}
            <th scope="col">Model</th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {before > 0 && <tr class="spacer" style={{ height: `${before}px` }} />}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const best = row.status === 'done' ? row.top[0] : undefined;
            const notSure = row.status === 'done' && isNotSure(row.top);
            return (
              <tr
                key={row.id}
                class={row.status}
                data-testid="result-row"
                data-path={row.path}
                data-status={row.status}
                data-unsure={notSure ? 'true' : undefined}
                aria-rowindex={item.index + 2}
              >
                <td class="path" title={displayText(row.path, 1000)}>
                  <SafeText text={row.path} max={255} expandable={false} />
                </td>
                <td class="label" title={row.error && displayText(row.error, 1000)}>
                  {row.status === 'pending' ? (
                    <span class="muted">Not classified yet</span>
                  ) : row.status === 'error' ? (
                    <span class="error-inline">
                      Failed: <SafeText text={row.error ?? ''} expandable={false} />
                    </span>
                  ) : best && notSure ? (
                    <>
                      <span class="not-sure">Not sure</span>{' '}
                      <span class="guess">
                        (<SafeText text={best.label} expandable={false} />
                        ?)
                      </span>
                    </>
                  ) : best ? (
                    <SafeText text={best.label} expandable={false} />
                  ) : (
                    '—'
                  )}
                </td>
                <td class="number">{best ? formatPercent(best.score) : ''}</td>
                {labelled && (
                  <td>
                    {row.actual !== undefined && <SafeText text={row.actual} expandable={false} />}
                    {best && row.actual !== undefined && <Verdict right={best.label === row.actual} />}
                  </td>
                )}
                <td class={row.modelId && currentModelId && row.modelId !== currentModelId ? 'other-model' : undefined}>
                  {row.modelId ?? ''}
                </td>
              </tr>
            );
          })}
          {after > 0 && <tr class="spacer" style={{ height: `${after}px` }} />}
        </tbody>
      </table>
    </div>
  );
}

/** ✓ or ✗ after the true class, said in words to assistive technology. */
function Verdict({ right }: { right: boolean }) {
  return (
    <>
      <span aria-hidden="true">{right ? ' ✓' : ' ✗'}</span>
      <span class="visually-hidden">{right ? ' (right)' : ' (wrong)'}</span>
    </>
  );
}
