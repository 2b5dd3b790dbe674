import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { OrderStream, OrderStreamCapability, OrderStreamHandlers } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { ACCESS_TOKEN, accountNumber } from './client';
import { TASTYTRADE_LIVE_URL, TASTYTRADE_SANDBOX_URL } from './descriptor';
import { toBrokerOrder, type TastyOrder } from './mapping';
import { restFailure } from './quote-token';

export const TASTY_STREAMER_LIVE = 'wss://streamer.tastyworks.com';
export const TASTY_STREAMER_SANDBOX = 'wss://streamer.cert.tastyworks.com';

/** The SDK sends a heartbeat every few seconds; 20 s keeps the socket warm, and every heartbeat is answered. */
const HEARTBEAT_EVERY_MS = 20_000;
const SILENCE_MS = 60_000;

/** The account streamer: tastytrade's own host per environment, else the overridden API host (simulator, proxy). */
export function accountStreamerUrl(ctx: BrokerContext): string {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  if (base === TASTYTRADE_LIVE_URL) return TASTY_STREAMER_LIVE;
  if (base === TASTYTRADE_SANDBOX_URL) return TASTY_STREAMER_SANDBOX;
  return `${base.replace(/^http/, 'ws')}/`;
}

type Msg = Record<string, unknown>;

/**
 * tastytrade's account streamer: `connect` with the account number and the access token, heartbeats, and
 * `{"type":"Order","data":{…}}` messages whose data is the REST order shape (mapped by the REST mapping).
 */
export class TastytradeOrderStream implements OrderStream {
  private socket: BrokerSocket | null = null;
  private done = false;
  private connected = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
  ) {
    accountNumber(ctx).then(
      (account) => this.connect(account),
      (error: unknown) => this.finish(restFailure(error)),
    );
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  private connect(account: string): void {
    if (this.done) return;
    const token = this.ctx.credentials[ACCESS_TOKEN];
    if (!token) return this.finish('auth');
    // SECURITY: the access token travels in these messages only; they are sent, never logged.
    const authToken = `Bearer ${token}`;
    this.socket = new BrokerSocket({
      url: accountStreamerUrl(this.ctx),
      scheduler: this.ctx.scheduler,
      silenceMs: SILENCE_MS,
      keepAlive: { everyMs: HEARTBEAT_EVERY_MS, send: JSON.stringify({ action: 'heartbeat', 'auth-token': authToken, 'request-id': 0 }) },
      onOpen: () => this.socket?.send(JSON.stringify({ action: 'connect', value: [account], 'auth-token': authToken, 'request-id': 1, source: 'BrokerVault' })),
      onMessage: (frame) => this.onFrame(frame),
      onEnd: (reason) => this.finish(reason),
    });
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.socket?.close();
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private onFrame(frame: string | Buffer): void {
    let m: unknown;
    try {
      m = JSON.parse(typeof frame === 'string' ? frame : frame.toString('utf8'));
    } catch {
      return this.handlers.onProblem?.('malformed');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return this.handlers.onProblem?.('malformed');
    this.onMessage(m as Msg);
  }

  private onMessage(m: Msg): void {
    if (m.action === 'connect') {
      // A refused connect is the access token (expired or revoked): 'auth', not a network drop.
      if (m.status !== 'ok') return this.finish('auth');
      if (!this.connected) {
        this.connected = true;
        this.handlers.onStatus({ state: 'open' });
      }
      return;
    }
    if (m.action === 'heartbeat') return;
    if (m.type === 'Order') return this.onOrder(m.data);
    // Balances, positions and the like arrive on the same socket: known, not needed here.
    if (typeof m.type === 'string' && m.data !== undefined) return;
    if (m.status === 'error') return this.handlers.onProblem?.('error');
    this.handlers.onProblem?.('unknown');
  }

  private onOrder(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as TastyOrder).id === undefined) {
      return this.handlers.onProblem?.('malformed');
    }
    const order = toBrokerOrder(raw as TastyOrder);
    if (order.state === 'UNKNOWN') return this.handlers.onProblem?.('malformed');
    this.handlers.onOrder({
      brokerOrderId: order.brokerOrderId,
      state: order.state,
      filledQuantity: order.filledQuantity,
      ...(order.averagePrice !== null ? { averagePrice: order.averagePrice } : {}),
      ...(order.message ? { message: order.message.slice(0, 200) } : {}),
      ts: order.updatedAt ?? this.ctx.clock.now(),
    });
  }
}

export const tastytradeOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new TastytradeOrderStream(ctx, handlers),
};
