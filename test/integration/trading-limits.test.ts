import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrderTicket } from '../../src/shared/schemas';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { journal, makeTradingWorld, MINUTE, ticket, type TradingWorld } from '../support/trading/world';

/** Pre-trade limits: an order above one is held for a confirmation that is bound to its ticket and expires. */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());

const LIMITS = { maxQuantity: 100, maxOrderValue: 50_000, maxOrdersPerMinute: null };

/** Place and expect a hold: returns the confirmation id and the reasons. */
async function held(t: OrderTicket): Promise<{ confirmationId: string; reasons: string[] }> {
  const before = (await journal(w.g)).length;
  const result = await w.g.ok('orders:place', t);
  if (result.status !== 'needs-confirmation') throw new Error(`expected a hold, got ${JSON.stringify(result)}`);
  // Nothing is journaled or sent for a held order.
  expect((await journal(w.g)).length).toBe(before);
  return result;
}

async function placed(t: OrderTicket) {
  const result = await w.g.ok('orders:place', t);
  expect(result.status).toBe('placed');
  return result.status === 'placed' ? result.order : null;
}

beforeEach(async () => {
  // A fresh minute for the orders-per-minute count.
  w.clock.advance(2 * MINUTE);
  await w.g.ok('limits:set', LIMITS);
});

describe('limits', () => {
  it('start empty, are saved and read back', async () => {
    const fresh = await makeTradingWorld();
    expect(await fresh.g.ok('limits:get')).toEqual({ maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
    fresh.g.close();
    expect(await w.g.ok('limits:get')).toEqual(LIMITS);
    const bad = await w.g.call('limits:set', { maxQuantity: -1, maxOrderValue: null, maxOrdersPerMinute: null });
    expect(bad.ok ? null : bad.error.code).toBe('INVALID_INPUT');
  });

  it('holds an order above the max quantity; the confirmation for that ticket lets it through', async () => {
    const t = ticket({ symbol: 'NSE:IDEA', side: 'BUY', quantity: 150, type: 'LIMIT', limitPrice: 1 });
    const hold = await held(t);
    expect(hold.reasons).toEqual(['Quantity 150 is above your limit of 100.']);
    const order = await placed({ ...t, confirmationId: hold.confirmationId });
    expect(order).toMatchObject({ quantity: 150, state: 'OPEN', clientOrderId: `bv-${t.ticketId}` });
  });

  it('holds an order above the max order value (limit price, or the market price for a market order)', async () => {
    const limit = ticket({ symbol: 'NSE:IDEA', side: 'BUY', quantity: 10, type: 'LIMIT', limitPrice: 6_000 });
    expect((await held(limit)).reasons).toEqual(['Order value 60000.00 is above your limit of 50000.']);

    // A market order is valued at the current price.
    const symbol = ['NSE:MRF', 'NSE:TCS', 'NSE:INFY', 'NSE:SBIN', 'NSE:LT'].find((s) => simulatedPriceAt(s, w.clock.now()) > 1_000)!;
    const price = simulatedPriceAt(symbol, w.clock.now());
    const quantity = Math.ceil(50_000 / price) + 1;
    const market = ticket({ symbol, side: 'BUY', quantity, type: 'MARKET' });
    const hold = await held(market);
    expect(hold.reasons).toEqual([`Order value ${(quantity * price).toFixed(2)} is above your limit of 50000.`]);
    expect(await placed({ ...market, confirmationId: hold.confirmationId })).toMatchObject({ state: 'FILLED' });
  });

  it('holds the order after the max orders per minute', async () => {
    await w.g.ok('limits:set', { ...LIMITS, maxOrdersPerMinute: 2 });
    const small = () => ticket({ symbol: 'NSE:IDEA', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 });
    await placed(small());
    w.clock.advance(10_000);
    await placed(small());
    const third = small();
    expect((await held(third)).reasons).toEqual(['You have placed 2 orders in the last minute; your limit is 2.']);
    // A minute after the first, the window has room again.
    w.clock.advance(51_000);
    await placed(third);
  });

  it('does not accept a confirmation issued for another ticket', async () => {
    const a = ticket({ symbol: 'NSE:IDEA', side: 'BUY', quantity: 200, type: 'LIMIT', limitPrice: 1 });
    const b = ticket({ symbol: 'NSE:IDEA', side: 'BUY', quantity: 200, type: 'LIMIT', limitPrice: 1 });
    const holdA = await held(a);
    await held({ ...b, confirmationId: holdA.confirmationId });
  });

  it('does not accept an expired confirmation, nor one used already', async () => {
    const t = ticket({ symbol: 'NSE:IDEA', side: 'BUY', quantity: 300, type: 'LIMIT', limitPrice: 1 });
    const hold = await held(t);
    w.clock.advance(61_000);
    const again = await held({ ...t, confirmationId: hold.confirmationId });
    expect(again.confirmationId).not.toBe(hold.confirmationId);
    await placed({ ...t, confirmationId: again.confirmationId });
    // Used: a new ticket cannot reuse it.
    await held({ ...t, ticketId: `${t.ticketId}-2`, confirmationId: again.confirmationId });
  });

  it('lets orders within the limits through without asking', async () => {
    await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
    expect(await placed(ticket({ symbol: 'NSE:IDEA', side: 'BUY', quantity: 5_000, type: 'LIMIT', limitPrice: 1 }))).toMatchObject({ state: 'OPEN' });
  });
});
