import { strongestMode } from './modes';
import type { StreamMode } from './types';

/** What the socket must do after a change to the book: (re)subscribe symbols at a mode, and drop symbols. */
export interface SocketChanges {
  subscribe: Map<string, StreamMode>;
  unsubscribe: string[];
}

/**
 * Reference counts for one connection: which consumer wants which symbol in which mode. The socket carries each
 * symbol once, at the strongest mode any consumer needs; the last consumer to release a symbol drops it.
 */
export class SubscriptionBook {
  /** symbol → consumer id → the mode that consumer asked for. */
  private readonly holders = new Map<string, Map<string, StreamMode>>();
  /** symbol → the mode the socket carries it at (always the strongest of its holders'). */
  private readonly carried = new Map<string, StreamMode>();

  /** Symbols the socket carries. */
  get size(): number {
    return this.carried.size;
  }

  /** How many of `symbols` the socket does not carry yet. */
  countNew(symbols: readonly string[]): number {
    return new Set(symbols.filter((s) => !this.carried.has(s))).size;
  }

  /** `consumer` wants `symbols` in `mode` (asking again replaces its earlier mode for those symbols). */
  acquire(consumer: string, symbols: readonly string[], mode: StreamMode): SocketChanges {
    for (const symbol of symbols) {
      const holders = this.holders.get(symbol) ?? new Map<string, StreamMode>();
      holders.set(consumer, mode);
      this.holders.set(symbol, holders);
    }
    return this.reconcile(symbols);
  }

  /** `consumer` no longer wants `symbols`; symbols it did not hold are ignored. */
  release(consumer: string, symbols: readonly string[]): SocketChanges {
    for (const symbol of symbols) {
      const holders = this.holders.get(symbol);
      if (!holders) continue;
      holders.delete(consumer);
      if (holders.size === 0) this.holders.delete(symbol);
    }
    return this.reconcile(symbols);
  }

  /** Consumers holding `symbol`. */
  consumersOf(symbol: string): string[] {
    return [...(this.holders.get(symbol)?.keys() ?? [])];
  }

  /** Symbols `consumer` holds. */
  symbolsOf(consumer: string): string[] {
    return [...this.holders].filter(([, holders]) => holders.has(consumer)).map(([symbol]) => symbol);
  }

  has(symbol: string): boolean {
    return this.carried.has(symbol);
  }

  /** Everything the socket should carry, for a fresh socket after a reconnect. */
  wanted(): ReadonlyMap<string, StreamMode> {
    return this.carried;
  }

  private reconcile(symbols: readonly string[]): SocketChanges {
    const changes: SocketChanges = { subscribe: new Map(), unsubscribe: [] };
    for (const symbol of new Set(symbols)) {
      const target = strongestMode(this.holders.get(symbol)?.values() ?? []);
      const current = this.carried.get(symbol) ?? null;
      if (target === current) continue;
      if (target === null) {
        this.carried.delete(symbol);
        changes.unsubscribe.push(symbol);
      } else {
        this.carried.set(symbol, target);
        changes.subscribe.set(symbol, target);
      }
    }
    return changes;
  }
}

/** Group symbol→mode into one subscribe call per mode. */
export function byMode(subscriptions: ReadonlyMap<string, StreamMode>): Map<StreamMode, string[]> {
  const groups = new Map<StreamMode, string[]>();
  for (const [symbol, mode] of subscriptions) groups.set(mode, [...(groups.get(mode) ?? []), symbol]);
  return groups;
}
