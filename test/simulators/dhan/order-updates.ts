import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange, SimOrder } from '../exchange';
import { dhanTime } from './trading';
import type { DhanTokens } from './tokens';

export interface OrderUpdateOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  tokens: DhanTokens;
  /** How often the exchange is checked for fills no request caused (a limit crossed by the price path). */
  pollMs: number;
  /** Runs before each check, so forever and super orders fire on the poll too. */
  settle?: () => void;
}

/** The docs' sample spells the order number `OrderNo`; the Python SDK reads `orderNo` (unconfirmed which is live). */
export type OrderNoSpelling = 'OrderNo' | 'orderNo';

interface Client {
  socket: WebSocket;
  loggedIn: boolean;
}

const STATUS: Record<SimOrder['status'], string> = { OPEN: 'Pending', FILLED: 'Traded', CANCELLED: 'Cancelled', REJECTED: 'Rejected' };
const TXN: Record<string, string> = { BUY: 'B', SELL: 'S' };
const PRODUCT: Record<string, string> = { CNC: 'C', INTRADAY: 'I', MARGIN: 'M', MTF: 'F', CO: 'V', BO: 'B' };
const ORDER_TYPE: Record<string, string> = { LIMIT: 'LMT', MARKET: 'MKT', STOP_LOSS: 'SL', STOP_LOSS_MARKET: 'SLM' };

/**
 * Dhan's live order update socket: the client logs in with `{"LoginReq":{"MsgCode":42,…},"UserType":"SELF"}`, then
 * gets `{"Data":{…},"Type":"order_alert"}` for every order of the account whose state moves. A bad login is closed
 * (how Dhan refuses one is unconfirmed).
 */
export class DhanOrderUpdates {
  private readonly clients = new Set<Client>();
  private readonly announced = new Map<string, SimOrder['status']>();
  private pollTimer: TimerHandle | null = null;
  spelling: OrderNoSpelling = 'OrderNo';

  constructor(private readonly options: OrderUpdateOptions) {}

  private get anyoneListening(): boolean {
    return [...this.clients].some((c) => c.loggedIn);
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, loggedIn: false };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) => this.onMessage(client, data));
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Connections that logged in and get order alerts. */
  get listenerCount(): number {
    return [...this.clients].filter((c) => c.loggedIn).length;
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.dropAll();
  }

  private onMessage(c: Client, data: RawData): void {
    let login: Record<string, unknown> | undefined;
    try {
      const m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')) as Record<string, unknown>;
      login = m.LoginReq as Record<string, unknown> | undefined;
    } catch {
      login = undefined;
    }
    const ok =
      login !== undefined &&
      login.MsgCode === 42 &&
      this.options.tokens.refusal(typeof login.Token === 'string' ? login.Token : undefined, String(login.ClientId ?? '')) === null;
    if (!ok) {
      c.socket.close(1008);
      return;
    }
    // What happened before anyone listened is not news. Read without settling, so REST behaviour stays as it was.
    if (!this.anyoneListening) for (const o of this.options.exchange.orders.values()) this.announced.set(o.id, o.status);
    c.loggedIn = true;
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

  /** Announce every order whose state moved since the last call (the REST simulator calls this after each request). */
  publishChanges(): void {
    // Forever and super orders watch the same prices: what they place on this poll is announced below.
    this.options.settle?.();
    if (!this.anyoneListening) return;
    for (const o of this.options.exchange.list()) {
      const before = this.announced.get(o.id);
      if (before === o.status) continue;
      // A new order is announced as Pending first, as Dhan's OMS confirms it before the exchange answers.
      if (before === undefined && o.status !== 'OPEN' && o.status !== 'REJECTED') this.broadcast(this.alert(o, 'Pending'));
      this.broadcast(this.alert(o, STATUS[o.status]));
      this.announced.set(o.id, o.status);
    }
  }

  private alert(o: SimOrder, status: string): object {
    const e = o.extra;
    const traded = status === 'Traded' ? o.filledQuantity : 0;
    return {
      Data: {
        Exchange: e.exchangeSegment?.startsWith('BSE') ? 'BSE' : 'NSE',
        Segment: e.exchangeSegment?.endsWith('_EQ') ? 'E' : 'D',
        Source: 'P',
        SecurityId: e.securityId,
        ClientId: '',
        ExchOrderNo: status === 'Pending' || status === 'Traded' ? `1100000${o.id.slice(-6)}` : '0',
        [this.spelling]: o.id,
        Product: PRODUCT[e.productType ?? ''] ?? 'C',
        TxnType: TXN[o.side],
        OrderType: ORDER_TYPE[e.orderType ?? ''] ?? 'LMT',
        Validity: e.validity ?? 'DAY',
        Quantity: o.quantity,
        TradedQty: traded,
        RemainingQuantity: o.quantity - traded,
        Price: o.limitPrice ?? 0,
        TriggerPrice: o.stopPrice ?? 0,
        TradedPrice: traded > 0 ? (o.averagePrice ?? 0) : 0,
        AvgTradedPrice: traded > 0 ? (o.averagePrice ?? 0) : 0,
        Status: status,
        Symbol: e.tradingSymbol,
        DisplayName: e.tradingSymbol,
        CorrelationId: o.clientOrderId ?? '',
        ReasonDescription: o.rejectReason ?? (status === 'Cancelled' ? 'Cancelled by user' : 'CONFIRMED'),
        OrderDateTime: dhanTime(o.createdAt),
        ExchOrderTime: dhanTime(o.updatedAt),
        LastUpdatedTime: dhanTime(o.updatedAt),
      },
      Type: 'order_alert',
    };
  }

  private broadcast(message: object): void {
    const text = JSON.stringify(message);
    for (const c of this.clients) if (c.loggedIn && c.socket.readyState === WebSocket.OPEN) c.socket.send(text);
  }
}
