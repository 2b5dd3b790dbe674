import type { ConnectionView } from '../../shared/schemas';
import { systemClock, type Clock } from '../clock';
import type { Quote } from '../brokers/types';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import {
  DISPLAY_QUOTE_MAX_AGE_MS,
  SIMULATED,
  connectionOrigin,
  originConnection,
  type PriceOrigin,
  type PriceRequest,
  type PriceSource,
  type SimulatedFeed,
  type SourcedPrice,
} from './paper/price-source';
import type { Tick } from '../streaming/types';

import { covers, pricingConnection } from './price-routing';

/**
 * Prices for paper trading: a valid connected broker's market data where one can price the symbol
 * (paper trading on live prices: its streamed ticks while its feed is live, else its polled quotes),
 * otherwise BrokerVault's built-in simulated feed, labelled as such. A request pinned to one feed is
 * priced from that feed or not at all.
 */
export class MarketPrices implements PriceSource {
  /** Quote requests on their way to a broker, per connection and symbol: a second asker joins the first (single-flight). */
  private readonly inflight = new Map<string, { quote: Promise<Quote | undefined>; urgent: boolean }>();
  /** The last polled quote per connection and symbol, with when it arrived: display reads reuse it for a second. */
  private readonly recent = new Map<string, { quote: Quote; at: number }>();

  constructor(
    private readonly connections: ConnectionService,
    private readonly brokers: BrokerService,
    private readonly feed: SimulatedFeed,
    /** Current streamed ticks (LiveTicks), when the subscription manager is there. */
    private readonly ticks?: { current(connectionId: string, symbol: string): Tick | null },
    private readonly clock: Clock = systemClock,
  ) {}

  /** True while no valid connection could price anything: every price is simulated. */
  get simulated(): boolean {
    return this.connections.list().every((c) => !this.usable(c));
  }

  private usable(c: ConnectionView): boolean {
    return c.isActive && c.status === 'valid';
  }

  private covers(c: ConnectionView, symbol: string): boolean {
    return covers(this.brokers.adapterFor(c.broker).descriptor, symbol);
  }

  /** The connection that would price `symbol` now (the default one first), or null for the simulated feed. */
  bestConnection(symbol: string): string | null {
    return pricingConnection(symbol, this.connections.list(), (c) => this.brokers.adapterFor(c.broker).descriptor)?.id ?? null;
  }

  /** Whether this connection may price `symbol` now: it exists, is active and valid, and covers the symbol's market. */
  canPrice(connectionId: string, symbol: string): boolean {
    const c = this.connections.find(connectionId);
    return c !== null && this.usable(c) && this.covers(c, symbol);
  }

  /** What the trader calls a feed: "simulated", or the connection's label. */
  describe(origin: PriceOrigin): string {
    const id = originConnection(origin);
    if (id === null) return 'simulated';
    return this.connections.find(id)?.label ?? 'a removed connection';
  }

  async prices(requests: readonly PriceRequest[]): Promise<Map<string, SourcedPrice>> {
    const out = new Map<string, SourcedPrice>();
    const simulated: string[] = [];
    const fallback: string[] = [];
    const byConnection = new Map<string, string[]>();
    const maxAge = new Map<string, number>();
    const forOrder = new Set<string>();
    for (const { symbol, from, maxAgeMs, forOrder: order } of requests) {
      maxAge.set(symbol, Math.min(maxAge.get(symbol) ?? Infinity, maxAgeMs ?? 0));
      if (order) forOrder.add(symbol);
      const id = from === undefined ? this.bestConnection(symbol) : originConnection(from);
      if (id === null) {
        simulated.push(symbol);
      } else if (from !== undefined && !this.canPrice(id, symbol)) {
        // The position's own feed cannot price it now: it stays unpriced, never priced from another feed.
        continue;
      } else {
        byConnection.set(id, [...(byConnection.get(id) ?? []), symbol]);
        if (from === undefined) fallback.push(symbol);
      }
    }
    await Promise.all(
      [...byConnection].map(async ([id, symbols]) => {
        for (const q of (
          await this.fetchFrom(
            id,
            symbols,
            (s) => maxAge.get(s) ?? 0,
            (s) => forOrder.has(s),
          )
        ).values())
          out.set(q.symbol, { price: q.last, source: connectionOrigin(id) });
      }),
    );
    // A symbol with no feed of its own that no broker could price right now takes the simulated feed (labelled).
    for (const symbol of [...simulated, ...fallback.filter((s) => !out.has(s))]) {
      out.set(symbol, { price: await this.feed.price(symbol), source: SIMULATED });
    }
    return out;
  }

