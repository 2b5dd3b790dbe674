import { afterAll, beforeAll, expect, it } from 'vitest';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { estimateCharges } from '../../src/main/trading/paper/charges';
import { makeTradingWorld, placeOk, ticket, type TradingWorld } from '../support/trading/world';

/** The Settings toggle reaches the paper engine through IPC: off by default, on books the estimate with each fill. */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

it('is off by default; turned on in Settings, the next paper fill books the estimate; off again, none', async () => {
  expect((await w.g.ok('settings:get')).paperChargesEstimate).toBe(false);
  const price = simulatedPriceAt('NSE:INFY', w.clock.now());
  const plain = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10, type: 'MARKET', product: 'CNC' }));
  expect(plain.message).toBe(`Filled 10 at ${price}.`);
  const before = (await w.g.ok('paper:account')).cash;

  await w.g.ok('settings:set', { paperChargesEstimate: true });
  const charged = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10, type: 'MARKET', product: 'CNC' }));
  const expected = estimateCharges({ symbol: 'NSE:INFY', side: 'BUY', quantity: 10, price, product: 'CNC' }).total;
  expect(expected).toBeGreaterThan(0);
  expect(charged.message).toMatch(new RegExp(`^Filled 10 at ${price}\\. Estimated charges ${expected.toFixed(2)} INR \\(STT `));
  const after = await w.g.ok('paper:account');
  expect(after.cash).toBeCloseTo(before - 10 * price - expected, 2);
  expect(after.realizedPnl).toBeCloseTo(-expected, 2);

  await w.g.ok('settings:set', { paperChargesEstimate: false });
  const again = await placeOk(w.g, ticket({ symbol: 'NSE:INFY', side: 'BUY', quantity: 1, type: 'MARKET', product: 'CNC' }));
  expect(again.message).toBe(`Filled 1 at ${price}.`);
});
