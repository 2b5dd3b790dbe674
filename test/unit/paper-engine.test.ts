import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerError, type OrderRequest } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { openDatabase, type Db } from '../../src/main/store/db';
import { migrate } from '../../src/main/store/migrations';
import {
  PaperBroker,
  SimulatedFeed,
  connectionOrigin,
  pricesFromOneFeed,
  simulatedBase,
  simulatedPriceAt,
  type PaperOrder,
  type PriceRequest,
  type PriceSource,
  type SourcedPrice,
} from '../../src/main/trading/paper';

const FEED = connectionOrigin('scripted');
import { toMinor } from '../../src/main/trading/paper/money';

/** Prices the test sets by hand, all from one feed; a symbol with no price fails like an unreachable feed. */
class ScriptedPrices implements PriceSource {
  readonly simulated = false;
  private readonly map = new Map<string, number>();
  set(symbol: string, price: number): this {
    this.map.set(symbol, price);
    return this;
  }
  async price(symbol: string): Promise<number> {
    const p = this.map.get(symbol);
    if (p === undefined) throw new Error(`no price for ${symbol}`);
    return p;
  }
  prices(requests: readonly PriceRequest[]): Promise<Map<string, SourcedPrice>> {
    return pricesFromOneFeed(requests, FEED, (symbol) => this.price(symbol));
  }
  describe(): string {
    return 'the scripted feed';
  }
}

const open: Db[] = [];
afterEach(() => open.splice(0).forEach((db) => db.open && db.close()));

function freshDb(): { dir: string; db: Db } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-paper-'));
  const db = openDatabase(dir);
  migrate(db); // migration 5 creates the paper tables
  open.push(db);
  return { dir, db };
}

function setup(startingCash = 100_000, currency = 'USD') {
  const { dir, db } = freshDb();
  const clock = new ManualClock();
  const prices = new ScriptedPrices();
  const updates: PaperOrder[] = [];
  const broker = new PaperBroker({ db, prices, clock, currency, startingCash, onUpdate: (o) => updates.push(...o) });
  return { dir, db, clock, prices, broker, updates };
}

let seq = 0;
function req(partial: Partial<OrderRequest> & Pick<OrderRequest, 'symbol' | 'side' | 'quantity'>): OrderRequest {
  return { type: 'MARKET', clientOrderId: `c-${++seq}`, ...partial };
}

async function rejection(p: Promise<unknown>): Promise<BrokerError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BrokerError);
  return error as BrokerError;
}

