import type { AppErrorShape } from '../shared/result';
import { BrokerError } from './brokers/types';
import { AppError, INTERNAL_MESSAGE } from './errors';

/** AppError and BrokerError messages were written by BrokerVault to be shown; no other error's text leaves main. */
export function isSafeError(error: unknown): error is AppError | BrokerError {
  return error instanceof AppError || error instanceof BrokerError;
}

export interface SafeErrorOptions {
  /** A last net over our own messages, which may quote a broker: removes every secret main knows. */
  scrub?: (text: string) => string;
  /** What to say for any other error (code INTERNAL); by default, that something went wrong inside BrokerVault. */
  fallback?: string;
}

/**
 * The one translation from anything thrown to the `{code, message}` that may be shown, stored or sent to
 * the renderer. Refused IPC input never gets this far: the router words it with describeIssues.
 */
export function toSafeError(error: unknown, options: SafeErrorOptions = {}): AppErrorShape {
  // SECURITY: a library's or the OS's text may hold paths, hosts or secrets, so it never crosses.
  if (!isSafeError(error)) return { code: 'INTERNAL', message: options.fallback ?? INTERNAL_MESSAGE };
  return { code: error.code, message: options.scrub ? options.scrub(error.message) : error.message };
}
