import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerError, type OrderRequest } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { openDatabase, type Db } from '../../src/main/store/db';
import { migrate } from '../../src/main/store/migrations';
import { DISPLAY_QUOTE_MAX_AGE_MS } from '../../src/main/trading/paper/price-source';
import {
  PaperBroker,
  SIMULATED,
  connectionOrigin,
  type PaperOrder,
  type PriceOrigin,
  type PriceRequest,
  type PriceSource,
  type SourcedPrice,
} from '../../src/main/trading/paper';

const BROKER = connectionOrigin('conn-a');

/**
 * Two feeds the test drives by hand, as MarketPrices has them: the simulated feed (always there) and one broker
 * connection that can go away. An unpinned request takes `best`; a pinned one its own feed or nothing.
 */
class TwoFeeds implements PriceSource {
  best: PriceOrigin = SIMULATED;
  brokerUp = true;
  readonly levels = new Map<PriceOrigin, number>([
    [SIMULATED, 100],
    [BROKER, 130],
  ]);
  /** When set, the next prices() call waits for it (an evaluation held mid-fetch). */
  hold: Promise<void> | null = null;
  calls = 0;
  /** Every request asked for, in order (to see which may reuse a recent quote). */
  readonly asked: PriceRequest[] = [];

  get simulated(): boolean {
    return !this.brokerUp;
  }

  describe(origin: PriceOrigin): string {
    return origin === SIMULATED ? 'simulated' : 'Broker A';
  }

  async prices(requests: readonly PriceRequest[]): Promise<Map<string, SourcedPrice>> {
    this.calls++;
    this.asked.push(...requests);
    const held = this.hold;
    this.hold = null;
    if (held) await held;
    const out = new Map<string, SourcedPrice>();
    for (const { symbol, from } of requests) {
      const feed = from ?? (this.best === BROKER && !this.brokerUp ? SIMULATED : this.best);
      if (feed === BROKER && !this.brokerUp) continue;
      out.set(symbol, { price: this.levels.get(feed)!, source: feed });
    }
    return out;
  }
}

const open: Db[] = [];
afterEach(() => open.splice(0).forEach((db) => db.open && db.close()));

function setup() {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'bv-paper-src-')));
  migrate(db);
  open.push(db);
  const clock = new ManualClock();
  const prices = new TwoFeeds();
  const updates: PaperOrder[] = [];
  const broker = new PaperBroker({ db, prices, clock, currency: 'USD', startingCash: 100_000, onUpdate: (o) => updates.push(...o) });
  return { db, clock, prices, broker, updates };
}

let seq = 0;
function req(partial: Partial<OrderRequest> & Pick<OrderRequest, 'symbol' | 'side' | 'quantity'>): OrderRequest {
  return { type: 'MARKET', clientOrderId: `s-${++seq}`, ...partial };
}

