import { useEffect } from 'preact/hooks';

/**
 * While `active` (photos are still being classified), leaving or reloading the page asks first: the photos exist only
 * in this page, and a reload would drop them without a word. The listener is there only while needed, so the page
 * stays eligible for the back/forward cache the rest of the time.
 */
export function useLeaveWarning(active: boolean): void {
  useEffect(() => {
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
