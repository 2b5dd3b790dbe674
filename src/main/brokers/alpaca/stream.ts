import { BrokerSocket } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { dataBaseUrl } from './client';
import { ALPACA_DATA_URL } from './descriptor';
import { alpacaSymbol, parseTime } from './mapping';

/** Alpaca's stock market-data socket on the free IEX feed; paper and live keys use the same host (as REST data does). */
export const ALPACA_STREAM_URL = 'wss://stream.data.alpaca.markets/v2/iex';

/** What the adapter survived without passing it on, so a test or a log line can say how much was dropped. */
export interface AlpacaStreamCounters {
  malformed: number;
  unknown: number;
  /** Alpaca error messages that did not close the socket (400 invalid syntax, 401, 403, 409, 410 ...). */
  errors: number;
  /** Symbols asked for that this stock feed cannot carry (crypto, another market's): skipped, never thrown. */
  unsupported: number;
}

/** The real host for Alpaca's own URLs; a simulator or proxy override serves the stream on its own host. */
export function streamUrl(ctx: BrokerContext): string {
  const data = dataBaseUrl(ctx);
  if (data === ALPACA_DATA_URL) return ALPACA_STREAM_URL;
  return `${data.replace(/^http/, 'ws')}/v2/iex`;
}

type Msg = Record<string, unknown>;

/** No frame and no pong for this long (three pings): the socket is dead even if TCP has not noticed. */
export const STREAM_SILENCE_MS = 30_000;

