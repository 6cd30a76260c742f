import type { Announcement } from './app-state';

/** Screen-reader announcements of results and errors ("dog.jpg: Neutral 97%"); visually hidden. */
export function LiveAnnouncer({ announcements }: { announcements: Announcement[] }) {
  return (
    <div class="visually-hidden" role="log" aria-live="polite" aria-relevant="additions text" data-testid="live">
      {announcements.map((announcement) => (
        <p key={announcement.id}>{announcement.text}</p>
      ))}
    </div>
  );
}
