import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import { openDatabase, type Db } from '../../src/main/store/db';
import { migrate } from '../../src/main/store/migrations';
import { PaperBroker, connectionOrigin, pricesFromOneFeed, type PriceRequest, type PriceSource, type SourcedPrice } from '../../src/main/trading/paper';
import { estimateCharges } from '../../src/main/trading/paper/charges';

/** The paper engine's charges estimate on worked examples (the same as in docs/paper-trading.md). */
describe('estimateCharges', () => {
  it('an NSE delivery buy of 100 at ₹1,500 (₹1,50,000): no brokerage, STT, exchange, SEBI, GST, stamp', () => {
    const e = estimateCharges({ symbol: 'NSE:INFY', side: 'BUY', quantity: 100, price: 1500, product: 'CNC' });
    expect(e.lines).toEqual([
      { name: 'STT', amount: 150 }, // 0.1 %
      { name: 'exchange transaction charge', amount: 4.46 }, // 0.00297 % = 4.455
      { name: 'SEBI fee', amount: 0.15 },
      { name: 'GST', amount: 0.83 }, // 18 % of (4.46 + 0.15)
      { name: 'stamp duty', amount: 22.5 }, // 0.015 %
    ]);
    expect(e.total).toBe(177.94);
  });

  it('an NSE intraday sell of 100 at ₹1,500: ₹20 brokerage cap, STT on the sell, no stamp', () => {
    const e = estimateCharges({ symbol: 'NSE:INFY', side: 'SELL', quantity: 100, price: 1500, product: 'MIS' });
    expect(e.lines).toEqual([
      { name: 'brokerage', amount: 20 }, // 0.03 % would be 45
      { name: 'STT', amount: 37.5 }, // 0.025 %
      { name: 'exchange transaction charge', amount: 4.46 },
      { name: 'SEBI fee', amount: 0.15 },
      { name: 'GST', amount: 4.43 }, // 18 % of 24.61
    ]);
    expect(e.total).toBe(66.54);
  });

  it('a small intraday buy pays 0.03 % brokerage, under the cap', () => {
    const e = estimateCharges({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 10, price: 800, product: 'MIS' });
    expect(e.lines.find((l) => l.name === 'brokerage')!.amount).toBe(2.4);
    expect(e.lines.find((l) => l.name === 'stamp duty')!.amount).toBe(0.24); // 0.003 %
  });

  it('an NFO future sell and an option sell take their own rates', () => {
    const fut = estimateCharges({ symbol: 'NFO:NIFTY26DECFUT', side: 'SELL', quantity: 75, price: 26_000, product: 'NRML' });
    expect(fut.lines.find((l) => l.name === 'STT')!.amount).toBe(390); // 0.02 % of 19,50,000
    expect(fut.lines.find((l) => l.name === 'exchange transaction charge')!.amount).toBe(33.74); // 0.00173 %
    const opt = estimateCharges({ symbol: 'NFO:NIFTY26DEC26000CE', side: 'SELL', quantity: 75, price: 200, product: 'NRML' });
    expect(opt.lines.find((l) => l.name === 'brokerage')!.amount).toBe(20);
    expect(opt.lines.find((l) => l.name === 'STT')!.amount).toBe(15); // 0.1 % of 15,000 premium
    expect(opt.lines.find((l) => l.name === 'exchange transaction charge')!.amount).toBe(5.25); // 0.03503 %
  });

  it('a US sell pays the SEC fee and FINRA TAF, rounded up to the cent; a US buy pays nothing', () => {
    const sell = estimateCharges({ symbol: 'US:AAPL', side: 'SELL', quantity: 100, price: 200, product: null });
    expect(sell.lines).toEqual([
      { name: 'SEC fee', amount: 0.56 }, // 20,000 × 27.80 / 1,000,000 = 0.556
      { name: 'FINRA TAF', amount: 0.02 }, // 100 × 0.000166 = 0.0166
    ]);
    expect(sell.total).toBe(0.58);
    expect(estimateCharges({ symbol: 'US:AAPL', side: 'SELL', quantity: 100_000, price: 10, product: null }).lines[1]).toEqual({
      name: 'FINRA TAF',
      amount: 8.3, // capped
    });
    expect(estimateCharges({ symbol: 'US:AAPL', side: 'BUY', quantity: 100, price: 200, product: null })).toEqual({ total: 0, lines: [] });
  });

  it('has no estimate for crypto', () => {
    expect(estimateCharges({ symbol: 'CRYPTO:BTCUSDT', side: 'SELL', quantity: 1, price: 90_000, product: null })).toEqual({ total: 0, lines: [] });
  });
});

class FixedPrices implements PriceSource {
  readonly simulated = false;
  readonly map = new Map<string, number>();
  prices(requests: readonly PriceRequest[]): Promise<Map<string, SourcedPrice>> {
    return pricesFromOneFeed(requests, connectionOrigin('fixed'), async (symbol) => this.map.get(symbol)!);
  }
  describe(): string {
    return 'fixed prices';
  }
}

const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((db) => db.close()));

function engine(chargesOn: boolean) {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), 'bv-paper-charges-')));
  migrate(db);
  dbs.push(db);
  const prices = new FixedPrices();
  const broker = new PaperBroker({ db, prices, clock: new ManualClock(), currency: 'INR', startingCash: 1_000_000, chargesOn: () => chargesOn });
  return { broker, prices };
}

describe('the paper engine with the charges estimate', () => {
  it('on: the estimate of each fill comes out of cash and realised P&L, equity stays starting + realised + unrealised', async () => {
    const { broker, prices } = engine(true);
    prices.map.set('NSE:INFY', 1500);
    const buy = await broker.placeOrder({ clientOrderId: 'c1', symbol: 'NSE:INFY', side: 'BUY', quantity: 100, type: 'MARKET', product: 'MIS' });
    expect((await broker.getOrder({ brokerOrderId: buy.brokerOrderId }))!.message).toBe(
      'Filled 100 at 1500. Estimated charges 33.54 INR (brokerage 20.00, exchange transaction charge 4.46, SEBI fee 0.15, GST 4.43, stamp duty 4.50).',
    );
    prices.map.set('NSE:INFY', 1510);
    await broker.placeOrder({ clientOrderId: 'c2', symbol: 'NSE:INFY', side: 'SELL', quantity: 100, type: 'MARKET', product: 'MIS' });
    const buyCharges = estimateCharges({ symbol: 'NSE:INFY', side: 'BUY', quantity: 100, price: 1500, product: 'MIS' }).total;
    const sellCharges = estimateCharges({ symbol: 'NSE:INFY', side: 'SELL', quantity: 100, price: 1510, product: 'MIS' }).total;
    const account = await broker.account();
    expect(account.realizedPnl).toBeCloseTo(1000 - buyCharges - sellCharges, 2);
    expect(account.cash).toBeCloseTo(1_000_000 + 1000 - buyCharges - sellCharges, 2);
    expect(account.equity).toBeCloseTo(account.startingCash + account.realizedPnl + account.unrealizedPnl, 8);
  });

  it('off (the default): fills book no charges', async () => {
    const { broker, prices } = engine(false);
    prices.map.set('NSE:INFY', 1500);
    const buy = await broker.placeOrder({ clientOrderId: 'c1', symbol: 'NSE:INFY', side: 'BUY', quantity: 100, type: 'MARKET', product: 'MIS' });
    expect((await broker.getOrder({ brokerOrderId: buy.brokerOrderId }))!.message).toBe('Filled 100 at 1500.');
    expect((await broker.account()).cash).toBe(1_000_000 - 150_000);
  });
});
