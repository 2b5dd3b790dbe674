import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem, Tick } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { dhanIdentity } from './client';
import { decodeFeedMessage, FEED_SEGMENTS, feedRequests, REQUEST_CODES, type FeedInstrument, type FeedPacket } from './feed-codec';
import { sessionExpiry } from './session';
import { feedUrl } from './stream-urls';

/** Up to 5000 instruments per connection and 5 connections per user (the manager opens one). */
export const DHAN_FEED_LIMITS = { instrumentsPerSocket: 5_000, socketsPerAccount: 5 };
/**
 * The server pings every 10 s (ws answers with pongs by itself, and every ping re-arms the watchdog): a socket
 * quiet for three and a half ping periods is dead even when TCP has not noticed.
 */
export const FEED_SILENCE_MS = 35_000;

/** The disconnect packet's reason, in the seam's words: 805 too many connections, 806 no data plan, 807–809 credentials. */
export function disconnectReason(code: number): SocketEndReason {
  if (code === 805 || code === 806) return 'refused';
  if (code === 807 || code === 808 || code === 809) return 'auth';
  return 'dropped';
}

export type DhanStreamCounters = Record<StreamProblem, number>;

export function emptyCounters(): DhanStreamCounters {
  return { malformed: 0, unknown: 0, error: 0, unsupported: 0, 'out-of-order': 0 };
}

interface Carried {
  symbol: string;
  mode: StreamMode;
  instrument: FeedInstrument;
  /** Exchange time (ms) of the last tick delivered for this instrument. */
  lastTs: number;
}

