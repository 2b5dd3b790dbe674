import { BrokerSocket } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { BINANCE_LIVE_URL, BINANCE_TESTNET_URL } from './descriptor';
import { binanceSymbol } from './mapping';
import { PacedSender } from './paced-sender';

/** Binance's market-stream hosts; the testnet has its own. */
export const BINANCE_STREAM_URL = 'wss://stream.binance.com:9443';
export const BINANCE_TESTNET_STREAM_URL = 'wss://stream.testnet.binance.vision';
export const BINANCE_WS_API_URL = 'wss://ws-api.binance.com:443/ws-api/v3';
export const BINANCE_TESTNET_WS_API_URL = 'wss://ws-api.testnet.binance.vision/ws-api/v3';

/** Binance drops a connection after a minute without a pong; it pings every 20 s, so a minute of silence is a dead socket. */
export const BINANCE_SILENCE_MS = 60_000;

const withoutSlash = (url: string) => url.replace(/\/+$/, '');

/** Which of Binance's own hosts the REST base URL is, or null for a simulator or proxy override. */
function binanceHost(ctx: BrokerContext): 'live' | 'testnet' | null {
  const base = withoutSlash(ctx.baseUrl);
  if (base === BINANCE_TESTNET_URL) return 'testnet';
  if (base === BINANCE_LIVE_URL || /^https:\/\/api[0-9]?(-gcp)?\.binance\.com$/.test(base)) return 'live';
  return null;
}

/** The market-stream base: Binance's stream host for its own REST hosts, else the override's own host (a simulator). */
export function streamBaseUrl(ctx: BrokerContext): string {
  const host = binanceHost(ctx);
  if (host === 'live') return BINANCE_STREAM_URL;
  if (host === 'testnet') return BINANCE_TESTNET_STREAM_URL;
  return withoutSlash(ctx.baseUrl).replace(/^http/, 'ws');
}

/** The WebSocket API, which carries the user data stream (order updates). */
export function webSocketApiUrl(ctx: BrokerContext): string {
  const host = binanceHost(ctx);
  if (host === 'live') return BINANCE_WS_API_URL;
  if (host === 'testnet') return BINANCE_TESTNET_WS_API_URL;
  return `${withoutSlash(ctx.baseUrl).replace(/^http/, 'ws')}/ws-api/v3`;
}

export interface BinanceStreamCounters {
  malformed: number;
  unknown: number;
  /** Error replies to requests other than SUBSCRIBE (which closes the socket as refused). */
  errors: number;
  /** Symbols that are not Binance pairs: skipped, never thrown. */
  unsupported: number;
  /** Trades older than one already delivered, book tickers with an older update id. */
  outOfOrder: number;
}

type Msg = Record<string, unknown>;

/** A positive decimal string as Binance writes prices ("67012.34000000"), or null. */
function price(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && Number.isFinite(n) ? n : null;
}

const isObject = (v: unknown): v is Msg => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One combined-stream socket (`/stream?streams=`, subscribed live): `<pair>@trade` for the last price, plus
 * `<pair>@bookTicker` for bid and ask above ltp mode. Control messages are batched and paced under Binance's
 * 5 incoming messages per second (a sixth gets the connection dropped).
 */
