import type { BrokerVaultApi } from '../../shared/api';
import type { ErrorCode, Result } from '../../shared/result';

declare global {
  interface Window {
    brokerVault?: BrokerVaultApi;
  }
}

/** The contract surface the preload (or the test bridge) put on window. The renderer has no other way out. */
export function getApi(): BrokerVaultApi {
  const api = window.brokerVault;
  if (!api) throw new Error('BrokerVault API is not available in this window.');
  return api;
}

/** Unwrap a result or throw an Error carrying the code, for store actions that show errors inline. */
export class CallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export async function unwrap<T>(promise: Promise<Result<T>>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new CallError(result.error.code, result.error.message);
  return result.value;
}

/** What to tell the trader to do next, per error code, when main's message alone does not say it. */
const NEXT_STEP: Partial<Record<ErrorCode, string>> = {
  NETWORK: 'Check your internet connection and try again.',
  TIMEOUT: 'The broker did not answer in time. Try again in a moment.',
  RATE_LIMITED: 'Wait a few seconds, then try again.',
  INTERNAL: 'Try again; if it keeps happening, restart BrokerVault and check the log in your data folder.',
  VAULT_LOCKED: 'Unlock the vault in Settings first.',
  KEY_MISSING: 'Open Settings to see how to restore or reset the vault key.',
  KEYSTORE_UNAVAILABLE: 'Open Settings: try the keychain again, or protect the vault with a passphrase instead.',
  TOKEN_EXPIRED: 'Sign in again from the Health panel (Re-login).',
  INVALID_CREDENTIALS: 'Check the credentials and edit the connection.',
  IP_NOT_ALLOWED: 'Register this computer’s public IP with your broker (see the static-IP note on the connection).',
};

/** The message of a failure plus a next step when the message does not already end in one. */
export function describeError(error: unknown): string {
  if (error instanceof CallError) {
    const next = NEXT_STEP[error.code];
    // Main's messages usually already say what to do; add a next step only when this one does not.
    const guided = /\b(check|try|log in|sign in|register|wait|open|restart|unlock|choose|enter|use|set|save|connect|start)\b/i.test(error.message);
    return next && !guided ? `${error.message} ${next}` : error.message;
  }
  if (error instanceof Error) return `${error.message} Try again.`;
  return 'Something went wrong. Try again.';
}
