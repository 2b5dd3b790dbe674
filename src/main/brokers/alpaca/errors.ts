import { type ErrorFacts, type ErrorRule, type ErrorTable, ruleError, statusRule } from '../errors-table';
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

export interface AlpacaFacts extends ErrorFacts {
  readonly headers: Headers;
  readonly nowMs: number;
}

const CREDENTIALS: ErrorRule<AlpacaFacts> = {
  code: 'INVALID_CREDENTIALS',
  message: () =>
    'Alpaca did not accept the API key ID and secret. Check that both come from the same key pair and the same ' +
    'environment (paper keys work only with Paper, live keys only with Live) and that they were not regenerated.',
};

/** Alpaca's HTTP status carries the class of error; its numeric codes (40110000…) add nothing the status lacks. */
export const ALPACA_ERRORS: ErrorTable<AlpacaFacts> = {
  exact: {},
  broad: [],
  status: {
    '401': CREDENTIALS,
    '429': {
      code: 'RATE_LIMITED',
      message: (f) => {
        const reset = Number(f.headers.get('x-ratelimit-reset'));
        const wait = Number.isFinite(reset) && reset > 0 ? Math.max(1, Math.ceil(reset - f.nowMs / 1000)) : 60;
        return `Alpaca's limit of 200 requests per minute was reached. Try again in about ${wait} s.`;
      },
    },
  },
};

/** Alpaca answers errors as {"code": 40110000, "message": "..."}; the HTTP status carries the class. */
export function alpacaError(res: HttpResponse, kind: AlpacaCallKind, nowMs: number): BrokerError {
  const message = bodyMessage(res.body);
  const own = brokerMessage(message, `HTTP ${res.status}`);
  const facts: AlpacaFacts = { status: res.status, text: message, scope: kind, headers: res.headers, nowMs };
  // A 403 on the account call, or one without Alpaca's own message, is a key refused (not a trading refusal).
  if (res.status === 403 && (kind === 'account' || message === undefined)) return ruleError(CREDENTIALS, facts);
  const rule = statusRule(ALPACA_ERRORS, facts);
  if (rule) return ruleError(rule, facts);
  if (res.status >= 500) {
    return new BrokerError('BROKER_REJECTED', `Alpaca had a server problem (HTTP ${res.status}): ${own}`, res.status);
  }
  const what = kind === 'data' ? 'Alpaca market data' : 'Alpaca';
  return new BrokerError('BROKER_REJECTED', `${what} rejected the request: ${own}`, res.status);
}
