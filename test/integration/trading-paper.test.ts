import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { priceAt } from '../simulators/exchange';
import {
  auditOf,
  connectSim,
  journal,
  makeTradingWorld,
  MINUTE,
  placeOk,
  startSim,
  ticket,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/** Paper trading through the IPC contract: fills, resting limits on the manual clock, P&L, the account and quotes. */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The first whole minute after now at which `symbol`'s simulated price is at or below `level` (within 2 h). */
function firstMinuteAtOrBelow(symbol: string, level: number, from: number): number {
  for (let t = from + MINUTE; t < from + 120 * MINUTE; t += MINUTE) if (simulatedPriceAt(symbol, t) <= level) return t;
  throw new Error(`${symbol} never reaches ${level}`);
}

describe('with no broker: simulated prices', () => {
  it('starts in paper with a fresh INR account', async () => {
    expect((await w.g.ok('mode:get')).mode).toBe('paper');
    expect(await w.g.ok('paper:account')).toEqual({
      currency: 'INR',
      startingCash: 1_000_000,
      cash: 1_000_000,
      equity: 1_000_000,
      realizedPnl: 0,
      unrealizedPnl: 0,
      pricesSimulated: true,
      positionSources: [],
    });
  });

  it('labels quotes simulated', async () => {
    const quotes = await w.g.ok('quotes:get', { symbols: ['NSE:INFY', 'US:AAPL'] });
    expect(quotes.simulated).toBe(true);
    expect(quotes.quotes.map((q) => [q.symbol, q.last])).toEqual([
      ['NSE:INFY', simulatedPriceAt('NSE:INFY', w.clock.now())],
      ['US:AAPL', simulatedPriceAt('US:AAPL', w.clock.now())],
    ]);
  });

  it('fills a market order at once, at the current price', async () => {
    const price = simulatedPriceAt('NSE:INFY', w.clock.now());
    const order = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10, type: 'MARKET' }));
    expect(order).toMatchObject({ mode: 'paper', connectionId: null, broker: 'paper', state: 'FILLED', filledQuantity: 10, averagePrice: price, source: 'ui' });
    expect(await w.g.ok('paper:account')).toMatchObject({ cash: round2(1_000_000 - 10 * price) });
  });

  it('shows the position with its unrealized P&L as the price moves', async () => {
    const cost = simulatedPriceAt('NSE:INFY', w.clock.now());
    w.clock.advance(5 * MINUTE);
    const last = simulatedPriceAt('NSE:INFY', w.clock.now());
    const { mode, connectionId, positions } = await w.g.ok('positions:list');
    expect({ mode, connectionId }).toEqual({ mode: 'paper', connectionId: null });
    expect(positions).toEqual([
      { symbol: 'NSE:INFY', quantity: 10, averagePrice: cost, lastPrice: last, unrealizedPnl: round2(10 * (last - cost)), realizedPnl: 0 },
    ]);
    expect((await w.g.ok('paper:account')).unrealizedPnl).toBe(round2(10 * (last - cost)));
  });

  it('rests a limit order below the market and fills it when the price comes down (orders:refresh)', async () => {
    const now = w.clock.now();
    const limit = round2(simulatedPriceAt('NSE:TCS', now) * 0.995);
    const order = await placeOk(w.g, ticket({ symbol: 'NSE:TCS', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: limit }));
    expect(order).toMatchObject({ state: 'OPEN', filledQuantity: 0, limitPrice: limit });
    const fillsAt = firstMinuteAtOrBelow('NSE:TCS', limit, now);

    w.clock.set(fillsAt - MINUTE);
    expect((await w.g.ok('orders:refresh')).find((o) => o.id === order.id)?.state).toBe('OPEN');
    w.clock.set(fillsAt);
    const refreshed = (await w.g.ok('orders:refresh')).find((o) => o.id === order.id);
    expect(refreshed).toMatchObject({ state: 'FILLED', filledQuantity: 2, averagePrice: limit });
    expect(w.g.events.filter((e) => e.event === 'orders:changed').at(-1)?.payload).toMatchObject({ order: { id: order.id, state: 'FILLED' } });
    const updates = (await auditOf(w.g, 'order.update')).filter((e) => e.detail.orderId === order.id);
    expect(updates.map((e) => e.detail.state)).toEqual(['FILLED', 'OPEN']);
  });

  it('sells to realize P&L', async () => {
    const cost = (await journal(w.g)).find((o) => o.symbol === 'NSE:INFY')!.averagePrice!;
    const price = simulatedPriceAt('NSE:INFY', w.clock.now());
    await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'SELL', quantity: 10, type: 'MARKET' }));
    expect((await w.g.ok('paper:account')).realizedPnl).toBe(round2(10 * (price - cost)));
    expect((await w.g.ok('positions:list')).positions.find((p) => p.symbol === 'NSE:INFY')).toMatchObject({
      quantity: 0,
      realizedPnl: round2(10 * (price - cost)),
    });
  });

  it('resets the account, cancelling resting orders in the journal, and can switch to USD', async () => {
    const resting = await placeOk(w.g, ticket({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    expect(resting.state).toBe('OPEN');
    expect(await w.g.ok('paper:reset', {})).toMatchObject({ currency: 'INR', startingCash: 1_000_000, cash: 1_000_000, equity: 1_000_000, realizedPnl: 0 });
    expect((await w.g.ok('positions:list')).positions).toEqual([]);
    expect((await journal(w.g)).find((o) => o.id === resting.id)).toMatchObject({ state: 'CANCELLED', message: expect.stringMatching(/reset/) });

    const usd = await w.g.ok('paper:reset', { currency: 'USD', startingCash: 25_000 });
    expect(usd).toEqual({
      currency: 'USD',
      startingCash: 25_000,
      cash: 25_000,
      equity: 25_000,
      realizedPnl: 0,
      unrealizedPnl: 0,
      pricesSimulated: true,
      positionSources: [],
    });
    expect(await w.g.ok('paper:account')).toEqual(usd);
    const order = await placeOk(w.g, ticket({ symbol: 'US:MSFT', side: 'BUY', quantity: 3, type: 'MARKET' }));
    expect(order.state).toBe('FILLED');
    expect((await w.g.ok('paper:account')).cash).toBe(round2(25_000 - 3 * order.averagePrice!));
    // The choice of currency survives a restart.
    expect((await w.restart()) && (await w.g.ok('paper:account')).currency).toBe('USD');
  });

  it('rejects an order the account cannot afford, with the reason', async () => {
    const order = await placeOk(w.g, ticket({ symbol: 'US:MSFT', side: 'BUY', quantity: 1_000_000, type: 'MARKET' }));
    expect(order.state).toBe('REJECTED');
    expect(order.message).toBeTruthy();
  });
});

describe('with a valid broker connection: its prices', () => {
  let alpaca: TradingSim;
  beforeAll(async () => {
    alpaca = await startSim('alpaca', w.clock);
  });
  afterAll(() => alpaca.close());

  it('prices symbols the broker covers from the broker, others from the simulated feed', async () => {
    await connectSim(w, alpaca);
    const us = await w.g.ok('quotes:get', { symbols: ['US:AAPL'] });
    expect(us).toMatchObject({ simulated: false, quotes: [{ symbol: 'US:AAPL', last: priceAt('AAPL', w.clock.now()) }] });
    // Still paper: no broker for Indian symbols here.
    expect((await w.g.ok('quotes:get', { symbols: ['NSE:INFY'] })).simulated).toBe(true);
    expect((await w.g.ok('mode:get')).mode).toBe('paper');
    // A paper fill at the broker's price.
    const order = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' }));
    expect(order).toMatchObject({ mode: 'paper', state: 'FILLED', averagePrice: priceAt('AAPL', w.clock.now()) });
  });
});
