import type { Disposable, Event } from '../events';
import type { Logger } from '../log/types';
import type { StreamConsumer } from '../streaming/connection-feed';
import type { Tick } from '../streaming/types';
import { connectionOrigin, originConnection, type PriceRequest, type SourcedPrice } from './paper';
import type { PriceStreams } from './price-streams';

/** The paper engine's consumer id at the subscription manager (one per connection's feed). */
export const PAPER_CONSUMER_ID = 'paper';

export interface PaperStreamingDeps {
  streams: PriceStreams;
  /** Which connection prices a symbol now, and whether one may (MarketPrices). */
  prices: { bestConnection(symbol: string): string | null; canPrice(connectionId: string, symbol: string): boolean };
  /** The paper desk: what it wants priced, and where live ticks go. */
  desk: { watchList(): PriceRequest[]; offerTick(symbol: string, priced: SourcedPrice): void };
  logger?: Logger;
}

/**
 * Live prices for the paper engine: each symbol with a resting order or a held position is subscribed at the
 * connection that prices it (its position's connection, else the best valid one for a flat symbol), so a resting
 * order fills on the tick that crosses it rather than on the next refresh. Symbols priced by the simulated feed are
 * not streamed. sync() runs after every change to the book or to connections: a subscription is released once no
 * order rests and no position needs it, or when its connection can no longer price the symbol. Where a connection
 * cannot stream (or its feed falls back to polling), the refresh timer's polled quotes go on filling orders.
 */
export class PaperStreaming {
  /** Live subscriptions by connection and symbol. */
  private readonly subscriptions = new Map<string, { connectionId: string; symbol: string; handle: Disposable }>();
  private readonly consumers = new Map<string, StreamConsumer>();
  /** Subscriptions the manager refused (the broker does not stream, or its limit): not retried until connections change. */
  private readonly refused = new Set<string>();

  constructor(private readonly deps: PaperStreamingDeps) {}

  /** Subscribe what the book needs now and release what it no longer does. */
  sync(): void {
    const wanted = new Map<string, { connectionId: string; symbol: string }>();
    for (const { symbol, from } of this.deps.desk.watchList()) {
      const connectionId = from === undefined ? this.deps.prices.bestConnection(symbol) : originConnection(from);
      if (connectionId === null || !this.deps.prices.canPrice(connectionId, symbol)) continue;
      wanted.set(keyOf(connectionId, symbol), { connectionId, symbol });
    }
    for (const [key, sub] of [...this.subscriptions]) {
      if (wanted.has(key)) continue;
      this.subscriptions.delete(key);
      sub.handle.dispose();
    }
    for (const [key, { connectionId, symbol }] of wanted) {
      if (this.subscriptions.has(key) || this.refused.has(key)) continue;
      try {
        const handle = this.deps.streams.subscribe(connectionId, this.consumerFor(connectionId), [symbol], 'ltp');
        this.subscriptions.set(key, { connectionId, symbol, handle });
      } catch (error) {
        this.refused.add(key);
        this.deps.logger?.debug('Paper prices for this symbol stay polled', {
          connectionId,
          symbol,
          reason: error instanceof Error ? error.name : typeof error,
        });
      }
    }
  }

  /** Connections changed (signed in or out, checked, removed): try refused subscriptions again, drop invalid ones. */
  connectionsChanged(): void {
    this.refused.clear();
    this.sync();
  }

  /** Symbols subscribed now, as "connectionId symbol" (for tests and diagnostics). */
  get subscribed(): string[] {
    return [...this.subscriptions.values()].map((s) => `${s.connectionId} ${s.symbol}`).sort();
  }

  dispose(): void {
    for (const sub of this.subscriptions.values()) sub.handle.dispose();
    this.subscriptions.clear();
  }

  private consumerFor(connectionId: string): StreamConsumer {
    let consumer = this.consumers.get(connectionId);
    if (!consumer) {
      consumer = { id: PAPER_CONSUMER_ID, onTick: (tick) => this.onTick(connectionId, tick) };
      this.consumers.set(connectionId, consumer);
    }
    return consumer;
  }

  /**
   * A tick counts only while this subscription is wanted: sync() drops it as soon as its connection stops being
   * valid, so a tick from a connection that can no longer price the symbol never reaches the engine.
   */
  private onTick(connectionId: string, tick: Tick): void {
    if (!this.subscriptions.has(keyOf(connectionId, tick.symbol))) return;
    this.deps.desk.offerTick(tick.symbol, { price: tick.ltp, source: connectionOrigin(connectionId) });
  }
}

function keyOf(connectionId: string, symbol: string): string {
  return `${connectionId}\u0000${symbol}`;
}

/**
 * Build the paper engine's live subscriptions and keep them in step: after every change to the paper book and to
 * connections. Used by createTrading; the tests wire it the same way.
 */
export function startPaperStreaming(deps: PaperStreamingDeps & { onDidChangeBook: Event<void>; onDidChangeConnections: Event<void> }): PaperStreaming {
  const streaming = new PaperStreaming(deps);
  deps.onDidChangeBook(() => streaming.sync());
  deps.onDidChangeConnections(() => streaming.connectionsChanged());
  streaming.sync();
  return streaming;
}
