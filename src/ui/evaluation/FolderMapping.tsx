import type { FolderRow, FolderSummary } from '../../evaluate';
import { displayText } from '../display-text';
import { SafeText } from '../safe-text';

/** The select's value for "leave these photos out", and for "as the folder name says" (the automatic match). */
const IGNORE = '\u0000ignore';
const AUTOMATIC = '\u0000auto';

interface FolderMappingProps {
  folders: FolderSummary;
  labels: readonly string[];
  onMap: (folder: string, choice: string | null | undefined) => void;
}

/**
 * Folders whose names match no label (and those the user mapped or ignored), each with a select: a label of the
 * model, or "leave out". Photos in no folder are never evaluated; the panel says how many.
 */
export function FolderMapping({ folders, labels, onMap }: FolderMappingProps) {
  const rows = folders.folders.filter((row) => row.state !== 'matched' || row.problem !== undefined);
  if (rows.length === 0 && folders.outside === 0) return null;
  return (
    <div class="folder-mapping" data-testid="folder-mapping">
      {rows.length > 0 && (
        <>
          <h4 id="folder-mapping-heading">Folders and classes</h4>
          <p class="muted small">
            A photo’s actual class is the name of its folder. These folder names match no label of this model: choose
            the label each one stands for, or leave its photos out.
          </p>
          <ul aria-labelledby="folder-mapping-heading">
            {rows.map((row) => (
              <FolderChoiceRow key={row.folder} row={row} labels={labels} onMap={onMap} />
            ))}
          </ul>
        </>
      )}
      {folders.outside > 0 && (
        <p class="muted small" data-testid="outside-folders" data-count={folders.outside}>
          {folders.outside.toLocaleString('en')} {folders.outside === 1 ? 'photo is' : 'photos are'} in no folder:
          classified, but left out of the evaluation.
        </p>
      )}
    </div>
  );
}

function FolderChoiceRow({
  row,
  labels,
  onMap,
}: {
  row: FolderRow;
  labels: readonly string[];
  onMap: FolderMappingProps['onMap'];
}) {
  const id = `folder-map-${encodeURIComponent(row.folder).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const value = row.state === 'ignored' ? IGNORE : row.state === 'mapped' ? (row.label ?? AUTOMATIC) : AUTOMATIC;
  return (
    <li
      class="folder-choice"
      data-testid="folder-choice"
      data-folder={row.folder}
      data-state={row.state}
      data-label={row.label ?? ''}
    >
      <label for={id}>
        <SafeText text={row.folder} max={40} expandable={false} />{' '}
        <span class="muted small">
          ({row.photos.toLocaleString('en')} {row.photos === 1 ? 'photo' : 'photos'})
        </span>
      </label>
      <select
        id={id}
        value={value}
        onChange={(event) => {
          const chosen = (event.currentTarget as HTMLSelectElement).value;
          onMap(row.folder, chosen === IGNORE ? null : chosen === AUTOMATIC ? undefined : chosen);
        }}
      >
        <option value={AUTOMATIC}>
          {row.automatic === undefined ? 'Choose a class…' : `As named: ${displayText(row.automatic, 60)}`}
        </option>
        <option value={IGNORE}>Leave these photos out</option>
        {labels.map((label) => (
          <option key={label} value={label}>
            {displayText(label, 60)}
          </option>
        ))}
      </select>
      {row.problem && <span class="field-error small">{row.problem}</span>}
    </li>
  );
}
