/**
 * A batch's results as a file to download: CSV for spreadsheets, JSON for scripts. Returns strings (valid `Blob`
 * parts); making the Blob and the download link is the caller's job.
 */
import { csvRecord, guardFormula, UTF8_BOM } from './csv';
import { isCorrect, type PhotoResult } from './photo-result';

export { CSV_MIME_TYPE } from './csv';
export const JSON_MIME_TYPE = 'application/json';

/** A score as 0..1 with at most 6 significant digits (`0.912346`); empty when it is not a number. */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? String(Number(score.toPrecision(6))) : '';
}

/** The CSV header for `k` labels: `path,status,label,score,label_2,score_2,…,error,model,actual,correct`. */
export function csvHeader(k: number): string[] {
  const labels: string[] = [];
  for (let rank = 1; rank <= k; rank++) {
    const suffix = rank === 1 ? '' : `_${rank}`;
    labels.push(`label${suffix}`, `score${suffix}`);
  }
  return ['path', 'status', ...labels, 'error', 'model', 'actual', 'correct'];
}

/**
 * The photos as CSV (UTF-8 with BOM, CRLF, RFC 4180), one row per photo in the order given — pass the current
 * query's rows to export what is on screen. `topK` defaults to the most labels any photo has (at least 1). Every text
 * cell is guarded against formula injection; score cells are numbers and are not.
 */
export function resultsToCsv(photos: readonly PhotoResult[], options: { topK?: number } = {}): string {
  const k = options.topK ?? photos.reduce((most, photo) => Math.max(most, photo.top.length), 1);
  const lines = [UTF8_BOM + csvRecord(csvHeader(k))];
  for (const photo of photos) {
    const labels: string[] = [];
    for (let rank = 0; rank < k; rank++) {
      const scored = photo.top[rank];
      labels.push(scored ? guardFormula(scored.label) : '', scored ? formatScore(scored.score) : '');
    }
    const correct = isCorrect(photo);
    lines.push(
      csvRecord([
        guardFormula(photo.path),
        photo.status,
        ...labels,
        guardFormula(photo.error ?? ''),
        guardFormula(photo.modelId ?? ''),
        guardFormula(photo.actual ?? ''),
        correct === undefined ? '' : String(correct),
      ]),
    );
  }
  return lines.join('');
}

/** One photo in the JSON export. Optional fields are left out rather than null. */
export interface ExportedPhoto {
  path: string;
  status: PhotoResult['status'];
  top: Array<{ label: string; score: number }>;
  error?: string;
  model?: string;
  actual?: string;
  correct?: boolean;
}

export interface ExportedResults {
  /** The model in use when exported; each photo names the model that classified it. */
  model: string;
  /** ISO 8601. */
  exportedAt: string;
  photos: ExportedPhoto[];
}

export function toExportedPhoto(photo: PhotoResult): ExportedPhoto {
  const correct = isCorrect(photo);
  return {
    path: photo.path,
    status: photo.status,
    top: photo.top.map(({ label, score }) => ({ label, score })),
    ...(photo.error === undefined ? {} : { error: photo.error }),
    ...(photo.modelId === undefined ? {} : { model: photo.modelId }),
    ...(photo.actual === undefined ? {} : { actual: photo.actual }),
    ...(correct === undefined ? {} : { correct }),
  };
}

/**
 * The photos as JSON ({@link ExportedResults}): one photo per line, so 10,000 photos stay readable and diffable
 * without the size of full indentation.
 */
export function resultsToJson(photos: readonly PhotoResult[], options: { model: string; exportedAt?: Date }): string {
  const head = `{"model":${JSON.stringify(options.model)},"exportedAt":${JSON.stringify((options.exportedAt ?? new Date()).toISOString())},"photos":[`;
  const body = photos.map((photo) => JSON.stringify(toExportedPhoto(photo))).join(',\n');
  return `${head}${body ? `\n${body}\n` : ''}]}\n`;
}

/** A file name for the download: `onsight-results-2025-01-31-1405.csv` (local time, no characters any OS forbids). */
export function exportFileName(extension: 'csv' | 'json', at: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
  return `onsight-results-${stamp}.${extension}`;
}
