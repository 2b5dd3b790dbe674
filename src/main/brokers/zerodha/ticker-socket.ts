import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { BrokerContext } from '../types';
import { isRecord, type JsonRecord } from '../json';
import { KITE_API_ROOT } from './descriptor';

/** Kite Ticker's real root; the SDKs append `?api_key=…&access_token=…` to it. */
export const KITE_TICKER_ROOT = 'wss://ws.kite.trade/';

/**
 * Close the socket as dropped when nothing at all (ticks or the ~1 s one-byte heartbeat) arrives for this long:
 * the JS SDK's own `read_timeout` is 5 s.
 */
export const KITE_SILENCE_MS = 5_000;

/**
 * The ticker root for this connection: the real host, or under a base-URL override (simulator, proxy) the override's
 * own root, where REST paths are joined too (the simulator serves both on one port).
 */
export function tickerRoot(ctx: BrokerContext): string {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  if (base === KITE_API_ROOT) return KITE_TICKER_ROOT;
  return `${base.replace(/^http/, 'ws')}/`;
}

export interface TickerHooks {
  onOpen(): void;
  onMessage(data: string | Buffer): void;
  onEnd(reason: SocketEndReason): void;
}

/**
 * Open one ticker socket with the connection's current session, or null when there is no session to open it
 * with (reported by the caller as 'auth'). Auth happens only at the upgrade: a wrong or expired token is an HTTP 403
 * there, which BrokerSocket reads as 'auth'; 429 (the simulator's answer past 3 sockets per api_key) as 'refused'.
 */
export function openTickerSocket(ctx: BrokerContext, hooks: TickerHooks): BrokerSocket | null {
  const apiKey = ctx.credentials.api_key;
  const accessToken = ctx.credentials.access_token;
  if (!apiKey || !accessToken) return null;
  const url = new URL(tickerRoot(ctx));
  // SECURITY: the token rides in the upgrade URL (Kite's only way); BrokerSocket never logs the URL or the error text.
  url.searchParams.set('api_key', apiKey);
  url.searchParams.set('access_token', accessToken);
  return new BrokerSocket({
    url: url.toString(),
    headers: { 'X-Kite-Version': '3' },
    scheduler: ctx.scheduler,
    silenceMs: KITE_SILENCE_MS,
    ...hooks,
  });
}

/** A text message of the ticker: an order postback, an error or notice, or something this client cannot read. */
export type TickerText = { kind: 'order'; data: JsonRecord } | { kind: 'error' } | { kind: 'message' } | { kind: 'malformed' } | { kind: 'unknown' };

export function readTickerText(text: string): TickerText {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: 'malformed' };
  }
  if (!isRecord(message)) return { kind: 'malformed' };
  switch (message.type) {
    case 'order':
      return isRecord(message.data) ? { kind: 'order', data: message.data } : { kind: 'malformed' };
    case 'error':
      return { kind: 'error' };
    case 'message':
      return { kind: 'message' };
    default:
      return { kind: 'unknown' };
  }
}
