import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRequest } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { openDatabase, type Db } from '../../src/main/store/db';
import { migrate } from '../../src/main/store/migrations';
import type { ContractLookup } from '../../src/main/trading/paper/contracts';
import { PaperBroker, connectionOrigin, pricesFromOneFeed, type PriceRequest, type PriceSource, type SourcedPrice } from '../../src/main/trading/paper';

/** Short selling, products and margin on the paper engine (BrokerVault's paper rules, docs/paper-trading.md). */

const FEED = connectionOrigin('scripted');

class ScriptedPrices implements PriceSource {
  readonly simulated = false;
  private readonly map = new Map<string, number>();
  set(symbol: string, price: number): this {
    this.map.set(symbol, price);
    return this;
  }
  prices(requests: readonly PriceRequest[]): Promise<Map<string, SourcedPrice>> {
    return pricesFromOneFeed(requests, FEED, async (symbol) => {
      const p = this.map.get(symbol);
      if (p === undefined) throw new Error(`no price for ${symbol}`);
      return p;
    });
  }
  describe(): string {
    return 'the scripted feed';
  }
}

const open: Db[] = [];
afterEach(() => open.splice(0).forEach((db) => db.open && db.close()));

function setup(startingCash = 100_000, currency = 'INR', contracts?: ContractLookup) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-paper-short-'));
  const db = openDatabase(dir);
  migrate(db);
  open.push(db);
  const clock = new ManualClock();
  const prices = new ScriptedPrices();
  const broker = new PaperBroker({ db, prices, clock, currency, startingCash, contracts });
  return { db, clock, prices, broker };
}

let seq = 0;
function req(partial: Partial<OrderRequest> & Pick<OrderRequest, 'symbol' | 'side' | 'quantity'>): OrderRequest {
  return { type: 'MARKET', clientOrderId: `s-${++seq}`, ...partial };
}

async function place(broker: PaperBroker, r: OrderRequest) {
  const ack = await broker.placeOrder(r);
  return (await broker.getOrder({ brokerOrderId: ack.brokerOrderId }))!;
}

describe('paper shorts: which products may sell short', () => {
  it('refuses a short on CNC (delivery) and on a US cash account, in BrokerVault words, changing nothing', async () => {
    const { broker, prices } = setup();
    prices.set('NSE:INFY', 1500).set('US:AAPL', 200);
    const cnc = await place(broker, req({ symbol: 'NSE:INFY', side: 'SELL', quantity: 1, product: 'CNC' }));
    expect(cnc.state).toBe('REJECTED');
    expect(cnc.message).toBe('Short selling is not allowed on CNC (delivery): you hold no NSE:INFY. Choose MIS or NRML to sell short.');
    const cash = await place(broker, req({ symbol: 'US:AAPL', side: 'SELL', quantity: 1, product: 'CASH' }));
    expect(cash.message).toBe('Short selling is not allowed on a CASH account: you hold no US:AAPL. Choose MARGIN to sell short.');
    expect(await broker.positions()).toEqual([]);
    expect((await broker.funds()).total).toBe(100_000);
  });

  it('refuses a product code it does not know', async () => {
    const { broker, prices } = setup();
    prices.set('NSE:INFY', 1500);
    await expect(broker.placeOrder(req({ symbol: 'NSE:INFY', side: 'BUY', quantity: 1, product: 'BOGUS' }))).rejects.toThrow(
      'Unknown product "BOGUS" for paper trading: use CNC, MIS or NRML (India), or CASH or MARGIN (US).',
    );
  });
});

