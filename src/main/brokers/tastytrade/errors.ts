import { type ErrorFacts, type ErrorTable, ruleError, statusRule } from '../errors-table';
import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown; errors?: { code?: unknown; message?: unknown }[] };
  error_code?: unknown;
  error_description?: unknown;
}

/** The error code and the readable text of a tastytrade error body (API envelope or OAuth style). */
export function tastyErrorParts(body: unknown): { code: string | null; text: string | null } {
  if (!body || typeof body !== 'object') return { code: null, text: null };
  const b = body as ErrorEnvelope;
  if (b.error && typeof b.error === 'object') {
    const details = (b.error.errors ?? []).map((e) => e.message).filter((m): m is string => typeof m === 'string');
    const main = typeof b.error.message === 'string' ? b.error.message : null;
    const text = [main, ...details].filter(Boolean).join(': ') || null;
    return { code: typeof b.error.code === 'string' ? b.error.code : null, text };
  }
  if (typeof b.error_code === 'string') {
    return { code: b.error_code, text: typeof b.error_description === 'string' ? b.error_description : b.error_code };
  }
  return { code: null, text: null };
}

export interface TastyFacts extends ErrorFacts {
  /** tastytrade's text, shortened by brokerMessage. */
  readonly said: string;
}

/** The REST API: the HTTP status carries the class; the error code only tells an API 401 from the edge's. */
export const TASTY_ERRORS: ErrorTable<TastyFacts> = {
  exact: {},
  broad: [],
  status: {
    '401': {
      code: 'TOKEN_EXPIRED',
      message: (f) => `tastytrade access token expired or was revoked (${f.said}); sign in again with the refresh token.`,
    },
    '403': {
      code: 'BROKER_REJECTED',
      message: (f) => `tastytrade does not permit this (${f.said}). Check the grant's scopes and your account authority.`,
    },
    '429': { code: 'RATE_LIMITED', message: () => 'tastytrade is rate limiting requests; back off and retry.' },
  },
};

/** The token endpoint: a refusal is the user's refresh token or client secret unless the status says otherwise. */
export const TASTY_TOKEN_ERRORS: ErrorTable<TastyFacts> = {
  exact: {},
  broad: [],
  status: {
    '429': { code: 'RATE_LIMITED', message: () => 'tastytrade is rate limiting sign-ins; wait before retrying.' },
  },
};

/** A non-2xx answer from the REST API (not the token endpoint) as a BrokerError. */
export function tastyError(response: HttpResponse): BrokerError {
  const { status, body } = response;
  const { code, text } = tastyErrorParts(body);
  const facts: TastyFacts = { status, code, text, said: brokerMessage(text, `HTTP ${status}`) };
  if (status === 401 && code === null) {
    // The edge answers missing/malformed User-Agent headers with an nginx HTML page.
    return new BrokerError('BROKER_REJECTED', 'tastytrade’s gateway refused the request (HTTP 401 without an API error).', status);
  }
  const rule = statusRule(TASTY_ERRORS, facts);
  if (rule) return ruleError(rule, facts);
  if (status >= 500) return new BrokerError('BROKER_REJECTED', `tastytrade is unavailable right now (HTTP ${status}).`, status);
  return new BrokerError('BROKER_REJECTED', `tastytrade rejected the request: ${facts.said}`, status);
}

/** A failed refresh-token exchange: bad secret/grant is the user's to fix. */
export function tokenError(response: HttpResponse): BrokerError {
  const { status, body } = response;
  const { text } = tastyErrorParts(body);
  const facts: TastyFacts = { status, text, said: brokerMessage(text, `HTTP ${status}`) };
  const rule = statusRule(TASTY_TOKEN_ERRORS, facts);
  if (rule) return ruleError(rule, facts);
  if (status >= 500) return new BrokerError('BROKER_REJECTED', `tastytrade sign-in is unavailable right now (HTTP ${status}).`, status);
  return new BrokerError(
    'INVALID_CREDENTIALS',
    `tastytrade refused the refresh token or client secret (${facts.said}). Create a new grant on the OAuth Applications page and check the environment.`,
    status,
  );
}
