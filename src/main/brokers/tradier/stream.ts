import { num } from '../json';
import type { BrokerSocket, SocketEndReason } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { errorLineReason, openAfterSession, splitEvents } from './stream-session';
import { toTradierSymbol } from './symbols';

/** No event (data or pong to the 30 s pings) for this long: the socket is dead even if TCP has not noticed. */
const SILENCE_MS = 75_000;

type Msg = Record<string, unknown>;

/**
 * One Tradier market-events socket: a session over REST, then the socket; every subscription change resends the
 * whole payload (a new payload replaces the subscription). Trades give the last price; quotes add bid/ask above ltp.
 */
export class TradierMarketStream implements MarketStream {
  private socket: BrokerSocket | null = null;
  private sessionid: string | null = null;
  private done = false;
  /** Tradier symbol → the common symbol asked for and its mode. */
  private readonly carried = new Map<string, { symbol: string; mode: StreamMode }>();
  private readonly lastTrade = new Map<string, { ltp: number; volume?: number }>();
  private readonly lastQuote = new Map<string, { bid: number; ask: number }>();
  /** The newest event time seen per symbol: an older event is stale news (counted, not passed on). */
  private readonly newest = new Map<string, number>();
  private sentPayload = '';

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
  ) {
    openAfterSession(ctx, 'markets', () => this.done, {
      silenceMs: SILENCE_MS,
      attach: (socket) => (this.socket = socket),
      onOpen: (sessionid) => {
        this.sessionid = sessionid;
        this.handlers.onStatus({ state: 'open' });
        this.sendPayload();
      },
      onMessage: (data) => this.onFrame(data),
      onEnd: (reason) => this.finish(reason),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    for (const symbol of symbols) {
      const tradier = this.tradierSymbol(symbol);
      if (tradier === null) continue;
      this.carried.set(tradier, { symbol, mode });
      if (mode === 'ltp') this.lastQuote.delete(tradier);
    }
    this.sendPayload();
  }

  unsubscribe(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      const tradier = this.tradierSymbol(symbol, false);
      if (tradier === null) continue;
      this.carried.delete(tradier);
      this.lastTrade.delete(tradier);
      this.lastQuote.delete(tradier);
      this.newest.delete(tradier);
    }
    this.sendPayload();
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  /** The Tradier ticker, or null (counted) for a symbol Tradier cannot stream: a throw would make the manager reopen forever. */
  private tradierSymbol(symbol: string, count = true): string | null {
    try {
      return toTradierSymbol(this.ctx, symbol);
    } catch {
      if (count) this.problem('unsupported');
      return null;
    }
  }

  /** The whole subscription in one payload: trades always, quotes when any symbol wants more than ltp. */
  private sendPayload(): void {
    if (this.done || this.sessionid === null || !this.socket?.isOpen) return;
    const symbols = [...this.carried.keys()].sort();
    const wantsQuotes = [...this.carried.values()].some((c) => c.mode !== 'ltp');
    // SECURITY: the session id is a short-lived credential: it goes into this payload only, never a log or a status.
    const payload = JSON.stringify({
      symbols,
      sessionid: this.sessionid,
      filter: wantsQuotes ? ['trade', 'quote'] : ['trade'],
      linebreak: true,
      validOnly: true,
      advancedDetails: true,
    });
    // Nothing subscribed yet, or nothing changed: Tradier needs no payload.
    if (payload === this.sentPayload || (symbols.length === 0 && this.sentPayload === '')) return;
    this.sentPayload = payload;
    this.socket.send(payload);
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

  private onFrame(data: string | Buffer): void {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    for (const line of splitEvents(text)) {
      if (this.done) return;
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        this.problem('malformed');
        continue;
      }
      if (typeof m !== 'object' || m === null || Array.isArray(m)) this.problem('malformed');
      else this.onEvent(m as Msg);
    }
  }

  private onEvent(m: Msg): void {
    if (typeof m.error === 'string') {
      this.problem('error');
      return this.finish(errorLineReason(m.error));
    }
    switch (m.type) {
      case 'trade':
        return this.onTrade(m);
      case 'quote':
        return this.onQuote(m);
      case 'summary':
      case 'timesale':
      case 'tradex':
        return; // not asked for; a payload from another client's filter is harmless
      default:
        this.problem('unknown');
    }
  }

  private onTrade(m: Msg): void {
    const price = num(m.price);
    const ts = num(m.date);
    if (typeof m.symbol !== 'string' || price === null || price <= 0 || ts === null) return this.problem('malformed');
    const carried = this.carried.get(m.symbol);
    if (!carried) return; // a trade for a symbol just unsubscribed
    if (this.outOfOrder(m.symbol, ts)) return;
    const volume = num(m.cvol) ?? undefined;
    this.lastTrade.set(m.symbol, { ltp: price, volume });
    if (carried.mode === 'ltp') return this.handlers.onTick({ symbol: carried.symbol, ltp: price, ts });
    const quote = this.lastQuote.get(m.symbol);
    this.handlers.onTick({ symbol: carried.symbol, ltp: price, ...quote, ...(volume !== undefined ? { volume } : {}), ts });
  }

  /** True (counted) when `ts` is older than an event already seen for this symbol. */
  private outOfOrder(symbol: string, ts: number): boolean {
    if (ts < (this.newest.get(symbol) ?? -Infinity)) {
      this.problem('out-of-order');
      return true;
    }
    this.newest.set(symbol, ts);
    return false;
  }

  /** A quote has no last price: it updates bid/ask, and ticks once a trade has given the symbol one. */
  private onQuote(m: Msg): void {
    const bid = num(m.bid);
    const ask = num(m.ask);
    const ts = Math.max(num(m.biddate) ?? 0, num(m.askdate) ?? 0);
    if (typeof m.symbol !== 'string' || bid === null || ask === null || ts === 0) return this.problem('malformed');
    const carried = this.carried.get(m.symbol);
    if (!carried || carried.mode === 'ltp' || this.outOfOrder(m.symbol, ts)) return;
    this.lastQuote.set(m.symbol, { bid, ask });
    const trade = this.lastTrade.get(m.symbol);
    if (trade) this.handlers.onTick({ symbol: carried.symbol, ltp: trade.ltp, bid, ask, ...(trade.volume !== undefined ? { volume: trade.volume } : {}), ts });
  }
}

/**
 * Tradier publishes no symbol limit ("ask for what you need"); 500 is BrokerVault's own cap and the simulator's.
 * One streaming session at a time per user.
 */
export const tradierMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: { instrumentsPerSocket: 500, socketsPerAccount: 1 },
  open: (ctx, handlers) => new TradierMarketStream(ctx, handlers),
};
