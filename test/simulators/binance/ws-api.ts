import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange, SimOrder } from '../exchange';
import { checkKeyAndSignature, type AuthContext, type SimKey } from './auth';
import { amt } from './market';
import type { BinanceOrderLists } from './order-lists';
import { orderIdOf, statusOf } from './orders';
import { ServerPings } from './server-pings';

export interface WsApiOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  /** The keys, caller IP and time the REST simulator checks signatures against, read at each request. */
  auth: () => AuthContext;
  /** How often the exchange is checked for fills no request caused (a limit order crossed by the price path). */
  pollMs: number;
  /** Order lists (OCO), announced with listStatus events. */
  lists?: BinanceOrderLists;
}

interface Client {
  socket: WebSocket;
  /** The Ed25519 key a `session.logon` authenticated, if any. */
  session: SimKey | null;
  /** Subscription ids of this connection's user data streams (numbered from 0 per connection). */
  subscriptions: Set<number>;
  nextSubscription: number;
}

type Params = Record<string, unknown>;
type Reply = { status: number; result: unknown } | { status: number; error: { code: number; msg: string } };

const RATE_LIMITS = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 2 }];
const err = (status: number, code: number, msg: string): Reply => ({ status, error: { code, msg } });

/**
 * Binance's WebSocket API (`/ws-api/v3`, web-socket-api.md), the part that carries order updates: the user data
 * stream subscribed with a signature (any key) or after `session.logon` (Ed25519 keys only), and executionReport
 * events for every order an REST call (or the price path) moved. Requests are {id, method, params}; replies
 * {id, status, result | error, rateLimits}. Signatures are checked exactly as the REST simulator checks them, over
 * the parameters sorted by name (`key=value&…`, without `signature`).
 */
export class BinanceWsApi {
  private readonly clients = new Set<Client>();
  private readonly pings: ServerPings;
  /** The last status each order was announced with. */
  private readonly announced = new Map<string, SimOrder['status']>();
  private readonly announcedLists = new Map<number, string>();
  private pollTimer: TimerHandle | null = null;
  private trades = 0;

  constructor(private readonly options: WsApiOptions) {
    this.pings = new ServerPings(options.scheduler);
  }