describe('paper broker: fills', () => {
  it('fills a market order at the current price and moves cash into the position', async () => {
    const { broker, prices } = setup();
    prices.set('US:AAPL', 150.25);
    const ack = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10 }));
    expect(ack.state).toBe('FILLED');
    const order = await broker.getOrder({ brokerOrderId: ack.brokerOrderId });
    expect(order).toMatchObject({ state: 'FILLED', filledQuantity: 10, averagePrice: 150.25 });
    expect(await broker.positions()).toEqual([{ symbol: 'US:AAPL', quantity: 10, averagePrice: 150.25, lastPrice: 150.25, unrealizedPnl: 0, realizedPnl: 0 }]);
    expect(await broker.funds()).toEqual({ available: 98_497.5, used: 0, total: 98_497.5, currency: 'USD' });
  });

  it('rests a limit buy until the clock-driven simulated price falls to it, then fills at the limit', async () => {
    const { db } = freshDb();
    const clock = new ManualClock();
    const symbol = 'NSE:INFY';
    const broker = new PaperBroker({ db, clock, prices: new SimulatedFeed(clock), currency: 'INR', startingCash: 1_000_000 });
    const start = simulatedPriceAt(symbol, clock.now());
    const limit = Math.round(start * 0.985 * 100) / 100;
    // The path is deterministic: find, minute by minute, when it first reaches the limit.
    let minutes = 1;
    while (simulatedPriceAt(symbol, clock.now() + minutes * 60_000) > limit) minutes++;
    expect(minutes).toBeGreaterThan(1);
    expect(minutes).toBeLessThan(120);

    const ack = await broker.placeOrder(req({ symbol, side: 'BUY', quantity: 5, type: 'LIMIT', limitPrice: limit }));
    expect(ack.state).toBe('OPEN');
    expect((await broker.funds()).used).toBe(Number((5 * limit).toFixed(2)));
    clock.advance((minutes - 1) * 60_000);
    expect(await broker.evaluate()).toEqual([]);
    clock.advance(60_000);
    const changed = await broker.evaluate();
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ brokerOrderId: ack.brokerOrderId, state: 'FILLED', averagePrice: limit, filledQuantity: 5 });
    expect((await broker.funds()).used).toBe(0);
  });

  it('fills a resting sell limit at the limit price once the price reaches it', async () => {
    const { broker, prices, updates } = setup();
    prices.set('US:MSFT', 400);
    await broker.placeOrder(req({ symbol: 'US:MSFT', side: 'BUY', quantity: 3 }));
    const ack = await broker.placeOrder(req({ symbol: 'US:MSFT', side: 'SELL', quantity: 3, type: 'LIMIT', limitPrice: 410 }));
    expect(ack.state).toBe('OPEN');
    prices.set('US:MSFT', 409.99);
    expect(await broker.evaluate()).toEqual([]);
    prices.set('US:MSFT', 412);
    const [filled] = await broker.evaluate();
    expect(filled).toMatchObject({ state: 'FILLED', averagePrice: 410, realizedPnl: 30 });
    expect(updates.map((o) => o.brokerOrderId)).toEqual([ack.brokerOrderId]);
  });

  it('triggers a sell stop when the price falls to it and fills at the market', async () => {
    const { broker, prices } = setup();
    prices.set('US:TSLA', 100);
    await broker.placeOrder(req({ symbol: 'US:TSLA', side: 'BUY', quantity: 10 }));
    const ack = await broker.placeOrder(req({ symbol: 'US:TSLA', side: 'SELL', quantity: 10, type: 'STOP', stopPrice: 95 }));
    expect(ack.state).toBe('OPEN');
    prices.set('US:TSLA', 95.01);
    expect(await broker.evaluate()).toEqual([]);
    prices.set('US:TSLA', 93.5);
    const [filled] = await broker.evaluate();
    expect(filled).toMatchObject({ state: 'FILLED', averagePrice: 93.5, realizedPnl: -65, stopPrice: 95 });
    expect(filled!.triggeredAt).not.toBeNull();
  });

  it('triggers a stop-limit buy, rests it as a limit, and fills at the limit', async () => {
    const { broker, prices } = setup();
    prices.set('US:NVDA', 100);
    const ack = await broker.placeOrder(req({ symbol: 'US:NVDA', side: 'BUY', quantity: 2, type: 'STOP_LIMIT', stopPrice: 105, limitPrice: 106 }));
    prices.set('US:NVDA', 107); // stop crossed, but above the limit
    const [triggered] = await broker.evaluate();
    expect(triggered).toMatchObject({ brokerOrderId: ack.brokerOrderId, state: 'OPEN' });
    expect(triggered!.triggeredAt).not.toBeNull();
    prices.set('US:NVDA', 104); // below the stop again: a triggered order stays a limit
    const [filled] = await broker.evaluate();
    expect(filled).toMatchObject({ state: 'FILLED', averagePrice: 106 });
  });

  it('cancels an unfilled IOC limit at once', async () => {
    const { broker, prices } = setup();
    prices.set('US:AAPL', 150);
    const ack = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 140, timeInForce: 'IOC' }));
    expect(ack.state).toBe('CANCELLED');
    expect((await broker.funds()).used).toBe(0);
  });
});

