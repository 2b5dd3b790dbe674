import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange, SimOrder } from '../exchange';
import { BY_TICKER, fyToken } from './master';
import { fyersTime } from './shapes';

export interface OrderSocketOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  /** How often the exchange is checked for fills no request caused (a limit crossed by the price path). */
  pollMs: number;
  /** Runs before each check, so bracket legs armed on the poll are pushed too. */
  settle?: () => void;
}

interface Client {
  socket: WebSocket;
  lists: Set<string>;
}

/** Raw `ord_status` codes the socket sends (the SDK maps them: 20 → transit, 22 → pending, 90 traded, 91 cancelled, 92 rejected). */
const RAW_STATUS: Record<SimOrder['status'], number> = { OPEN: 22, FILLED: 90, CANCELLED: 91, REJECTED: 92 };

/** FYERS' order socket (`/trade/v3`): auth in the upgrade header (checked by the caller), SUB_ORD, text ping/pong, raw `orders` pushes. */
export class FyersOrderSocket {
  private readonly clients = new Set<Client>();
  private readonly announced = new Map<string, SimOrder['status']>();
  private pollTimer: TimerHandle | null = null;

  constructor(private readonly options: OrderSocketOptions) {}

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Whether some client subscribed `orders`. */
  get listening(): boolean {
    return this.anyoneListening;
  }

  private get anyoneListening(): boolean {
    return [...this.clients].some((c) => c.lists.has('orders'));
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, lists: new Set() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) => this.onMessage(client, (Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])).toString('utf8')));
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.dropAll();
  }

  private send(c: Client, message: object | string): void {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  private onMessage(c: Client, text: string): void {
    if (text === 'ping') return this.send(c, 'pong');
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return this.send(c, { s: 'error', code: -50, message: 'Invalid request' });
    }
    if (m?.T !== 'SUB_ORD' || !Array.isArray(m.SLIST) || (m.SUB_T !== 1 && m.SUB_T !== -1)) {
      return this.send(c, { s: 'error', code: -50, message: 'Invalid request' });
    }
    // What happened before anyone listened is not news. Read without settling, so REST behaviour stays as it was.
    if (!this.anyoneListening) for (const o of this.options.exchange.orders.values()) this.announced.set(o.id, o.status);
    for (const list of m.SLIST.filter((l): l is string => typeof l === 'string')) {
      if (m.SUB_T === 1) c.lists.add(list);
      else c.lists.delete(list);
    }
    // The acknowledgement's wording is unconfirmed.
    this.send(c, { s: 'ok', code: 1605, message: m.SUB_T === 1 ? 'Successfully subscribed' : 'Successfully unsubscribed' });
    this.armPoll();
  }

  private armPoll(): void {
    if (this.pollTimer !== null) return;
    this.pollTimer = this.options.scheduler.setTimeout(() => {
      this.pollTimer = null;
      this.publishChanges();
      if (this.anyoneListening) this.armPoll();
    }, this.options.pollMs);
  }

  /** Push every order whose state moved since the last call: a new order first as pending, then its final state. */
  publishChanges(): void {
    this.options.settle?.();
    if (!this.anyoneListening) return;
    for (const o of this.options.exchange.list()) {
      const before = this.announced.get(o.id);
      if (before === o.status) continue;
      if (before === undefined && o.status !== 'OPEN' && o.status !== 'REJECTED') this.broadcast(orderPush(o, 'OPEN'));
      this.broadcast(orderPush(o, o.status));
      this.announced.set(o.id, o.status);
    }
  }

  private broadcast(message: object): void {
    for (const c of this.clients) if (c.lists.has('orders')) this.send(c, message);
  }
}

/** One `orders` push with the socket's raw field names (the SDK renames them). */
function orderPush(o: SimOrder, status: SimOrder['status']): object {
  const row = BY_TICKER.get(o.extra.ticker ?? '');
  const filled = status === 'FILLED' ? o.filledQuantity : 0;
  return {
    s: 'ok',
    orders: {
      id: o.id,
      ord_status: RAW_STATUS[status],
      symbol: o.extra.ticker ?? '',
      fy_token: row ? fyToken(row) : '',
      qty: o.quantity,
      qty_filled: filled,
      price_traded: status === 'FILLED' ? (o.averagePrice ?? 0) : 0,
      tran_side: o.side === 'BUY' ? 1 : -1,
      product_type: o.extra.productType ?? 'CNC',
      time_oms: fyersTime(o.updatedAt),
      oms_msg: status === 'REJECTED' ? (o.extra.rejectMessage ?? 'Rejected') : status === 'CANCELLED' ? 'Cancelled by user' : '',
      ord_tag: o.extra.orderTag ?? '',
    },
  };
}