  /**
   * Quotes for several symbols from the feed a paper fill would use: `feedOf` names a held symbol's own feed (used
   * while it can price), others take the best current feed. `simulated` is true when any came from the simulated feed.
   */
  async quotes(symbols: string[], feedOf: (symbol: string) => PriceOrigin | undefined = () => undefined): Promise<{ simulated: boolean; quotes: Quote[] }> {
    const out = new Map<string, Quote>();
    const byConnection = new Map<string, string[]>();
    for (const symbol of symbols) {
      const id = this.quoteConnection(symbol, feedOf(symbol));
      if (id) byConnection.set(id, [...(byConnection.get(id) ?? []), symbol]);
    }
    await Promise.all(
      [...byConnection].map(async ([id, list]) => (await this.fetchFrom(id, list, () => DISPLAY_QUOTE_MAX_AGE_MS)).forEach((q) => out.set(q.symbol, q))),
    );
    let simulated = false;
    for (const symbol of symbols) {
      if (out.has(symbol)) continue;
      simulated = true;
      out.set(symbol, { symbol, last: await this.feed.price(symbol), bid: null, ask: null, at: null });
    }
    return { simulated, quotes: symbols.map((s) => out.get(s)!) };
  }

  private quoteConnection(symbol: string, feed: PriceOrigin | undefined): string | null {
    if (feed === SIMULATED) return null;
    const own = feed === undefined ? null : originConnection(feed);
    return own !== null && this.canPrice(own, symbol) ? own : this.bestConnection(symbol);
  }

  /**
   * One connection's prices: the current streamed tick where there is one, polled quotes for the rest. A symbol the
   * broker cannot price right now is left out. Polled quotes are paced by the broker's quote budget, so a symbol
   * already being fetched joins that request instead of queueing another; a display read (`maxAgeMs` > 0) also takes
   * a quote polled within that long. An order's price (`forOrderOf`) is the broker's quote fetched now, in the rate
   * limiter's urgent lane, so it passes display reads still waiting (it joins only another order's request).
   */
  private async fetchFrom(
    connectionId: string,
    symbols: string[],
    maxAgeOf: (symbol: string) => number = () => 0,
    forOrderOf: (symbol: string) => boolean = () => false,
  ): Promise<Map<string, Quote>> {
    const out = new Map<string, Quote>();
    for (const symbol of symbols) {
      const tick = this.ticks?.current(connectionId, symbol) ?? null;
      if (tick) out.set(symbol, { symbol, last: tick.ltp, bid: tick.bid ?? null, ask: tick.ask ?? null, at: tick.ts });
    }
    const now = this.clock.now();
    const waits: Promise<void>[] = [];
    const fresh = { display: [] as string[], order: [] as string[] };
    for (const symbol of symbols) {
      if (out.has(symbol)) continue;
      const key = quoteKey(connectionId, symbol);
      const kept = this.recent.get(key);
      const maxAgeMs = maxAgeOf(symbol);
      const forOrder = forOrderOf(symbol);
      if (!forOrder && maxAgeMs > 0 && kept && now - kept.at >= 0 && now - kept.at < maxAgeMs) {
        out.set(symbol, kept.quote);
        continue;
      }
      const pending = this.inflight.get(key);
      // A display read joins any request on its way; an order joins only another order's, which waits in its lane.
      if (pending && (pending.urgent || !forOrder)) waits.push(pending.quote.then((q) => void (q && out.set(symbol, q))));
      else (forOrder ? fresh.order : fresh.display).push(symbol);
    }
    for (const [list, urgent] of [
      [fresh.display, false],
      [fresh.order, true],
    ] as const) {
      if (list.length > 0) waits.push(...this.request(connectionId, list, urgent).map((one, i) => one.then((q) => void (q && out.set(list[i]!, q)))));
    }
    await Promise.all(waits);
    return out;
  }

  /** One quote request to the broker for `symbols`, recorded as in flight per symbol until it answers. */
  private request(connectionId: string, symbols: string[], urgent: boolean): Promise<Quote | undefined>[] {
    const request = this.brokers
      .call(connectionId, (a, ctx) => a.quotes(ctx, symbols), { needsInstruments: true, urgent })
      .then(
        (quotes) => {
          const got = new Map<string, Quote>();
          for (const q of quotes) if (symbols.includes(q.symbol) && Number.isFinite(q.last) && q.last > 0) got.set(q.symbol, q);
          const at = this.clock.now();
          for (const [symbol, quote] of got) this.recent.set(quoteKey(connectionId, symbol), { quote, at });
          return got;
        },
        // A broker that cannot price right now: the caller decides (simulated for a fresh symbol, unpriced for a pinned one).
        () => new Map<string, Quote>(),
      );
    return symbols.map((symbol) => {
      const key = quoteKey(connectionId, symbol);
      const entry = { quote: request.then((got) => got.get(symbol)), urgent };
      this.inflight.set(key, entry);
      void entry.quote.then(() => this.inflight.get(key) === entry && this.inflight.delete(key));
      return entry.quote;
    });
  }
}

function quoteKey(connectionId: string, symbol: string): string {
  return `${connectionId}\u0000${symbol}`;
}
