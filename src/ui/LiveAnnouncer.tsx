import { useEffect, useState } from 'preact/hooks';
import { deferredToPaint } from './after-paint';
import type { AppStore } from './app-state';
import { displayText } from './display-text';

/**
 * Screen-reader announcements of results and errors ("dog.jpg: Neutral 97%"); visually hidden. It listens to the
 * store's announcements itself, so that a new one renders only this region, not the page — and after the page has
 * painted the result it announces (after-paint.ts), a frame at most later.
 */
export function LiveAnnouncer({ store }: { store: AppStore }) {
  const [announcements, setAnnouncements] = useState(store.current.announcements);
  useEffect(() => {
    const update = () => setAnnouncements(store.current.announcements);
    update();
    const later = deferredToPaint(update);
    const unsubscribe = store.subscribeAnnouncements(later.request);
    return () => {
      later.cancel();
      unsubscribe();
    };
  }, [store]);
  return (
    <div class="visually-hidden" role="log" aria-live="polite" aria-relevant="additions text" data-testid="live">
      {announcements.map((announcement) => (
        // Announcements quote labels and file names: a 100 KB label must not be read out whole.
        <p key={announcement.id}>{displayText(announcement.text, 300)}</p>
      ))}
    </div>
  );
}
