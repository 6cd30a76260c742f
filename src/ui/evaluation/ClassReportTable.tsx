import type { ClassReport, EvaluationSelection } from '../../evaluate';
import { SafeText } from '../safe-text';
import { percent } from './evaluation-view';

/** Precision, recall, F1 and the photo count per class; a class name filters the photos to that class. */
export function ClassReportTable({
  perClass,
  onSelect,
}: {
  perClass: readonly ClassReport[];
  onSelect: (selection: EvaluationSelection) => void;
}) {
  return (
    <div class="class-report-scroll">
      <table class="class-report" data-testid="class-report">
        <caption class="visually-hidden">Per class: precision, recall, F1 and how many photos it has</caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col">Photos</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
            <th scope="col">F1</th>
          </tr>
        </thead>
        <tbody>
          {perClass.map((row) => (
            <tr key={row.label} data-testid="class-report-row" data-label={row.label} data-count={row.count}>
              <th scope="row">
                <button
                  type="button"
                  class="link-button"
                  aria-label={`Show the photos of ${row.label} and those predicted as ${row.label}`}
                  onClick={() => onSelect({ kind: 'class', label: row.label, by: 'either' })}
                >
                  <SafeText text={row.label} max={40} expandable={false} />
                </button>
              </th>
              <td>{row.count.toLocaleString('en')}</td>
              <td data-precision={row.precision}>{percent(row.precision)}</td>
              <td data-recall={row.recall}>{percent(row.recall)}</td>
              <td>{percent(row.f1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
