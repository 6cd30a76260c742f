/**
 * The worker side of `ClassifierClient.debugWorker`: lets tests make the worker die or hang, to check that the client
 * notices, restarts it and keeps going.
 */

export function debugWorker(action: 'hang' | 'crash'): void {
  if (action === 'crash') {
    // Thrown outside the call, so it reaches the worker's error event as a real crash would.
    setTimeout(() => {
      throw new Error('debug crash');
    });
    return;
  }
  const end = Date.now() + 10 * 60_000;
  while (Date.now() < end) {
    // Busy: simulate a hung worker.
  }
}
