/**
 * The one way an unknown thrown value becomes text, in every layer (worker, client, store, UI): an `Error`'s message
 * when it has one, else the value as a string. Callers add their own context around it ("could not read the model: …").
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message || String(error);
  }
  return String(error);
}
