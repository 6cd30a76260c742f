import type { Announcement } from './app-state';
import { displayText } from './display-text';

/** Screen-reader announcements of results and errors ("dog.jpg: Neutral 97%"); visually hidden. */
export function LiveAnnouncer({ announcements }: { announcements: Announcement[] }) {
  return (
    <div class="visually-hidden" role="log" aria-live="polite" aria-relevant="additions text" data-testid="live">
      {announcements.map((announcement) => (
        // Announcements quote labels and file names: a 100 KB label must not be read out whole.
        <p key={announcement.id}>{displayText(announcement.text, 300)}</p>
      ))}
    </div>
  );
}
