import { BrokerSocket } from '../../streaming/broker-socket';
import type { MarketStreamStatus, OrderStream, OrderStreamCapability, OrderStreamHandlers, OrderUpdate, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { fyersRoot } from './client';
import { FYERS_API_HOST } from './descriptor';
import { orderState, parseFyersTime } from './mapping';
import { isRecord, num, text, type JsonRecord } from '../json';

export const FYERS_ORDER_SOCKET_URL = 'wss://socket.fyers.in/trade/v3';
/** The SDK pings (text `ping`) every second; the server answers `pong`. */
const PING_EVERY_MS = 1_000;
/** Several missed pongs in a row: the socket is dead. */
export const ORDER_SILENCE_MS = 10_000;

export function orderSocketUrl(ctx: BrokerContext): string {
  const root = fyersRoot(ctx);
  if (root === FYERS_API_HOST) return FYERS_ORDER_SOCKET_URL;
  return `${root.replace(/^http/, 'ws')}/trade/v3`;
}

/**
 * The socket's raw `ord_status` → the API status REST uses (1 cancelled, 2 traded, 4 transit, 5 rejected,
 * 6 pending), as FYERS' SDK maps it; null for a code it does not list.
 */
export function apiStatusOf(raw: number | null): number | null {
  if (raw === null) return null;
  if ([11, 12, 20, 21].includes(raw)) return 4;
  if ((raw >= 22 && raw <= 26) || (raw >= 51 && raw <= 55) || (raw >= 61 && raw <= 64) || raw === 71 || raw === 72) return 6;
  if (raw === 90) return 2;
  if (raw === 91 || raw === 73) return 1;
  if (raw >= 92 && raw <= 94) return 5;
  return null;
}

/** One raw `orders` push → an OrderUpdate; null when it names no order. */
export function toOrderUpdate(o: JsonRecord, receivedAt: number): OrderUpdate | null {
  const id = text(o.id);
  if (!id) return null;
  const filled = num(o.qty_filled) ?? 0;
  const state = orderState(apiStatusOf(num(o.ord_status)), filled);
  const price = num(o.price_traded);
  const message = text(o.oms_msg);
  return {
    brokerOrderId: id,
    state,
    filledQuantity: filled,
    ...(price !== null && price > 0 && filled > 0 ? { averagePrice: price } : {}),
    ...(message ? { message: message.slice(0, 200) } : {}),
    ts: parseFyersTime(o.time_oms) ?? receivedAt,
  };
}

export interface FyersOrderStreamCounters {
  malformed: number;
  unknown: number;
  errors: number;
}

/** The order socket: auth in the upgrade header, SUB_ORD for `orders`, raw pushes mapped to the shared order states. */
export class FyersOrderStream implements OrderStream {
  readonly counters: FyersOrderStreamCounters = { malformed: 0, unknown: 0, errors: 0 };
  private readonly socket: BrokerSocket | null = null;
  private done = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
    url = orderSocketUrl(ctx),
  ) {
    const appId = ctx.credentials.client_id;
    const token = ctx.credentials.access_token;
    if (!appId || !token) {
      queueMicrotask(() => this.finish({ state: 'closed', reason: 'auth' }));
      return;
    }
    this.socket = new BrokerSocket({
      url,
      // SECURITY: the credential travels only in this upgrade header, never in a status or log.
      headers: { Authorization: `${appId}:${token}` },
      scheduler: ctx.scheduler,
      silenceMs: ORDER_SILENCE_MS,
      keepAlive: { everyMs: PING_EVERY_MS, send: 'ping' },
      onOpen: () => {
        this.socket?.send(JSON.stringify({ T: 'SUB_ORD', SLIST: ['orders'], SUB_T: 1 }));
        this.handlers.onStatus({ state: 'open' });
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
    this.socket?.close();
    this.handlers.onStatus(status);
  }

  private problem(kind: StreamProblem, counter: keyof FyersOrderStreamCounters): void {
    this.counters[counter]++;
    this.handlers.onProblem?.(kind);
  }

  private onMessage(data: string | Buffer): void {
    if (this.done) return;
    const body = typeof data === 'string' ? data : data.toString('utf8');
    if (body === 'pong') return;
    let m: unknown;
    try {
      m = JSON.parse(body);
    } catch {
      return this.problem('malformed', 'malformed');
    }
    if (!isRecord(m)) return this.problem('malformed', 'malformed');
    if ('orders' in m) return this.onOrders(m.orders);
    if ('trades' in m || 'positions' in m) return; // not subscribed; ignored if the server sends them anyway
    // Acknowledgements and notices; an error that names a dead session ends the socket.
    if (m.s === 'error') {
      if (num(m.code) === -16 || num(m.code) === -8 || num(m.code) === -15 || num(m.code) === -17) return this.finish({ state: 'closed', reason: 'auth' });
      return this.problem('error', 'errors');
    }
    if (m.s === 'ok') return;
    this.problem('unknown', 'unknown');
  }

  private onOrders(orders: unknown): void {
    for (const o of Array.isArray(orders) ? orders : [orders]) {
      if (this.done) return;
      const update = isRecord(o) ? toOrderUpdate(o, this.ctx.clock.now()) : null;
      if (update === null || update.state === 'UNKNOWN') this.problem('malformed', 'malformed');
      else this.handlers.onOrder(update);
    }
  }
}

export const fyersOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new FyersOrderStream(ctx, handlers),
};
