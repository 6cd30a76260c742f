/** A model or spec OnSight cannot use; the message says which source and which field, and why. */
export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}