/** One live market feed socket: common symbols to ExchangeSegment/SecurityId, binary packets to ticks. */
export class DhanMarketStream implements MarketStream {
  readonly counters = emptyCounters();
  private socket: BrokerSocket | null = null;
  private done = false;
  /** "segment number:security id" (as the binary header says it) → what the manager asked for. */
  private readonly carried = new Map<string, Carried>();
  private readonly keyOf = new Map<string, string>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
  ) {
    let identity: { clientId: string; token: string };
    try {
      identity = dhanIdentity(ctx);
    } catch {
      this.endSoon('auth');
      return;
    }
    const expiry = sessionExpiry(ctx);
    // An expired token would only earn a disconnect packet (807): say so without dialling.
    if (expiry !== null && expiry <= ctx.clock.now()) {
      this.endSoon('auth');
      return;
    }
    // SECURITY: v2 takes the token in the query; BrokerSocket never logs the URL and no error here carries it.
    const url = `${feedUrl(ctx)}&token=${encodeURIComponent(identity.token)}&clientId=${encodeURIComponent(identity.clientId)}`;
    this.socket = new BrokerSocket({
      url,
      scheduler: ctx.scheduler,
      silenceMs: FEED_SILENCE_MS,
      onOpen: () => this.onOpen(),
      onMessage: (data) => this.onMessage(data),
      onEnd: (reason) => this.finish(reason),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    const moved = new Map<StreamMode, FeedInstrument[]>();
    const added: FeedInstrument[] = [];
    for (const symbol of symbols) {
      const found = this.instrumentFor(symbol);
      if (!found) continue;
      const before = this.carried.get(found.key);
      if (before?.mode === mode) continue;
      if (!before && this.carried.size >= DHAN_FEED_LIMITS.instrumentsPerSocket) {
        this.problem('unsupported');
        continue;
      }
      if (before) push(moved, before.mode, before.instrument);
      this.carried.set(found.key, { symbol, mode, instrument: found.instrument, lastTs: before?.lastTs ?? 0 });
      this.keyOf.set(symbol, found.key);
      added.push(found.instrument);
    }
    // A mode change is an unsubscribe in the old mode, then a subscribe in the new one.
    for (const [old, list] of moved) this.request(REQUEST_CODES[old] + 1, list);
    this.request(REQUEST_CODES[mode], added);
  }

  unsubscribe(symbols: readonly string[]): void {
    const byMode = new Map<StreamMode, FeedInstrument[]>();
    for (const symbol of symbols) {
      const key = this.keyOf.get(symbol);
      const carried = key === undefined ? undefined : this.carried.get(key);
      if (!key || !carried) continue;
      this.carried.delete(key);
      this.keyOf.delete(symbol);
      push(byMode, carried.mode, carried.instrument);
    }
    for (const [mode, list] of byMode) this.request(REQUEST_CODES[mode] + 1, list);
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  /** The feed's instrument for a common symbol, or null (counted) for one the scrip master or the feed cannot carry. */
  private instrumentFor(symbol: string): { key: string; instrument: FeedInstrument } | null {
    const instrument = this.ctx.instruments.find(symbol.toUpperCase());
    const segment = instrument ? FEED_SEGMENTS[instrument.segment] : undefined;
    if (!instrument || segment === undefined || !/^\d+$/.test(instrument.token)) {
      // A throw would make the manager reopen the socket for a symbol that can never stream.
      this.problem('unsupported');
      return null;
    }
    return { key: `${segment}:${Number(instrument.token)}`, instrument: { ExchangeSegment: instrument.segment, SecurityId: instrument.token } };
  }

  private request(code: number, instruments: readonly FeedInstrument[]): void {
    if (instruments.length === 0 || !this.socket?.isOpen) return;
    for (const text of feedRequests(code, instruments)) this.socket.send(text);
  }

  private onOpen(): void {
    if (this.done) return;
    // Symbols asked for while the socket was connecting go out first: those the manager sends once it hears 'open'
    // are then already carried in their mode, so nothing is requested twice.
    const byMode = new Map<StreamMode, FeedInstrument[]>();
    for (const c of this.carried.values()) push(byMode, c.mode, c.instrument);
    for (const [mode, list] of byMode) this.request(REQUEST_CODES[mode], list);
    this.handlers.onStatus({ state: 'open' });
  }

  private onMessage(data: string | Buffer): void {
    if (this.done) return;
    // The feed answers only in binary; a text frame is nothing this client knows.
    if (typeof data === 'string') return this.problem('unknown');
    const message = decodeFeedMessage(data);
    for (let i = 0; i < message.malformed; i++) this.problem('malformed');
    for (let i = 0; i < message.unknown; i++) this.problem('unknown');
    for (const packet of message.packets) {
      if (this.done) return;
      this.onPacket(packet);
    }
  }

  private onPacket(packet: FeedPacket): void {
    if (packet.kind === 'disconnect') {
      this.socket?.end(disconnectReason(packet.reason));
      return;
    }
    if (packet.kind !== 'ticker' && packet.kind !== 'quote' && packet.kind !== 'full') return; // OI, previous close, market status
    const carried = this.carried.get(`${packet.segment}:${packet.securityId}`);
    if (!carried) return; // an instrument just unsubscribed
    // No trade yet today: nothing to show.
    if (packet.ltp <= 0) return;
    // LTT is epoch seconds (the SDK reads it as UTC); none yet means the receive time.
    const ts = packet.ltt > 0 ? packet.ltt * 1000 : this.ctx.clock.now();
    if (ts < carried.lastTs) return this.problem('out-of-order');
    carried.lastTs = ts;
    const tick: Tick = { symbol: carried.symbol, ltp: packet.ltp, ts };
    if (carried.mode !== 'ltp' && packet.kind !== 'ticker') tick.volume = packet.volume;
    if (carried.mode === 'full' && packet.kind === 'full') {
      const best = packet.depth[0]!;
      if (best.bid > 0) tick.bid = best.bid;
      if (best.ask > 0) tick.ask = best.ask;
    }
    this.handlers.onTick(tick);
  }

  private problem(problem: StreamProblem): void {
    this.counters[problem]++;
    this.handlers.onProblem?.(problem);
  }

  /** Report a close that happened before any socket existed, after open() has returned (as a socket's would). */
  private endSoon(reason: SocketEndReason): void {
    queueMicrotask(() => this.finish(reason));
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus({ state: 'closed', reason });
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export const dhanMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: DHAN_FEED_LIMITS,
  open: (ctx, handlers) => new DhanMarketStream(ctx, handlers),
};
