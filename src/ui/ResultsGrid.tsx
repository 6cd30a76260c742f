import { memo } from 'preact/compat';
import { useRef } from 'preact/hooks';
import type { PhotoResult } from '../batch';
import type { BatchStore } from './batch-store';
import type { Photo } from './card-photo';
import { ResultCard } from './ResultCard';
import { columnsFor } from './results-view';
import { useListPlacement, useWindowVirtualizer, visibleWindow } from './use-window-virtualizer';

/** A done card's height, before it is measured. */
const ROW_ESTIMATE_PX = 260;

interface CardSlotProps {
  /** The record the photo was built from: a card renders again only when it, or what this page adds, changes. */
  record: PhotoResult;
  photo: Photo;
  onRemove: (id: string) => void;
}

const CardSlot = memo(
  ({ photo, onRemove }: CardSlotProps) => <ResultCard photo={photo} onRemove={onRemove} />,
  (a, b) =>
    a.record === b.record &&
    a.onRemove === b.onRemove &&
    a.photo.url === b.photo.url &&
    a.photo.waiting === b.photo.waiting &&
    a.photo.otherModel === b.photo.otherModel,
);

/**
 * The results as cards, virtualised by rows with the page's own scrolling: only the rows in and near the viewport
 * are in the DOM (a few dozen cards), whatever the size of the batch.
 */
export function ResultsGrid({
  rows,
  batch,
  onRemove,
}: {
  rows: PhotoResult[];
  batch: BatchStore;
  onRemove: (id: string) => void;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const { top, width } = useListPlacement(listRef);
  const columns = columnsFor(width);
  const virtualizer = useWindowVirtualizer({
    count: Math.ceil(rows.length / columns),
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: 2,
    scrollMargin: top,
  });
  const { items, before, after } = visibleWindow(virtualizer);
  return (
    <div
      ref={listRef}
      class="cards"
      data-testid="cards"
      data-columns={columns}
      style={{ paddingTop: `${before}px`, paddingBottom: `${after}px` }}
    >
      {items.map((item) => (
        <div
          key={item.key}
          class="cards-row"
          data-index={item.index}
          ref={virtualizer.measureElement}
          style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
        >
          {rows.slice(item.index * columns, (item.index + 1) * columns).map((record) => (
            <CardSlot key={record.id} record={record} photo={batch.photo(record)} onRemove={onRemove} />
          ))}
        </div>
      ))}
    </div>
  );
}