export class BinanceMarketStream implements MarketStream {
  readonly counters: BinanceStreamCounters = { malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 };
  private readonly socket: BrokerSocket;
  private readonly sender: PacedSender;
  private done = false;
  /** Binance pair → the common symbol the manager asked for, and its mode. */
  private readonly carried = new Map<string, { symbol: string; mode: StreamMode }>();
  private readonly lastTrade = new Map<string, { price: number; time: number }>();
  private readonly lastBook = new Map<string, { bid: number; ask: number; updateId: number }>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
    url = `${streamBaseUrl(ctx)}/stream?streams=`,
  ) {
    this.sender = new PacedSender(ctx.scheduler, (text) => this.socket.send(text));
    this.socket = new BrokerSocket({
      url,
      scheduler: ctx.scheduler,
      silenceMs: BINANCE_SILENCE_MS,
      onOpen: () => {
        // Public streams need no auth: open is ready.
        handlers.onStatus({ state: 'open' });
        this.sender.start();
      },
      onMessage: (data) => this.onFrame(data),
      onEnd: (reason) => this.finish(reason),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    const add: string[] = [];
    const remove: string[] = [];
    for (const symbol of symbols) {
      const pair = this.pair(symbol);
      if (pair === null) continue;
      const before = this.carried.get(pair);
      this.carried.set(pair, { symbol, mode });
      const name = pair.toLowerCase();
      if (!before) add.push(`${name}@trade`);
      if (mode !== 'ltp' && (!before || before.mode === 'ltp')) add.push(`${name}@bookTicker`);
      // Down to ltp: stop the book ticker this pair no longer needs.
      if (mode === 'ltp' && before && before.mode !== 'ltp') {
        remove.push(`${name}@bookTicker`);
        this.lastBook.delete(pair);
      }
    }
    if (add.length > 0) this.sender.enqueue('SUBSCRIBE', add);
    if (remove.length > 0) this.sender.enqueue('UNSUBSCRIBE', remove);
  }

  unsubscribe(symbols: readonly string[]): void {
    const names: string[] = [];
    for (const symbol of symbols) {
      const pair = this.pair(symbol);
      const carried = pair === null ? undefined : this.carried.get(pair);
      if (!carried || pair === null) continue;
      this.carried.delete(pair);
      this.lastTrade.delete(pair);
      this.lastBook.delete(pair);
      names.push(`${pair.toLowerCase()}@trade`);
      if (carried.mode !== 'ltp') names.push(`${pair.toLowerCase()}@bookTicker`);
    }
    if (names.length > 0) this.sender.enqueue('UNSUBSCRIBE', names);
  }

  close(): void {
    this.done = true;
    this.sender.stop();
    this.socket.close();
  }

  /** The Binance pair, or null (counted) for a symbol that is none: a throw would make the manager reopen forever. */
  private pair(symbol: string): string | null {
    try {
      return binanceSymbol(this.ctx, symbol);
    } catch {
      this.problem('unsupported');
      return null;
    }
  }

  private problem(kind: StreamProblem): void {
    if (kind === 'malformed') this.counters.malformed++;
    else if (kind === 'unknown') this.counters.unknown++;
    else if (kind === 'error') this.counters.errors++;
    else if (kind === 'unsupported') this.counters.unsupported++;
    else this.counters.outOfOrder++;
    this.handlers.onProblem?.(kind);
  }

  private finish(reason: 'dropped' | 'auth' | 'refused'): void {
    if (this.done) return;
    this.done = true;
    this.sender.stop();
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private onFrame(data: string | Buffer): void {
    if (this.done) return;
    let m: unknown;
    try {
      m = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    } catch {
      return this.problem('malformed');
    }
    if (!isObject(m)) return this.problem('malformed');
    if ('result' in m && 'id' in m) {
      this.sender.answered(m.id);
      return;
    }
    if ('error' in m) {
      // Binance refused a SUBSCRIBE (too many streams): this socket cannot carry what was asked; the manager decides.
      if (this.sender.answered(m.id) === 'SUBSCRIBE') return this.socket.end('refused');
      return this.problem('error');
    }
    // Combined streams wrap each payload; a raw stream sends it as is.
    const payload = typeof m.stream === 'string' ? m.data : m;
    if (!isObject(payload)) return this.problem('malformed');
    if (payload.e === 'trade') return this.onTrade(payload);
    // Binance is about to restart this server: reconnect now rather than wait for the cut.
    if (payload.e === 'serverShutdown') return this.socket.end('dropped');
    if ('u' in payload && 'b' in payload && 'a' in payload) return this.onBook(payload);
    this.problem('unknown');
  }

  private onTrade(m: Msg): void {
    const p = price(m.p);
    if (typeof m.s !== 'string' || p === null || typeof m.T !== 'number' || !Number.isFinite(m.T)) return this.problem('malformed');
    const carried = this.carried.get(m.s);
    if (!carried) return; // a trade for a pair just unsubscribed
    const last = this.lastTrade.get(m.s);
    if (last && m.T < last.time) return this.problem('out-of-order');
    this.lastTrade.set(m.s, { price: p, time: m.T });
    const book = carried.mode === 'ltp' ? undefined : this.lastBook.get(m.s);
    this.handlers.onTick({ symbol: carried.symbol, ltp: p, ...(book && { bid: book.bid, ask: book.ask }), ts: m.T });
  }

  /** A book ticker carries no last price and no time: it updates bid/ask, and ticks once a trade gave the pair a price. */
  private onBook(m: Msg): void {
    const bid = price(m.b);
    const ask = price(m.a);
    if (typeof m.s !== 'string' || typeof m.u !== 'number' || bid === null || ask === null) return this.problem('malformed');
    const carried = this.carried.get(m.s);
    if (!carried || carried.mode === 'ltp') return;
    const before = this.lastBook.get(m.s);
    if (before && m.u <= before.updateId) return this.problem('out-of-order');
    this.lastBook.set(m.s, { bid, ask, updateId: m.u });
    const last = this.lastTrade.get(m.s);
    if (last) this.handlers.onTick({ symbol: carried.symbol, ltp: last.price, bid, ask, ts: this.ctx.clock.now() });
  }
}

/**
 * Binance's market-data capability. 1024 streams per connection, and quote mode takes two per pair (trade and book
 * ticker), so one socket carries 512 instruments. Binance has no per-account socket limit on public streams (300
 * connection attempts per 5 minutes per IP); the manager opens one.
 */
export const binanceMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: { instrumentsPerSocket: 512, socketsPerAccount: 1 },
  open: (ctx, handlers) => new BinanceMarketStream(ctx, handlers),
};
