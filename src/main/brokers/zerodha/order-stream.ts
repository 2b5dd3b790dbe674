import type { BrokerSocket, SocketEndReason } from '../../streaming/broker-socket';
import type { OrderStream, OrderStreamCapability, OrderStreamHandlers, OrderUpdate, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { parseIstDateTime } from '../india-time';
import { num, text, type JsonRecord } from '../json';
import { orderState } from './mapping';
import { openTickerSocket, readTickerText } from './ticker-socket';

/**
 * The postback's status in the order vocabulary, through the REST mapping. Postbacks also say `UPDATE` (a partial
 * fill or a modification of a working order), which the order book never shows.
 */
function postbackState(status: string, filled: number): OrderUpdate['state'] {
  return orderState(status === 'UPDATE' ? 'OPEN' : status, filled);
}

/** One `{"type":"order","data":{…}}` postback as an OrderUpdate, or null when it names no order or status. */
export function toOrderUpdate(data: JsonRecord, receivedAt: number): OrderUpdate | null {
  const brokerOrderId = text(data.order_id);
  const status = text(data.status);
  if (!brokerOrderId || !status) return null;
  const filled = num(data.filled_quantity) ?? 0;
  const state = postbackState(status, filled);
  const update: OrderUpdate = {
    brokerOrderId,
    state,
    filledQuantity: filled,
    ts: parseIstDateTime(data.exchange_update_timestamp) ?? parseIstDateTime(data.exchange_timestamp) ?? parseIstDateTime(data.order_timestamp) ?? receivedAt,
  };
  const average = num(data.average_price);
  if (average !== null && average > 0) update.averagePrice = average;
  const message = text(data.status_message);
  if (message && (state === 'REJECTED' || state === 'CANCELLED')) update.message = message;
  return update;
}

/**
 * Order postbacks. Kite sends them as text on every ticker socket of the api_key, whatever it subscribes; the seam
 * keeps order updates (OrderStreamCapability, opened by the order-update service for as long as the connection
 * lives) apart from market data (opened and closed by the SubscriptionManager as subscriptions come and go), so
 * this is a second ticker socket with no subscriptions. It costs one of Kite's 3 sockets per api_key: market +
 * orders leaves one for the trader's own tools. (Sharing one socket between the two would tie an order feed to
 * whether anything is subscribed, and a refused market socket to the order feed.)
 */
export class KiteOrderStream implements OrderStream {
  readonly counters = { malformed: 0, unknown: 0, errors: 0 };
  private readonly socket: BrokerSocket | null;
  private done = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
  ) {
    this.socket = openTickerSocket(ctx, {
      onOpen: () => {
        if (!this.done) handlers.onStatus({ state: 'open' });
      },
      onMessage: (data) => this.onMessage(data),
      onEnd: (reason) => this.finish(reason),
    });
    if (!this.socket) ctx.scheduler.setTimeout(() => this.finish('auth'), 0);
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private problem(kind: 'malformed' | 'unknown' | 'errors', problem: StreamProblem): void {
    this.counters[kind]++;
    this.handlers.onProblem?.(problem);
  }

  private onMessage(data: string | Buffer): void {
    // Binary is the heartbeat (nothing is subscribed here): it only keeps the silence watchdog quiet.
    if (this.done || typeof data !== 'string') return;
    const message = readTickerText(data);
    switch (message.kind) {
      case 'order': {
        const update = toOrderUpdate(message.data, this.ctx.clock.now());
        if (update) this.handlers.onOrder(update);
        else this.problem('malformed', 'malformed');
        return;
      }
      case 'message':
        return;
      case 'error':
        return this.problem('errors', 'error');
      case 'malformed':
        return this.problem('malformed', 'malformed');
      case 'unknown':
        return this.problem('unknown', 'unknown');
    }
  }
}

export const kiteOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new KiteOrderStream(ctx, handlers),
};