/** Let queued engine work (tick drains) run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('paper prices: a position is valued only on its own feed', () => {
  it('fills are priced from a fresh quote asked for the order; only display quotes may reuse one polled within the last second', async () => {
    const { broker, prices } = setup();
    prices.best = BROKER;
    const placed = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    // The order's own price goes ahead of display reads at the broker's rate limits (MarketPrices' urgent lane).
    expect(prices.asked.filter((r) => r.forOrder)).toEqual([expect.objectContaining({ symbol: 'US:X', forOrder: true })]);
    expect(prices.asked.every((r) => !r.maxAgeMs)).toBe(true);
    prices.asked.length = 0;
    await broker.modifyOrder(placed.brokerOrderId, { limitPrice: 2 });
    expect(prices.asked.filter((r) => r.forOrder)).toEqual([expect.objectContaining({ symbol: 'US:X', forOrder: true })]);
    prices.asked.length = 0;
    await broker.quotes(['US:X']);
    expect(prices.asked).toEqual([expect.objectContaining({ symbol: 'US:X', maxAgeMs: DISPLAY_QUOTE_MAX_AGE_MS })]);
    expect(prices.asked.some((r) => r.forOrder)).toBe(false);
    // Marks for positions and the account are reads, not an order's price.
    prices.asked.length = 0;
    await broker.positions();
    await broker.account();
    expect(prices.asked.some((r) => r.forOrder)).toBe(false);
  });

  it('bought on the simulated feed, it stays on it when a broker becomes the best feed (no P&L jump)', async () => {
    const { broker, prices } = setup();
    const ack = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 10 }));
    expect(await broker.getOrder({ brokerOrderId: ack.brokerOrderId })).toMatchObject({ averagePrice: 100, fillSource: SIMULATED });

    prices.best = BROKER; // a broker connects and prices US:X at 130
    const account = await broker.account();
    expect(account).toMatchObject({ unrealizedPnl: 0, equity: 100_000, simulatedPrices: true, unpricedSymbols: [] });
    expect(account.positionSources).toEqual([{ symbol: 'US:X', source: SIMULATED, label: 'simulated', priced: true }]);
    // More of the same symbol is bought on the position's feed too, never at the broker's price.
    const more = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 5 }));
    expect(await broker.getOrder({ brokerOrderId: more.brokerOrderId })).toMatchObject({ averagePrice: 100, fillSource: SIMULATED });
    expect(await broker.quotes(['US:X'])).toMatchObject([{ last: 100 }]);

    // Once flat, the symbol takes the best current feed again.
    await broker.placeOrder(req({ symbol: 'US:X', side: 'SELL', quantity: 15 }));
    const again = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 1 }));
    expect(await broker.getOrder({ brokerOrderId: again.brokerOrderId })).toMatchObject({ averagePrice: 130, fillSource: BROKER });
    expect((await broker.account()).positionSources).toEqual([{ symbol: 'US:X', source: BROKER, label: 'Broker A', priced: true }]);
  });

  it('bought on a broker feed, it is unpriced (at cost) while that broker is gone, never revalued at simulated prices', async () => {
    const { broker, prices } = setup();
    prices.best = BROKER;
    await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 10 }));
    prices.levels.set(BROKER, 131);
    expect(await broker.account()).toMatchObject({ unrealizedPnl: 10, simulatedPrices: false });

    prices.brokerUp = false; // the connection signs out
    const account = await broker.account();
    expect(account).toMatchObject({ unrealizedPnl: 0, marketValue: 1_300, unpricedSymbols: ['US:X'], simulatedPrices: false });
    expect(account.positionSources).toEqual([{ symbol: 'US:X', source: BROKER, label: 'Broker A', priced: false }]);
    expect(await broker.positions()).toMatchObject([{ symbol: 'US:X', lastPrice: null, unrealizedPnl: null }]);
    // Selling it would book a P&L across two feeds: refused, with the reason.
    const error = await broker.placeOrder(req({ symbol: 'US:X', side: 'SELL', quantity: 10 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).message).toBe('No price for US:X from Broker A, which prices your paper position in it; try again when that feed is back.');
    // Other symbols trade on the simulated feed meanwhile.
    expect(await broker.placeOrder(req({ symbol: 'US:Y', side: 'BUY', quantity: 1 }))).toMatchObject({ state: 'FILLED' });

    prices.brokerUp = true; // signed in again: valued on its own feed at once
    expect(await broker.account()).toMatchObject({ unrealizedPnl: 10, unpricedSymbols: [] });
  });

  it('a resting order on a held symbol ignores ticks and prices from another feed', async () => {
    const { broker, prices, updates } = setup();
    await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 1 })); // held on the simulated feed at 100
    const limit = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 95 }));
    expect(limit.state).toBe('OPEN');
    broker.offerTick('US:X', { price: 90, source: BROKER });
    await flush();
    expect(updates).toEqual([]);
    broker.offerTick('US:X', { price: 94, source: SIMULATED });
    await flush();
    expect(updates).toMatchObject([{ brokerOrderId: limit.brokerOrderId, state: 'FILLED', averagePrice: 95, fillSource: SIMULATED }]);
    expect(prices.calls).toBeGreaterThan(0);
  });
});

describe('paper prices: live ticks are evaluated one at a time, the latest winning', () => {
  it('ticks that arrive during an evaluation wait for it; the latest of them is applied after it, once', async () => {
    const { broker, prices, updates } = setup();
    prices.best = BROKER;
    prices.levels.set(BROKER, 105);
    const order = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 100 }));
    expect(order.state).toBe('OPEN');

    let release!: () => void;
    prices.hold = new Promise((resolve) => (release = resolve));
    prices.levels.set(BROKER, 104);
    const evaluation = broker.evaluate(); // holds mid-fetch at 104
    broker.offerTick('US:X', { price: 101, source: BROKER });
    broker.offerTick('US:X', { price: 98, source: BROKER }); // the latest: crosses
    await flush();
    expect(updates).toEqual([]); // nothing ran beside the held evaluation
    release();
    expect(await evaluation).toEqual([]); // its 104 found the order still open and did not fill it
    await flush();
    expect(updates).toMatchObject([{ brokerOrderId: order.brokerOrderId, state: 'FILLED', averagePrice: 100, fillSource: BROKER }]);
    expect(updates).toHaveLength(1);
  });

  it('of several ticks waiting, only the latest is applied', async () => {
    const { broker, prices, updates } = setup();
    prices.best = BROKER;
    prices.levels.set(BROKER, 105);
    const order = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 100 }));
    let release!: () => void;
    prices.hold = new Promise((resolve) => (release = resolve));
    const evaluation = broker.evaluate();
    broker.offerTick('US:X', { price: 99, source: BROKER }); // would fill, but is superseded
    broker.offerTick('US:X', { price: 101, source: BROKER });
    release();
    await evaluation;
    await flush();
    expect(updates).toEqual([]);
    expect((await broker.getOrder({ brokerOrderId: order.brokerOrderId }))?.state).toBe('OPEN');
  });

  it('a listener that fails on a tick fill leaves the fill booked and the queue working', async () => {
    const { db, clock, prices } = setup();
    prices.best = BROKER;
    const broker = new PaperBroker({
      db,
      prices,
      clock,
      accountId: 'throwing',
      currency: 'USD',
      startingCash: 1_000,
      onUpdate: () => {
        throw new Error('listener broke');
      },
    });
    const order = await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 100 }));
    broker.offerTick('US:X', { price: 99, source: BROKER });
    await flush();
    prices.levels.set(BROKER, 130);
    await expect(broker.getOrder({ brokerOrderId: order.brokerOrderId })).resolves.toMatchObject({ state: 'FILLED', averagePrice: 100 });
    await expect(broker.evaluate()).resolves.toEqual([]);
  });

  it('a stop fills at the price of the tick that crosses it', async () => {
    const { broker, prices, updates } = setup();
    prices.best = BROKER;
    await broker.placeOrder(req({ symbol: 'US:X', side: 'BUY', quantity: 2 })); // held on the broker at 130
    const stop = await broker.placeOrder(req({ symbol: 'US:X', side: 'SELL', quantity: 2, type: 'STOP', stopPrice: 125 }));
    broker.offerTick('US:X', { price: 125.5, source: BROKER });
    await flush();
    expect(updates).toEqual([]);
    broker.offerTick('US:X', { price: 124.35, source: BROKER });
    await flush();
    expect(updates).toMatchObject([{ brokerOrderId: stop.brokerOrderId, state: 'FILLED', averagePrice: 124.35, fillSource: BROKER }]);
    expect(broker.watchList()).toEqual([]);
  });
});
