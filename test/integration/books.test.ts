import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { makeTradingWorld, MINUTE, placeOk, ticket, type TradingWorld } from '../support/trading/world';

/** Holdings and the trade book through the IPC contract ('holdings:list', 'trades:list') for the current mode's venue. */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

describe('paper', () => {
  it('starts with no holdings and an empty trade book, both offered', async () => {
    expect(await w.g.ok('holdings:list')).toEqual({ mode: 'paper', connectionId: null, offered: true, holdings: [] });
    expect(await w.g.ok('trades:list')).toEqual({ mode: 'paper', connectionId: null, offered: true, trades: [] });
  });

  it('shows a filled buy as a holding and as one trade; a partial sell lowers the holding and adds a trade', async () => {
    const bought = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10, type: 'MARKET' }));
    const cost = bought.averagePrice!;
    const boughtAt = w.clock.now();
    w.clock.advance(3 * MINUTE);
    const last = simulatedPriceAt('NSE:INFY', w.clock.now());
    const holdings = await w.g.ok('holdings:list');
    expect(holdings.holdings).toEqual([
      { symbol: 'NSE:INFY', quantity: 10, averagePrice: cost, lastPrice: last, pnl: Math.round(10 * (last - cost) * 100) / 100 },
    ]);

    const sold = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 4, type: 'MARKET' }));
    const { trades } = await w.g.ok('trades:list');
    expect(trades.map((t) => [t.symbol, t.side, t.quantity, t.price])).toEqual([
      ['NSE:INFY', 'SELL', 4, sold.averagePrice],
      ['NSE:INFY', 'BUY', 10, cost],
    ]);
    expect(trades[1]!.executedAt).toBe(boughtAt);
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(2);
    expect((await w.g.ok('holdings:list')).holdings.map((h) => [h.symbol, h.quantity])).toEqual([['NSE:INFY', 6]]);
  });

  it('leaves an unfilled order out of the trade book', async () => {
    const price = simulatedPriceAt('NSE:TCS', w.clock.now());
    await placeOk(w.g, ticket({ symbol: 'NSE:TCS', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: Math.round(price * 0.5) }));
    expect((await w.g.ok('trades:list')).trades.map((t) => t.symbol)).not.toContain('NSE:TCS');
    expect((await w.g.ok('holdings:list')).holdings.map((h) => h.symbol)).toEqual(['NSE:INFY']);
  });
});
