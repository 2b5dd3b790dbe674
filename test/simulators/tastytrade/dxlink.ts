import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../../../src/main/clock';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { LISTINGS } from './market';

/** Quote tokens live 24 h (tastytrade's documented lifetime). */
export const QUOTE_TOKEN_LIFETIME_MS = 24 * 3_600_000;
/** The server's keepalive timeout: a client silent for this long gets ERROR TIMEOUT and is closed. */
export const DXLINK_KEEPALIVE_TIMEOUT_MS = 60_000;
const SERVER_KEEPALIVE_MS = 30_000;

/** Fields the simulator can fill per event type (dxFeed's names), and what a FEED_SETUP without fields gets (unconfirmed). */
const KNOWN_FIELDS: Record<string, readonly string[]> = {
  Trade: ['eventType', 'eventSymbol', 'eventTime', 'time', 'sequence', 'exchangeCode', 'price', 'change', 'size', 'dayVolume', 'dayTurnover'],
  Quote: [
    'eventType',
    'eventSymbol',
    'eventTime',
    'sequence',
    'timeNanoPart',
    'bidTime',
    'bidExchangeCode',
    'bidPrice',
    'bidSize',
    'askTime',
    'askExchangeCode',
    'askPrice',
    'askSize',
  ],
};
const DEFAULT_FIELDS: Record<string, readonly string[]> = {
  Trade: ['eventType', 'eventSymbol', 'price', 'dayVolume', 'size'],
  Quote: ['eventType', 'eventSymbol', 'bidPrice', 'askPrice', 'bidSize', 'askSize'],
};

interface FeedChannel {
  format: 'COMPACT' | 'FULL';
  fields: Record<string, readonly string[]>;
  /** `${type}\u0000${symbol}` */
  subs: Set<string>;
}

interface Client {
  socket: WebSocket;
  setup: boolean;
  authorized: boolean;
  channels: Map<number, FeedChannel>;
  timeout: TimerHandle | null;
}

export interface DxLinkOptions {
  clock: Clock;
  scheduler: Scheduler;
  /** Subscriptions one connection may hold (tastytrade publishes none; the simulator's choice). */
  subscriptionLimit: number;
  tickMs: number;
}

/**
 * tastytrade's DXLink feed (`wss://tasty-openapi-ws.dxfeed.com/realtime`), as dxFeed's JSON protocol: SETUP,
 * AUTH_STATE/AUTH with the quote token, KEEPALIVE both ways (60 s timeout), CHANNEL_REQUEST/OPENED for the FEED
 * service, FEED_SETUP/FEED_CONFIG, FEED_SUBSCRIPTION add/remove/reset, FEED_DATA in COMPACT or FULL,
 * CHANNEL_CANCEL/CLOSED, ERROR. `@dxfeed/dxlink-websocket-client` needs `version` in SETUP and reads eventFields
 * from FEED_CONFIG to decode COMPACT data: both are honoured.
 */
export class DxLinkServer {
  private readonly clients = new Set<Client>();
  private readonly tokens = new Map<string, number>();
  private tickTimer: TimerHandle | null = null;
  private keepaliveTimer: TimerHandle | null = null;
  /** The day's volume per symbol: 100 shares per streamed trade. */
  private readonly volume = new Map<string, number>();

  constructor(
    private readonly exchange: SimExchange,
    private readonly options: DxLinkOptions,
  ) {}

  /** A new quote token (what `GET /api-quote-tokens` hands out) and when it expires. */
  issueToken(): { token: string; expiresAt: number } {
    const token = `dxlink-sim-${randomBytes(12).toString('hex')}`;
    const expiresAt = this.options.clock.now() + QUOTE_TOKEN_LIFETIME_MS;
    this.tokens.set(token, expiresAt);
    return { token, expiresAt };
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Every connection's feed subscriptions now, as sorted "Type SYMBOL" strings. */
  subscriptions(): string[][] {
    return [...this.clients].map((c) =>
      [...c.channels.values()]
        .flatMap((f) => [...f.subs])
        .map((k) => k.replace('\u0000', ' '))
        .sort(),
    );
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, setup: false, authorized: false, channels: new Map(), timeout: null };
    this.clients.add(client);
    socket.on('close', () => {
      this.options.scheduler.clearTimeout(client.timeout);
      this.clients.delete(client);
    });
    socket.on('message', (data: RawData) => this.onMessage(client, data));
    this.armTimeout(client);
    this.armKeepalives();
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.options.scheduler.clearTimeout(this.keepaliveTimer);
    this.tickTimer = null;
    this.keepaliveTimer = null;
    this.dropAll();
  }

