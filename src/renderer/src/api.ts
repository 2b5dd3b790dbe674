import type { BrokerVaultApi } from '../../shared/api';
import type { Result } from '../../shared/result';

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
    readonly code: string,
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
