import { describe, expect, it } from 'vitest';
import type { BrokerAdapter, BrokerContext, Quote } from '../../src/main/brokers/types';
import { ManualClock, SECOND } from '../../src/main/clock';
import type { BrokerService } from '../../src/main/services/brokers';
import type { ConnectionService } from '../../src/main/services/connections';
import type { ConnectionView } from '../../src/shared/schemas';
import { MarketPrices } from '../../src/main/trading/market-prices';
import { DISPLAY_QUOTE_MAX_AGE_MS, SimulatedFeed } from '../../src/main/trading/paper/price-source';
import { rateLimits } from '../../src/main/brokers/types';
import { ARRIVAL_JITTER_MS, RateLimiter } from '../../src/main/services/rate-limiter';
import { ManualScheduler } from '../support/manual-scheduler';

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
  it('display reads of one symbol share one paced request (single-flight)', async () => {
    const t = setup();
    // Display readers: the quote panel, positions revaluation, the P&L curve's last point, a managed exit's poll.
    const displays = [
      t.prices.quotes([SYMBOL]),
      t.prices.prices([{ symbol: SYMBOL, maxAgeMs: DISPLAY_QUOTE_MAX_AGE_MS }]),
      t.prices.quotes([SYMBOL]),
      t.prices.quotes([SYMBOL]),
      t.prices.prices([{ symbol: SYMBOL, maxAgeMs: DISPLAY_QUOTE_MAX_AGE_MS }]),
    ];
    await t.flush();
    await t.second();
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
    const order = t.prices.prices([{ symbol: SYMBOL, forOrder: true }]);
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

/**
 * The same connection behind the real rate limiter (1 quote request a second, Angel One's), on a manual scheduler:
 * the order of requests is the limiter's, urgent lane included.
 */
function pacedByTheLimiter() {
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  const limiter = new RateLimiter(scheduler);
  const limits = rateLimits({ budgets: { quotes: [{ limit: 1, intervalMs: SECOND }] }, spend: () => ({ quotes: 1 }) });
  const conn = { id: 'conn-a', broker: 'angel-one', label: 'Angel', isActive: true, status: 'valid', isDefault: true } as unknown as ConnectionView;
  const connections = { list: () => [conn], find: (id: string) => (id === conn.id ? conn : null) } as unknown as ConnectionService;
  const sent: { symbols: string[]; at: number }[] = [];
  const adapter = {
    descriptor: { id: 'angel-one', region: 'IN', capabilities: ['equity'], fields: [] },
    quotes: async (_ctx: BrokerContext, symbols: string[]): Promise<Quote[]> => {
      sent.push({ symbols: [...symbols], at: clock.now() });
      return symbols.map((symbol) => ({ symbol, last: 1500, bid: null, ask: null, at: clock.now() }));
    },
  } as unknown as BrokerAdapter;
  const brokers = {
    adapterFor: () => adapter,
    call: async <T>(id: string, fn: (a: BrokerAdapter, ctx: BrokerContext) => Promise<T>, options: { urgent?: boolean } = {}): Promise<T> => {
      await limiter.gateFor(id, limits, options.urgent)({ method: 'GET', path: '/quote' });
      return fn(adapter, {} as BrokerContext);
    },
  } as unknown as BrokerService;
  const prices = new MarketPrices(connections, brokers, new SimulatedFeed(clock), undefined, clock);
  /** Move the manual clock until `done` holds (at most a minute); how long it took. */
  const until = async (done: () => boolean): Promise<number> => {
    const start = clock.now();
    while (!done() && clock.now() - start < 60 * SECOND) await scheduler.advance(50);
    return clock.now() - start;
  };
  return { prices, sent, until, clock };
}

describe('MarketPrices behind the rate limiter: an order is priced first', () => {
  const window = SECOND + ARRIVAL_JITTER_MS;

  it('an order passes display reads of other symbols still waiting for the quote budget', async () => {
    const t = pacedByTheLimiter();
    // The quote panel and the positions read five other symbols: one leaves at once, four wait a second each.
    const displays = ['NSE:TCS', 'NSE:SBIN', 'NSE:ITC', 'NSE:WIPRO', 'NSE:HDFCBANK'].map((symbol) => t.prices.quotes([symbol]));
    let priced = false;
    const order = t.prices.prices([{ symbol: SYMBOL, forOrder: true }]).then((m) => ((priced = true), m));
    const waited = await t.until(() => priced);
    // Without the urgent lane it went out sixth, after five paced windows; now it takes the next room.
    expect(waited).toBeLessThanOrEqual(window);
    expect((await order).get(SYMBOL)?.price).toBe(1500);
    expect(t.sent.map((r) => r.symbols[0])).toEqual(['NSE:TCS', SYMBOL]);
    await t.until(() => t.sent.length === 6);
    await Promise.all(displays);
    // The budget held for both: one request per window.
    for (let i = 1; i < t.sent.length; i++) expect(t.sent[i]!.at - t.sent[i - 1]!.at).toBeGreaterThanOrEqual(window);
  });

  it('an order does not join a display read of its own symbol that is still waiting: it asks in its own lane', async () => {
    const t = pacedByTheLimiter();
    const displays = ['NSE:TCS', 'NSE:SBIN', 'NSE:ITC', SYMBOL].map((symbol) => t.prices.quotes([symbol]));
    let priced = false;
    const order = t.prices.prices([{ symbol: SYMBOL, forOrder: true }]).then((m) => ((priced = true), m));
    expect(await t.until(() => priced)).toBeLessThanOrEqual(window);
    expect((await order).get(SYMBOL)?.price).toBe(1500);
    await t.until(() => t.sent.length === 5);
    await Promise.all(displays);
    // The display read still asked (it was queued first); the order's own request went out second.
    expect(t.sent.map((r) => r.symbols[0])).toEqual(['NSE:TCS', SYMBOL, 'NSE:SBIN', 'NSE:ITC', SYMBOL]);
  });

  it('a fresh read that prices no order (a position’s mark) waits in the read lane', async () => {
    const t = pacedByTheLimiter();
    const displays = ['NSE:TCS', 'NSE:SBIN', 'NSE:ITC'].map((symbol) => t.prices.quotes([symbol]));
    const mark = t.prices.prices([{ symbol: SYMBOL }]);
    await t.until(() => t.sent.length === 4);
    await Promise.all([...displays, mark]);
    expect(t.sent.map((r) => r.symbols[0])).toEqual(['NSE:TCS', 'NSE:SBIN', 'NSE:ITC', SYMBOL]);
  });

  it('two orders for one symbol share one urgent request', async () => {
    const t = pacedByTheLimiter();
    const display = t.prices.quotes(['NSE:TCS']);
    const orders = [t.prices.prices([{ symbol: SYMBOL, forOrder: true }]), t.prices.prices([{ symbol: SYMBOL, forOrder: true }])];
    await t.until(() => t.sent.length === 2);
    await Promise.all([display, ...orders]);
    expect(t.sent.map((r) => r.symbols)).toEqual([['NSE:TCS'], [SYMBOL]]);
  });
});
