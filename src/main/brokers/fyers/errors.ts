import { brokerMessage } from '../http';
import { BrokerError } from '../types';
import { num, record, text } from '../json';

/** What a call was for: decides how an auth failure reads (bad login vs expired session) and whether the IP rule applies. */
export type FyersCallKind = 'login' | 'read' | 'order';

export const FYERS_IP_GUIDANCE =
  'FYERS accepts API orders only from the static IP mapped to your App ID (SEBI retail-algo rules). Add this computer\'s public ' +
  'IP to the app on myapi.fyers.in → Dashboard → your app, then try again.';

/** Token errors: -16 "Could not authenticate the user" (HTTP 401) and the -8/-15/-17 expired/invalid-token family. */
const TOKEN_CODES = new Set([-8, -15, -16, -17]);
/** Connection errors at FYERS: retry. */
const CONNECTION_CODES = new Set([-201, -202, -203, -204, -205]);

function mentionsIp(message: string): boolean {
  return /\bIP\b|ip address|whitelist|static ip/i.test(message);
}

/** Map a FYERS error body ({s:"error", code, message}) to a BrokerError that shows only FYERS' own message. */
export function fyersError(status: number, body: unknown, kind: FyersCallKind): BrokerError {
  const envelope = record(body);
  const code = num(envelope.code) ?? 0;
  const raw = text(envelope.message) ?? '';
  const message = brokerMessage(raw, `HTTP ${status}`);

  if (status === 429 || code === -353 || code === 429) {
    return new BrokerError('RATE_LIMITED', `FYERS' API limit was reached (${message}). Wait before retrying: repeatedly exceeding the per-minute limit blocks the API for the day.`, status);
  }
  if (kind === 'order' && mentionsIp(raw)) {
    return new BrokerError('IP_NOT_ALLOWED', `FYERS refused the order from this IP address: ${message}. ${FYERS_IP_GUIDANCE}`, status);
  }
  if (kind === 'login') {
    return new BrokerError(
      'INVALID_CREDENTIALS',
      `FYERS did not accept the login (${message}). Check the App ID and Secret ID, then log in again; each login code works once.`,
      status,
    );
  }
  if (status === 401 || TOKEN_CODES.has(code)) {
    return new BrokerError('TOKEN_EXPIRED', `Your FYERS session has ended (${message}). Log in to FYERS again.`, status);
  }
  if (status === 502 || status === 503 || status === 504 || CONNECTION_CODES.has(code)) {
    return new BrokerError('NETWORK', `FYERS is not reachable right now (${message}). Check the order book before retrying.`, status);
  }
  return new BrokerError('BROKER_REJECTED', `FYERS rejected the request: ${message}`, status);
}
