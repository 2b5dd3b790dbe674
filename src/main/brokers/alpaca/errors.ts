import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

/** What the failing call was doing: the same HTTP status means different things on different endpoints. */
export type AlpacaCallKind = 'account' | 'trading' | 'data';

function bodyMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  }
  return undefined;
}

/** Alpaca answers errors as {"code": 40110000, "message": "..."}; the HTTP status carries the class. */
export function alpacaError(res: HttpResponse, kind: AlpacaCallKind, nowMs: number): BrokerError {
  const message = bodyMessage(res.body);
  const own = brokerMessage(message, `HTTP ${res.status}`);
  if (res.status === 401 || (res.status === 403 && (kind === 'account' || message === undefined))) {
    return new BrokerError(
      'INVALID_CREDENTIALS',
      'Alpaca did not accept the API key ID and secret. Check that both come from the same key pair and the same ' +
        'environment (paper keys work only with Paper, live keys only with Live) and that they were not regenerated.',
      res.status,
    );
  }
  if (res.status === 429) {
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    const wait = Number.isFinite(reset) && reset > 0 ? Math.max(1, Math.ceil(reset - nowMs / 1000)) : 60;
    return new BrokerError(
      'RATE_LIMITED',
      `Alpaca's limit of 200 requests per minute was reached. Try again in about ${wait} s.`,
      429,
    );
  }
  if (res.status >= 500) {
    return new BrokerError('BROKER_REJECTED', `Alpaca had a server problem (HTTP ${res.status}): ${own}`, res.status);
  }
  const what = kind === 'data' ? 'Alpaca market data' : 'Alpaca';
  return new BrokerError('BROKER_REJECTED', `${what} rejected the request: ${own}`, res.status);
}
