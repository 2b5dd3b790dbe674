import { type ErrorFacts, type ErrorTable, tableError } from '../errors-table';
import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

/** Tradier's own error text from its three shapes: Apigee fault, `{"errors":{"error":…}}`, or plain text. */
export function tradierErrorText(body: unknown): string | null {
  if (typeof body === 'string') return body.trim() || null;
  if (!body || typeof body !== 'object') return null;
  const fault = (body as { fault?: { faultstring?: unknown } }).fault;
  if (fault && typeof fault.faultstring === 'string') return fault.faultstring;
  const errors = (body as { errors?: { error?: unknown } }).errors;
  const list = errors?.error;
  if (typeof list === 'string') return list;
  if (Array.isArray(list)) return list.filter((e) => typeof e === 'string').join('; ') || null;
  return null;
}

export interface TradierFacts extends ErrorFacts {
  /** Tradier's text, shortened by brokerMessage. */
  readonly said: string;
}

/** Consulted on HTTP 401 only: Tradier words an expired token differently from an unknown one. */
export const TRADIER_ERRORS: ErrorTable<TradierFacts> = {
  exact: {},
  broad: [
    {
      code: 'TOKEN_EXPIRED',
      pattern: /expired/i,
      example: 'Access Token expired',
      message: (f) => `Tradier says the access token has expired (${f.said}). Generate a new one under Settings → API Access.`,
    },
  ],
};

/** Turn a non-2xx Tradier answer into a BrokerError with a message that is safe to show. */
export function tradierError(response: HttpResponse): BrokerError {
  const { status, body } = response;
  const text = tradierErrorText(body);
  const said = brokerMessage(text, `HTTP ${status}`);
  if (status === 401) {
    const expired = tableError(TRADIER_ERRORS, { status, text, said });
    if (expired) return expired;
    return new BrokerError(
      'INVALID_CREDENTIALS',
      `Tradier rejected the access token (${said}). Check that you copied the token for this environment (production and sandbox tokens differ).`,
      status,
    );
  }
  if (status === 429) return new BrokerError('RATE_LIMITED', 'Tradier rate limit reached; wait for the minute window to reset.', status);
  if (status >= 500) return new BrokerError('BROKER_REJECTED', `Tradier is unavailable right now (HTTP ${status}).`, status);
  return new BrokerError('BROKER_REJECTED', `Tradier rejected the request: ${said}`, status);
}
