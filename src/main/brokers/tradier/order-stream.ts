import { num } from '../json';
import type { BrokerSocket, SocketEndReason } from '../../streaming/broker-socket';
import type { OrderStream, OrderStreamCapability, OrderStreamHandlers } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { tradierOrderState } from './mapping';
import { errorLineReason, openAfterSession, splitEvents } from './stream-session';

/** Tradier sends a heartbeat every 60 s; our 30 s pings get pongs too. Silence past this is a dead socket. */
const SILENCE_MS = 150_000;

type Msg = Record<string, unknown>;

/**
 * Tradier's account-events socket (beta): a session over REST, then `{"events":["order"],"sessionid":…}`; every
 * order event carries the order's current status, mapped as REST maps it.
 */
export class TradierOrderStream implements OrderStream {
  private socket: BrokerSocket | null = null;
  private done = false;

  constructor(
    ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
  ) {
    openAfterSession(ctx, 'accounts', () => this.done, {
      silenceMs: SILENCE_MS,
      attach: (socket) => (this.socket = socket),
      onOpen: (sessionid) => {
        // SECURITY: the session id is a short-lived credential: sent, never logged.
        this.socket?.send(JSON.stringify({ events: ['order'], sessionid, excludeAccounts: [] }));
        this.handlers.onStatus({ state: 'open' });
      },
      onMessage: (data) => this.onFrame(data, ctx.clock.now()),
      onEnd: (reason) => this.finish(reason),
    });
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.socket?.close();
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private onFrame(data: string | Buffer, receivedAt: number): void {
    for (const line of splitEvents(typeof data === 'string' ? data : data.toString('utf8'))) {
      if (this.done) return;
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        this.handlers.onProblem?.('malformed');
        continue;
      }
      if (typeof m !== 'object' || m === null || Array.isArray(m)) this.handlers.onProblem?.('malformed');
      else this.onEvent(m as Msg, receivedAt);
    }
  }

  private onEvent(m: Msg, receivedAt: number): void {
    if (typeof m.error === 'string') {
      this.handlers.onProblem?.('error');
      return this.finish(errorLineReason(m.error));
    }
    if (m.event === 'heartbeat') return;
    if (m.event !== 'order') return this.handlers.onProblem?.('unknown');
    const id = num(m.id);
    const state = tradierOrderState(typeof m.status === 'string' ? m.status : undefined);
    if (id === null || state === 'UNKNOWN') return this.handlers.onProblem?.('malformed');
    // The docs name the filled quantity both `exec_quantity` (examples) and `executed_quantity` (older table).
    const filled = num(m.exec_quantity) ?? num(m.executed_quantity);
    const avg = num(m.avg_fill_price);
    const at = typeof m.transaction_date === 'string' ? Date.parse(m.transaction_date) : NaN;
    const reason = typeof m.reason_description === 'string' ? m.reason_description.slice(0, 200) : undefined;
    this.handlers.onOrder({
      brokerOrderId: String(id),
      state,
      ...(filled !== null ? { filledQuantity: filled } : {}),
      ...(avg !== null && avg > 0 ? { averagePrice: avg } : {}),
      ...(reason ? { message: reason } : {}),
      ts: Number.isNaN(at) ? receivedAt : at,
    });
  }
}

export const tradierOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new TradierOrderStream(ctx, handlers),
};