describe('paper broker: P&L', () => {
  it('realises P&L on a partial reduction against the average price', async () => {
    const { broker, prices } = setup();
    prices.set('US:AAPL', 100);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10 }));
    prices.set('US:AAPL', 110);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10 }));
    prices.set('US:AAPL', 120);
    const ack = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 5 }));
    expect((await broker.getOrder({ brokerOrderId: ack.brokerOrderId }))!.realizedPnl).toBe(75);
    const [pos] = await broker.positions();
    expect(pos).toEqual({ symbol: 'US:AAPL', quantity: 15, averagePrice: 105, lastPrice: 120, unrealizedPnl: 225, realizedPnl: 75 });
    expect((await broker.account()).cash).toBe(100_000 - 1000 - 1100 + 600);
  });

  it('marks unrealised P&L to the current price and keeps equity = starting + realised + unrealised', async () => {
    const { broker, prices } = setup();
    prices.set('US:AAPL', 100).set('CRYPTO:BTCUSDT', 43_000.12);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 15 }));
    await broker.placeOrder(req({ symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 0.015 }));
    prices.set('US:AAPL', 130).set('CRYPTO:BTCUSDT', 41_999.99);
    const account = await broker.account();
    expect(account.unrealizedPnl).toBe(Number((450 + 0.015 * (41_999.99 - 43_000.12)).toFixed(2)));
    expect(account).toMatchObject({ realizedPnl: 0, simulatedPrices: false, unpricedSymbols: [] });
    expect(account.equity).toBe(Number((account.startingCash + account.realizedPnl + account.unrealizedPnl).toFixed(2)));
    expect(account.equity).toBe(Number((account.cash + account.marketValue).toFixed(2)));
  });

  it('does not drift over many awkward fractional trades', async () => {
    const { broker, prices } = setup(10_000);
    const symbol = 'CRYPTO:ETHUSDT';
    for (let i = 0; i < 30; i++) {
      prices.set(symbol, 100.333 + i * 0.101);
      await broker.placeOrder(req({ symbol, side: 'BUY', quantity: 0.1 }));
      await broker.placeOrder(req({ symbol, side: 'BUY', quantity: 0.2 }));
      await broker.placeOrder(req({ symbol, side: 'SELL', quantity: 0.3 }));
    }
    const [pos] = await broker.positions();
    expect(pos!.quantity).toBe(0); // 0.1 + 0.2 - 0.3 never leaves 5.5e-17 behind
    const account = await broker.account();
    expect(toMinor(account.cash, 2)).toBe(toMinor(account.startingCash + account.realizedPnl, 2));
    expect(toMinor(1.005, 2)).toBe(101);
  });
});

describe('paper broker: rejections', () => {
  it('rejects a buy it cannot afford, counting cash blocked by resting buys', async () => {
    const { broker, prices } = setup(10_000);
    prices.set('US:AAPL', 100);
    const tooBig = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 101 }));
    expect(tooBig.state).toBe('REJECTED');
    const rejected = await broker.getOrder({ brokerOrderId: tooBig.brokerOrderId });
    expect(rejected!.message).toBe('Insufficient cash: this order needs 10100.00 USD, available 10000.00 USD.');

    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 60, type: 'LIMIT', limitPrice: 90 })); // blocks 5,400
    const second = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 50 }));
    expect(second.state).toBe('REJECTED');
    expect(await broker.account()).toMatchObject({ cash: 10_000, reservedCash: 5_400, availableCash: 4_600 });
  });

  it('rejects a stop buy at fill time when the market gapped beyond the cash left', async () => {
    const { broker, prices } = setup(1_000);
    prices.set('US:AAPL', 90);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 9, type: 'STOP', stopPrice: 100 }));
    prices.set('US:AAPL', 150);
    const [order] = await broker.evaluate();
    expect(order).toMatchObject({ state: 'REJECTED' });
    expect(order!.message).toContain('Insufficient cash');
    expect((await broker.account()).cash).toBe(1_000);
  });

  it('rejects selling more than is held: no short selling', async () => {
    const { broker, prices } = setup();
    prices.set('US:AAPL', 100);
    const naked = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 1 }));
    expect(naked.state).toBe('REJECTED');
    expect((await broker.getOrder({ brokerOrderId: naked.brokerOrderId }))!.message).toBe('Short selling is not allowed: you hold no US:AAPL.');

    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10 }));
    const tooMany = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 11 }));
    expect((await broker.getOrder({ brokerOrderId: tooMany.brokerOrderId }))!.message).toContain('you hold 10');

    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 8, type: 'LIMIT', limitPrice: 200 }));
    const overlap = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 3 }));
    expect((await broker.getOrder({ brokerOrderId: overlap.brokerOrderId }))!.message).toContain('8 already in open sell orders');
    expect((await broker.positions())[0]!.quantity).toBe(10);
  });

  it('refuses fractional quantities except for CRYPTO: symbols, and malformed orders', async () => {
    const { broker, prices } = setup();
    prices.set('NSE:INFY', 1500).set('CRYPTO:BTCUSDT', 40_000);
    const fractional = await rejection(broker.placeOrder(req({ symbol: 'NSE:INFY', side: 'BUY', quantity: 1.5 })));
    expect(fractional.code).toBe('BROKER_REJECTED');
    expect(fractional.message).toContain('whole number');
    expect((await rejection(broker.placeOrder(req({ symbol: 'NSE:INFY', side: 'BUY', quantity: 0 })))).code).toBe('BROKER_REJECTED');
    expect((await rejection(broker.placeOrder(req({ symbol: 'NSE:INFY', side: 'BUY', quantity: 1, type: 'LIMIT' })))).message).toContain('Limit price');
    expect((await rejection(broker.placeOrder(req({ symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 1e-9 })))).message).toContain('8 decimal');
    expect(await broker.orders()).toEqual([]);
    expect((await broker.placeOrder(req({ symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 0.0015 }))).state).toBe('FILLED');
  });
});

