import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { OrderView } from '../../shared/schemas';
import type { Event } from '../events';
import type { Logger } from '../log/types';
import type { Scheduler, TimerHandle } from '../scheduler';
import type { StreamConsumer } from '../streaming/connection-feed';
import type { SubscriptionManager } from '../streaming/subscription-manager';
import type { StreamMode, Tick } from '../streaming/types';
import type { KeyCaller } from './keys';
import { isAllowedHost, isAllowedOrigin, isFromBrowser } from './request-policy';
import type { CallRecord } from './rest-server';

/** OpenAlgo's modes: 1 LTP, 2 Quote, 3 Depth; each asks the subscription manager for as much as it carries. */
const MODES = { 1: 'ltp', 2: 'quote', 3: 'full' } as const satisfies Record<number, StreamMode>;
type ApiMode = keyof typeof MODES;
const MODE_NAMES: Record<string, ApiMode> = { ltp: 1, quote: 2, depth: 3 };

export interface WsLimits {
  maxPayloadBytes: number;
  /** A socket that has not authenticated within this is closed. */
  authTimeoutMs: number;
  /** Symbols one socket may hold, over all modes. */
  maxSubscriptions: number;
  maxClients: number;
  /** A protocol ping this often; a socket that has not answered the previous one is closed (a dead peer). */
  heartbeatMs: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = { maxPayloadBytes: 64 * 1024, authTimeoutMs: 10_000, maxSubscriptions: 500, maxClients: 32, heartbeatMs: 30_000 };

export interface WsServerDeps {
  authenticate(apikey: unknown): KeyCaller | null;
  /** The caller of a key already accepted, read again (null once it is revoked). */
  recheck(keyId: string): KeyCaller | null;
  streams: Pick<SubscriptionManager, 'subscribe' | 'release'>;
  /** The connections that may stream `symbol` for this caller, best first (its own; for a paper key, the pricing one). */
  candidates(caller: KeyCaller, symbol: string): string[];
  /**
   * OpenAlgo's symbol and exchange in BrokerVault's common form ("NSE:NIFTY 50"), mapped for this caller as the verbs
   * map it (its data connection's dialect and master), or the reason it names nothing known, in BrokerVault's words.
   */
  toCommon(caller: KeyCaller, symbol: string, exchange: string): Promise<{ common: string } | { error: string }>;
  onOrder: Event<OrderView>;
  /** The broker name the auth answer carries. */
  brokerOf(caller: KeyCaller): string;
  record(call: CallRecord): void;
  hostNames: readonly string[];
  limits?: Partial<WsLimits>;
  log: Logger;
  /** The heartbeat's and the sign-in limit's timers (the app's scheduler; a manual one in tests). */
  scheduler: Scheduler;
}

interface Topic {
  symbol: string;
  exchange: string;
  common: string;
  mode: ApiMode;
  connectionId: string;
}

let nextClient = 1;

/** One socket: its key, its subscriptions (each holds a reference in the subscription manager), its order listener. */
class Client {
  readonly id = `api-ws-${nextClient++}`;
  caller: KeyCaller | null = null;
  readonly topics = new Map<string, Topic>();
  private readonly consumers = new Map<ApiMode, StreamConsumer>();
  private orders: { dispose(): void } | null = null;
  /** Subscribe and unsubscribe messages run one at a time, in the order they came (mapping a symbol may wait on the master). */
  pending: Promise<void> = Promise.resolve();
  closed = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: WsServerDeps,
    private readonly limits: WsLimits,
  ) {}

