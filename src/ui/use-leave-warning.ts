import { useLayoutEffect } from 'preact/hooks';

/**
 * While `active` (photos are still being classified, or a model is being kept on the device), leaving or reloading the
 * page asks first: the photos exist only in this page, a model's save cut short leaves it unsaved (or as it was before
 * the Apply), and a reload would do either without a word. The listener is there only while needed, so the page stays
 * eligible for the back/forward cache the rest of the time.
 */
export function useLeaveWarning(active: boolean): void {
  // A layout effect: the listener comes and goes with the render that shows why, not a frame later.
  useLayoutEffect(() => {
    if (!active) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers ask only when returnValue is set; the text itself is never shown.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [active]);
}