  private get anyoneSubscribed(): boolean {
    return [...this.clients].some((c) => c.subscriptions.size > 0);
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, session: null, subscriptions: new Set(), nextSubscription: 0 };
    this.clients.add(client);
    this.pings.track(socket);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) => this.onMessage(client, data));
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.pings.close();
    this.dropAll();
  }

  private send(c: Client, message: object): void {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(JSON.stringify(message));
  }

  private onMessage(c: Client, data: RawData): void {
    let m: unknown;
    try {
      m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    } catch {
      return this.send(c, { id: null, status: 400, error: { code: -1000, msg: 'Malformed request: invalid JSON.' } });
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      return this.send(c, { id: null, status: 400, error: { code: -1000, msg: 'Malformed request: not a JSON object.' } });
    }
    const { id, method, params } = m as Record<string, unknown>;
    const reply = this.handle(c, method, typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Params) : {});
    this.send(c, { id: id ?? null, ...reply, rateLimits: RATE_LIMITS });
  }

  private handle(c: Client, method: unknown, params: Params): Reply {
    switch (method) {
      case 'ping':
        return { status: 200, result: {} };
      case 'session.logon': {
        const checked = this.verify(params);
        if (!('key' in checked)) return checked;
        // SECURITY: a session authenticates with a self-generated Ed25519 key only (Binance refuses HMAC keys here).
        if (!checked.key.publicKey) return err(400, -4056, 'HMAC_SHA256 API key is not supported.');
        c.session = checked.key;
        const now = this.options.scheduler.now();
        return { status: 200, result: { apiKey: checked.key.apiKey, authorizedSince: now, connectedSince: now, returnRateLimits: true, serverTime: now } };
      }
      case 'session.logout':
        c.session = null;
        return { status: 200, result: {} };
      case 'userDataStream.subscribe':
        if (!c.session) return err(401, -2015, 'Invalid API-key, IP, or permissions for action.');
        return this.subscribe(c);
      case 'userDataStream.subscribe.signature': {
        const checked = this.verify(params);
        return 'key' in checked ? this.subscribe(c) : checked;
      }
      case 'userDataStream.unsubscribe': {
        const id = params.subscriptionId;
        if (id === undefined) c.subscriptions.clear();
        else if (typeof id !== 'number' || !c.subscriptions.delete(id)) return err(400, -2, 'Invalid subscriptionId.');
        return { status: 200, result: {} };
      }
      default:
        return err(400, -1000, `Unknown method: ${typeof method === 'string' ? method.slice(0, 64) : typeof method}.`);
    }
  }

  /** The REST simulator's key, IP, timestamp and signature checks, over the sorted parameters. */
  private verify(params: Params): { key: SimKey } | Reply {
    const entries = Object.entries(params)
      .filter(([k]) => k !== 'signature')
      .map(([k, v]) => [k, String(v)] as [string, string])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const payload = entries.map(([k, v]) => `${k}=${v}`).join('&');
    const signature = typeof params.signature === 'string' ? params.signature : null;
    const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
    const checked = checkKeyAndSignature(apiKey, new URLSearchParams(entries), payload, signature, this.options.auth());
    return checked.ok ? { key: checked.key } : err(checked.status, checked.code, checked.msg);
  }

  private subscribe(c: Client): Reply {
    // What happened before anyone subscribed is not news. Read without settling, so REST behaviour stays as it was.
    if (!this.anyoneSubscribed) for (const o of this.options.exchange.orders.values()) this.announced.set(o.id, o.status);
    const subscriptionId = c.nextSubscription++;
    c.subscriptions.add(subscriptionId);
    this.armPoll();
    return { status: 200, result: { subscriptionId } };
  }

  private armPoll(): void {
    if (this.pollTimer !== null) return;
    this.pollTimer = this.options.scheduler.setTimeout(() => {
      this.pollTimer = null;
      this.publishChanges();
      if (this.anyoneSubscribed) this.armPoll();
    }, this.options.pollMs);
  }

  /**
   * An executionReport for every order whose state moved since the last call (the REST simulator calls this after
   * each request): NEW when placed, then TRADE, CANCELED or REJECTED. With no subscriber it does nothing, not even
   * settle the exchange, so the REST simulator behaves as without streams.
   */
  publishChanges(): void {
    if (!this.anyoneSubscribed) return;
    for (const o of this.options.exchange.list()) {
      const before = this.announced.get(o.id);
      if (before === o.status) continue;
      if (before === undefined && o.status !== 'REJECTED') this.broadcast(this.report(o, 'NEW', 'NEW'));
      if (o.status !== 'OPEN') this.broadcast(this.report(o, o.status === 'FILLED' ? 'TRADE' : statusOf(o), statusOf(o)));
      this.announced.set(o.id, o.status);
    }
    for (const list of this.options.lists?.lists.values() ?? []) {
      const now = this.options.lists!.statusOf(list);
      if (this.announcedLists.get(list.orderListId) === now.listStatusType) continue;
      this.announcedLists.set(list.orderListId, now.listStatusType);
      this.broadcast({
        e: 'listStatus',
        E: list.transactionTime,
        s: now.symbol,
        g: now.orderListId,
        c: 'OCO',
        l: now.listStatusType,
        L: now.listOrderStatus,
        r: 'NONE',
        C: now.listClientOrderId,
        T: now.transactionTime,
        O: now.orders.map((o) => ({ s: o.symbol, i: o.orderId, c: o.clientOrderId })),
      });
    }
  }

  /** One executionReport (user-data-stream.md); `C` is the original client id on a cancel, whose `c` is the cancel's own. */
  private report(o: SimOrder, execution: string, status: string): object {
    const filled = status === 'FILLED' ? o.filledQuantity : 0;
    const price = o.averagePrice ?? 0;
    const trade = execution === 'TRADE';
    const cancel = execution === 'CANCELED';
    const at = execution === 'NEW' ? o.createdAt : o.updatedAt;
    return {
      e: 'executionReport',
      E: at,
      s: o.symbol,
      c: cancel ? randomBytes(16).toString('base64url').slice(0, 22) : (o.clientOrderId ?? ''),
      S: o.side,
      o: o.extra.type ?? 'MARKET',
      f: o.extra.timeInForce ?? 'GTC',
      q: amt(o.quantity),
      p: amt(o.limitPrice ?? 0),
      P: amt(o.stopPrice ?? 0),
      F: amt(0),
      g: Number(o.extra.orderListId ?? -1),
      C: cancel ? (o.clientOrderId ?? '') : '',
      x: execution,
      X: status,
      r: status === 'REJECTED' ? 'INSUFFICIENT_BALANCE' : 'NONE',
      i: orderIdOf(o),
      l: amt(trade ? filled : 0),
      z: amt(filled),
      L: amt(trade ? price : 0),
      n: amt(0),
      N: null,
      T: at,
      t: trade ? ++this.trades : -1,
      I: orderIdOf(o) * 2,
      w: status === 'NEW',
      m: false,
      M: trade,
      O: o.createdAt,
      Z: amt(filled * price),
      Y: amt(trade ? filled * price : 0),
      Q: amt(0),
      W: o.createdAt,
      V: 'EXPIRE_MAKER',
    };
  }

  private broadcast(event: object): void {
    for (const c of this.clients) for (const subscriptionId of c.subscriptions) this.send(c, { subscriptionId, event });
  }
}