describe('paper shorts: MIS short, margin and buy-to-cover', () => {
  it('opens a short, blocks its proceeds plus 20 % margin, marks P&L, and realises it on the cover', async () => {
    const { broker, prices } = setup(100_000);
    prices.set('NSE:INFY', 1000.05);
    const sell = await place(broker, req({ symbol: 'NSE:INFY', side: 'SELL', quantity: 10, product: 'MIS' }));
    expect(sell).toMatchObject({ state: 'FILLED', averagePrice: 1000.05, realizedPnl: 0 });
    expect(await broker.positions()).toEqual([
      { symbol: 'NSE:INFY', quantity: -10, averagePrice: 1000.05, lastPrice: 1000.05, unrealizedPnl: 0, realizedPnl: 0 },
    ]);
    // Cash holds the proceeds; they and 20 % of the short's value (2,000.10) are blocked.
    expect(await broker.funds()).toEqual({ total: 110_000.5, used: 12_000.6, available: 97_999.9, currency: 'INR' });

    prices.set('NSE:INFY', 990.3);
    const [pos] = await broker.positions();
    expect(pos).toMatchObject({ quantity: -10, unrealizedPnl: 97.5 });
    const account = await broker.account();
    expect(account).toMatchObject({ marketValue: -9903, equity: 100_097.5, unrealizedPnl: 97.5, realizedPnl: 0 });

    const cover = await place(broker, req({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10, product: 'MIS' }));
    expect(cover).toMatchObject({ state: 'FILLED', averagePrice: 990.3, realizedPnl: 97.5 });
    expect(await broker.positions()).toEqual([{ symbol: 'NSE:INFY', quantity: 0, averagePrice: 0, lastPrice: null, unrealizedPnl: null, realizedPnl: 97.5 }]);
    expect(await broker.funds()).toEqual({ total: 100_097.5, used: 0, available: 100_097.5, currency: 'INR' });
  });

  it('refuses a short whose margin the free cash cannot cover', async () => {
    const { broker, prices } = setup(1_000);
    prices.set('NSE:INFY', 600);
    const sell = await place(broker, req({ symbol: 'NSE:INFY', side: 'SELL', quantity: 10, product: 'MIS' }));
    expect(sell.state).toBe('REJECTED');
    expect(sell.message).toBe(
      'Insufficient cash for the short margin: this order needs 1200.00 INR (20 % of 6000.00 INR, BrokerVault paper rule for MIS), available 1000.00 INR.',
    );
    expect(await broker.positions()).toEqual([]);
  });

  it('sells through a long into a short, and buys through a short into a long', async () => {
    const { broker, prices } = setup(100_000);
    prices.set('NSE:SBIN', 500);
    await place(broker, req({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 5, product: 'MIS' }));
    prices.set('NSE:SBIN', 510);
    const flip = await place(broker, req({ symbol: 'NSE:SBIN', side: 'SELL', quantity: 8, product: 'MIS' }));
    expect(flip).toMatchObject({ state: 'FILLED', realizedPnl: 50 });
    expect((await broker.positions())[0]).toMatchObject({ quantity: -3, averagePrice: 510, realizedPnl: 50 });

    prices.set('NSE:SBIN', 520);
    const back = await place(broker, req({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 5, product: 'MIS' }));
    expect(back).toMatchObject({ state: 'FILLED', realizedPnl: -30 });
    expect((await broker.positions())[0]).toMatchObject({ quantity: 2, averagePrice: 520, realizedPnl: 20 });
    // The ledger holds to the paisa: cash + cost of what is held = starting + realised.
    const account = await broker.account();
    expect(account.cash + 2 * 520).toBeCloseTo(100_000 + 20, 8);
  });

  it('reserves margin for a resting short sell and releases it on cancel', async () => {
    const { broker, prices } = setup(100_000, 'USD');
    prices.set('US:AAPL', 100);
    const rest = await place(broker, req({ symbol: 'US:AAPL', side: 'SELL', quantity: 10, type: 'LIMIT', limitPrice: 110, product: 'MARGIN' }));
    expect(rest.state).toBe('OPEN');
    // US margin account: 50 % of the short's value at its limit.
    expect((await broker.funds()).used).toBe(550);
    await broker.cancelOrder(rest.brokerOrderId);
    expect((await broker.funds()).used).toBe(0);

    await place(broker, req({ symbol: 'US:AAPL', side: 'SELL', quantity: 10, type: 'LIMIT', limitPrice: 110, product: 'MARGIN' }));
    prices.set('US:AAPL', 111);
    await broker.evaluate();
    expect((await broker.positions())[0]).toMatchObject({ quantity: -10, averagePrice: 110 });
    expect(await broker.funds()).toEqual({ total: 101_100, used: 1_650, available: 99_450, currency: 'USD' });
  });

  it('keeps a short in minor units over awkward trades', async () => {
    const { broker, prices } = setup(100_000);
    let realized = 0;
    for (let i = 0; i < 20; i++) {
      prices.set('NSE:ITC', 333.33 + i * 0.07);
      await place(broker, req({ symbol: 'NSE:ITC', side: 'SELL', quantity: 3, product: 'NRML' }));
      prices.set('NSE:ITC', 333.31 + i * 0.05);
      const cover = await place(broker, req({ symbol: 'NSE:ITC', side: 'BUY', quantity: 1, product: 'NRML' }));
      realized += cover.realizedPnl!;
    }
    const account = await broker.account();
    expect(account.realizedPnl).toBeCloseTo(realized, 8);
    expect(account.equity).toBeCloseTo(account.startingCash + account.realizedPnl + account.unrealizedPnl, 8);
  });
});

