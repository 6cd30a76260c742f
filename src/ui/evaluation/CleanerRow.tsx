import type { CleanerDecision, CleanerItem } from '../../evaluate';
import type { BatchStore } from '../batch-store';
import { displayText } from '../display-text';
import { SafeText } from '../safe-text';
import type { DuplicateFlag } from './cleaner-session';
import { decisionValue, parseDecisionValue } from './cleaner-view';

interface CleanerRowProps {
  item: CleanerItem;
  batch: BatchStore;
  /** Every class with photos: the Move targets (but the photo's own). */
  classes: readonly string[];
  decision: CleanerDecision | undefined;
  flag: DuplicateFlag | undefined;
  onDecide: (path: string, decision: CleanerDecision | undefined) => void;
}

/** One photo in the cleaner: thumbnail, loss, prediction, duplicate flag, and a select for Keep / Delete / Move. */
export function CleanerRow({ item, batch, classes, decision, flag, onDecide }: CleanerRowProps) {
  const record = batch.results.get(item.id);
  const url = record ? batch.photo(record).url : undefined;
  const selectId = `cleaner-${item.id}`;
  const isCopy = flag !== undefined && flag.of.id !== item.id;
  return (
    <li
      class="cleaner-item"
      data-testid="cleaner-item"
      data-path={item.path}
      data-loss={item.loss ?? ''}
      data-decision={decisionValue(decision)}
      data-duplicate={flag?.kind ?? ''}
      data-duplicate-of={isCopy ? flag.of.path : ''}
    >
      {url ? <img src={url} alt="" loading="lazy" decoding="async" /> : <span class="top-loss-placeholder" />}
      <div class="cleaner-item-text">
        <label for={selectId} class="cleaner-path">
          <span class="visually-hidden">What to do with </span>
          <SafeText text={item.path} max={60} expandable={false} />
        </label>
        <span class="small muted">
          {item.predicted === undefined ? (
            'not classified'
          ) : (
            <>
              predicted <SafeText text={item.predicted} max={30} expandable={false} />
            </>
          )}
          {item.loss === undefined ? '' : `, loss ${item.loss.toFixed(2)}`}
        </span>
        {flag && (
          <span class={`duplicate-flag ${flag.kind}`} data-testid="duplicate-flag">
            {flag.kind === 'exact' ? 'Same bytes as ' : 'Nearly the same as '}
            {isCopy ? (
              <SafeText text={flag.of.path} max={50} expandable={false} />
            ) : (
              `${flag.members.length - 1} other ${flag.members.length === 2 ? 'photo' : 'photos'} (this one is kept first)`
            )}
          </span>
        )}
      </div>
      <select
        id={selectId}
        data-testid="cleaner-decision"
        value={decisionValue(decision)}
        onChange={(event) => onDecide(item.path, parseDecisionValue((event.currentTarget as HTMLSelectElement).value))}
      >
        <option value="">Undecided (keep)</option>
        <option value="keep">Keep</option>
        <option value="delete">Delete</option>
        {classes
          .filter((c) => c !== item.actual)
          .map((c) => (
            <option key={c} value={`move:${c}`}>
              Move to {displayText(c, 50)}
            </option>
          ))}
      </select>
    </li>
  );
}
