import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { priceAt } from '../simulators/exchange';
import { connectSim, makeTradingWorld, placeOk, startSim, ticket, type TradingSim, type TradingWorld } from '../support/trading/world';

/** Issue 12, paper on real prices: a position's P&L never mixes the simulated feed with a broker's prices. */

let w: TradingWorld;
let alpaca: TradingSim;
beforeAll(async () => {
  w = await makeTradingWorld();
  alpaca = await startSim('alpaca', w.clock);
});
afterAll(async () => {
  w.g.close();
  await alpaca.close();
});

describe('a paper position keeps the price source it was bought on', () => {
  it('bought at simulated prices, it is not revalued at the broker’s price once a broker connects', async () => {
    await w.g.ok('paper:reset', { currency: 'USD', startingCash: 100_000 });
    const simulated = simulatedPriceAt('US:AAPL', w.clock.now());
    const order = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 10, type: 'MARKET' }));
    expect(order).toMatchObject({ state: 'FILLED', averagePrice: simulated });
    const before = await w.g.ok('paper:account');
    expect(before).toMatchObject({ unrealizedPnl: 0, equity: 100_000, pricesSimulated: true });

    await connectSim(w, alpaca);
    // The broker prices AAPL differently; the position must still be valued on the feed it was bought on.
    expect(priceAt('AAPL', w.clock.now())).not.toBe(simulated);
    const after = await w.g.ok('paper:account');
    expect(after).toMatchObject({ unrealizedPnl: 0, equity: 100_000, pricesSimulated: true });
    const { positions } = await w.g.ok('positions:list');
    expect(positions).toEqual([{ symbol: 'US:AAPL', quantity: 10, averagePrice: simulated, lastPrice: simulated, unrealizedPnl: 0, realizedPnl: 0 }]);
  });

  it('quotes a held symbol from its own feed, so the label says what the next fill would use; once flat, the broker’s', async () => {
    const simulated = simulatedPriceAt('US:AAPL', w.clock.now());
    expect(await w.g.ok('quotes:get', { symbols: ['US:AAPL'] })).toMatchObject({ simulated: true, quotes: [{ symbol: 'US:AAPL', last: simulated }] });
    const more = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' }));
    expect(more.averagePrice).toBe(simulated);
    await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'SELL', quantity: 11, type: 'MARKET' }));
    expect((await w.g.ok('paper:account')).realizedPnl).toBe(0); // bought and sold on the same feed at the same second

    const broker = priceAt('AAPL', w.clock.now());
    expect(await w.g.ok('quotes:get', { symbols: ['US:AAPL'] })).toMatchObject({ simulated: false, quotes: [{ symbol: 'US:AAPL', last: broker }] });
    const fresh = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 2, type: 'MARKET' }));
    expect(fresh.averagePrice).toBe(broker);
    expect(await w.g.ok('paper:account')).toMatchObject({
      unrealizedPnl: 0,
      pricesSimulated: false,
      positionSources: [{ symbol: 'US:AAPL', simulated: false, label: 'alpaca main', priced: true }],
    });
  });
});
