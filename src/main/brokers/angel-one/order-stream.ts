import type { OrderState } from '../../../shared/orders';
import { BrokerSocket } from '../../streaming/broker-socket';
import type { MarketStreamStatus, OrderStream, OrderStreamCapability, OrderStreamHandlers, StreamProblem } from '../../streaming/types';
import { numOrZero } from '../json';
import type { BrokerContext } from '../types';
import { parseAngelTime, toOrderState } from './mapping';
import { angelWsUrl } from './stream';

/** Angel's order-status socket on its own host. */
export const ANGEL_ORDER_STREAM_URL = 'wss://tns.angelone.in/smart-order-update';

const PING_EVERY_MS = 10_000;
const SILENCE_MS = 20_000;

/**
 * What each `order-status` code means when `orderData` carries no status of its own (AB00 is the greeting).
 * AB04/AB08/AB11 are modifications: the order is still working.
 */
const CODE_STATES: Readonly<Record<string, OrderState>> = {
  AB01: 'OPEN',
  AB02: 'CANCELLED',
  AB03: 'REJECTED',
  AB04: 'OPEN',
  AB05: 'FILLED',
  AB06: 'PENDING',
  AB07: 'CANCELLED',
  AB08: 'PENDING',
  AB09: 'PENDING',
  AB10: 'OPEN',
  AB11: 'OPEN',
};

export function orderStreamUrl(ctx: BrokerContext): string {
  return angelWsUrl(ctx, ANGEL_ORDER_STREAM_URL, '/smart-order-update');
}

/** The upgrade headers: the session JWT as a bearer (the JS SDK adds the SmartStream x-* headers too), or null. */
export function orderStreamHeaders(ctx: BrokerContext): Record<string, string> | null {
  const { jwtToken, feedToken, clientcode, api_key: apiKey } = ctx.credentials;
  if (!jwtToken) return null;
  // SECURITY: the JWT goes only into this upgrade header, never into a status, problem or log.
  const headers: Record<string, string> = { Authorization: `Bearer ${jwtToken}` };
  if (apiKey) headers['x-api-key'] = apiKey;
  if (clientcode) headers['x-client-code'] = clientcode;
  if (feedToken) headers['x-feed-token'] = feedToken;
  return headers;
}

type Msg = Record<string, unknown>;

/** One order-status socket: every order of the account, in BrokerVault's order states. */
export class AngelOrderStream implements OrderStream {
  private readonly socket: BrokerSocket | null;
  private done = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
    url = orderStreamUrl(ctx),
  ) {
    const headers = orderStreamHeaders(ctx);
    if (!headers) {
      this.socket = null;
      void Promise.resolve().then(() => this.finish({ state: 'closed', reason: 'auth' }));
      return;
    }
    this.socket = new BrokerSocket({
      url,
      headers,
      scheduler: ctx.scheduler,
      silenceMs: SILENCE_MS,
      keepAlive: { everyMs: PING_EVERY_MS, send: 'ping' },
      // 401 invalid token, 403 expired token, 429 connection limit: the default reading.
      onOpen: () => {
        if (!this.done) handlers.onStatus({ state: 'open' });
      },
      onMessage: (data) => this.onMessage(data),
      onEnd: (reason) => this.finish({ state: 'closed', reason }),
    });
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  private finish(status: MarketStreamStatus): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus(status);
  }

  private problem(kind: StreamProblem): void {
    if (!this.done) this.handlers.onProblem?.(kind);
  }

  private onMessage(data: string | Buffer): void {
    if (this.done) return;
    const text = typeof data === 'string' ? data : data.toString('utf8');
    if (text.trim() === 'pong') return;
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      return this.problem('malformed');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return this.problem('malformed');
    this.onStatusMessage(m as Msg);
  }

  private onStatusMessage(m: Msg): void {
    const code = m['order-status'];
    if (code === 'AB00') return; // connected
    if (typeof code !== 'string' || !(code in CODE_STATES)) return this.problem('unknown');
    const data = m.orderData;
    if (typeof data !== 'object' || data === null || typeof (data as Msg).orderid !== 'string' || !(data as Msg).orderid) {
      return this.problem('malformed');
    }
    const order = data as Msg;
    const filled = numOrZero(order.filledshares);
    // The order book's status text wins (same mapping as REST); the code is the fallback.
    const fromText = toOrderState(order.orderstatus ?? order.status, filled);
    const state = fromText === 'UNKNOWN' ? CODE_STATES[code]! : fromText;
    const averagePrice = numOrZero(order.averageprice);
    const text = typeof order.text === 'string' && order.text.trim() ? order.text.trim() : undefined;
    this.handlers.onOrder({
      brokerOrderId: order.orderid as string,
      state,
      filledQuantity: filled,
      ...(filled > 0 && averagePrice > 0 ? { averagePrice } : {}),
      ...(text && (state === 'REJECTED' || state === 'CANCELLED') ? { message: text } : {}),
      ts: parseAngelTime(order.updatetime) ?? this.ctx.clock.now(),
    });
  }
}

export const angelOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new AngelOrderStream(ctx, handlers),
};