const PROBLEM_COUNTER: Partial<Record<StreamProblem, keyof AlpacaStreamCounters>> = {
  malformed: 'malformed',
  unknown: 'unknown',
  error: 'errors',
  unsupported: 'unsupported',
};

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One market-data socket: auth by message, trades (and quotes above ltp) per symbol, ticks in the common form. */
export class AlpacaMarketStream implements MarketStream {
  readonly counters: AlpacaStreamCounters = { malformed: 0, unknown: 0, errors: 0, unsupported: 0 };
  private readonly socket: BrokerSocket;
  /** Alpaca symbol → the common symbol the manager asked for, and its mode. */
  private readonly carried = new Map<string, { symbol: string; mode: StreamMode }>();
  private readonly lastTrade = new Map<string, number>();
  private readonly lastQuote = new Map<string, { bid: number; ask: number }>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
    url = streamUrl(ctx),
  ) {
    this.socket = new BrokerSocket({
      url,
      scheduler: ctx.scheduler,
      // Alpaca sends nothing while no symbol trades: ping as its SDK does, and a missing pong means a dead socket.
      keepAlive: { everyMs: 10_000, send: 'ping-frame' },
      silenceMs: STREAM_SILENCE_MS,
      onOpen: () => undefined,
      onMessage: (data) => this.onFrame(data),
      onEnd: (reason) => handlers.onStatus({ state: 'closed', reason }),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    const trades: string[] = [];
    const quotes: string[] = [];
    const dropQuotes: string[] = [];
    for (const symbol of symbols) {
      const alpaca = this.stockSymbol(symbol);
      if (alpaca === null) continue;
      const before = this.carried.get(alpaca);
      this.carried.set(alpaca, { symbol, mode });
      trades.push(alpaca);
      if (mode !== 'ltp') quotes.push(alpaca);
      else if (before && before.mode !== 'ltp') dropQuotes.push(alpaca);
    }
    if (trades.length > 0) this.send({ action: 'subscribe', trades, quotes });
    // Down to ltp: stop the quotes this symbol no longer needs.
    if (dropQuotes.length > 0) this.send({ action: 'unsubscribe', quotes: dropQuotes });
  }

  unsubscribe(symbols: readonly string[]): void {
    const names = symbols.map((s) => this.stockSymbol(s)).filter((s): s is string => s !== null);
    if (names.length === 0) return;
    for (const name of names) {
      this.carried.delete(name);
      this.lastTrade.delete(name);
      this.lastQuote.delete(name);
    }
    this.send({ action: 'unsubscribe', trades: names, quotes: names });
  }

  close(): void {
    this.socket.close();
  }

  /**
   * The Alpaca ticker on the stock feed, or null (counted) for what it cannot carry: a throw here would make the
   * manager reopen the socket for a symbol that can never stream.
   */
  private stockSymbol(symbol: string): string | null {
    let alpaca: string;
    try {
      alpaca = alpacaSymbol(this.ctx, symbol);
    } catch {
      alpaca = '/';
    }
    if (alpaca.includes('/')) {
      this.problem('unsupported');
      return null;
    }
    return alpaca;
  }

  private send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Counted here (tests read it) and reported to the manager, which logs it. */
  private problem(kind: StreamProblem): void {
    const key = PROBLEM_COUNTER[kind];
    if (key) this.counters[key]++;
    this.handlers.onProblem?.(kind);
  }

  private onFrame(data: string | Buffer): void {
    let messages: unknown;
    try {
      messages = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    } catch {
      return this.problem('malformed');
    }
    if (!Array.isArray(messages)) return this.problem('malformed');
    for (const m of messages) {
      if (!this.socket.isOpen) return;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) this.problem('malformed');
      else this.onMessage(m as Msg);
    }
  }

  private onMessage(m: Msg): void {
    switch (m.T) {
      case 't':
        return this.onTrade(m);
      case 'q':
        return this.onQuote(m);
      case 'success':
        if (m.msg === 'connected') {
          // SECURITY: the key and secret go only into this message, never into a log or an error.
          this.send({ action: 'auth', key: this.ctx.credentials.apiKeyId ?? '', secret: this.ctx.credentials.apiSecretKey ?? '' });
        } else if (m.msg === 'authenticated') this.handlers.onStatus({ state: 'open' });
        return;
      case 'subscription':
        return;
      case 'error':
        return this.onError(m.code);
      default:
        this.problem('unknown');
    }
  }

  private onError(code: unknown): void {
    if (code === 402) return this.socket.end('auth');
    // 405 symbol limit, 406 connection limit: the broker refused this socket's request; the manager decides what next.
    if (code === 405 || code === 406) return this.socket.end('refused');
    this.problem('error');
  }

  private onTrade(m: Msg): void {
    const carried = typeof m.S === 'string' ? this.carried.get(m.S) : undefined;
    const ts = parseTime(typeof m.t === 'string' ? m.t : undefined);
    if (typeof m.S !== 'string' || !finite(m.p) || m.p <= 0 || ts === null) return this.problem('malformed');
    if (!carried) return; // a trade for a symbol just unsubscribed
    this.lastTrade.set(m.S, m.p);
    const quote = carried.mode === 'ltp' ? undefined : this.lastQuote.get(m.S);
    this.handlers.onTick({ symbol: carried.symbol, ltp: m.p, ...quote, ts });
  }

  /** A quote carries no last price: it updates bid/ask, and ticks once a trade has given the symbol a last price. */
  private onQuote(m: Msg): void {
    const ts = parseTime(typeof m.t === 'string' ? m.t : undefined);
    if (typeof m.S !== 'string' || !finite(m.bp) || !finite(m.ap) || ts === null) return this.problem('malformed');
    const carried = this.carried.get(m.S);
    if (!carried || carried.mode === 'ltp') return;
    const quote = { bid: m.bp, ask: m.ap };
    this.lastQuote.set(m.S, quote);
    const ltp = this.lastTrade.get(m.S);
    if (ltp !== undefined) this.handlers.onTick({ symbol: carried.symbol, ltp, ...quote, ts });
  }
}

/** Alpaca's market-data capability. The 30-symbol limit is the simulator's default; Alpaca's real one depends on the plan. */
export const alpacaMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: { instrumentsPerSocket: 30, socketsPerAccount: 1 },
  open: (ctx, handlers) => new AlpacaMarketStream(ctx, handlers),
};
