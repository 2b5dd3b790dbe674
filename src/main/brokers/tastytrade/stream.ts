import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import {
  ACCEPT_EVENT_FIELDS,
  authMessage,
  channelRequest,
  configuredFields,
  decodeFeedData,
  FEED_CHANNEL,
  feedSetup,
  feedSubscription,
  KEEPALIVE_TEXT,
  setupMessage,
  type EventFields,
  type FeedEvent,
  type FeedEventType,
} from './dxlink';
import { quoteToken, restFailure } from './quote-token';
import { toTastySymbol } from './symbols';

/** DXLink's keepalive timeout (60 s) both ways; BrokerVault sends KEEPALIVE every 30 s, as dxFeed's client does. */
const KEEPALIVE_SECONDS = 60;
const KEEPALIVE_EVERY_MS = 30_000;
/** Nothing from the server (data or its KEEPALIVE) for this long: the socket is dead. */
const SILENCE_MS = 90_000;

type Msg = Record<string, unknown>;

/**
 * One DXLink connection: quote token over REST, then SETUP, AUTH, one FEED channel in COMPACT format with Trade
 * and Quote fields, and FEED_SUBSCRIPTION add/remove per symbol. Trades give the last price; quotes add bid/ask.
 */
export class TastytradeMarketStream implements MarketStream {
  private socket: BrokerSocket | null = null;
  private done = false;
  private authSent = false;
  private ready = false;
  private fields: EventFields = ACCEPT_EVENT_FIELDS;
  /** Streamer symbol → the common symbol asked for and its mode. */
  private readonly carried = new Map<string, { symbol: string; mode: StreamMode }>();
  private readonly lastTrade = new Map<string, { ltp: number; volume?: number }>();
  private readonly lastQuote = new Map<string, { bid: number; ask: number }>();
  /** The newest event time seen per symbol: an older event is stale news (counted, not passed on). */
  private readonly newest = new Map<string, number>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
  ) {
    quoteToken(ctx).then(
      (quote) => {
        if (this.done) return;
        this.socket = new BrokerSocket({
          url: quote.dxlinkUrl,
          scheduler: ctx.scheduler,
          silenceMs: SILENCE_MS,
          keepAlive: { everyMs: KEEPALIVE_EVERY_MS, send: KEEPALIVE_TEXT },
          onOpen: () => this.send(setupMessage(KEEPALIVE_SECONDS)),
          onMessage: (frame) => this.onFrame(frame, quote.token),
          onEnd: (reason) => this.finish(reason),
        });
      },
      (error: unknown) => this.finish(restFailure(error)),
    );
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    const add: { type: FeedEventType; symbol: string }[] = [];
    const remove: { type: FeedEventType; symbol: string }[] = [];
    for (const symbol of symbols) {
      const streamer = this.streamerSymbol(symbol);
      if (streamer === null) continue;
      const before = this.carried.get(streamer);
      this.carried.set(streamer, { symbol, mode });
      add.push({ type: 'Trade', symbol: streamer });
      if (mode !== 'ltp') add.push({ type: 'Quote', symbol: streamer });
      else if (before && before.mode !== 'ltp') {
        // Down to ltp: stop the quotes this symbol no longer needs.
        remove.push({ type: 'Quote', symbol: streamer });
        this.lastQuote.delete(streamer);
      }
    }
    if (this.ready && (add.length > 0 || remove.length > 0)) this.send(feedSubscription(add, remove));
  }

  unsubscribe(symbols: readonly string[]): void {
    const remove: { type: FeedEventType; symbol: string }[] = [];
    for (const symbol of symbols) {
      const streamer = this.streamerSymbol(symbol, false);
      if (streamer === null || !this.carried.delete(streamer)) continue;
      this.lastTrade.delete(streamer);
      this.lastQuote.delete(streamer);
      this.newest.delete(streamer);
      remove.push({ type: 'Trade', symbol: streamer }, { type: 'Quote', symbol: streamer });
    }
    if (this.ready && remove.length > 0) this.send(feedSubscription([], remove));
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  /** The DXLink symbol of a US equity (the REST symbol); null (counted) for what this feed does not carry here. */
  private streamerSymbol(symbol: string, count = true): string | null {
    try {
      const instrument = toTastySymbol(this.ctx, symbol);
      if (instrument.instrumentType === 'Equity') return instrument.symbol;
    } catch {
      // counted below
    }
    if (count) this.problem('unsupported');
    return null;
  }

  private send(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  private problem(kind: StreamProblem): void {
    this.handlers.onProblem?.(kind);
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.socket?.close();
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private onFrame(frame: string | Buffer, token: string): void {
    let m: unknown;
    try {
      m = JSON.parse(typeof frame === 'string' ? frame : frame.toString('utf8'));
    } catch {
      return this.problem('malformed');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return this.problem('malformed');
    this.onMessage(m as Msg, token);
  }

  private onMessage(m: Msg, token: string): void {
    switch (m.type) {
      case 'SETUP':
      case 'KEEPALIVE':
        return;
      case 'AUTH_STATE':
        return this.onAuthState(m.state, token);
      case 'CHANNEL_OPENED':
        if (m.channel === FEED_CHANNEL) this.send(feedSetup());
        return;
      case 'FEED_CONFIG':
        return this.onFeedConfig(m);
      case 'FEED_DATA':
        return this.onFeedData(m.data);
      case 'CHANNEL_CLOSED':
        if (m.channel === FEED_CHANNEL) this.finish('dropped');
        return;
      case 'ERROR':
        this.problem('error');
        // A subscription past the feed's limit: the broker refused what this socket asked for.
        if (typeof m.message === 'string' && /limit/i.test(m.message)) this.finish('refused');
        return;
      default:
        this.problem('unknown');
    }
  }

  /** The server greets with UNAUTHORIZED (then we send the token); UNAUTHORIZED after our AUTH is a refused token. */
  private onAuthState(state: unknown, token: string): void {
    if (state === 'AUTHORIZED') return this.send(channelRequest());
    if (state !== 'UNAUTHORIZED') return this.problem('unknown');
    if (this.authSent) return this.finish('auth');
    this.authSent = true;
    this.send(authMessage(token));
  }

  private onFeedConfig(m: Msg): void {
    if (m.channel !== FEED_CHANNEL) return;
    // A config without eventFields keeps what was asked for (what the server sends then is unconfirmed).
    this.fields = configuredFields(m.eventFields) ?? this.fields;
    if (this.ready) return;
    this.ready = true;
    this.handlers.onStatus({ state: 'open' });
    // Whatever was subscribed before the feed was ready goes out now, in one message.
    const add = [...this.carried].flatMap(([symbol, c]) =>
      c.mode === 'ltp'
        ? [{ type: 'Trade' as const, symbol }]
        : [
            { type: 'Trade' as const, symbol },
            { type: 'Quote' as const, symbol },
          ],
    );
    if (add.length > 0) this.send(feedSubscription(add, []));
  }

  private onFeedData(raw: unknown): void {
    const { events, problems } = decodeFeedData(raw, this.fields);
    for (const p of problems) this.problem(p);
    const receivedAt = this.ctx.clock.now();
    for (const e of events) {
      if (this.done) return;
      this.onEvent(e, receivedAt);
    }
  }

  private onEvent(e: FeedEvent, receivedAt: number): void {
    const carried = this.carried.get(e.symbol);
    if (!carried) return; // an event for a symbol just unsubscribed
    const ts = e.time ?? receivedAt;
    if (ts < (this.newest.get(e.symbol) ?? -Infinity)) return this.problem('out-of-order');
    this.newest.set(e.symbol, ts);
    if (e.type === 'Trade') {
      this.lastTrade.set(e.symbol, { ltp: e.price, volume: e.dayVolume });
      if (carried.mode === 'ltp') return this.handlers.onTick({ symbol: carried.symbol, ltp: e.price, ts });
      const quote = this.lastQuote.get(e.symbol);
      return this.handlers.onTick({ symbol: carried.symbol, ltp: e.price, ...quote, ...(e.dayVolume !== undefined ? { volume: e.dayVolume } : {}), ts });
    }
    if (carried.mode === 'ltp') return;
    this.lastQuote.set(e.symbol, { bid: e.bid, ask: e.ask });
    const trade = this.lastTrade.get(e.symbol);
    if (trade) {
      this.handlers.onTick({
        symbol: carried.symbol,
        ltp: trade.ltp,
        bid: e.bid,
        ask: e.ask,
        ...(trade.volume !== undefined ? { volume: trade.volume } : {}),
        ts,
      });
    }
  }
}

/** tastytrade publishes no DXLink symbol limit; 500 is BrokerVault's own cap and the simulator's. One feed socket per connection. */
export const tastytradeMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: { instrumentsPerSocket: 500, socketsPerAccount: 1 },
  open: (ctx, handlers) => new TastytradeMarketStream(ctx, handlers),
};
