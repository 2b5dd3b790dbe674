import type { Disposable } from '../../events';
import type { StreamConsumer } from '../../streaming/connection-feed';
import type { Logger } from '../../log/types';
import type { PriceStreams } from '../price-streams';

/** The managed exits' consumer id at the subscription manager. */
export const EXITS_CONSUMER_ID = 'exits';

interface Held {
  handle: Disposable;
  /** The manager told us to poll this symbol (socket down or stale) and no tick has come since. */
  polling: boolean;
}

/**
 * The live feed of managed exits: each armed exit's symbol subscribed (ltp) at the connection that prices it, through
 * the one subscription manager. `live()` says whether a symbol's ticks are current there; where they are not (no
 * stream, socket down, stale), the exit service polls quotes instead.
 */
export class ExitFeed {
  private readonly held = new Map<string, Held>();
  private readonly consumers = new Map<string, StreamConsumer>();
  /** Subscriptions the manager refused: not retried until sync() is told to. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly streams: PriceStreams | undefined,
    private readonly onTick: (connectionId: string, symbol: string, price: number) => void,
    private readonly log: Logger,
  ) {}

  /** Hold exactly these [connectionId, symbol] pairs. */
  sync(wanted: readonly (readonly [string, string])[], retryRefused = false): void {
    if (!this.streams) return;
    if (retryRefused) this.refused.clear();
    const keys = new Map(wanted.map(([c, s]) => [keyOf(c, s), [c, s] as const]));
    for (const [key, entry] of this.held) {
      if (keys.has(key)) continue;
      this.held.delete(key);
      entry.handle.dispose();
    }
    for (const [key, [connectionId, symbol]] of keys) {
      if (this.held.has(key) || this.refused.has(key)) continue;
      const entry: Held = { handle: { dispose: () => undefined }, polling: false };
      this.held.set(key, entry);
      try {
        entry.handle = this.streams.subscribe(connectionId, this.consumerFor(connectionId), [symbol], 'ltp');
      } catch (error) {
        this.held.delete(key);
        this.refused.add(key);
        this.log.debug('a managed exit is priced by polling', { connectionId, symbol, reason: error instanceof Error ? error.name : typeof error });
      }
    }
  }

  /** True while `symbol` streams current ticks at `connectionId`. */
  live(connectionId: string, symbol: string): boolean {
    const entry = this.held.get(keyOf(connectionId, symbol));
    return entry !== undefined && !entry.polling && this.streams?.status(connectionId) === 'live';
  }

  dispose(): void {
    for (const entry of this.held.values()) entry.handle.dispose();
    this.held.clear();
  }

  private consumerFor(connectionId: string): StreamConsumer {
    let consumer = this.consumers.get(connectionId);
    if (!consumer) {
      consumer = {
        id: EXITS_CONSUMER_ID,
        onTick: (tick) => {
          const entry = this.held.get(keyOf(connectionId, tick.symbol));
          if (!entry) return;
          entry.polling = false;
          this.onTick(connectionId, tick.symbol, tick.ltp);
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
