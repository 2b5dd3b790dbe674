import { type ErrorFacts, type ErrorRule, type ErrorTable, broadRule, exactRule, ruleError } from '../errors-table';
import { brokerMessage } from '../http';
import { BrokerError } from '../types';
import { num, record, text } from '../json';

/** What a call was for: decides how an auth failure reads (bad login vs expired session) and whether the IP rule applies. */
export type FyersCallKind = 'login' | 'read' | 'order';

export const FYERS_IP_GUIDANCE =
  "FYERS accepts API orders only from the static IP mapped to your App ID (SEBI retail-algo rules). Add this computer's public " +
  'IP to the app on myapi.fyers.in → Dashboard → your app, then try again.';

/** The scope is the call kind. */
export interface FyersFacts extends ErrorFacts {
  /** FYERS' message, shortened by brokerMessage. */
  readonly said: string;
}

const RATE_LIMITED: ErrorRule<FyersFacts> = {
  code: 'RATE_LIMITED',
  message: (f) => `FYERS' API limit was reached (${f.said}). Wait before retrying: repeatedly exceeding the per-minute limit blocks the API for the day.`,
};
/** Token errors: -16 "Could not authenticate the user" (HTTP 401) and the -8/-15/-17 expired/invalid-token family. */
const SESSION_ENDED: ErrorRule<FyersFacts> = {
  code: 'TOKEN_EXPIRED',
  message: (f) => `Your FYERS session has ended (${f.said}). Log in to FYERS again.`,
  only: ['read', 'order'],
};
/** Connection errors at FYERS: retry. */
const UNREACHABLE: ErrorRule<FyersFacts> = {
  code: 'NETWORK',
  message: (f) => `FYERS is not reachable right now (${f.said}). Check the order book before retrying.`,
  only: ['read', 'order'],
};

export const FYERS_ERRORS: ErrorTable<FyersFacts> = {
  exact: {
    '-353': RATE_LIMITED,
    '429': RATE_LIMITED,
    '-8': SESSION_ENDED,
    '-15': SESSION_ENDED,
    '-16': SESSION_ENDED,
    '-17': SESSION_ENDED,
    '-201': UNREACHABLE,
    '-202': UNREACHABLE,
    '-203': UNREACHABLE,
    '-204': UNREACHABLE,
    '-205': UNREACHABLE,
  },
  broad: [
    {
      code: 'IP_NOT_ALLOWED',
      pattern: /\bIP\b|ip address|whitelist|static ip/i,
      example: 'Order rejected: request IP is not whitelisted',
      only: ['order'],
      message: (f) => `FYERS refused the order from this IP address: ${f.said}. ${FYERS_IP_GUIDANCE}`,
    },
  ],
};

/** Map a FYERS error body ({s:"error", code, message}) to a BrokerError that shows only FYERS' own message. */
export function fyersError(status: number, body: unknown, kind: FyersCallKind): BrokerError {
  const envelope = record(body);
  const code = num(envelope.code) ?? 0;
  const raw = text(envelope.message) ?? '';
  const facts: FyersFacts = { status, code: String(code), text: raw, scope: kind, said: brokerMessage(raw, `HTTP ${status}`) };
  const exact = exactRule(FYERS_ERRORS, facts);

  if (status === 429 || exact?.code === 'RATE_LIMITED') return ruleError(RATE_LIMITED, facts);
  const broad = broadRule(FYERS_ERRORS, facts);
  if (broad) return ruleError(broad, facts);
  if (kind === 'login') {
    return new BrokerError(
      'INVALID_CREDENTIALS',
      `FYERS did not accept the login (${facts.said}). Check the App ID and Secret ID, then log in again; each login code works once.`,
      status,
    );
  }
  if (status === 401) return ruleError(SESSION_ENDED, facts);
  if (exact) return ruleError(exact, facts);
  if (status === 502 || status === 503 || status === 504) return ruleError(UNREACHABLE, facts);
  return new BrokerError('BROKER_REJECTED', `FYERS rejected the request: ${facts.said}`, status);
}