  send(message: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  consumer(mode: ApiMode): StreamConsumer {
    let consumer = this.consumers.get(mode);
    if (!consumer) {
      consumer = { id: `${this.id}-m${mode}`, onTick: (tick) => this.onTick(mode, tick) };
      this.consumers.set(mode, consumer);
    }
    return consumer;
  }

  private onTick(mode: ApiMode, tick: Tick): void {
    for (const topic of this.topics.values()) {
      if (topic.mode !== mode || topic.common !== tick.symbol) continue;
      const timestamp = new Date(tick.ts).toISOString();
      const base = { symbol: topic.symbol, exchange: topic.exchange, ltp: tick.ltp, timestamp };
      let data: Record<string, unknown> = base;
      if (mode === 2) data = { ...base, volume: tick.volume ?? null, bid: tick.bid ?? null, ask: tick.ask ?? null };
      if (mode === 3) {
        // The streamed tick carries the best level only: depth is that one level each side (quantities unknown).
        const level = (price: number | undefined) => (price === undefined ? [] : [{ price, quantity: null, orders: null }]);
        data = { ...base, depth: { buy: level(tick.bid), sell: level(tick.ask) }, broker_supported: false };
      }
      this.send({ type: 'market_data', mode, topic: `${topic.symbol}.${topic.exchange}`, ...(mode === 3 ? { depth_level: 1 } : {}), data });
    }
  }

  subscribeOrders(): void {
    if (this.orders) return;
    this.orders = this.deps.onOrder((order) => {
      const caller = this.caller;
      if (!caller) return;
      const own = order.mode === 'paper' ? caller.paper : order.connectionId !== null && caller.connectionIds.includes(order.connectionId);
      if (!own) return;
      this.send({
        type: 'order_update',
        data: {
          orderid: order.brokerOrderId ?? order.id,
          symbol: order.symbol,
          action: order.side,
          quantity: order.quantity,
          pricetype: order.type,
          price: order.limitPrice ?? 0,
          status: order.state,
          filled_quantity: order.filledQuantity,
          average_price: order.averagePrice ?? 0,
          mode: order.mode === 'paper' ? 'analyze' : 'live',
          source: order.source,
          timestamp: new Date(order.updatedAt).toISOString(),
        },
      });
    });
  }

  unsubscribeOrders(): void {
    this.orders?.dispose();
    this.orders = null;
  }

  /** Let go of everything this socket held in the subscription manager. */
  dispose(): void {
    this.closed = true;
    this.unsubscribeOrders();
    const byConnection = new Map<string, Set<ApiMode>>();
    for (const topic of this.topics.values()) byConnection.set(topic.connectionId, (byConnection.get(topic.connectionId) ?? new Set()).add(topic.mode));
    for (const [connectionId, modes] of byConnection) {
      for (const mode of modes) this.deps.streams.release(connectionId, this.consumer(mode).id);
    }
    this.topics.clear();
  }

  get limit(): number {
    return this.limits.maxSubscriptions;
  }
}

/** The requested instruments of a subscribe/unsubscribe: OpenAlgo's single `symbol`/`exchange` or a `symbols` list. */
function instrumentsOf(message: Record<string, unknown>): { symbol: string; exchange: string }[] | null {
  const list = Array.isArray(message.symbols) ? message.symbols : [{ symbol: message.symbol, exchange: message.exchange }];
  if (list.length === 0 || list.length > 100) return null;
  const out: { symbol: string; exchange: string }[] = [];
  for (const item of list as unknown[]) {
    const { symbol, exchange } = (item ?? {}) as Record<string, unknown>;
    if (typeof symbol !== 'string' || typeof exchange !== 'string' || !/^[A-Za-z0-9&_.\- ]{1,40}$/.test(symbol) || !/^[A-Z_]{2,12}$/.test(exchange))
      return null;
    out.push({ symbol, exchange });
  }
  return out;
}

function modeOf(value: unknown): ApiMode | null {
  if (value === 1 || value === 2 || value === 3) return value;
  if (typeof value === 'string') return MODE_NAMES[value.toLowerCase()] ?? null;
  return null;
}

/**
 * The WebSocket half of the local API, on its own port: authenticate with the API key, then subscribe and
 * unsubscribe in LTP, Quote and Depth modes (OpenAlgo's message shapes), plus order updates. Prices come from the
 * one subscription manager; every reference a socket holds is released when it unsubscribes or goes away.
 */
export class WsServer {
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly limits: WsLimits;
  private readonly clients = new Set<Client>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private heartbeat: TimerHandle = null;
  private port = 0;