describe('paper broker: order management', () => {
  it('is idempotent on clientOrderId, including concurrent retries', async () => {
    const { broker, prices } = setup();
    prices.set('US:AAPL', 100);
    const order = req({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, clientOrderId: 'ticket-1' });
    const [a, b] = await Promise.all([broker.placeOrder(order), broker.placeOrder(order)]);
    const c = await broker.placeOrder(order);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await broker.orders()).toHaveLength(1);
    expect(await broker.getOrder({ clientOrderId: 'ticket-1' })).toMatchObject({ brokerOrderId: a.brokerOrderId, clientOrderId: 'ticket-1' });
    expect(await broker.getOrder({ clientOrderId: 'nope' })).toBeNull();
    expect((await broker.positions())[0]!.quantity).toBe(1);
  });

  it('cancels a resting order, releasing its cash, and refuses to cancel twice or unknown orders', async () => {
    const { broker, prices } = setup();
    prices.set('US:AAPL', 100);
    const ack = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10, type: 'LIMIT', limitPrice: 95 }));
    expect((await broker.funds()).used).toBe(950);
    await broker.cancelOrder(ack.brokerOrderId);
    expect(await broker.getOrder({ brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'CANCELLED' });
    expect((await broker.funds()).used).toBe(0);
    prices.set('US:AAPL', 90);
    expect(await broker.evaluate()).toEqual([]);
    expect((await rejection(broker.cancelOrder(ack.brokerOrderId))).message).toContain('already CANCELLED');
    expect((await rejection(broker.cancelOrder('PAPER-999999'))).code).toBe('BROKER_REJECTED');
  });

  it('resets to starting cash or a new amount and records each reset', async () => {
    const { broker, prices, clock } = setup(100_000);
    prices.set('US:AAPL', 100);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10 }));
    prices.set('US:AAPL', 110);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 5 }));
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 5, type: 'LIMIT', limitPrice: 200 }));
    clock.advance(1000);

    const after = await broker.reset(50_000);
    expect(after).toMatchObject({ startingCash: 50_000, cash: 50_000, equity: 50_000, realizedPnl: 0, reservedCash: 0, resets: 1 });
    expect(await broker.orders()).toEqual([]);
    expect(await broker.positions()).toEqual([]);
    expect(broker.resets()).toEqual([
      {
        at: clock.now(),
        previousStartingCash: 100_000,
        previousCash: 99_550,
        previousEquity: 100_100,
        previousRealizedPnl: 50,
        ordersCleared: 3,
        newStartingCash: 50_000,
      },
    ]);
    const next = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 1 }));
    expect(next.brokerOrderId).toBe('PAPER-000004'); // ids are never reused across resets
    expect((await broker.reset()).startingCash).toBe(50_000);
    expect(broker.resets()).toHaveLength(2);
  });

  it('survives closing and reopening the database', async () => {
    const { dir, db, clock, prices, broker } = setup(100_000);
    prices.set('US:AAPL', 100);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10, clientOrderId: 'persist-1' }));
    const resting = await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'SELL', quantity: 4, type: 'LIMIT', limitPrice: 120 }));
    db.close();

    const reopened = openDatabase(dir);
    open.push(reopened);
    // A different starting cash is ignored: the stored account wins.
    const again = new PaperBroker({ db: reopened, clock, prices, currency: 'USD', startingCash: 1 });
    expect(await again.account()).toMatchObject({ startingCash: 100_000, cash: 99_000, reservedCash: 0 });
    expect((await again.getOrder({ clientOrderId: 'persist-1' }))!.state).toBe('FILLED');
    expect((await again.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 10, clientOrderId: 'persist-1' }))).state).toBe('FILLED');
    prices.set('US:AAPL', 125);
    const [filled] = await again.evaluate();
    expect(filled).toMatchObject({ brokerOrderId: resting.brokerOrderId, state: 'FILLED', averagePrice: 120, realizedPnl: 80 });
    expect(await again.positions()).toEqual([{ symbol: 'US:AAPL', quantity: 6, averagePrice: 100, lastPrice: 125, unrealizedPnl: 150, realizedPnl: 80 }]);
    expect(() => new PaperBroker({ db: reopened, clock, prices, currency: 'INR', startingCash: 1 })).toThrow(/in USD/);
  });

  it('quotes from its price source and shows unpriced holdings as null P&L', async () => {
    const { broker, prices, clock } = setup();
    prices.set('US:AAPL', 100);
    await broker.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 2 }));
    expect(await broker.quotes(['US:AAPL'])).toEqual([{ symbol: 'US:AAPL', last: 100, bid: null, ask: null, at: clock.now() }]);
    const stranded = new PaperBroker({ db: open[0]!, clock, prices: new ScriptedPrices(), currency: 'USD', startingCash: 1 });
    expect((await stranded.positions())[0]).toMatchObject({ lastPrice: null, unrealizedPnl: null });
    expect(await stranded.account()).toMatchObject({ unpricedSymbols: ['US:AAPL'], marketValue: 200 });
    expect((await rejection(stranded.placeOrder(req({ symbol: 'US:AAPL', side: 'BUY', quantity: 1 })))).code).toBe('NETWORK');
  });
});

