import type { Event } from '../events';
import type { Logger } from '../log/types';
import type { LiveTicks } from './live-ticks';
import { connectionOrigin, originConnection, type PriceRequest, type SourcedPrice } from './paper';

export interface PaperStreamingDeps {
  ticks: LiveTicks;
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
  /** Subscriptions the manager refused (the broker does not stream, or its limit): not retried until connections change. */
  private readonly refused = new Set<string>();

  constructor(private readonly deps: PaperStreamingDeps) {
    // A tick counts only while its subscription is held: sync() releases it as soon as its connection stops being
    // valid, so a tick from a connection that can no longer price the symbol never reaches the engine.
    deps.ticks.onDidTick(({ connectionId, tick }) => deps.desk.offerTick(tick.symbol, { price: tick.ltp, source: connectionOrigin(connectionId) }));
  }

  /** Subscribe what the book needs now and release what it no longer does. */
  sync(): void {
    const wanted = new Map<string, [string, string]>();
    for (const { symbol, from } of this.deps.desk.watchList()) {
      const connectionId = from === undefined ? this.deps.prices.bestConnection(symbol) : originConnection(from);
      if (connectionId === null || !this.deps.prices.canPrice(connectionId, symbol)) continue;
      wanted.set(keyOf(connectionId, symbol), [connectionId, symbol]);
    }
    for (const [connectionId, symbol] of this.deps.ticks.list()) {
      if (!wanted.has(keyOf(connectionId, symbol))) this.deps.ticks.release(connectionId, symbol);
    }
    for (const [key, [connectionId, symbol]] of wanted) {
      if (this.refused.has(key)) continue;
      try {
        this.deps.ticks.hold(connectionId, symbol);
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
    return this.deps.ticks
      .list()
      .map(([c, s]) => `${c} ${s}`)
      .sort();
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
