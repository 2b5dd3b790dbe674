import { type ErrorFacts, type ErrorRule, type ErrorTable, broadRule, exactRule, ruleError } from '../errors-table';
import { brokerMessage } from '../http';
import { BrokerError } from '../types';
import { record, text } from '../json';

/** What a call was for: decides how an auth failure reads (bad login vs expired session) and whether the IP rule applies. */
export type KiteCallKind = 'login' | 'read' | 'order';

export const KITE_IP_GUIDANCE =
  'Zerodha accepts API orders only from the static IP registered for your Kite Connect developer account (SEBI retail-algo ' +
  'rules). Add this computer\'s public IP at developers.kite.trade → Profile → "IP Whitelist" (one change per calendar week), ' +
  'then try again.';

/** The scope is the call kind; the code is Kite's error_type. */
export interface KiteFacts extends ErrorFacts {
  /** Zerodha's message, shortened by brokerMessage. */
  readonly said: string;
}

const RATE_LIMITED: ErrorRule<KiteFacts> = {
  code: 'RATE_LIMITED',
  message: (f) => `Zerodha's rate limit was reached (${f.said}). Wait a moment and try again.`,
};

/** Kite's error_type values (kite.trade/docs/connect/v3/exceptions) and the texts that decide alone. */
export const KITE_ERRORS: ErrorTable<KiteFacts> = {
  exact: {
    TokenException: {
      code: 'TOKEN_EXPIRED',
      message: (f) => `Your Zerodha session has ended (${f.said}). Log in to Zerodha again.`,
      only: ['read', 'order'],
    },
  },
  broad: [
    { ...RATE_LIMITED, pattern: /too many requests/i, example: 'Too many requests' },
    // The non-whitelisted-IP wording is not published; any order rejection that talks about the IP is treated as one.
    {
      code: 'IP_NOT_ALLOWED',
      pattern: /\bIP\b|ip address|whitelist|static ip/i,
      example: 'Order placement is not allowed from this IP',
      only: ['order'],
      message: (f) => `Zerodha refused the order from this IP address: ${f.said}. ${KITE_IP_GUIDANCE}`,
    },
  ],
};

/**
 * Map a Kite error response ({status:"error", message, error_type}) to a BrokerError.
 * Only Zerodha's own message is shown, trimmed by brokerMessage; never the request.
 */
export function kiteError(status: number, body: unknown, kind: KiteCallKind): BrokerError {
  const envelope = record(body);
  const errorType = text(envelope.error_type) ?? '';
  const raw = text(envelope.message) ?? '';
  const facts: KiteFacts = { status, code: errorType, text: raw, scope: kind, said: brokerMessage(raw, `HTTP ${status}`) };

  if (status === 429) return ruleError(RATE_LIMITED, facts);
  const broad = broadRule(KITE_ERRORS, facts);
  if (broad) return ruleError(broad, facts);
  if (kind === 'login' && (errorType === 'TokenException' || errorType === 'InputException' || status === 403)) {
    return new BrokerError(
      'INVALID_CREDENTIALS',
      `Zerodha did not accept the login (${facts.said}). Check the API key and API secret, then log in again; the login link is single-use and expires within minutes.`,
      status,
    );
  }
  const exact = exactRule(KITE_ERRORS, facts);
  if (exact) return ruleError(exact, facts);
  if (status === 502 || status === 503 || status === 504) {
    return new BrokerError('NETWORK', `Zerodha's order system is not reachable right now (${facts.said}). Check the order book before retrying.`, status);
  }
  return new BrokerError('BROKER_REJECTED', `Zerodha rejected the request: ${facts.said}`, status);
}
