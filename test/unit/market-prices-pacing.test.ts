import { describe, expect, it } from 'vitest';
import type { BrokerAdapter, BrokerContext, Quote } from '../../src/main/brokers/types';
import { ManualClock, SECOND } from '../../src/main/clock';
import type { BrokerService } from '../../src/main/services/brokers';
import type { ConnectionService } from '../../src/main/services/connections';
import type { ConnectionView } from '../../src/shared/schemas';
import { MarketPrices } from '../../src/main/trading/market-prices';
import { DISPLAY_QUOTE_MAX_AGE_MS, SimulatedFeed } from '../../src/main/trading/paper/price-source';

const SYMBOL = 'NSE:INFY';

/**
 * One Angel One-like connection whose quote endpoint is paced at one request a second, as limits.ts holds it: every
 * brokerCalls request queues, and `second()` moves the manual clock on a second and lets the next one through.
 */
function setup() {
  const clock = new ManualClock();
  const conn = { id: 'conn-a', broker: 'angel-one', label: 'Angel', isActive: true, status: 'valid', isDefault: true } as unknown as ConnectionView;
  const connections = { list: () => [conn], find: (id: string) => (id === conn.id ? conn : null) } as unknown as ConnectionService;
  const requests: string[][] = [];
  let level = 1500;
  let fail = false;
  const adapter = {
    descriptor: { id: 'angel-one', region: 'IN', capabilities: ['equity'], fields: [] },
    quotes: async (_ctx: BrokerContext, symbols: string[]): Promise<Quote[]> => {
      requests.push([...symbols]);
      if (fail) {
        fail = false;
        throw new Error('quote endpoint down');
      }
      return symbols.map((symbol) => ({ symbol, last: level, bid: null, ask: null, at: clock.now() }));
    },
  } as unknown as BrokerAdapter;
  const queue: Array<() => void> = [];
  const brokers = {
    adapterFor: () => adapter,
    call: async <T>(_id: string, fn: (a: BrokerAdapter, ctx: BrokerContext) => Promise<T>): Promise<T> => {
      await new Promise<void>((release) => queue.push(release));
      return fn(adapter, {} as BrokerContext);
    },
  } as unknown as BrokerService;
  const prices = new MarketPrices(connections, brokers, new SimulatedFeed(clock), undefined, clock);
  const flush = () => new Promise<void>((r) => setTimeout(r, 0));
  /** One paced second: the clock moves on and the next queued quote request goes to the broker. */
  const second = async () => {
    clock.advance(SECOND);
    queue.shift()?.();
    await flush();
  };
  return { clock, prices, requests, queue, second, flush, setLevel: (p: number) => (level = p), failNext: () => (fail = true) };
}

describe('MarketPrices under a 1 request/second quote budget', () => {
  it('prices a paper order within one paced request, not behind a queue of display reads of the same symbol', async () => {
    const t = setup();
    // Display readers: the quote panel, positions revaluation, the P&L curve's last point, a managed exit's poll.
    const displays = [
      t.prices.quotes([SYMBOL]),
      t.prices.prices([{ symbol: SYMBOL }]),
      t.prices.quotes([SYMBOL]),
      t.prices.quotes([SYMBOL]),
      t.prices.prices([{ symbol: SYMBOL }]),
    ];
    await t.flush();
    let pricedAfter: number | null = null;
    const start = t.clock.now();
    const order = t.prices.prices([{ symbol: SYMBOL }]).then((m) => {
      pricedAfter = t.clock.now() - start;
      return m;
    });
    for (let i = 0; i < 10 && pricedAfter === null; i++) await t.second();
    expect(pricedAfter).not.toBeNull();
    expect(pricedAfter!).toBeLessThanOrEqual(SECOND);
    expect((await order).get(SYMBOL)?.price).toBe(1500);
    for (const q of await Promise.all(displays)) {
      const price = 'quotes' in q ? q.quotes[0]?.last : (q as Map<string, { price: number }>).get(SYMBOL)?.price;
      expect(price).toBe(1500);
    }
    expect(t.requests).toHaveLength(1);
  });

  it('lets display reads reuse a quote fetched within the last second, while an order always asks afresh', async () => {
    const t = setup();
    const first = t.prices.quotes([SYMBOL]);
    await t.flush();
    await t.second();
    expect((await first).quotes[0]?.last).toBe(1500);
    t.setLevel(1510);
    // Half a second on: a display read reuses it without spending the budget.
    t.clock.advance(SECOND / 2);
    expect((await t.prices.quotes([SYMBOL])).quotes[0]?.last).toBe(1500);
    // So does a paper venue's display quote (PaperBroker.quotes asks with maxAgeMs).
    expect((await t.prices.prices([{ symbol: SYMBOL, maxAgeMs: DISPLAY_QUOTE_MAX_AGE_MS }])).get(SYMBOL)?.price).toBe(1500);
    expect(t.requests).toHaveLength(1);
    // An order is never priced from the reused quote: it takes its own request and the broker's current price.
    const order = t.prices.prices([{ symbol: SYMBOL }]);
    await t.flush();
    await t.second();
    expect((await order).get(SYMBOL)?.price).toBe(1510);
    expect(t.requests).toHaveLength(2);
    // Past a second, a display read asks again.
    t.setLevel(1520);
    t.clock.advance(SECOND + 1);
    const late = t.prices.quotes([SYMBOL]);
    await t.flush();
    await t.second();
    expect((await late).quotes[0]?.last).toBe(1520);
    expect(t.requests).toHaveLength(3);
  });

  it('keeps no failed request: the next read asks the broker again', async () => {
    const t = setup();
    t.failNext();
    const failing = t.prices.quotes([SYMBOL]);
    await t.flush();
    await t.second();
    // The broker could not price it: the display read is labelled simulated, and nothing was kept.
    expect((await failing).simulated).toBe(true);
    const again = t.prices.quotes([SYMBOL]);
    await t.flush();
    await t.second();
    expect(await again).toEqual({ simulated: false, quotes: [expect.objectContaining({ last: 1500 })] });
    expect(t.requests).toHaveLength(2);
  });
});
