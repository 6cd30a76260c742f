import { useState } from 'preact/hooks';
import { shortenText, showBidiControls } from './display-text';
import './styles/safe-text.css';

/** Longest `title` tooltip: enough to read a long name, without copying a 100 KB label into every attribute. */
const TITLE_MAX = 1000;

interface SafeTextProps {
  /** Text from a model, a spec or a file name: shown as inert text, never as markup. */
  text: string;
  /** Characters shown before the text is cut (with "…"). */
  max?: number;
  /**
   * Whether a cut text gets a "more" button that shows all of it. Off where a button cannot go (inside a `<summary>`
   * or a heading that names something) or where the full text is shown elsewhere.
   */
  expandable?: boolean;
  class?: string;
}

/**
 * Text from strangers, neutralised: isolated from the text around it (`<bdi>`), its bidi overrides shown as codes
 * instead of applied, cut to `max` characters with the whole text on demand, and wrapped anywhere so that no label,
 * however long, widens the page.
 */
export function SafeText({ text, max = 80, expandable = true, class: className }: SafeTextProps) {
  const [expanded, setExpanded] = useState(false);
  const short = shortenText(text, max);
  const classes = ['safe-text', className, expanded && 'expanded'].filter(Boolean).join(' ');
  if (!short.shortened)
    return (
      <bdi class={classes}>
        <span class="safe-text-body">{showBidiControls(text)}</span>
      </bdi>
    );
  const title = showBidiControls(shortenText(text, TITLE_MAX).text);
  return (
    <bdi class={classes} title={expanded ? undefined : title} data-shortened={expanded ? undefined : 'true'}>
      <span class="safe-text-body">
        {showBidiControls(expanded ? text : short.text)}
        {!expanded && '…'}
      </span>
      {expandable && (
        <button
          type="button"
          class="text-toggle"
          aria-expanded={expanded}
          aria-label={expanded ? 'Show less' : `Show all ${text.length.toLocaleString('en')} characters`}
          onClick={(event) => {
            // A toggle inside a <summary> or a card must not also open it or start anything else.
            event.preventDefault();
            event.stopPropagation();
            setExpanded(!expanded);
          }}
        >
          {expanded ? 'less' : 'more'}
        </button>
      )}
    </bdi>
  );
}
