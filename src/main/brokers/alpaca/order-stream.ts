import { BrokerSocket } from '../../streaming/broker-socket';
import type { OrderStream, OrderStreamCapability, OrderStreamHandlers, OrderUpdate } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { orderState, parseTime } from './mapping';

/** The trading socket is on the trading host itself: `wss://paper-api.alpaca.markets/stream`, or the override's. */
export function orderStreamUrl(ctx: BrokerContext): string {
  return `${ctx.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/stream`;
}

type Msg = Record<string, unknown>;

const numeric = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Alpaca's `trade_updates`: auth by message, listen, then one event per order change. Paper sends JSON in binary
 * frames and live in text frames; both are read the same way. Every event carries the whole order, so each one is
 * the order's current state (an event that arrives late cannot undo a later one: the journal refuses to go back).
 */
export class AlpacaOrderStream implements OrderStream {
  private readonly socket: BrokerSocket;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
    url = orderStreamUrl(ctx),
  ) {
    this.socket = new BrokerSocket({
      url,
      scheduler: ctx.scheduler,
      keepAlive: { everyMs: 10_000, send: 'ping-frame' },
      silenceMs: 30_000,
      // SECURITY: the key and secret go only into this message, never into a log or an error.
      onOpen: () => this.send({ action: 'auth', key: ctx.credentials.apiKeyId ?? '', secret: ctx.credentials.apiSecretKey ?? '' }),
      onMessage: (data) => this.onFrame(data),
      onEnd: (reason) => handlers.onStatus({ state: 'closed', reason }),
    });
  }

  close(): void {
    this.socket.close();
  }

  private send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  private onFrame(data: string | Buffer): void {
    let m: unknown;
    try {
      m = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    } catch {
      return this.handlers.onProblem?.('malformed');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return this.handlers.onProblem?.('malformed');
    const { stream, data: body } = m as Msg;
    const payload = typeof body === 'object' && body !== null ? (body as Msg) : {};
    switch (stream) {
      case 'authorization':
        if (payload.status !== 'authorized') return this.socket.end('auth');
        if (payload.action === 'authenticate') this.send({ action: 'listen', data: { streams: ['trade_updates'] } });
        return;
      case 'listening':
        if (Array.isArray(payload.streams) && payload.streams.includes('trade_updates')) this.handlers.onStatus({ state: 'open' });
        return;
      case 'trade_updates':
        return this.onTradeUpdate(payload);
      case 'error':
        return this.handlers.onProblem?.('error');
      default:
        return this.handlers.onProblem?.('unknown');
    }
  }

  private onTradeUpdate(event: Msg): void {
    const order = typeof event.order === 'object' && event.order !== null ? (event.order as Msg) : null;
    if (!order || typeof order.id !== 'string' || typeof order.status !== 'string') return this.handlers.onProblem?.('malformed');
    const ts = parseTime(typeof event.timestamp === 'string' ? event.timestamp : undefined) ?? this.ctx.clock.now();
    const update: OrderUpdate = { brokerOrderId: order.id, state: orderState(order.status), ts };
    const filled = numeric(order.filled_qty);
    const average = numeric(order.filled_avg_price);
    if (filled !== undefined) update.filledQuantity = filled;
    if (average !== undefined) update.averagePrice = average;
    if (event.event === 'rejected' || event.event === 'canceled' || event.event === 'expired') update.message = `Alpaca: order ${event.event}.`;
    this.handlers.onOrder(update);
  }
}

export const alpacaOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new AlpacaOrderStream(ctx, handlers),
};
