import type { SkipReason } from '../batch';

const REASONS: Record<SkipReason, string> = {
  hidden: 'hidden',
  system: 'system file',
  'apple-double': 'macOS metadata',
  sidecar: 'metadata beside a photo',
  video: 'video',
  raw: 'camera raw (browsers cannot decode it)',
  'not-image': 'not an image',
  unreadable: 'could not be read',
};

/** Files listed at most: the list explains, the count in the summary is the total. */
const LISTED = 200;

/** What a folder held that is not a photo, and why each was left out. Collapsed by default. */
export function SkippedList({ skipped }: { skipped: ReadonlyArray<{ path: string; reason: SkipReason }> }) {
  return (
    <details class="skipped" data-testid="skipped">
      <summary>
        {skipped.length.toLocaleString('en')} {skipped.length === 1 ? 'file was' : 'files were'} skipped: not photos
      </summary>
      <ul>
        {skipped.slice(0, LISTED).map((entry, i) => (
          <li key={i}>
            <span class="skipped-path">{entry.path}</span> <span class="muted">({REASONS[entry.reason]})</span>
          </li>
        ))}
      </ul>
      {skipped.length > LISTED && <p class="muted small">and {(skipped.length - LISTED).toLocaleString('en')} more.</p>}
    </details>
  );
}
