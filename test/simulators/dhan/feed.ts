import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { disconnectPacket, fullPacket, prevClosePacket, quotePacket, SEGMENT_NUMBERS, tickerPacket, type WireInstrument } from './feed-wire';
import { findScrip, type SimScrip } from './scrip';
import type { DhanTokens } from './tokens';

export interface DhanFeedOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  tokens: DhanTokens;
  /** How often subscribed instruments get a packet. */
  tickMs: number;
  /** The server pings every 10 s and drops a client that has not answered for ~40 s. */
  pingMs: number;
  pongTimeoutMs: number;
  /** Connections per client id (Dhan: 5; the sixth gets the disconnect packet 805). */
  maxConnections: number;
  /** Instruments per connection (Dhan: 5000; the excess is not subscribed). */
  instrumentLimit: number;
}

type FeedMode = 'ticker' | 'quote' | 'full';
const SUBSCRIBE: Readonly<Record<number, FeedMode>> = { 15: 'ticker', 17: 'quote', 21: 'full' };
const UNSUBSCRIBE: Readonly<Record<number, FeedMode>> = { 16: 'ticker', 18: 'quote', 22: 'full' };
const DISCONNECT = 12;
const PER_REQUEST = 100;
/** Disconnect reasons: 807 access token expired, 808 invalid client id, 809 authentication failed, 805 too many connections. */
const REFUSAL = { expired: 807, client: 808, invalid: 809 } as const;

interface Subscription {
  wire: WireInstrument;
  /** The simulated scrip when the simulator prices this id; unknown ids are accepted and stay quiet. */
  scrip: SimScrip | undefined;
  /** Each request code is its own subscription, as the SDK's code + 1 unsubscribe suggests. */
  modes: Set<FeedMode>;
}

interface Client {
  socket: WebSocket;
  clientId: string;
  token: string;
  subs: Map<string, Subscription>;
  lastPong: number;
}

/** What a test can read about the requests the feed received. */
export interface FeedRequestLog {
  code: number;
  count: number;
}

/**
 * Dhan v2's live market feed on `/?version=2&authType=2`: token and client id in the query, checked after the
 * upgrade (a bad one gets the disconnect packet, then a close), text JSON requests, binary little-endian packets.
 * The official SDK (DhanHQ-py `MarketFeed`, v2) needs nothing more: it opens `<host>?version=2&token=…&clientId=…&authType=2`,
 * sends these JSON requests, reads the first byte to pick a `struct` layout these packets follow, and after
 * `{"RequestCode":12}` sends a binary header, which is ignored.
 */
export class DhanFeed {
  private readonly clients = new Set<Client>();
  private tickTimer: TimerHandle | null = null;
  private pingTimer: TimerHandle | null = null;
  /** A server that stopped answering: no packets, no pings. */
  private muted = false;
  /** Every well-formed request, in order. */
  readonly requests: FeedRequestLog[] = [];
  /** Requests refused: not JSON, an unknown code, more than 100 instruments, or instruments past the connection limit. */
  refused = 0;

  constructor(private readonly options: DhanFeedOptions) {}

  /** The v2 feed is served at the root with version=2 and authType=2. */
  handles(url: URL): boolean {
    return url.pathname === '/' && url.searchParams.get('version') === '2' && url.searchParams.get('authType') === '2';
  }

