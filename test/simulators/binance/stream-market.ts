import type { IncomingMessage } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { amt, isPair, STEP_SIZE, TICK_SIZE } from './market';
import { ServerPings } from './server-pings';

export interface MarketStreamOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  /** How often every subscribed `@trade` and `@bookTicker` stream gets an event. */
  tickMs: number;
  /** Streams one connection may carry (Binance: 1024). */
  maxStreams: number;
  /** Incoming messages per second per connection (Binance: 5); one more and the connection is dropped. */
  messagesPerSecond: number;
}

interface Client {
  socket: WebSocket;
  /** `/stream?streams=` wraps every payload as {stream, data}; `/ws/<stream>` sends it as is. */
  combined: boolean;
  streams: Set<string>;
  window: { start: number; count: number };
}

/** Stream names Binance serves; only `@trade` and `@bookTicker` carry simulated data, the others are accepted and stay quiet. */
const STREAM_NAME = /^[a-z0-9]{1,20}@(trade|aggTrade|bookTicker|miniTicker|ticker|depth(5|10|20)?(@100ms)?|kline_[0-9]+[smhdwM])$/;
const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];

/** A price on the symbol's PRICE_FILTER tick (every simulated pair has the same tick). */
const onTick = (price: number) => Math.round(price / TICK_SIZE) * TICK_SIZE;

/**
 * Binance Spot market streams (web-socket-streams.md), on the simulator's own port: raw `/ws/<stream>` (and a bare
 * `/ws` that subscribes live), combined `/stream?streams=a/b`, live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS.
 * Error replies use the documented codes (0 unknown property, 1 invalid value type, 2 invalid request, 3 invalid
 * JSON) in the {"error":{code,msg},"id"} shape; the exact texts, and what Binance answers past 1024 streams, are
 * unconfirmed.
 */
export class BinanceMarketStreams {
  private readonly clients = new Set<Client>();
  private readonly pings: ServerPings;
  private tickTimer: TimerHandle | null = null;
  private tradeId = 0;
  private updateId = 0;
  /** When each incoming message arrived (scheduler time), for tests that check a client's pacing. */
  readonly incoming: number[] = [];

  constructor(private readonly options: MarketStreamOptions) {
    this.pings = new ServerPings(options.scheduler);
  }

  /** True for the paths this stream serves. */
  handles(path: string): boolean {
    return path === '/stream' || path === '/ws' || path.startsWith('/ws/');
  }

  /**
   * The streams an upgrade asks for, or null when the URL names one Binance would refuse (bad name, too many):
   * the upgrade is then answered 400 before any socket exists.
   */
  requested(req: IncomingMessage): string[] | null {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const names = url.pathname === '/stream' ? (url.searchParams.get('streams') ?? '').split('/') : url.pathname.slice('/ws/'.length).split('/');
    const streams = names.filter((n) => n !== '');
    if (streams.length > this.options.maxStreams || streams.some((s) => !STREAM_NAME.test(s))) return null;
    return streams;
  }

