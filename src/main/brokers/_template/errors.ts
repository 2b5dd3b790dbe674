import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError, type BrokerErrorCode } from '../types';

/**
 * TEMPLATE — errors.ts: the broker's failures as a table, consulted by one function. Exact codes first, then
 * broad message patterns, then the HTTP status. A table can be read against the broker's documentation and
 * tested row by row; an if-chain cannot. Messages are BrokerVault's words plus the broker's own text, never a
 * header, key, token or URL.
 */
const BY_CODE: Readonly<Record<string, BrokerErrorCode>> = {
  INVALID_API_KEY: 'INVALID_CREDENTIALS',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  IP_NOT_WHITELISTED: 'IP_NOT_ALLOWED',
};
const BY_MESSAGE: readonly [RegExp, BrokerErrorCode][] = [
  [/rate limit|too many requests/i, 'RATE_LIMITED'],
  [/expired/i, 'TOKEN_EXPIRED'],
];
const BY_STATUS: Readonly<Record<number, BrokerErrorCode>> = { 401: 'INVALID_CREDENTIALS', 403: 'IP_NOT_ALLOWED', 429: 'RATE_LIMITED' };

/** Turn a non-2xx answer into a BrokerError that is safe to show. */
export function templateError(response: HttpResponse): BrokerError {
  const body = (response.body ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof body.message === 'string' ? body.message : null;
  const code =
    (typeof body.code === 'string' ? BY_CODE[body.code] : undefined) ??
    BY_MESSAGE.find(([pattern]) => text !== null && pattern.test(text))?.[1] ??
    BY_STATUS[response.status] ??
    'BROKER_REJECTED';
  return new BrokerError(code, `The broker refused the request: ${brokerMessage(text, `HTTP ${response.status}`)}`, response.status);
}
