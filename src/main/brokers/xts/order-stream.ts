import { io, type Socket } from 'socket.io-client';
import type { MarketStreamStatus, OrderStream, OrderStreamCapability, OrderStreamHandlers, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { SESSION } from './config';
import { toBrokerOrder } from './mapping';
import { handshakeRefusal, socketTarget } from './stream';
import { parseOrderEvent } from './stream-parse';

/** The interactive socket's path is fixed by Symphony, whatever the deployment's REST roots. */
export const XTS_INTERACTIVE_SOCKET_ROOT = '/interactive';

/** Events of the interactive socket this stream knows and has no use for (trades and positions follow orders). */
const IGNORED = new Set(['trade', 'position', 'tradeConversion', 'messageLogout']);

export interface XtsOrderStreamCounters {
  malformed: number;
  unknown: number;
  errors: number;
}

/**
 * The XTS interactive socket: socket.io at `/interactive/socket.io` with the interactive session, `joined` → open,
 * every `order` event (JSON text or an object) → an OrderUpdate in the states the REST order book maps to.
 */
export class XtsOrderStream implements OrderStream {
  readonly counters: XtsOrderStreamCounters = { malformed: 0, unknown: 0, errors: 0 };
  private readonly socket: Socket;
  private done = false;
  private opened = false;
  private loggedOut = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
  ) {
    const { origin, path } = socketTarget(ctx, XTS_INTERACTIVE_SOCKET_ROOT);
    this.socket = io(origin, {
      path,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 15_000,
      // SECURITY: the interactive token travels only in the handshake query, never into a log.
      query: { token: ctx.credentials[SESSION.interactiveToken] ?? '', userID: ctx.credentials[SESSION.interactiveUserId] ?? '', apiType: 'INTERACTIVE' },
    });
    this.socket.on('connect_error', (error: Error) => this.finish(handshakeRefusal(error)));
    this.socket.on('disconnect', () => this.finish(this.loggedOut ? 'auth' : 'dropped'));
    this.socket.onAny((event: string, payload: unknown) => this.onEvent(event, payload));
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.socket.removeAllListeners();
    this.socket.offAny();
    this.socket.disconnect();
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
        this.loggedOut = true;
        return this.finish('auth');
      case 'error':
        this.counters.errors++;
        return this.problem('error');
      default:
        if (IGNORED.has(event)) return;
        this.counters.unknown++;
        this.problem('unknown');
    }
  }

  private onOrder(payload: unknown): void {
    const row = parseOrderEvent(payload);
    const order = row ? toBrokerOrder(this.ctx, row) : null;
    if (!order || !order.brokerOrderId) {
      this.counters.malformed++;
      return this.problem('malformed');
    }
    const ended = order.state === 'REJECTED' || order.state === 'CANCELLED' || order.state === 'EXPIRED';
    const reason = typeof row?.CancelRejectReason === 'string' ? row.CancelRejectReason.trim() : '';
    this.handlers.onOrder({
      brokerOrderId: order.brokerOrderId,
      state: order.state,
      filledQuantity: order.filledQuantity,
      ...(order.averagePrice !== null ? { averagePrice: order.averagePrice } : {}),
      ...(ended && reason ? { message: reason } : {}),
      ts: order.updatedAt ?? this.ctx.clock.now(),
    });
  }

  private problem(problem: StreamProblem): void {
    this.handlers.onProblem?.(problem);
  }

  private finish(reason: Extract<MarketStreamStatus, { state: 'closed' }>['reason']): void {
    if (this.done) return;
    this.close();
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