describe('paper intraday square-off plan (MIS at 15:20 IST, on the injected clock)', () => {
  // Monday 7 December 2026, 10:00 in India (04:30 UTC).
  const MONDAY_10_IST = Date.UTC(2026, 11, 7, 4, 30);
  const MIN = 60_000;

  /** Carry the plan out as the app's order path does (trading/paper-square-off.ts): cancel, then close at market. */
  async function carryOut(broker: PaperBroker) {
    const plan = await broker.squareOffPlan();
    for (const o of plan.cancel) await broker.cancelOrder(o.brokerOrderId, `Cancelled at the intraday square-off (${o.product}, 15:20 IST).`);
    const closed = [];
    for (const c of plan.close) closed.push(await place(broker, req({ ...c, product: c.product ?? undefined })));
    return { plan, closed };
  }

  it('names MIS positions to close and open MIS orders to cancel once 15:20 IST passes; CNC and NRML stay', async () => {
    const { broker, prices, clock } = setup(1_000_000);
    clock.set(MONDAY_10_IST);
    prices.set('NSE:INFY', 1500).set('NSE:TCS', 4000).set('NSE:SBIN', 800).set('NSE:ITC', 400);
    await place(broker, req({ symbol: 'NSE:INFY', side: 'SELL', quantity: 10, product: 'MIS' }));
    await place(broker, req({ symbol: 'NSE:TCS', side: 'BUY', quantity: 2, product: 'MIS' }));
    await place(broker, req({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 5, product: 'CNC' }));
    await place(broker, req({ symbol: 'NSE:ITC', side: 'SELL', quantity: 5, product: 'NRML' }));
    const resting = await place(broker, req({ symbol: 'NSE:ITC', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 300, product: 'MIS' }));

    clock.set(MONDAY_10_IST + 5 * 60 * MIN + 19 * MIN); // 15:19 IST
    expect(await broker.squareOffPlan()).toMatchObject({ cancel: [], close: [] });
    prices.set('NSE:INFY', 1490).set('NSE:TCS', 4010);
    clock.advance(MIN); // 15:20 IST
    // The engine changes nothing by itself: evaluating leaves the positions open for the order path to close.
    expect(await broker.evaluate()).toEqual([]);
    const { plan, closed } = await carryOut(broker);
    expect(plan.cancel.map((o) => o.brokerOrderId)).toEqual([resting.brokerOrderId]);
    expect(plan.close).toEqual([
      { symbol: 'NSE:INFY', side: 'BUY', quantity: 10, product: 'MIS' },
      { symbol: 'NSE:TCS', side: 'SELL', quantity: 2, product: 'MIS' },
    ]);
    expect(closed.map((o) => [o.symbol, o.side, o.quantity, o.state, o.averagePrice])).toEqual([
      ['NSE:INFY', 'BUY', 10, 'FILLED', 1490],
      ['NSE:TCS', 'SELL', 2, 'FILLED', 4010],
    ]);
    expect(closed[0]!.message).toBe('Squared off at 1490: MIS positions are closed at 15:20 IST (BrokerVault paper rule, as NSE intraday).');
    expect((await broker.getOrder({ brokerOrderId: resting.brokerOrderId }))!.message).toBe('Cancelled at the intraday square-off (MIS, 15:20 IST).');
    const held = Object.fromEntries((await broker.positions()).map((p) => [p.symbol, p.quantity]));
    expect(held).toEqual({ 'NSE:INFY': 0, 'NSE:TCS': 0, 'NSE:SBIN': 5, 'NSE:ITC': -5 });
    expect((await broker.account()).realizedPnl).toBe(100 + 20);
    // Done once: the next plan is empty.
    clock.advance(MIN);
    expect(await broker.squareOffPlan()).toMatchObject({ cancel: [], close: [] });
  });

  it('admits the closing order whatever the cash, and only an order that closes a due position whole', async () => {
    const { broker, prices, clock } = setup(100_000);
    clock.set(MONDAY_10_IST);
    prices.set('NSE:INFY', 1000);
    await place(broker, req({ symbol: 'NSE:INFY', side: 'SELL', quantity: 100, product: 'MIS' }));
    // The price doubles: covering costs more than the account has free.
    prices.set('NSE:INFY', 3000);
    clock.set(MONDAY_10_IST + 5 * 60 * MIN + 25 * MIN); // 15:25 IST
    const part = await place(broker, req({ symbol: 'NSE:INFY', side: 'BUY', quantity: 50, product: 'MIS' }));
    expect(part).toMatchObject({ state: 'REJECTED', message: expect.stringMatching(/^Insufficient cash/) });
    const { closed } = await carryOut(broker);
    expect(closed).toEqual([expect.objectContaining({ side: 'BUY', quantity: 100, state: 'FILLED', averagePrice: 3000 })]);
    expect((await broker.positions())[0]!.quantity).toBe(0);
  });

  it('leaves an MIS position opened after the cut-off until the next weekday at 15:20 IST', async () => {
    const { broker, prices, clock } = setup(1_000_000);
    clock.set(MONDAY_10_IST + 5 * 60 * MIN + 30 * MIN); // Monday 15:30 IST
    prices.set('NSE:INFY', 1500);
    await place(broker, req({ symbol: 'NSE:INFY', side: 'SELL', quantity: 3, product: 'MIS' }));
    clock.advance(23 * 60 * MIN + 49 * MIN); // Tuesday 15:19 IST
    expect((await carryOut(broker)).closed).toEqual([]);
    expect((await broker.positions())[0]!.quantity).toBe(-3);
    clock.advance(MIN);
    expect((await carryOut(broker)).closed).toHaveLength(1);
    expect((await broker.positions())[0]!.quantity).toBe(0);
  });
});