  constructor(private readonly deps: WsServerDeps) {
    this.limits = { ...DEFAULT_WS_LIMITS, ...deps.limits };
    this.http = http.createServer({ headersTimeout: 5_000, requestTimeout: 10_000, connectionsCheckingInterval: 1_000 });
    this.http.on('request', (_req, res) => {
      res.writeHead(426, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', message: 'This port speaks WebSocket only.' }));
    });
    this.wss = new WebSocketServer({
      server: this.http,
      maxPayload: this.limits.maxPayloadBytes,
      // SECURITY: DNS rebinding and web pages (see request-policy.ts), checked before the upgrade.
      verifyClient: ({ req }: { req: http.IncomingMessage }) => {
        const names = ['127.0.0.1', 'localhost', ...this.deps.hostNames];
        return (
          this.clients.size < this.limits.maxClients &&
          isAllowedHost(req.headers.host, this.port, names) &&
          isAllowedOrigin(req.headers.origin, this.port, names) &&
          !isFromBrowser(req.headers)
        );
      },
    });
    this.wss.on('connection', (socket) => this.accept(socket));
    this.beat();
  }

  /** Every heartbeatMs: a socket that did not answer the last ping is closed, the others are pinged again. */
  private beat(): void {
    this.heartbeat = this.deps.scheduler.setTimeout(() => {
      for (const socket of this.wss.clients) {
        if (this.alive.get(socket) === false) {
          socket.terminate();
          continue;
        }
        this.alive.set(socket, false);
        socket.ping();
      }
      this.beat();
    }, this.limits.heartbeatMs);
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.http.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        this.http.off('error', onError);
        this.port = (this.http.address() as AddressInfo).port;
        resolve(this.port);
      };
      this.http.once('error', onError);
      this.http.once('listening', onListening);
      // SECURITY: loopback only.
      this.http.listen(port, '127.0.0.1');
    });
  }

  async close(): Promise<void> {
    this.deps.scheduler.clearTimeout(this.heartbeat);
    for (const client of this.clients) client.dispose();
    this.clients.clear();
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  /** Sockets open now, and the symbols they hold (tests check that a close releases everything). */
  stats(): { clients: number; topics: number } {
    let topics = 0;
    for (const c of this.clients) topics += c.topics.size;
    return { clients: this.clients.size, topics };
  }

  private accept(socket: WebSocket): void {
    const client = new Client(socket, this.deps, this.limits);
    this.clients.add(client);
    this.alive.set(socket, true);
    socket.on('pong', () => this.alive.set(socket, true));
    const authTimer = this.deps.scheduler.setTimeout(() => {
      if (!client.caller) socket.close(1008, 'Authenticate first.');
    }, this.limits.authTimeoutMs);
    socket.on('message', (raw, isBinary) => this.onMessage(client, socket, raw, isBinary));
    socket.on('close', () => {
      this.deps.scheduler.clearTimeout(authTimer);
      client.dispose();
      this.clients.delete(client);
    });
    socket.on('error', () => socket.terminate());
  }

  private onMessage(client: Client, socket: WebSocket, raw: RawData, isBinary: boolean): void {
    let message: unknown;
    try {
      message = isBinary ? null : JSON.parse(raw.toString());
    } catch {
      message = null;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      return client.send({ type: 'error', code: 'INVALID_MESSAGE', message: 'Messages must be JSON objects with an action.' });
    }
    const m = message as Record<string, unknown>;
    const action = m.action;
    if (action === 'authenticate') {
      const caller = this.deps.authenticate(m.api_key);
      this.deps.record({ keyId: caller?.keyId ?? null, verb: 'ws:authenticate', httpStatus: caller ? 200 : 403, outcome: caller ? 'success' : 'invalid key' });
      if (!caller) {
        client.send({ type: 'auth', status: 'error', message: 'Invalid API key' });
        socket.close(1008, 'Invalid API key');
        return;
      }
      client.caller = caller;
      return client.send({ type: 'auth', status: 'success', message: 'Authentication successful', broker: this.deps.brokerOf(caller) });
    }
    // The key is checked again on every action: a key revoked while the socket is open stops working at once.
    const caller = client.caller ? this.deps.recheck(client.caller.keyId) : null;
    if (!caller) {
      client.send({ type: 'error', code: 'NOT_AUTHENTICATED', message: 'Authenticate with your API key first.' });
      if (client.caller) socket.close(1008, 'The API key was revoked.');
      return;
    }
    client.caller = caller;
    if (action === 'subscribe' || action === 'unsubscribe') {
      client.pending = client.pending.then(() =>
        this.onSubscription(client, m, action).catch((error: unknown) => {
          this.deps.log.warn('local API WebSocket subscription failed', { error });
          client.send({ type: action, status: 'error', message: 'The subscription could not be handled.' });
        }),
      );
      return;
    }
    if (action === 'subscribe_orders') {
      client.subscribeOrders();
      return client.send({ type: 'subscribe_orders', status: 'success', message: 'Order updates subscribed.' });
    }
    if (action === 'unsubscribe_orders') {
      client.unsubscribeOrders();
      return client.send({ type: 'unsubscribe_orders', status: 'success', message: 'Order updates unsubscribed.' });
    }
    if (action === 'ping') return client.send({ type: 'pong' });
    client.send({ type: 'error', code: 'INVALID_ACTION', message: 'Unknown action.' });
  }

  private async onSubscription(client: Client, m: Record<string, unknown>, action: 'subscribe' | 'unsubscribe'): Promise<void> {
    const instruments = instrumentsOf(m);
    const mode = modeOf(m.mode ?? 1);
    if (!instruments || mode === null) {
      return client.send({ type: action, status: 'error', message: 'Give symbol and exchange (or a symbols list) and mode 1, 2 or 3.' });
    }
    const results: Record<string, unknown>[] = [];
    for (const { symbol, exchange } of instruments) results.push(await this.subscription(client, action, mode, symbol, exchange));
    const ok = results.every((r) => r.status === 'success');
    client.send({
      type: action,
      status: ok ? 'success' : results.some((r) => r.status === 'success') ? 'partial' : 'error',
      subscriptions: results,
      message: ok ? `${action === 'subscribe' ? 'Subscribed to' : 'Unsubscribed from'} ${results.length} symbol(s).` : 'Some symbols could not be handled.',
    });
  }

  /** One symbol of a subscribe or unsubscribe; the topic keeps the OpenAlgo symbol and exchange the client sent, for its ticks. */
  private async subscription(
    client: Client,
    action: 'subscribe' | 'unsubscribe',
    mode: ApiMode,
    symbol: string,
    exchange: string,
  ): Promise<Record<string, unknown>> {
    const key = `${exchange}:${symbol}|${mode}`;
    const base = { symbol, exchange, mode };
    if (action === 'unsubscribe') {
      const topic = client.topics.get(key);
      if (!topic) return { ...base, status: 'error', message: 'Not subscribed.' };
      client.topics.delete(key);
      const stillHeld = [...client.topics.values()].some((t) => t.mode === mode && t.connectionId === topic.connectionId && t.common === topic.common);
      if (!stillHeld) this.deps.streams.release(topic.connectionId, client.consumer(mode).id, [topic.common]);
      return { ...base, status: 'success' };
    }
    if (client.topics.has(key)) return { ...base, status: 'success', message: 'Already subscribed.' };
    if (client.topics.size >= client.limit) return { ...base, status: 'error', message: `At most ${client.limit} subscriptions per socket.` };
    const mapped = await this.deps.toCommon(client.caller!, symbol, exchange);
    if ('error' in mapped) return { ...base, status: 'error', message: mapped.error };
    const common = mapped.common;
    // The socket closed, or the same topic was taken, while the symbol was being mapped.
    if (client.closed) return { ...base, status: 'error', message: 'The socket closed.' };
    if (client.topics.has(key)) return { ...base, status: 'success', message: 'Already subscribed.' };
    for (const connectionId of this.deps.candidates(client.caller!, common)) {
      try {
        this.deps.streams.subscribe(connectionId, client.consumer(mode), [common], MODES[mode]);
        client.topics.set(key, { symbol, exchange, common, mode, connectionId });
        return { ...base, status: 'success' };
      } catch {
        // This connection cannot stream it (no streaming, or its limit): try the next.
      }
    }
    return { ...base, status: 'error', message: 'None of the connections this key may use streams this symbol.' };
  }
}
