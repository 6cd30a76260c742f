/**
 * In the worker: thumbnails made after a classify call has answered, kept until the client takes them. The photo's
 * result goes back first and the thumbnail is drawn while the page shows it (or while the next photo's message
 * waits), never while `session.run` holds the cores. Every one is drawn (which frees its source); only a few are kept
 * for taking: one nobody takes is dropped.
 */
import type { ThumbnailRequest, ThumbnailSource } from './pixel-thumbnail';

/** Draws the thumbnail, and frees `source` (its small bitmap) whatever happens. */
export type MakeThumbnail = (source: ThumbnailSource, request: ThumbnailRequest) => Promise<Blob | undefined>;

export class ThumbnailTickets {
  private next = 1;
  /** By ticket, oldest first. */
  private readonly pending = new Map<number, Promise<Blob | undefined>>();

  constructor(
    private readonly make: MakeThumbnail,
    /** Thumbnails kept untaken at most. */
    private readonly keep = 16,
    /** Runs the task once the current answer has been posted. */
    private readonly later: (task: () => void) => void = (task) => setTimeout(task, 0),
  ) {}

  /** Starts a thumbnail of `source` once the current call has answered; returns the ticket that takes it. */
  start(source: ThumbnailSource, request: ThumbnailRequest): number {
    const ticket = this.next++;
    const made = new Promise<void>((resolve) => this.later(resolve))
      .then(() => this.make(source, request))
      .catch((error: unknown) => {
        console.info('OnSight: no thumbnail in the worker', error);
        return undefined;
      });
    this.pending.set(ticket, made);
    while (this.pending.size > this.keep) this.pending.delete(this.pending.keys().next().value as number);
    return ticket;
  }

  /** The thumbnail of `ticket` (once); undefined where it could not be made or was dropped. */
  take(ticket: number): Promise<Blob | undefined> {
    const made = this.pending.get(ticket);
    this.pending.delete(ticket);
    return made ?? Promise.resolve(undefined);
  }

  get size(): number {
    return this.pending.size;
  }
}
