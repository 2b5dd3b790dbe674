import type { ConnectionView } from '../../shared/schemas';
import type { Quote } from '../brokers/types';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import type { PriceSource, SimulatedFeed } from './paper/price-source';
import { pricingConnection } from './price-routing';

/**
 * Prices for paper trading: a valid connected broker's market data where one can price the symbol
 * (paper trading on live prices), otherwise BrokerVault's built-in simulated feed, labelled as such.
 */
export class MarketPrices implements PriceSource {
  constructor(
    private readonly connections: ConnectionService,
    private readonly brokers: BrokerService,
    private readonly feed: SimulatedFeed,
  ) {}

  /** True while no valid connection could price anything: every price is simulated. */
  get simulated(): boolean {
    return this.connections.list().every((c) => !this.usable(c));
  }

  private usable(c: ConnectionView): boolean {
    return c.isActive && c.status === 'valid';
  }

  private sourceFor(symbol: string): ConnectionView | null {
    return pricingConnection(symbol, this.connections.list(), (c) => this.brokers.adapterFor(c.broker).descriptor);
  }

  async price(symbol: string): Promise<number> {
    return (await this.quotes([symbol])).quotes[0]!.last;
  }

  /** Quotes for several symbols; `simulated` is true when any of them came from the simulated feed. */
  async quotes(symbols: string[]): Promise<{ simulated: boolean; quotes: Quote[] }> {
    const out = new Map<string, Quote>();
    const bySource = new Map<string, string[]>();
    for (const symbol of symbols) {
      const source = this.sourceFor(symbol);
      if (source) bySource.set(source.id, [...(bySource.get(source.id) ?? []), symbol]);
    }
    await Promise.all(
      [...bySource].map(async ([id, list]) => {
        try {
          const quotes = await this.brokers.call(id, (a, ctx) => a.quotes(ctx, list), { needsInstruments: true });
          for (const q of quotes) out.set(q.symbol, q);
        } catch {
          // A broker that cannot price right now falls back to the simulated feed below.
        }
      }),
    );
    let simulated = false;
    for (const symbol of symbols) {
      if (out.has(symbol)) continue;
      simulated = true;
      out.set(symbol, { symbol, last: await this.feed.price(symbol), bid: null, ask: null, at: null });
    }
    return { simulated, quotes: symbols.map((s) => out.get(s)!) };
  }
}
