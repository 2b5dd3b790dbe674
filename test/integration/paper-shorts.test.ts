import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { journal, makeTradingWorld, MINUTE, placeOk, ticket, type TradingWorld } from '../support/trading/world';

/** Short selling in paper mode through the IPC contract (orders:place → the one order path → the paper engine). */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

const round2 = (n: number) => Math.round(n * 100) / 100;

describe('paper shorts through orders:place', () => {
  it('refuses a CNC short with the reason, journaled as rejected, and holds nothing', async () => {
    const order = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 5, type: 'MARKET', product: 'CNC' }));
    expect(order).toMatchObject({
      mode: 'paper',
      state: 'REJECTED',
      message: 'Short selling is not allowed on CNC (delivery): you hold no NSE:INFY. Choose MIS or NRML to sell short.',
    });
    expect((await journal(w.g)).find((o) => o.clientOrderId === order.clientOrderId)?.state).toBe('REJECTED');
    expect((await w.g.ok('positions:list')).positions).toEqual([]);
  });

  it('opens an MIS short as a negative position and covers it with a buy, realising the P&L', async () => {
    const sold = simulatedPriceAt('NSE:INFY', w.clock.now());
    const sell = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 5, type: 'MARKET', product: 'MIS' }));
    expect(sell).toMatchObject({ state: 'FILLED', filledQuantity: 5, averagePrice: sold });
    expect((await w.g.ok('positions:list')).positions).toEqual([
      { symbol: 'NSE:INFY', quantity: -5, averagePrice: sold, lastPrice: sold, unrealizedPnl: 0, realizedPnl: 0 },
    ]);
    expect(await w.g.ok('paper:account')).toMatchObject({ cash: round2(1_000_000 + 5 * sold), equity: 1_000_000 });

    w.clock.advance(5 * MINUTE);
    const bought = simulatedPriceAt('NSE:INFY', w.clock.now());
    expect((await w.g.ok('positions:list')).positions[0]).toMatchObject({ quantity: -5, unrealizedPnl: round2(5 * (sold - bought)) });
    const cover = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 5, type: 'MARKET', product: 'MIS' }));
    expect(cover).toMatchObject({ state: 'FILLED', averagePrice: bought });
    expect((await w.g.ok('positions:list')).positions[0]).toMatchObject({ quantity: 0, realizedPnl: round2(5 * (sold - bought)) });
    expect(await w.g.ok('paper:account')).toMatchObject({ realizedPnl: round2(5 * (sold - bought)), unrealizedPnl: 0 });
  });
});

describe('paper MIS square-off through IPC, on the injected clock', () => {
  let v: TradingWorld;
  // Monday 7 December 2026, 10:00 in India.
  const clock = new ManualClock(Date.UTC(2026, 11, 7, 4, 30));
  beforeAll(async () => {
    v = await makeTradingWorld({ clock });
  });
  afterAll(() => v.g.close());

  it('closes an MIS short at market once the clock passes 15:20 IST and the trading tick refreshes', async () => {
    await placeOk(v.g, ticket({ symbol: 'NSE:SBIN', side: 'SELL', quantity: 4, type: 'MARKET', product: 'MIS' }));
    await placeOk(v.g, ticket({ symbol: 'NSE:TCS', side: 'SELL', quantity: 1, type: 'MARKET', product: 'NRML' }));
    clock.set(Date.UTC(2026, 11, 7, 9, 49)); // 15:19 IST
    await v.g.ok('orders:refresh');
    expect((await v.g.ok('positions:list')).positions.map((p) => [p.symbol, p.quantity])).toEqual([
      ['NSE:SBIN', -4],
      ['NSE:TCS', -1],
    ]);
    clock.advance(MINUTE); // 15:20 IST
    await v.g.ok('orders:refresh');
    expect((await v.g.ok('positions:list')).positions.map((p) => [p.symbol, p.quantity])).toEqual([
      ['NSE:SBIN', 0],
      ['NSE:TCS', -1],
    ]);
  });
});