  accept(socket: WebSocket, req: IncomingMessage, streams: string[]): void {
    const combined = new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/stream';
    const client: Client = { socket, combined, streams: new Set(streams), window: { start: 0, count: 0 } };
    this.clients.add(client);
    this.pings.track(socket);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) => this.onMessage(client, data));
    this.armTicks();
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** The streams each open connection carries. */
  subscriptions(): string[][] {
    return [...this.clients].map((c) => [...c.streams]);
  }

  /** What Binance sends before a server restart (web-socket-streams.md: `serverShutdown`); the sockets stay open. */
  announceShutdown(): void {
    for (const c of this.clients) this.send(c, { e: 'serverShutdown', E: this.options.scheduler.now() });
  }

  /** Server-side drop of every socket (a network cut or a server restart). */
  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.pings.close();
    this.dropAll();
  }

  private send(c: Client, message: object): void {
    if (c.socket.readyState !== WebSocket.OPEN) return;
    c.socket.send(JSON.stringify(message));
  }

  /** Binance counts every incoming message; the sixth within one second ends the connection (no reply). */
  private overRate(c: Client): boolean {
    const now = this.options.scheduler.now();
    if (now - c.window.start >= 1_000) c.window = { start: now, count: 0 };
    c.window.count++;
    return c.window.count > this.options.messagesPerSecond;
  }

  private onMessage(c: Client, data: RawData): void {
    this.incoming.push(this.options.scheduler.now());
    if (this.overRate(c)) {
      c.socket.terminate();
      return;
    }
    const error = (code: number, msg: string, id: unknown = null) => this.send(c, { error: { code, msg }, id });
    let m: unknown;
    try {
      m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    } catch {
      return error(3, 'Invalid JSON: expected value at line 1 column 1');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return error(2, 'Invalid request: request must be an object');
    const { method, params, id } = m as Record<string, unknown>;
    const unknownKey = Object.keys(m).find((k) => !['method', 'params', 'id'].includes(k));
    if (unknownKey !== undefined) return error(0, 'Unknown property', id ?? null);
    if (!(id === null || id === undefined || (typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && /^[A-Za-z0-9-]{1,36}$/.test(id)))) {
      return error(2, 'Invalid request: request ID must be an unsigned integer or a string of at most 36 characters');
    }
    if (typeof method !== 'string' || !METHODS.includes(method)) {
      return error(2, `Invalid request: unknown variant \`${String(method)}\`, expected one of ${METHODS.map((x) => `\`${x}\``).join(', ')}`, id ?? null);
    }
    if (method === 'LIST_SUBSCRIPTIONS') return this.send(c, { result: [...c.streams], id: id ?? null });
    if (method === 'SET_PROPERTY' || method === 'GET_PROPERTY') return this.send(c, { result: method === 'GET_PROPERTY' ? false : null, id: id ?? null });
    if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) return error(1, 'Invalid value type: expected Vec<String>', id ?? null);
    const names = params as string[];
    const bad = names.find((n) => !STREAM_NAME.test(n));
    if (bad !== undefined) return error(2, `Invalid request: invalid stream name \`${bad}\``, id ?? null);
    const next = new Set(c.streams);
    for (const n of names) {
      if (method === 'SUBSCRIBE') next.add(n);
      else next.delete(n);
    }
    if (next.size > this.options.maxStreams)
      return error(2, `Invalid request: too many streams (at most ${this.options.maxStreams} per connection)`, id ?? null);
    c.streams = next;
    this.send(c, { result: null, id: id ?? null });
  }

  private armTicks(): void {
    if (this.tickTimer !== null) return;
    this.tickTimer = this.options.scheduler.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      if (this.clients.size > 0) this.armTicks();
    }, this.options.tickMs);
  }

  /** One trade and one book-ticker update per subscribed stream, at the exchange's price on the pair's tick size. */
  tick(): void {
    const at = this.options.scheduler.now();
    for (const c of this.clients) {
      for (const stream of c.streams) {
        const [lower, kind] = stream.split('@') as [string, string];
        const symbol = lower.toUpperCase();
        // A stream of a pair the exchange does not list is accepted and stays quiet, as on Binance.
        if (!isPair(symbol)) continue;
        const price = onTick(this.options.exchange.price(symbol));
        let data: object;
        if (kind === 'trade') {
          const id = ++this.tradeId;
          data = { e: 'trade', E: at, s: symbol, t: id, p: amt(price), q: amt(STEP_SIZE * (1 + (id % 50))), T: at, m: id % 2 === 0, M: true };
        } else if (kind === 'bookTicker') {
          data = { u: ++this.updateId, s: symbol, b: amt(price - TICK_SIZE), B: amt(1.5), a: amt(price + TICK_SIZE), A: amt(2.25) };
        } else continue;
        this.send(c, c.combined ? { stream, data } : data);
      }
    }
  }
}
