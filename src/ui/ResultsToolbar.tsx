import { useState } from 'preact/hooks';
import type { ResultsQuery, SortKey } from '../batch';
import { parsePercent, scoreRangeProblem } from './results-view';

export type ResultsView = 'cards' | 'table';

interface ResultsToolbarProps {
  query: ResultsQuery;
  onQuery: (query: ResultsQuery) => void;
  view: ResultsView;
  onView: (view: ResultsView) => void;
  /** Photos shown / in the batch. */
  shown: number;
  total: number;
  onExport: (format: 'csv' | 'json') => void;
  /** Changes when the filters are reset from outside, so the fields start over. */
  resetKey: number;
}

const SORTS: Array<[SortKey, string]> = [
  ['added', 'Order added'],
  ['name', 'Name'],
  ['class', 'Class'],
  ['confidence', 'Confidence'],
];

/** Search, sort, confidence range, failed-only, cards/table and export: the batch's results as data. */
export function ResultsToolbar(props: ResultsToolbarProps) {
  const { query, onQuery, view, onView, shown, total, onExport, resetKey } = props;
  const set = (patch: Partial<ResultsQuery>) => onQuery({ ...query, ...patch });
  return (
    <div class="toolbar" data-testid="results-toolbar">
      <div class="toolbar-row">
        <label class="field grow">
          <span>Search</span>
          <input
            type="search"
            data-testid="filter-text"
            placeholder="Part of a file or folder name"
            value={query.text ?? ''}
            onInput={(event) => set({ text: event.currentTarget.value || undefined })}
          />
        </label>
        <label class="field">
          <span>Sort by</span>
          <select
            data-testid="sort"
            value={query.sort ?? 'added'}
            onChange={(event) => set({ sort: event.currentTarget.value as SortKey })}
          >
            {SORTS.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Order</span>
          <select
            data-testid="sort-direction"
            value={query.direction ?? 'asc'}
            onChange={(event) => set({ direction: event.currentTarget.value as 'asc' | 'desc' })}
          >
            <option value="asc">{query.sort === 'confidence' ? 'Lowest first' : 'Ascending'}</option>
            <option value="desc">{query.sort === 'confidence' ? 'Highest first' : 'Descending'}</option>
          </select>
        </label>
      </div>
      <div class="toolbar-row">
        <ScoreRange key={resetKey} query={query} onQuery={onQuery} />
        <label class="check">
          <input
            type="checkbox"
            data-testid="filter-failed"
            checked={query.failedOnly ?? false}
            onChange={(event) => set({ failedOnly: event.currentTarget.checked || undefined })}
          />
          Failed only
        </label>
      </div>
      <div class="toolbar-row">
        <fieldset class="view-switch">
          <legend class="visually-hidden">Show results as</legend>
          <button
            type="button"
            class="button secondary"
            aria-pressed={view === 'cards'}
            data-testid="view-cards"
            onClick={() => onView('cards')}
          >
            Cards
          </button>
          <button
            type="button"
            class="button secondary"
            aria-pressed={view === 'table'}
            data-testid="view-table"
            onClick={() => onView('table')}
          >
            Table
          </button>
        </fieldset>
        <p class="muted shown-count" data-testid="shown-count">
          {shown === total
            ? `${total.toLocaleString('en')} photos`
            : `${shown.toLocaleString('en')} of ${total.toLocaleString('en')} shown`}
        </p>
        <div class="exports">
          <button
            type="button"
            class="button secondary"
            data-testid="export-csv"
            disabled={shown === 0}
            aria-describedby="export-hint"
            onClick={() => onExport('csv')}
          >
            Export CSV
          </button>
          <button
            type="button"
            class="button secondary"
            data-testid="export-json"
            disabled={shown === 0}
            aria-describedby="export-hint"
            onClick={() => onExport('json')}
          >
            Export JSON
          </button>
          <span id="export-hint" class="visually-hidden">
            Exports the photos shown, with the filters applied.
          </span>
        </div>
      </div>
    </div>
  );
}

/** Confidence from/to, in percent, with a message on the field itself when what was typed cannot be used. */
function ScoreRange({ query, onQuery }: { query: ResultsQuery; onQuery: (query: ResultsQuery) => void }) {
  const toText = (score: number | undefined) => (score === undefined ? '' : String(Math.round(score * 1000) / 10));
  const [from, setFrom] = useState(toText(query.minScore));
  const [to, setTo] = useState(toText(query.maxScore));
  const low = parsePercent(from);
  const high = parsePercent(to);
  const problem = scoreRangeProblem(from, to);
  const apply = (nextFrom: string, nextTo: string) => {
    if (scoreRangeProblem(nextFrom, nextTo)) return;
    const min = parsePercent(nextFrom);
    const max = parsePercent(nextTo);
    onQuery({
      ...query,
      minScore: min == null ? undefined : min / 100,
      maxScore: max == null ? undefined : max / 100,
    });
  };
  return (
    <fieldset class="score-range" aria-describedby={problem ? 'score-range-problem' : undefined}>
      <legend>Confidence (%)</legend>
      <label class="field">
        <span>from</span>
        <input
          type="text"
          inputMode="decimal"
          size={4}
          data-testid="filter-min-score"
          aria-invalid={low === null || (problem !== undefined && low !== undefined)}
          value={from}
          onInput={(event) => {
            setFrom(event.currentTarget.value);
            apply(event.currentTarget.value, to);
          }}
        />
      </label>
      <label class="field">
        <span>to</span>
        <input
          type="text"
          inputMode="decimal"
          size={4}
          data-testid="filter-max-score"
          aria-invalid={high === null || (problem !== undefined && high !== undefined)}
          value={to}
          onInput={(event) => {
            setTo(event.currentTarget.value);
            apply(from, event.currentTarget.value);
          }}
        />
      </label>
      {problem && (
        <span id="score-range-problem" class="field-problem" role="alert">
          {problem}
        </span>
      )}
    </fieldset>
  );
}