  accept(socket: WebSocket, url: URL): void {
    const clientId = url.searchParams.get('clientId') ?? '';
    const token = url.searchParams.get('token') ?? '';
    const refusal = this.options.tokens.refusal(token, clientId);
    if (refusal) return this.refuse(socket, REFUSAL[refusal]);
    if ([...this.clients].filter((c) => c.clientId === clientId).length >= this.options.maxConnections) return this.refuse(socket, 805);
    const client: Client = { socket, clientId, token, subs: new Map(), lastPong: this.options.scheduler.now() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('pong', () => (client.lastPong = this.options.scheduler.now()));
    // The SDK follows its JSON disconnect (code 12) with a v1-style binary header; binary requests are v1's: ignored.
    socket.on('message', (data: RawData, isBinary) => {
      if (!isBinary) this.onRequest(client, rawText(data));
    });
    this.armPing();
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Instruments each open connection carries. */
  subscriptionCounts(): number[] {
    return [...this.clients].map((c) => c.subs.size);
  }

  /** When each open connection last answered a ping (scheduler time). */
  lastPongs(): number[] {
    return [...this.clients].map((c) => c.lastPong);
  }

  /** Server-side drop of every socket (a network cut or a server restart). */
  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  /** Stop sending anything (packets and pings) while keeping the sockets open: a server that hangs. */
  mute(): void {
    this.muted = true;
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.options.scheduler.clearTimeout(this.pingTimer);
    this.tickTimer = null;
    this.pingTimer = null;
    this.dropAll();
  }

  private refuse(socket: WebSocket, reason: number): void {
    socket.send(disconnectPacket(reason), () => socket.close(1000));
  }

  private onRequest(c: Client, text: string): void {
    let m: { RequestCode?: unknown; InstrumentCount?: unknown; InstrumentList?: unknown };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      this.refused++;
      return;
    }
    const code = Number(m?.RequestCode);
    if (code === DISCONNECT) {
      this.requests.push({ code, count: 0 });
      c.socket.close(1000);
      return;
    }
    const mode = SUBSCRIBE[code] ?? UNSUBSCRIBE[code];
    const list = Array.isArray(m.InstrumentList) ? (m.InstrumentList as unknown[]) : null;
    if (!mode || !list || list.length > PER_REQUEST) {
      this.refused++;
      return;
    }
    this.requests.push({ code, count: list.length });
    for (const item of list) {
      const wire = wireInstrument(item);
      if (!wire) {
        this.refused++;
        continue;
      }
      const key = `${wire.segment}:${wire.securityId}`;
      if (UNSUBSCRIBE[code]) {
        const sub = c.subs.get(key);
        sub?.modes.delete(mode);
        if (sub && sub.modes.size === 0) c.subs.delete(key);
        continue;
      }
      let sub = c.subs.get(key);
      if (!sub) {
        if (c.subs.size >= this.options.instrumentLimit) {
          this.refused++;
          continue;
        }
        sub = { wire, scrip: findScrip(wire.name, wire.securityId), modes: new Set() };
        c.subs.set(key, sub);
      }
      sub.modes.add(mode);
      // Quote and full subscriptions first get the previous close.
      if (mode !== 'ticker' && sub.scrip) send(c, prevClosePacket(sub.wire, this.options.exchange.price(sub.scrip.symbol), 0));
    }
    this.armTicks();
  }

  private armTicks(): void {
    if (this.tickTimer !== null) return;
    this.tickTimer = this.options.scheduler.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      if (this.clients.size > 0) this.armTicks();
    }, this.options.tickMs);
  }

  private armPing(): void {
    if (this.pingTimer !== null) return;
    this.pingTimer = this.options.scheduler.setTimeout(() => {
      this.pingTimer = null;
      const now = this.options.scheduler.now();
      for (const c of this.clients) {
        // A token that expired or was renewed away ends the session it opened (unconfirmed when Dhan checks).
        const refusal = this.options.tokens.refusal(c.token, c.clientId);
        if (refusal) this.refuse(c.socket, REFUSAL[refusal]);
        else if (now - c.lastPong > this.options.pongTimeoutMs) c.socket.terminate();
        else if (!this.muted && c.socket.readyState === WebSocket.OPEN) c.socket.ping();
      }
      if (this.clients.size > 0) this.armPing();
    }, this.options.pingMs);
  }

  /** One packet per subscribed mode for every instrument the simulator prices, at the exchange's current price. */
  tick(): void {
    if (this.muted) return;
    const now = this.options.scheduler.now();
    const lttSec = Math.floor(now / 1000);
    for (const c of this.clients) {
      for (const sub of c.subs.values()) {
        if (!sub.scrip) continue;
        const ltp = this.options.exchange.price(sub.scrip.symbol);
        const fields = {
          ltp,
          ltq: 1,
          lttSec,
          avgPrice: ltp,
          volume: 1_000 + (lttSec % 86_400),
          totalSell: 500,
          totalBuy: 500,
          open: ltp,
          close: ltp,
          high: ltp,
          low: ltp,
        };
        if (sub.modes.has('ticker')) send(c, tickerPacket(sub.wire, ltp, lttSec));
        if (sub.modes.has('quote')) send(c, quotePacket(sub.wire, fields));
        if (sub.modes.has('full')) send(c, fullPacket(sub.wire, { ...fields, oi: 0, oiHigh: 0, oiLow: 0 }, depthAround(ltp)));
      }
    }
  }
}

/** Five levels a tick (₹0.05) apart on each side of the last price. */
function depthAround(ltp: number) {
  const step = (n: number) => Math.round(n * 100) / 100;
  return [1, 2, 3, 4, 5].map((level) => ({
    bidQty: 100 * level,
    askQty: 100 * level,
    bidOrders: level,
    askOrders: level,
    bid: step(ltp - 0.05 * level),
    ask: step(ltp + 0.05 * level),
  }));
}

/** `{"ExchangeSegment":"NSE_EQ","SecurityId":"1333"}`; a numeric segment or id is accepted too. */
function wireInstrument(item: unknown): (WireInstrument & { name: string }) | null {
  if (typeof item !== 'object' || item === null) return null;
  const { ExchangeSegment: seg, SecurityId: id } = item as Record<string, unknown>;
  const name = typeof seg === 'number' ? Object.keys(SEGMENT_NUMBERS).find((k) => SEGMENT_NUMBERS[k] === seg) : String(seg);
  const segment = name === undefined ? undefined : SEGMENT_NUMBERS[name];
  const securityId = Number(id);
  if (segment === undefined || name === undefined || !Number.isInteger(securityId) || securityId <= 0) return null;
  return { segment, securityId, name };
}

function send(c: Client, packet: Buffer): void {
  if (c.socket.readyState === WebSocket.OPEN) c.socket.send(packet);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
