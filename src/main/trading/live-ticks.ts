import { Emitter } from '../events';
import type { Disposable } from '../events';
import type { StreamConsumer } from '../streaming/connection-feed';
import type { Tick } from '../streaming/types';
import type { PriceStreams } from './price-streams';

/** The paper engine's consumer id at the subscription manager (one consumer object per connection's feed). */
export const PAPER_CONSUMER_ID = 'paper';

export interface HeldTick {
  connectionId: string;
  tick: Tick;
}

interface Held {
  connectionId: string;
  symbol: string;
  handle: Disposable;
  /** The feed told us to poll this symbol (socket down or stale) and no tick has come since. */
  polling: boolean;
}

/**
 * The paper engine's live subscriptions at the subscription manager, and which of their ticks are current. A tick
 * is current only while the feed is live and has not told us to poll that symbol since it came: after a drop and
 * reconnect the manager keeps the last tick from before the drop, which must not pass for a live price.
 */
export class LiveTicks {
  private readonly held = new Map<string, Held>();
  private readonly consumers = new Map<string, StreamConsumer>();
  private readonly didTick = new Emitter<HeldTick>();
  /** Each tick of a held symbol. */
  readonly onDidTick = this.didTick.event;

  constructor(private readonly streams: PriceStreams) {}

  /** Subscribe `symbol` at `connectionId` (ltp is all the engine needs); throws when the manager refuses. */
  hold(connectionId: string, symbol: string): void {
    const key = keyOf(connectionId, symbol);
    if (this.held.has(key)) return;
    // Registered first: the manager tells a new subscriber to poll at once when the socket is not open yet.
    const entry: Held = { connectionId, symbol, handle: { dispose: () => undefined }, polling: false };
    this.held.set(key, entry);
    try {
      entry.handle = this.streams.subscribe(connectionId, this.consumerFor(connectionId), [symbol], 'ltp');
    } catch (error) {
      this.held.delete(key);
      throw error;
    }
  }

  release(connectionId: string, symbol: string): void {
    const key = keyOf(connectionId, symbol);
    const entry = this.held.get(key);
    if (!entry) return;
    this.held.delete(key);
    entry.handle.dispose();
  }

  /** Held subscriptions, as [connectionId, symbol]. */
  list(): [string, string][] {
    return [...this.held.values()].map((h) => [h.connectionId, h.symbol]);
  }

  /** The latest tick of a held symbol while it is current (see the class comment), else null: poll instead. */
  current(connectionId: string, symbol: string): Tick | null {
    const entry = this.held.get(keyOf(connectionId, symbol));
    if (!entry || entry.polling || this.streams.status(connectionId) !== 'live') return null;
    return this.streams.latest(connectionId, symbol);
  }

  dispose(): void {
    for (const entry of this.held.values()) entry.handle.dispose();
    this.held.clear();
    this.didTick.dispose();
  }

  private consumerFor(connectionId: string): StreamConsumer {
    let consumer = this.consumers.get(connectionId);
    if (!consumer) {
      consumer = {
        id: PAPER_CONSUMER_ID,
        onTick: (tick) => {
          const entry = this.held.get(keyOf(connectionId, tick.symbol));
          if (!entry) return;
          entry.polling = false;
          this.didTick.fire({ connectionId, tick });
        },
        onSource: (symbol, source) => {
          const entry = this.held.get(keyOf(connectionId, symbol));
          if (entry) entry.polling = source === 'poll';
        },
      };
      this.consumers.set(connectionId, consumer);
    }
    return consumer;
  }
}

function keyOf(connectionId: string, symbol: string): string {
  return `${connectionId}\u0000${symbol}`;
}