describe('simulated feed', () => {
  it('is deterministic per symbol and time, and labelled simulated', async () => {
    const clock = new ManualClock();
    const a = new SimulatedFeed(clock);
    const b = new SimulatedFeed(new ManualClock(clock.now()));
    expect(a.simulated).toBe(true);
    for (const symbol of ['NSE:INFY', 'US:AAPL', 'CRYPTO:BTCUSDT']) {
      expect(await a.price(symbol)).toBe(await b.price(symbol));
      expect(await a.price(symbol)).toBe(simulatedPriceAt(symbol, clock.now()));
    }
    expect(await a.price('NSE:INFY')).not.toBe(await a.price('NSE:TCS'));
    expect(simulatedPriceAt('NSE:INFY', Date.UTC(2026, 0, 5, 4, 0, 0))).toBe(2613.45); // pinned: a formula change shows up here
  });

  it('moves smoothly over time within ±5 % of the symbol base, constant within a second', () => {
    const symbol = 'US:AAPL';
    const base = simulatedBase(symbol);
    const t0 = Date.UTC(2026, 0, 5, 14, 30, 0);
    expect(simulatedPriceAt(symbol, t0 + 100)).toBe(simulatedPriceAt(symbol, t0 + 900));
    const path = Array.from({ length: 240 }, (_, i) => simulatedPriceAt(symbol, t0 + i * 30_000));
    for (const p of path) expect(Math.abs(p / base - 1)).toBeLessThan(0.05);
    for (let i = 1; i < path.length; i++) expect(Math.abs(path[i]! / path[i - 1]! - 1)).toBeLessThan(0.01);
    expect(new Set(path).size).toBeGreaterThan(100);
  });

  it('feeds account valuation and reports it as simulated', async () => {
    const { db } = freshDb();
    const clock = new ManualClock();
    const broker = new PaperBroker({ db, clock, prices: new SimulatedFeed(clock), currency: 'INR', startingCash: 1_000_000 });
    await broker.placeOrder(req({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10 }));
    clock.advance(600_000);
    const account = await broker.account();
    const expected = Number((10 * (simulatedPriceAt('NSE:INFY', clock.now()) - simulatedPriceAt('NSE:INFY', clock.now() - 600_000))).toFixed(2));
    expect(account).toMatchObject({ simulatedPrices: true, currency: 'INR', unrealizedPnl: expected });
  });
});
