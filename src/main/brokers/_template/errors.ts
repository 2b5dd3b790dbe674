import { type ErrorFacts, type ErrorTable, tableError, ruleError, statusRule } from '../errors-table';
import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

/**
 * TEMPLATE — errors.ts: the broker's failures as a table (`<ID>_ERRORS`), consulted by the one handler in
 * `../errors-table.ts`: exact codes, broad message patterns (linear time: no nested or overlapping quantifiers;
 * each with an example the conformance suite checks), and HTTP statuses that decide alone. A table can be read
 * against the broker's documentation and is tested entry by entry by the conformance suite; an if-chain cannot.
 * Rules that depend on headers or the call kind stay as code around the lookup. Messages are BrokerVault's words
 * plus the broker's own text through brokerMessage, never a header, key, token or URL.
 */
export interface TemplateFacts extends ErrorFacts {
  /** The broker's text, shortened by brokerMessage. */
  readonly said: string;
}

export const TEMPLATE_ERRORS: ErrorTable<TemplateFacts> = {
  exact: {
    INVALID_API_KEY: { code: 'INVALID_CREDENTIALS', message: (f) => `The broker did not accept the API key (${f.said}).` },
    TOKEN_EXPIRED: { code: 'TOKEN_EXPIRED', message: (f) => `The broker session has ended (${f.said}). Sign in again.` },
    IP_NOT_WHITELISTED: { code: 'IP_NOT_ALLOWED', message: (f) => `The broker refused this IP address (${f.said}).` },
  },
  broad: [
    { code: 'RATE_LIMITED', pattern: /rate limit|too many requests/i, example: 'Too many requests', message: () => 'The broker rate limit was reached.' },
    { code: 'TOKEN_EXPIRED', pattern: /expired/i, example: 'Session expired', message: (f) => `The broker session has ended (${f.said}).` },
  ],
  status: {
    '401': { code: 'INVALID_CREDENTIALS', message: (f) => `The broker did not accept the credentials (${f.said}).` },
    '429': { code: 'RATE_LIMITED', message: () => 'The broker rate limit was reached.' },
  },
};

/** Turn a non-2xx answer into a BrokerError that is safe to show. */
export function templateError(response: HttpResponse): BrokerError {
  const body = (response.body ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof body.message === 'string' ? body.message : null;
  const said = brokerMessage(text, `HTTP ${response.status}`);
  const facts: TemplateFacts = { status: response.status, code: typeof body.code === 'string' ? body.code : null, text, said };
  const mapped = tableError(TEMPLATE_ERRORS, facts);
  if (mapped) return mapped;
  const byStatus = statusRule(TEMPLATE_ERRORS, facts);
  if (byStatus) return ruleError(byStatus, facts);
  return new BrokerError('BROKER_REJECTED', `The broker refused the request: ${said}`, response.status);
}