  private send(c: Client, message: object): void {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(JSON.stringify(message));
  }

  private error(c: Client, error: string, message: string): void {
    this.send(c, { type: 'ERROR', channel: 0, error, message });
  }

  /** Any client message resets the keepalive timeout; silence past it ends the connection. */
  private armTimeout(c: Client): void {
    this.options.scheduler.clearTimeout(c.timeout);
    c.timeout = this.options.scheduler.setTimeout(() => {
      this.error(c, 'TIMEOUT', 'No keepalive received within the timeout');
      c.socket.close();
    }, DXLINK_KEEPALIVE_TIMEOUT_MS);
  }

  private onMessage(c: Client, data: RawData): void {
    this.armTimeout(c);
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('not an object');
    } catch {
      return this.error(c, 'INVALID_MESSAGE', 'Message is not a JSON object');
    }
    const channel = typeof m.channel === 'number' ? m.channel : -1;
    if (m.type === 'SETUP') return this.onSetup(c);
    if (m.type === 'KEEPALIVE') return;
    if (!c.setup) return this.error(c, 'UNSUPPORTED_PROTOCOL', 'SETUP is required first');
    if (m.type === 'AUTH') {
      const expiresAt = typeof m.token === 'string' ? this.tokens.get(m.token) : undefined;
      c.authorized = expiresAt !== undefined && expiresAt > this.options.clock.now();
      return this.send(c, {
        type: 'AUTH_STATE',
        channel: 0,
        state: c.authorized ? 'AUTHORIZED' : 'UNAUTHORIZED',
        ...(c.authorized ? { userId: 'sim-user' } : {}),
      });
    }
    if (!c.authorized) return this.error(c, 'UNAUTHORIZED', 'Not authorized');
    switch (m.type) {
      case 'CHANNEL_REQUEST':
        if (m.service !== 'FEED' || channel < 1) return this.error(c, 'BAD_ACTION', 'Only the FEED service is offered');
        c.channels.set(channel, { format: 'COMPACT', fields: { ...DEFAULT_FIELDS }, subs: new Set() });
        return this.send(c, { type: 'CHANNEL_OPENED', channel, service: 'FEED', parameters: m.parameters ?? { contract: 'AUTO' } });
      case 'CHANNEL_CANCEL':
        c.channels.delete(channel);
        return this.send(c, { type: 'CHANNEL_CLOSED', channel });
      case 'FEED_SETUP':
        return this.onFeedSetup(c, channel, m);
      case 'FEED_SUBSCRIPTION':
        return this.onSubscription(c, channel, m);
      default:
        return this.error(c, 'BAD_ACTION', `Unknown message type ${String(m.type).slice(0, 40)}`);
    }
  }

  private onSetup(c: Client): void {
    c.setup = true;
    this.send(c, { type: 'SETUP', channel: 0, version: '1.0-sim', keepaliveTimeout: 60, acceptKeepaliveTimeout: 60 });
    this.send(c, { type: 'AUTH_STATE', channel: 0, state: c.authorized ? 'AUTHORIZED' : 'UNAUTHORIZED' });
  }

  private onFeedSetup(c: Client, channel: number, m: Record<string, unknown>): void {
    const feed = c.channels.get(channel);
    if (!feed) return this.error(c, 'BAD_ACTION', 'No such channel');
    if (m.acceptDataFormat === 'FULL' || m.acceptDataFormat === 'COMPACT') feed.format = m.acceptDataFormat;
    const accept = m.acceptEventFields;
    if (accept && typeof accept === 'object') {
      for (const [type, names] of Object.entries(accept as Record<string, unknown>)) {
        const known = KNOWN_FIELDS[type];
        if (!known || !Array.isArray(names)) continue;
        // eventType and eventSymbol always lead; then the asked-for fields the simulator knows, in the asked order.
        const asked = names.filter((n): n is string => typeof n === 'string' && known.includes(n) && n !== 'eventType' && n !== 'eventSymbol');
        feed.fields[type] = ['eventType', 'eventSymbol', ...asked];
      }
    }
    this.send(c, { type: 'FEED_CONFIG', channel, dataFormat: feed.format, aggregationPeriod: 0, eventFields: feed.fields });
  }

  private onSubscription(c: Client, channel: number, m: Record<string, unknown>): void {
    const feed = c.channels.get(channel);
    if (!feed) return this.error(c, 'BAD_ACTION', 'No such channel');
    const key = (e: unknown) => {
      const r = e as { type?: unknown; symbol?: unknown };
      return typeof r?.type === 'string' && typeof r.symbol === 'string' ? `${r.type}\u0000${r.symbol}` : null;
    };
    const next = m.reset === true ? new Set<string>() : new Set(feed.subs);
    for (const e of Array.isArray(m.remove) ? m.remove : []) {
      const k = key(e);
      if (k) next.delete(k);
    }
    for (const e of Array.isArray(m.add) ? m.add : []) {
      const k = key(e);
      if (k) next.add(k);
    }
    const held = [...c.channels.values()].reduce((n, f) => n + (f === feed ? next.size : f.subs.size), 0);
    if (held > this.options.subscriptionLimit) return this.error(c, 'BAD_ACTION', 'Subscription limit exceeded');
    feed.subs = next;
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

  private event(type: string, symbol: string, at: number): Record<string, unknown> {
    const price = this.exchange.price(symbol);
    const cents = (n: number) => Math.round(n * 100) / 100;
    if (type === 'Trade') {
      const dayVolume = (this.volume.get(symbol) ?? 0) + 100;
      this.volume.set(symbol, dayVolume);
      return {
        eventType: type,
        eventSymbol: symbol,
        eventTime: 0,
        time: at,
        sequence: 0,
        exchangeCode: 'Q',
        price,
        change: 0,
        size: 100,
        dayVolume,
        dayTurnover: 'NaN',
      };
    }
    return {
      eventType: type,
      eventSymbol: symbol,
      eventTime: 0,
      sequence: 0,
      timeNanoPart: 0,
      bidTime: at,
      bidExchangeCode: 'Q',
      bidPrice: cents(price - 0.01),
      bidSize: 3,
      askTime: at,
      askExchangeCode: 'Q',
      askPrice: cents(price + 0.01),
      askSize: 5,
    };
  }

  /** One event per subscribed (type, listed equity) pair, one FEED_DATA per type, in the channel's format. */
  tick(): void {
    const at = this.options.scheduler.now();
    for (const c of this.clients) {
      for (const [channel, feed] of c.channels) {
        const byType = new Map<string, Record<string, unknown>[]>();
        for (const sub of feed.subs) {
          const [type, symbol] = sub.split('\u0000') as [string, string];
          if (!feed.fields[type] || LISTINGS[symbol]?.type !== 'Equity') continue;
          byType.set(type, [...(byType.get(type) ?? []), this.event(type, symbol, at)]);
        }
        for (const [type, events] of byType) {
          const names = feed.fields[type]!;
          const data =
            feed.format === 'FULL' ? events.map((e) => Object.fromEntries(names.map((n) => [n, e[n]]))) : [type, events.flatMap((e) => names.map((n) => e[n]))];
          this.send(c, { type: 'FEED_DATA', channel, data });
        }
      }
    }
  }

  /** The server's own KEEPALIVE every 30 s while anyone is connected, so a quiet feed still proves the connection alive. */
  private armKeepalives(): void {
    if (this.keepaliveTimer !== null) return;
    this.keepaliveTimer = this.options.scheduler.setTimeout(() => {
      this.keepaliveTimer = null;
      for (const c of this.clients) if (c.setup) this.send(c, { type: 'KEEPALIVE', channel: 0 });
      if (this.clients.size > 0) this.armKeepalives();
    }, SERVER_KEEPALIVE_MS);
  }
}
