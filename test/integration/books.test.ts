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

  it('is read again after every change to the paper book (the book is kept between changes): a modify that fills, a fill by the price alone, a reset', async () => {
    const before = (await w.g.ok('trades:list')).trades;
    expect((await w.g.ok('trades:list')).trades).toEqual(before);
    // A resting buy far above the price fills as soon as the book is next settled: the next read shows it.
    const price = simulatedPriceAt('NSE:SBIN', w.clock.now());
    const resting = await placeOk(w.g, ticket({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: Math.round(price * 0.5) }));
    expect((await w.g.ok('trades:list')).trades).toHaveLength(before.length);
    await w.g.ok('orders:modify', { orderId: resting.id, requestId: 'books-modify-1', change: { limitPrice: Math.round(price * 2) } });
    const after = (await w.g.ok('trades:list')).trades;
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 2 });
    // A resting buy below the price, filled later by the price path alone (no new order, no change to it).
    const now = w.clock.now();
    const limit = Math.round(simulatedPriceAt('NSE:ITC', now) * 0.995 * 100) / 100;
    await placeOk(w.g, ticket({ symbol: 'NSE:ITC', side: 'BUY', quantity: 3, type: 'LIMIT', limitPrice: limit }));
    expect((await w.g.ok('trades:list')).trades).toHaveLength(after.length);
    let minutes = 1;
    while (simulatedPriceAt('NSE:ITC', now + minutes * MINUTE) > limit && minutes < 7 * 24 * 60) minutes++;
    w.clock.advance(minutes * MINUTE);
    expect((await w.g.ok('trades:list')).trades[0]).toMatchObject({ symbol: 'NSE:ITC', side: 'BUY', quantity: 3 });
    await w.g.ok('paper:reset', {});
    expect((await w.g.ok('trades:list')).trades).toEqual([]);
  });
});
