import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import { BrokerError, type BrokerContext } from '../types';
import { tradierCall } from './client';
import { TRADIER_LIVE_URL, TRADIER_SANDBOX_URL } from './descriptor';

/** Tradier's WebSocket hosts: production, and the paper-trading (sandbox) one its docs name. */
export const TRADIER_WS_LIVE = 'wss://ws.tradier.com';
export const TRADIER_WS_SANDBOX = 'wss://sandbox-ws.tradier.com';

export type TradierEvents = 'markets' | 'accounts';

/** The socket for `/v1/{markets,accounts}/events`: Tradier's own WS host for its own API hosts, else the overridden host (a simulator, a proxy). */
export function eventsUrl(ctx: BrokerContext, events: TradierEvents): string {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const path = `/v1/${events}/events`;
  if (base === TRADIER_LIVE_URL) return `${TRADIER_WS_LIVE}${path}`;
  if (base === TRADIER_SANDBOX_URL) return `${TRADIER_WS_SANDBOX}${path}`;
  return `${base.replace(/\/v1$/, '').replace(/^http/, 'ws')}${path}`;
}

/** Why a failed session request ends the stream: a rejected token is 'auth' (the credential failed, not the network). */
export function sessionFailure(error: unknown): SocketEndReason {
  if (error instanceof BrokerError) {
    if (error.code === 'INVALID_CREDENTIALS' || error.code === 'TOKEN_EXPIRED' || error.httpStatus === 401) return 'auth';
    if (error.code === 'RATE_LIMITED' || error.httpStatus === 429) return 'refused';
  }
  return 'dropped';
}

/** A streaming session id over REST (the adapter's normal HTTP path: bearer token, rate gate, error mapping). */
export async function createSession(ctx: BrokerContext, events: TradierEvents): Promise<string> {
  const { body } = await tradierCall(ctx, { method: 'POST', path: `/${events}/events/session` });
  const sessionid = (body as { stream?: { sessionid?: unknown } }).stream?.sessionid;
  if (typeof sessionid !== 'string' || sessionid === '') throw new BrokerError('BROKER_REJECTED', 'Tradier answered the stream session without a session id.');
  return sessionid;
}

/** What Tradier's sockets say besides data: the simulator's (and, unconfirmed, Tradier's) `{"error": "…"}` line. */
export function errorLineReason(error: string): SocketEndReason {
  // One session at a time, or a symbol limit: the broker refused this socket. Otherwise the session id was not
  // accepted (unknown or expired): a new open creates a new session, so the manager's reconnect is the cure.
  return /too many|limit/i.test(error) ? 'refused' : 'dropped';
}

/** Split a text frame into events: one JSON object per line with linebreak, or objects run together without. */
export function splitEvents(frame: string): string[] {
  return frame
    .replace(/}\s*{/g, '}\n{')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export interface TradierSocketHooks {
  silenceMs: number;
  /** The socket exists (still connecting): the owner keeps it to send and to close. */
  attach(socket: BrokerSocket): void;
  onOpen(sessionid: string): void;
  onMessage(data: string | Buffer): void;
  onEnd(reason: SocketEndReason): void;
}

/**
 * Create the session, then open the socket; `isClosed` is asked after the session arrives, so a stream closed
 * meanwhile opens nothing. Keep-alive pings prove the socket alive when nothing is subscribed.
 */
export function openAfterSession(ctx: BrokerContext, events: TradierEvents, isClosed: () => boolean, hooks: TradierSocketHooks): void {
  createSession(ctx, events).then(
    (sessionid) => {
      if (isClosed()) return;
      hooks.attach(
        new BrokerSocket({
          url: eventsUrl(ctx, events),
          scheduler: ctx.scheduler,
          silenceMs: hooks.silenceMs,
          keepAlive: { everyMs: 30_000, send: 'ping-frame' },
          onOpen: () => hooks.onOpen(sessionid),
          onMessage: (data) => hooks.onMessage(data),
          onEnd: (reason) => hooks.onEnd(reason),
        }),
      );
    },
    (error: unknown) => {
      if (!isClosed()) hooks.onEnd(sessionFailure(error));
    },
  );
}
