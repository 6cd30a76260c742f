import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  CSV_MIME_TYPE,
  exportFileName,
  JSON_MIME_TYPE,
  type ResultsQuery,
  resultsToCsv,
  resultsToJson,
} from '../batch';
import { type EvaluationSelection, selectionFilter } from '../evaluate';
import type { AppState } from './app-state';
import type { BatchStore } from './batch-store';
import { ClassHistogram } from './ClassHistogram';
import { downloadBlob } from './download';
import { EvaluationPanel } from './evaluation/EvaluationPanel';
import { SelectionChip } from './evaluation/SelectionChip';
import { ResultsGrid } from './ResultsGrid';
import { ResultsTable } from './ResultsTable';
import { ResultsToolbar, type ResultsView } from './ResultsToolbar';
import { describeResultCounts } from './results-count';
import { SkippedList } from './SkippedList';
import { SummaryBar } from './SummaryBar';

/** Re-renders the caller whenever the batch says it changed (at most once per animation frame). */
export function useBatch(batch: BatchStore): number {
  const [revision, setRevision] = useState(batch.revision);
  useEffect(() => batch.subscribe(() => setRevision(batch.revision)), [batch]);
  return revision;
}

const FILTERS_OFF: ResultsQuery = { sort: 'added' };

/** The Results section: summary, tools, class histogram, and the photos as cards or as a table. */
export function ResultsSection({ batch, state }: { batch: BatchStore; state: AppState }) {
  useBatch(batch);
  const [query, setQuery] = useState<ResultsQuery>(FILTERS_OFF);
  const [view, setView] = useState<ResultsView>('cards');
  const [resetKey, setResetKey] = useState(0);
  const { results } = batch;
  const version = results.version;
  const [selection, setSelection] = useState<EvaluationSelection>();
  const where = useMemo(() => (selection ? selectionFilter(selection) : undefined), [selection]);
  const rows = useMemo(() => results.query(where ? { ...query, where } : query), [results, version, query, where]);
  const progress = batch.progress();
  const { counts } = progress;
  const model = state.model;
  const other = batch.otherModel();
  const onRemove = useCallback((id: string) => batch.remove(id), [batch]);
  const filtered = rows.length !== counts.total;
  // "Clear all" takes its own button away: keyboard focus goes to Undo rather than to nowhere.
  const undoRef = useRef<HTMLButtonElement>(null);
  const undoable = progress.undo !== undefined;
  useEffect(() => {
    if (undoable) undoRef.current?.focus();
  }, [undoable]);

  const clearFilters = () => {
    setSelection(undefined);
    setQuery({ sort: query.sort, direction: query.direction });
    setResetKey(resetKey + 1);
  };
  const exportRows = (format: 'csv' | 'json') => {
    const blob =
      format === 'csv'
        ? new Blob([resultsToCsv(rows)], { type: CSV_MIME_TYPE })
        : new Blob([resultsToJson(rows, { model: model?.id ?? '' })], { type: JSON_MIME_TYPE });
    downloadBlob(blob, exportFileName(format));
  };
  const toggleClass = (label: string) => {
    const classes = query.classes ?? [];
    const next = classes.includes(label) ? classes.filter((c) => c !== label) : [...classes, label];
    setQuery({ ...query, classes: next.length > 0 ? next : undefined });
  };

  const hasAnything = counts.total > 0 || counts.skipped > 0 || progress.scanned !== undefined;
  return (
    <section class="results" aria-labelledby="results-heading">
      <div class="results-header">
        <h2 id="results-heading" tabIndex={-1}>
          Results
          {counts.total > 0 && (
            <span class="count" data-testid="results-count">
              {' '}
              {describeResultCounts({ total: counts.total, pending: counts.pending, failed: counts.errors })}
            </span>
          )}
        </h2>
        {hasAnything && (
          <button type="button" class="button secondary" data-testid="clear-all" onClick={() => batch.clearAll()}>
            Clear all
          </button>
        )}
      </div>
      {progress.undo !== undefined && (
        <p class="notice undo" data-testid="undo-clear">
          Cleared {progress.undo.toLocaleString('en')} results.{' '}
          <button ref={undoRef} type="button" class="button secondary" onClick={() => batch.undoClear()}>
            Undo
          </button>
        </p>
      )}
      {hasAnything && <SummaryBar batch={batch} progress={progress} />}
      {counts.skipped > 0 && <SkippedList skipped={results.skipped} />}
      {other.count > 0 && model && (
        <p class="notice" data-testid="other-model-notice">
          {other.count.toLocaleString('en')} {other.count === 1 ? 'result was' : 'results were'} made by another model
          than {model.spec.name}.{' '}
          {other.rerunnable > 0 && (
            <button
              type="button"
              class="button secondary"
              data-testid="rerun-other-model"
              onClick={() => batch.rerunOtherModel()}
            >
              Classify {other.rerunnable === other.count ? 'them' : other.rerunnable.toLocaleString('en')} again with{' '}
              {model.spec.name}
            </button>
          )}
          {other.rerunnable < other.count &&
            ` ${(other.count - other.rerunnable).toLocaleString('en')} of them cannot be re-run: their files are no longer open in this page. Add their folder again to re-run them.`}
        </p>
      )}
      {counts.total > 0 && (
        <>
          <ResultsToolbar
            query={query}
            onQuery={setQuery}
            view={view}
            onView={setView}
            shown={rows.length}
            total={counts.total}
            onExport={exportRows}
            resetKey={resetKey}
          />
          <ClassHistogram
            bars={results.histogram()}
            selected={query.classes ?? []}
            onToggle={toggleClass}
            onClear={() => setQuery({ ...query, classes: undefined })}
          />
          <EvaluationPanel
            batch={batch}
            labels={model?.spec.labels}
            running={progress.phase !== 'idle'}
            onSelect={setSelection}
          />
          <SelectionChip selection={selection} shown={rows.length} onClear={() => setSelection(undefined)} />
        </>
      )}
      {counts.total === 0 ? (
        <p class="muted empty">No photos yet. Each photo you add gets its own card here.</p>
      ) : rows.length === 0 ? (
        <p class="muted empty" data-testid="no-match">
          No photo matches these filters.{' '}
          <button type="button" class="link-button" onClick={clearFilters}>
            Clear the filters
          </button>
        </p>
      ) : view === 'cards' ? (
        <ResultsGrid rows={rows} batch={batch} onRemove={onRemove} />
      ) : (
        <ResultsTable rows={rows} currentModelId={model?.id} />
      )}
      {filtered && rows.length > 0 && (
        <p class="muted small">
          <button type="button" class="link-button" onClick={clearFilters}>
            Clear the filters
          </button>{' '}
          to see all {counts.total.toLocaleString('en')} photos.
        </p>
      )}
    </section>
  );
}
