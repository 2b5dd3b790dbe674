import { brokerMessage } from '../http';
import { BrokerError } from '../types';
import { record, text } from '../json';

/** What a call was for: decides how an auth failure reads (bad login vs expired session) and whether the IP rule applies. */
export type KiteCallKind = 'login' | 'read' | 'order';

export const KITE_IP_GUIDANCE =
  'Zerodha accepts API orders only from the static IP registered for your Kite Connect developer account (SEBI retail-algo ' +
  'rules). Add this computer\'s public IP at developers.kite.trade → Profile → "IP Whitelist" (one change per calendar week), ' +
  'then try again.';

/** The non-whitelisted-IP wording is not published; any order rejection that talks about the IP is treated as one. */
function mentionsIp(message: string): boolean {
  return /\bIP\b|ip address|whitelist|static ip/i.test(message);
}

/**
 * Map a Kite error response ({status:"error", message, error_type}) to a BrokerError.
 * Only Zerodha's own message is shown, trimmed by brokerMessage; never the request.
 */
export function kiteError(status: number, body: unknown, kind: KiteCallKind): BrokerError {
  const envelope = record(body);
  const errorType = text(envelope.error_type) ?? '';
  const raw = text(envelope.message) ?? '';
  const message = brokerMessage(raw, `HTTP ${status}`);

  if (status === 429 || /too many requests/i.test(raw)) {
    return new BrokerError('RATE_LIMITED', `Zerodha's rate limit was reached (${message}). Wait a moment and try again.`, status);
  }
  if (kind === 'order' && mentionsIp(raw)) {
    return new BrokerError('IP_NOT_ALLOWED', `Zerodha refused the order from this IP address: ${message}. ${KITE_IP_GUIDANCE}`, status);
  }
  if (kind === 'login' && (errorType === 'TokenException' || errorType === 'InputException' || status === 403)) {
    return new BrokerError(
      'INVALID_CREDENTIALS',
      `Zerodha did not accept the login (${message}). Check the API key and API secret, then log in again; the login link is single-use and expires within minutes.`,
      status,
    );
  }
  if (errorType === 'TokenException') {
    return new BrokerError('TOKEN_EXPIRED', `Your Zerodha session has ended (${message}). Log in to Zerodha again.`, status);
  }
  if (status === 502 || status === 503 || status === 504) {
    return new BrokerError('NETWORK', `Zerodha's order system is not reachable right now (${message}). Check the order book before retrying.`, status);
  }
  return new BrokerError('BROKER_REJECTED', `Zerodha rejected the request: ${message}`, status);
}
