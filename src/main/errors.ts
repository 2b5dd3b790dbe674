import type { ErrorCode } from '../shared/result';

/**
 * An error whose message was written by BrokerVault for the user and is safe to show.
 * Anything thrown that is not an AppError or a BrokerError is treated as internal and its text never leaves main
 * (see toSafeError in safe-error.ts).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const INTERNAL_MESSAGE = 'Something went wrong inside BrokerVault. Details are in the log; nothing was changed.';
