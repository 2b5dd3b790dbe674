import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import { basePrice, type SimOrder } from '../exchange';
import { INSTRUMENTS, SYMBOL_BY_TOKEN } from './instruments';
import { orderBookJson } from './shapes';
import type { KiteState } from './state';
import { encodeMessage, encodePacket, HEARTBEAT, type TickerMode } from './ticker-wire';

export interface TickerOptions {
  state: KiteState;
  scheduler: Scheduler;
  /** How often subscribed tokens get a packet, and the heartbeat's beat when nothing else went out. Default 1 s. */
  beatMs: number;
  /** Tokens one socket may carry (Kite: 3000). */
  instrumentLimit: number;
  /** Sockets one api_key may hold at once (Kite: 3). */
  connectionLimit: number;
}

interface Client {
  socket: WebSocket;
  apiKey: string;
  /** token → mode, in subscription order. */
  subs: Map<number, TickerMode>;
}

const MODES: readonly string[] = ['ltp', 'quote', 'full'];

/** Refuse an upgrade with an HTTP status and Kite's error envelope (the real body is unconfirmed). */
function refuse(socket: Duplex, status: number, reason: string, message: string, errorType: string): void {
  const body = JSON.stringify({ status: 'error', message, data: null, error_type: errorType });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const isToken = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 0xffff_ffff;

/**
 * Kite Ticker at the root path `/` (wss://ws.kite.trade/). Auth only at the upgrade (`api_key` + `access_token`
 * query; the JS SDK's extra `uid` query and `X-Kite-Version: 3` header are accepted, not required). Text JSON
 * requests; binary ticks; a one-byte heartbeat on every beat a socket got nothing else; order postbacks as text
 * when an order placed, cancelled or filled over REST changes.
 *
 * What the official JS SDK (kiteconnect ticker.js) needs, and how it is honoured: it closes the socket after 5 s
 * without any message (`read_timeout`), so a socket always gets something every beat (1 s); it reads a 1-byte binary
 * message as the heartbeat and anything longer as u16 count + packets, choosing the layout by packet length and the
 * index segment (9), so index packets are 8/28/32 bytes; it reads text frames as JSON and raises `order_update` for
 * `type: "order"`; it re-sends nothing after a reconnect, so every socket starts with no subscriptions.
 */
export class KiteTicker {
  private readonly clients = new Set<Client>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly announced = new Map<string, string>();
  private beatTimer: TimerHandle | null = null;
  /** Tests: while true the server sends nothing at all (a peer that stopped answering). */
  muted = false;

  constructor(private readonly options: TickerOptions) {}

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Tokens a socket of this simulator carries now, per socket (tests). */
  subscriptions(): Map<number, TickerMode>[] {
    return [...this.clients].map((c) => new Map(c.subs));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/') return refuse(socket, 404, 'Not Found', 'Route not found', 'GeneralException');
    const { state } = this.options;
    const apiKey = url.searchParams.get('api_key') ?? '';
    const token = url.searchParams.get('access_token') ?? '';
    if (apiKey !== state.apiKey || !state.session(token)) return refuse(socket, 403, 'Forbidden', 'Incorrect `api_key` or `access_token`.', 'TokenException');
    // Past 3 sockets per api_key Kite's answer is unpublished; this simulator refuses the newcomer at the upgrade
    // with 429 (the status Kite's gateway uses for its other limits) and leaves the existing sockets alone.
    if ([...this.clients].filter((c) => c.apiKey === apiKey).length >= this.options.connectionLimit) {
      return refuse(socket, 429, 'Too Many Requests', 'Too many connections for this api_key.', 'NetworkException');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, apiKey));
  }

  private accept(socket: WebSocket, apiKey: string): void {
    // Orders already settled before anyone listened are not news.
    if (this.clients.size === 0) for (const o of this.options.state.exchange.list()) this.announced.set(o.id, this.statusOf(o));
    const client: Client = { socket, apiKey, subs: new Map() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData, isBinary) => this.onRequest(client, data, isBinary));
    this.armBeat();
  }

  private send(c: Client, data: string | Buffer): void {
    if (!this.muted && c.socket.readyState === WebSocket.OPEN) c.socket.send(data);
  }

  private notice(c: Client, type: 'error' | 'message', data: string): void {
    this.send(c, JSON.stringify({ type, data }));
  }

  private onRequest(c: Client, data: RawData, isBinary: boolean): void {
    let m: unknown;
    try {
      if (isBinary) throw new Error('binary request');
      m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    } catch {
      return this.notice(c, 'error', 'Invalid message.');
    }
    const request = (typeof m === 'object' && m !== null ? m : {}) as { a?: unknown; v?: unknown };
    if (request.a === 'subscribe' && Array.isArray(request.v) && request.v.every(isToken)) return this.subscribe(c, request.v);
    if (request.a === 'unsubscribe' && Array.isArray(request.v) && request.v.every(isToken)) {
      for (const token of request.v) c.subs.delete(token);
      return;
    }
    if (request.a === 'mode' && Array.isArray(request.v) && request.v.length === 2) {
      const [mode, tokens] = request.v as [unknown, unknown];
      if (typeof mode === 'string' && MODES.includes(mode) && Array.isArray(tokens) && tokens.every(isToken)) {
        // A mode for a token not subscribed is ignored: the SDKs always subscribe first.
        for (const token of tokens) if (c.subs.has(token)) c.subs.set(token, mode as TickerMode);
        return;
      }
    }
    this.notice(c, 'error', 'Invalid message.');
  }

  /**
   * Subscribe `tokens` in quote mode (Kite's default; an existing token keeps its mode). Past 3000 tokens on a
   * socket, Kite's behaviour is unpublished; this simulator keeps the socket, subscribes none of the request's new
   * tokens and says so in an error notice.
   */
  private subscribe(c: Client, tokens: readonly number[]): void {
    const fresh = new Set(tokens.filter((t) => !c.subs.has(t)));
    if (c.subs.size + fresh.size > this.options.instrumentLimit) {
      return this.notice(c, 'error', `Subscription limit exceeded: at most ${this.options.instrumentLimit} instruments per connection.`);
    }
    for (const token of fresh) c.subs.set(token, 'quote');
    this.armBeat();
  }

  private armBeat(): void {
    if (this.beatTimer !== null || this.clients.size === 0) return;
    this.beatTimer = this.options.scheduler.setTimeout(() => {
      this.beatTimer = null;
      this.beat();
      this.armBeat();
    }, this.options.beatMs);
  }

  /** One beat: ticks to every socket with subscriptions, the heartbeat to the rest, then any order postbacks. */
  beat(): void {
    const now = this.options.scheduler.now();
    for (const c of this.clients) {
      const packets: Buffer[] = [];
      for (const [token, mode] of c.subs) {
        const quote = this.quote(token, now);
        if (quote) packets.push(encodePacket(quote, mode));
      }
      this.send(c, packets.length > 0 ? encodeMessage(packets) : HEARTBEAT);
    }
    // GTTs watch the same price path: one hit on this beat places its leg order, announced below.
    this.options.state.gtt.settle();
    this.publishChanges();
  }

  /** The instrument's price on the shared path, on its tick grid; null for a token the dump does not have (no data, as Kite). */
  private quote(token: number, at: number) {
    const key = SYMBOL_BY_TOKEN.get(token);
    const instrument = key ? INSTRUMENTS.get(key) : undefined;
    if (!key || !instrument) return null;
    const step = instrument.tickSize > 0 ? instrument.tickSize : 0.05;
    const last = Math.round(this.options.state.exchange.price(key) / step) * step;
    // Volume grows through the day so consecutive quote packets differ in more than the price.
    const volume = 1_000 + Math.floor((at / 1000) % 86_400) * 10;
    return { token, last, close: basePrice(key), step, volume, at };
  }

  private statusOf(o: SimOrder): string {
    return String(orderBookJson(o, this.options.state.user.userId).status);
  }

  /**
   * Postbacks for every order whose status moved since the last call (the REST simulator calls this after each
   * request; the beat calls it for fills the price path causes). With no socket connected it does nothing, not
   * even settle the exchange, so the REST simulator behaves as without streams.
   */
  publishChanges(): void {
    if (this.clients.size === 0) return;
    const { state } = this.options;
    for (const o of state.exchange.list()) {
      const status = this.statusOf(o);
      if (this.announced.get(o.id) === status) continue;
      this.announced.set(o.id, status);
      const row = orderBookJson(o, state.user.userId);
      // The postback payload: the order book row plus what the HTTP postback adds.
      const data = { ...row, user_id: state.user.userId, unfilled_quantity: row.pending_quantity, app_id: 1, checksum: '' };
      for (const c of this.clients) this.send(c, JSON.stringify({ type: 'order', data }));
    }
  }

  /** Server-side drop of every socket (a network cut or a server restart, as clients see it). */
  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.beatTimer);
    this.beatTimer = null;
    this.dropAll();
    this.wss.close();
  }
}
