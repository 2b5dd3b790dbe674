import type { Logger } from '../log/types';
import type { Scheduler, TimerHandle } from '../scheduler';
import type { PriceSource, StreamConsumer } from '../streaming/connection-feed';
import type { SubscriptionManager } from '../streaming/subscription-manager';
import type { Tick } from '../streaming/types';
import { toSafeError } from '../safe-error';

/** Panels show last, bid and ask: quote mode is the least that carries them. */
const STREAM_MODE = 'quote';
const NO_STREAM = 'No connected broker streams this symbol; its price is refreshed every few seconds.';

/** One streamed price as the renderer gets it (the shape of a polled quote). */
export interface LiveQuote {
  symbol: string;
  last: number;
  bid: number | null;
  ask: number | null;
  at: number;
}

/** Where one watched symbol's price comes from now, and why when it is not the stream. */
export interface WatchedSymbol {
  symbol: string;
  connectionId: string | null;
  source: PriceSource;
  /** Why this symbol is polled (no streaming connection, a broker limit...), in BrokerVault's words. */
  note: string | null;
}

export interface LiveQuotesBatch {
  quotes: LiveQuote[];
  /** Symbols whose source changed since the last batch (the stream stalled, or came back). */
  sources: { symbol: string; source: PriceSource }[];
}

export interface LiveQuotesDeps {
  streams: Pick<SubscriptionManager, 'subscribe' | 'release'>;
  /** The connection whose stream should price `symbol` now, or null when none can (then the renderer polls). */
  route(symbol: string): string | null;
  scheduler: Scheduler;
  /**
   * Ticks are held this long and sent as one batch, latest value per symbol: a few ms added to the latency
   * instead of one IPC message per tick. The renderer then coalesces again per animation frame.
   */
  flushMs: number;
  emit(batch: LiveQuotesBatch): void;
  log: Logger;
}

/** The renderer's live prices: the symbols its panels watch, streamed where a connection can, batched for IPC. */
export class LiveQuotes {
  private symbols: string[] = [];
  /** What is held per connection now, so a new watch list or a new route releases exactly what it replaces. */
  private readonly held = new Map<string, Set<string>>();
  private readonly routes = new Map<string, WatchedSymbol>();
  /** What the feed last said about each streamed symbol: 'poll' until its first tick, and again while it is down or stale. */
  private readonly feedSource = new Map<string, PriceSource>();
  private readonly pending = new Map<string, LiveQuote>();
  private readonly pendingSources = new Map<string, PriceSource>();
  private timer: TimerHandle | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private readonly consumer: StreamConsumer = {
    id: 'renderer',
    onTick: (tick) => this.onTick(tick),
    onSource: (symbol, source) => this.onSource(symbol, source),
  };

  constructor(private readonly deps: LiveQuotesDeps) {}

  /** Replace the watched set (the renderer sends all it shows; a reload simply sends it again). */
  watch(symbols: readonly string[]): WatchedSymbol[] {
    this.symbols = [...new Set(symbols)];
    return this.resubscribe();
  }

  /** Routes may have changed (a connection came, went, or the mode switched): move each symbol to its source now. */
  rewatch(): WatchedSymbol[] {
    return this.resubscribe();
  }

  watched(): WatchedSymbol[] {
    return this.symbols.flatMap((s) => {
      const route = this.routes.get(s);
      if (!route) return [];
      return route.connectionId === null ? [route] : [{ ...route, source: this.feedSource.get(s) ?? 'poll' }];
    });
  }

  dispose(): void {
    for (const [connectionId, symbols] of this.held) if (symbols.size > 0) this.deps.streams.release(connectionId, this.consumer.id, [...symbols]);
    this.held.clear();
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Subscribe what is new and release what is gone, per connection: a symbol that stays on the same socket is never
   * released in between (the manager counts holders per consumer, so a release would drop it).
   */
  private resubscribe(): WatchedSymbol[] {
    const wanted = new Map<string, string[]>();
    const next = new Map<string, WatchedSymbol>();
    for (const symbol of this.symbols) {
      const connectionId = this.deps.route(symbol);
      if (connectionId === null) next.set(symbol, { symbol, connectionId: null, source: 'poll', note: NO_STREAM });
      else wanted.set(connectionId, [...(wanted.get(connectionId) ?? []), symbol]);
    }
    for (const [connectionId, symbols] of wanted) {
      const held = this.held.get(connectionId) ?? new Set<string>();
      const added = symbols.filter((s) => !held.has(s));
      let refused: string | null = null;
      if (added.length > 0) {
        try {
          this.deps.streams.subscribe(connectionId, this.consumer, added, STREAM_MODE);
          for (const s of added) held.add(s);
        } catch (error) {
          refused = toSafeError(error).message;
        }
      }
      this.held.set(connectionId, held);
      for (const symbol of symbols) {
        if (held.has(symbol)) next.set(symbol, { symbol, connectionId, source: 'stream', note: null });
        else next.set(symbol, { symbol, connectionId: null, source: 'poll', note: refused });
      }
    }
    for (const [connectionId, held] of [...this.held]) {
      const keep = new Set(wanted.get(connectionId) ?? []);
      const gone = [...held].filter((s) => !keep.has(s));
      if (gone.length > 0) this.deps.streams.release(connectionId, this.consumer.id, gone);
      for (const s of gone) {
        held.delete(s);
        this.feedSource.delete(s);
      }
      if (held.size === 0) this.held.delete(connectionId);
    }
    this.routes.clear();
    for (const [symbol, route] of next) this.routes.set(symbol, route);
    for (const symbol of [...this.pending.keys()]) if (this.routes.get(symbol)?.connectionId == null) this.pending.delete(symbol);
    return this.watched();
  }

  private onTick(tick: Tick): void {
    if (!this.routes.has(tick.symbol)) return;
    // The manager reports 'stream' only when a symbol was polling; a first tick after subscribing is the stream too.
    if (this.feedSource.get(tick.symbol) !== 'stream') this.onSource(tick.symbol, 'stream');
    this.pending.set(tick.symbol, { symbol: tick.symbol, last: tick.ltp, bid: tick.bid ?? null, ask: tick.ask ?? null, at: tick.ts });
    this.arm();
  }

  private onSource(symbol: string, source: PriceSource): void {
    this.feedSource.set(symbol, source);
    this.pendingSources.set(symbol, source);
    this.arm();
  }

  /**
   * Leading edge: after a quiet spell the batch goes on the next turn; under a stream of ticks at most one batch
   * per `flushMs`. So a lone tick waits for nothing and a flood waits at most `flushMs`.
   */
  private arm(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFlushAt + this.deps.flushMs - this.deps.scheduler.now());
    this.timer = this.deps.scheduler.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = null;
    this.lastFlushAt = this.deps.scheduler.now();
    if (this.pending.size === 0 && this.pendingSources.size === 0) return;
    const batch: LiveQuotesBatch = {
      quotes: [...this.pending.values()],
      sources: [...this.pendingSources].map(([symbol, source]) => ({ symbol, source })),
    };
    this.pending.clear();
    this.pendingSources.clear();
    try {
      this.deps.emit(batch);
    } catch (error) {
      this.deps.log.warn('Live quotes could not be sent to the window', { error: error instanceof Error ? error.name : typeof error });
    }
  }
}
