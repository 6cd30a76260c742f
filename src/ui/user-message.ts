import { errorMessage } from '../error-message';
import { ClassifyError } from '../inference/types';

/** A ClassifyError's message is written for the user as it is; any other thrown value goes through errorMessage. */
export function userMessage(error: unknown): string {
  return error instanceof ClassifyError ? error.message : errorMessage(error);
}
