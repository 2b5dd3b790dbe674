import type { SocketEndReason } from '../../streaming/broker-socket';
import type { OrderStream, OrderStreamCapability, OrderStreamHandlers, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { SESSION } from './config';
import { toBrokerOrder } from './mapping';
import { socketTarget, XtsSocket } from './socket';
import { parseOrderEvent } from './stream-parse';

/** The interactive socket's path is fixed by Symphony, whatever the deployment's REST roots. */
export const XTS_INTERACTIVE_SOCKET_ROOT = '/interactive';

/** Events of the interactive socket this stream knows and has no use for (trades and positions follow orders). */
const IGNORED = new Set(['trade', 'position', 'tradeConversion']);

export interface XtsOrderStreamCounters {
  malformed: number;
  unknown: number;
  errors: number;
}

/**
 * The XTS interactive socket: socket.io at `/interactive/socket.io` with the interactive session, `joined` → open,
 * every `order` event (JSON text or an object) → an OrderUpdate in the states the REST order book maps to. No
 * silence watchdog: hours without an order are normal here, and an unanswered ping still ends a dead socket.
 */
export class XtsOrderStream implements OrderStream {
  readonly counters: XtsOrderStreamCounters = { malformed: 0, unknown: 0, errors: 0 };
  private readonly socket: XtsSocket;
  private done = false;
  private opened = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
  ) {
    this.socket = new XtsSocket({
      ctx,
      root: XTS_INTERACTIVE_SOCKET_ROOT,
      // SECURITY: the interactive token travels only in the handshake query, never into a log.
      query: { token: ctx.credentials[SESSION.interactiveToken] ?? '', userID: ctx.credentials[SESSION.interactiveUserId] ?? '', apiType: 'INTERACTIVE' },
      silenceMs: 0,
      onEvent: (name, payload) => this.onEvent(name, payload),
      onProblem: (problem) => this.count(problem),
      onEnd: (reason) => this.ended(reason),
    });
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.socket.close();
  }

  private onEvent(event: string, payload: unknown): void {
    if (this.done) return;
    switch (event) {
      case 'joined':
        if (!this.opened) {
          this.opened = true;
          this.handlers.onStatus({ state: 'open' });
        }
        return;
      case 'order':
        return this.onOrder(payload);
      case 'logout':
        return this.socket.end('auth');
      case 'error':
        return this.count('error');
      default:
        if (!IGNORED.has(event)) this.count('unknown');
    }
  }

  private onOrder(payload: unknown): void {
    const row = parseOrderEvent(payload);
    const order = row ? toBrokerOrder(this.ctx, row) : null;
    if (!row || !order?.brokerOrderId) return this.count('malformed');
    const ended = order.state === 'REJECTED' || order.state === 'CANCELLED' || order.state === 'EXPIRED';
    const reason = typeof row.CancelRejectReason === 'string' ? row.CancelRejectReason.trim() : '';
    this.handlers.onOrder({
      brokerOrderId: order.brokerOrderId,
      state: order.state,
      filledQuantity: order.filledQuantity,
      ...(order.averagePrice !== null ? { averagePrice: order.averagePrice } : {}),
      ...(ended && reason ? { message: reason } : {}),
      ts: order.updatedAt ?? this.ctx.clock.now(),
    });
  }

  private count(problem: StreamProblem): void {
    if (problem === 'malformed') this.counters.malformed++;
    else if (problem === 'error') this.counters.errors++;
    else this.counters.unknown++;
    this.handlers.onProblem?.(problem);
  }

  private ended(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus({ state: 'closed', reason });
  }
}

/** Every XTS deployment pushes orders on the interactive socket of its host. */
export const xtsOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new XtsOrderStream(ctx, handlers),
};

/** The interactive socket's host as the sheet's `orderStreamUrl` names it. */
export function orderStreamUrl(ctx: BrokerContext): string {
  return socketTarget(ctx, XTS_INTERACTIVE_SOCKET_ROOT).origin;
}
