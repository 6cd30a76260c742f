/**
 * @tanstack/virtual-core for Preact, scrolling with the page (the results are part of the page, under a sticky
 * summary): what TanStack's own React adapter does, in a few lines. Also measures where the list starts on the page
 * and how wide it is, which the grid needs for its scroll margin and its column count.
 */
import {
  observeWindowOffset,
  observeWindowRect,
  Virtualizer,
  type VirtualizerOptions,
  windowScroll,
} from '@tanstack/virtual-core';
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';

export type WindowVirtualizerOptions = Pick<
  VirtualizerOptions<Window, HTMLElement>,
  'count' | 'estimateSize' | 'overscan' | 'scrollMargin' | 'getItemKey'
>;

export function useWindowVirtualizer(options: WindowVirtualizerOptions): Virtualizer<Window, HTMLElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved: VirtualizerOptions<Window, HTMLElement> = {
    getScrollElement: () => (typeof window === 'undefined' ? null : window),
    observeElementRect: observeWindowRect,
    observeElementOffset: observeWindowOffset,
    scrollToFn: windowScroll,
    initialOffset: () => (typeof window === 'undefined' ? 0 : window.scrollY),
    onChange: () => rerender(0),
    ...options,
  };
  const [virtualizer] = useState(() => new Virtualizer(resolved));
  virtualizer.setOptions(resolved);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => virtualizer._willUpdate());
  return virtualizer;
}

/**
 * The element's top on the page (its offset from the document's top) and its width, kept up to date. Measured when
 * the element or anything before it on the page changes size (ResizeObserver, which reports after layout), not on
 * every render: a measurement forces a layout, and a batch renders many times a second.
 */
export function useListPlacement(ref: RefObject<HTMLElement>): { top: number; width: number } {
  const [placement, setPlacement] = useState({ top: 0, width: 0 });
  const observed = useRef<Element[]>([]);
  const [observer] = useState(() =>
    typeof ResizeObserver === 'undefined'
      ? undefined
      : new ResizeObserver(() => {
          const element = ref.current;
          if (!element) return;
          const rect = element.getBoundingClientRect();
          const top = Math.round(rect.top + window.scrollY);
          const width = Math.round(rect.width);
          setPlacement((old) => (old.top === top && old.width === width ? old : { top, width }));
        }),
  );
  // After every render, cheaply (no layout): follow the element and whatever precedes it, up to the body.
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || !observer) return;
    const targets: Element[] = [element];
    for (let node: Element | null = element; node && node !== document.body; node = node.parentElement) {
      for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        targets.push(sibling);
      }
    }
    const old = observed.current;
    if (old.length === targets.length && old.every((target, i) => target === targets[i])) return;
    observer.disconnect();
    for (const target of targets) observer.observe(target); // each reports once at once: a first measurement
    observed.current = targets;
  });
  useEffect(() => () => observer?.disconnect(), [observer]);
  return placement;
}

/**
 * The rows to render now, and the heights of the spacers before and after them (the virtualizer's offsets count from
 * the page top; the list starts at its scroll margin).
 */
export function visibleWindow(virtualizer: Virtualizer<Window, HTMLElement>) {
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const margin = virtualizer.options.scrollMargin;
  const before = first ? Math.max(0, first.start - margin) : 0;
  const after = last ? Math.max(0, virtualizer.getTotalSize() - (last.end - margin)) : 0;
  return { items, before, after };
}
