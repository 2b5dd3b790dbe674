import type { BrokerSocket, SocketEndReason } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem, Tick } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { decodeFrame, type KitePacket } from './ticker-packets';
import { openTickerSocket, readTickerText } from './ticker-socket';

/** What the adapter dropped without passing on, so a test or a log line can say how much. */
export interface KiteStreamCounters {
  malformed: number;
  unknown: number;
  /** `{"type":"error"}` notices that did not close the socket (e.g. past the instrument limit). */
  errors: number;
  /** Symbols the instrument master has no token for: skipped, never thrown. */
  unsupported: number;
  outOfOrder: number;
}

/**
 * Kite's limits (kite.trade/forum/discussion/6905): 3000 instruments per socket, 3 sockets per api_key. The app
 * opens one market socket per connection (and one order socket, see order-stream.ts), which leaves one for the
 * trader's own tools.
 */
export const KITE_STREAM_LIMITS = { instrumentsPerSocket: 3_000, socketsPerAccount: 3 } as const;

interface Carried {
  symbol: string;
  mode: StreamMode;
  lastTs: number;
}

const MAX_TOKEN = 0xffff_ffff;

/**
 * One Kite Ticker market socket: common symbols ↔ instrument tokens through the instrument master, subscribe and
 * mode requests as text JSON, binary packets decoded into ticks. StreamMode maps 1:1 to Kite's modes; only full mode
 * carries depth, so only it gives bid and ask.
 */
export class KiteMarketStream implements MarketStream {
  readonly counters: KiteStreamCounters = { malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 };
  private readonly socket: BrokerSocket | null;
  private readonly carried = new Map<number, Carried>();
  private readonly tokenOf = new Map<string, number>();
  private done = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
  ) {
    this.socket = openTickerSocket(ctx, {
      onOpen: () => this.onOpen(),
      onMessage: (data) => this.onMessage(data),
      onEnd: (reason) => this.finish(reason),
    });
    // No session to open with: the same outcome as a refused token, reported after open() has returned.
    if (!this.socket) ctx.scheduler.setTimeout(() => this.finish('auth'), 0);
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    const fresh: number[] = [];
    const tokens: number[] = [];
    for (const symbol of symbols) {
      const token = this.token(symbol);
      if (token === null) continue;
      const before = this.carried.get(token);
      if (!before) fresh.push(token);
      this.carried.set(token, { symbol, mode, lastTs: before?.lastTs ?? 0 });
      this.tokenOf.set(symbol, token);
      tokens.push(token);
    }
    this.request(fresh, tokens, mode);
  }

  unsubscribe(symbols: readonly string[]): void {
    const tokens: number[] = [];
    for (const symbol of symbols) {
      const token = this.tokenOf.get(symbol);
      if (token === undefined) continue;
      this.tokenOf.delete(symbol);
      this.carried.delete(token);
      tokens.push(token);
    }
    if (tokens.length > 0) this.send({ a: 'unsubscribe', v: tokens });
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  /** Subscribe the new tokens (Kite puts them in quote mode), then set the mode where quote is not what was asked. */
  private request(fresh: number[], tokens: number[], mode: StreamMode): void {
    if (fresh.length > 0) this.send({ a: 'subscribe', v: fresh });
    if (tokens.length > 0 && (mode !== 'quote' || fresh.length < tokens.length)) this.send({ a: 'mode', v: [mode, tokens] });
  }

  /** The instrument token of a common symbol, or null (counted) when the master does not know it. */
  private token(symbol: string): number | null {
    const token = Number(this.ctx.instruments.find(symbol)?.token);
    if (Number.isInteger(token) && token > 0 && token <= MAX_TOKEN) return token;
    this.counters.unsupported++;
    this.problem('unsupported');
    return null;
  }

  private send(message: object): void {
    this.socket?.send(JSON.stringify(message));
  }

  private problem(problem: StreamProblem): void {
    this.handlers.onProblem?.(problem);
  }

  private onOpen(): void {
    if (this.done) return;
    // Whatever was asked before the socket opened is sent now (send drops frames while connecting).
    const byMode = new Map<StreamMode, number[]>();
    for (const [token, c] of this.carried) byMode.set(c.mode, [...(byMode.get(c.mode) ?? []), token]);
    for (const [mode, tokens] of byMode) this.request(tokens, tokens, mode);
    this.handlers.onStatus({ state: 'open' });
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private onMessage(data: string | Buffer): void {
    if (this.done) return;
    if (typeof data === 'string') return this.onText(data);
    const frame = decodeFrame(data);
    for (let i = 0; i < frame.malformed; i++) {
      this.counters.malformed++;
      this.problem('malformed');
    }
    for (const packet of frame.packets) {
      if (this.done) return;
      this.onPacket(packet);
    }
  }

  private onText(text: string): void {
    const message = readTickerText(text);
    switch (message.kind) {
      case 'order': // the order stream's business (order-stream.ts); every ticker socket of the api_key gets them
      case 'message':
        return;
      case 'error':
        this.counters.errors++;
        return this.problem('error');
      case 'malformed':
        this.counters.malformed++;
        return this.problem('malformed');
      case 'unknown':
        this.counters.unknown++;
        return this.problem('unknown');
    }
  }

  private onPacket(packet: KitePacket): void {
    const carried = this.carried.get(packet.token);
    if (!carried) return; // a packet for a token just unsubscribed
    // No trade yet today (Kite sends 0) or a negative price: nothing a consumer could use, and not a broken frame.
    if (!(packet.lastPrice > 0)) return;
    const ts = packet.exchangeTime ?? packet.lastTradeTime ?? this.ctx.clock.now();
    if (ts < carried.lastTs) {
      this.counters.outOfOrder++;
      return this.problem('out-of-order');
    }
    carried.lastTs = ts;
    const tick: Tick = { symbol: carried.symbol, ltp: packet.lastPrice, ts };
    if (carried.mode !== 'ltp' && packet.volume !== undefined) tick.volume = packet.volume;
    if (carried.mode !== 'ltp' && packet.depth) {
      const bid = packet.depth.buy[0]?.price ?? 0;
      const ask = packet.depth.sell[0]?.price ?? 0;
      if (bid > 0) tick.bid = bid;
      if (ask > 0) tick.ask = ask;
    }
    this.handlers.onTick(tick);
  }
}

export const kiteMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: KITE_STREAM_LIMITS,
  open: (ctx, handlers) => new KiteMarketStream(ctx, handlers),
};