describe('paper F&O contracts (lot size and expiry from the instrument masters)', () => {
  const FUT = 'NFO:NIFTY26DECFUT';
  const contracts: ContractLookup = (symbol) => (symbol === FUT ? { lotSize: 75, expiry: '2026-12-29' } : null);

  it('refuses a quantity that is not a whole number of lots, storing nothing', async () => {
    const { broker, prices, clock } = setup(10_000_000, 'INR', contracts);
    clock.set(Date.UTC(2026, 11, 7, 4, 30));
    prices.set(FUT, 26_000);
    await expect(broker.placeOrder(req({ symbol: FUT, side: 'BUY', quantity: 100, product: 'NRML' }))).rejects.toThrow(
      'Quantity for NFO:NIFTY26DECFUT must be a multiple of its lot size, 75 (100 is 1.33 lots).',
    );
    expect(await broker.orders()).toEqual([]);
    const ok = await place(broker, req({ symbol: FUT, side: 'SELL', quantity: 150, product: 'NRML' }));
    expect(ok).toMatchObject({ state: 'FILLED', quantity: 150 });
    expect((await broker.positions())[0]).toMatchObject({ quantity: -150 });
  });

  it('refuses orders on a contract after its expiry day (India time), and takes them on the day itself', async () => {
    const { broker, prices, clock } = setup(10_000_000, 'INR', contracts);
    prices.set(FUT, 26_000);
    clock.set(Date.UTC(2026, 11, 29, 9, 0)); // 29 Dec, 14:30 IST: the expiry day
    expect((await place(broker, req({ symbol: FUT, side: 'BUY', quantity: 75, product: 'NRML' }))).state).toBe('FILLED');
    clock.set(Date.UTC(2026, 11, 29, 18, 30)); // 30 Dec, 00:00 IST
    await expect(broker.placeOrder(req({ symbol: FUT, side: 'SELL', quantity: 75, product: 'NRML' }))).rejects.toThrow(
      'NFO:NIFTY26DECFUT expired on 2026-12-29; BrokerVault refuses paper orders on an expired contract.',
    );
  });
});
