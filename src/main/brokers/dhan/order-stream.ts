import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { OrderStream, OrderStreamCapability, OrderStreamHandlers, OrderUpdate, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { dhanIdentity } from './client';
import { toOrderState } from './mapping';
import { sessionExpiry } from './session';
import { emptyCounters, type DhanStreamCounters } from './stream';
import { orderUpdateUrl } from './stream-urls';
import { parseDhanTime } from './time';

/** Whether Dhan pings this socket is undocumented: we ping every 10 s, and a peer that answers nothing for 35 s is gone. */
const ORDER_PING_MS = 10_000;
const ORDER_SILENCE_MS = 35_000;

type Data = Record<string, unknown>;

/** A field as the docs spell it (PascalCase, `OrderNo`) or as the Python SDK reads it (`orderNo`). */
function field(data: Data, name: string): unknown {
  return data[name] ?? data[name[0]!.toLowerCase() + name.slice(1)];
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * One `order_alert`'s Data as an OrderUpdate, or null when it names no order or a status the REST mapping does not
 * know. The alert spells statuses in words ("Pending", "Part Traded"), the REST API in capitals with underscores.
 */
export function toOrderUpdate(data: Data, receivedAt: number): OrderUpdate | null {
  const orderNo = field(data, 'OrderNo');
  const id = typeof orderNo === 'number' ? String(orderNo) : typeof orderNo === 'string' ? orderNo.trim() : '';
  const status = field(data, 'Status');
  const state = typeof status === 'string' ? toOrderState(status.trim().replace(/[\s-]+/g, '_')) : 'UNKNOWN';
  if (!id || state === 'UNKNOWN') return null;
  const update: OrderUpdate = { brokerOrderId: id, state, ts: parseDhanTime(field(data, 'LastUpdatedTime')) ?? receivedAt };
  const filled = num(field(data, 'TradedQty'));
  if (filled !== undefined && filled >= 0) update.filledQuantity = filled;
  const average = num(field(data, 'AvgTradedPrice'));
  if (average !== undefined && average > 0) update.averagePrice = average;
  const reason = field(data, 'ReasonDescription');
  if ((state === 'REJECTED' || state === 'CANCELLED') && typeof reason === 'string' && reason.trim()) update.message = reason.trim();
  return update;
}

/** The account's order update socket: log in by message, then every order alert of the account. */
export class DhanOrderStream implements OrderStream {
  readonly counters: DhanStreamCounters = emptyCounters();
  private socket: BrokerSocket | null = null;
  private done = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
  ) {
    let identity: { clientId: string; token: string };
    try {
      identity = dhanIdentity(ctx);
    } catch {
      this.endSoon('auth');
      return;
    }
    const expiry = sessionExpiry(ctx);
    if (expiry !== null && expiry <= ctx.clock.now()) {
      this.endSoon('auth');
      return;
    }
    this.socket = new BrokerSocket({
      url: orderUpdateUrl(ctx),
      scheduler: ctx.scheduler,
      silenceMs: ORDER_SILENCE_MS,
      keepAlive: { everyMs: ORDER_PING_MS, send: 'ping-frame' },
      onOpen: () => {
        // SECURITY: the token goes only into this login message, never into a log, an error or a status.
        this.socket?.send(JSON.stringify({ LoginReq: { MsgCode: 42, ClientId: identity.clientId, Token: identity.token }, UserType: 'SELF' }));
        if (!this.done) this.handlers.onStatus({ state: 'open' });
      },
      onMessage: (data) => this.onMessage(data),
      onEnd: (reason) => this.finish(reason),
    });
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  private onMessage(data: string | Buffer): void {
    if (this.done) return;
    let message: unknown;
    try {
      message = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    } catch {
      return this.problem('malformed');
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return this.problem('malformed');
    const { Type: type, Data: body } = message as { Type?: unknown; Data?: unknown };
    if (type !== 'order_alert') return this.problem('unknown');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return this.problem('malformed');
    const update = toOrderUpdate(body as Data, this.ctx.clock.now());
    if (!update) return this.problem('malformed');
    this.handlers.onOrder(update);
  }

  private problem(problem: StreamProblem): void {
    this.counters[problem]++;
    this.handlers.onProblem?.(problem);
  }

  private endSoon(reason: SocketEndReason): void {
    queueMicrotask(() => this.finish(reason));
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus({ state: 'closed', reason });
  }
}

export const dhanOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new DhanOrderStream(ctx, handlers),
};
