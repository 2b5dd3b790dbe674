import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LaneRecorder } from '../support/trading/lane-recorder';
import {
  connectSim,
  goLive,
  makeTradingWorld,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  ticketId,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * Which of a live connection's requests take the rate limiter's urgent lane (they pass reads still waiting): the order
 * itself, the price an order waits for, its change, its cancel (the kill switch's too). Display reads do not.
 */
let w: TradingWorld;
let alpaca: TradingSim;
let lanes: LaneRecorder;
beforeAll(async () => {
  w = await makeTradingWorld({ rateLimiter: (scheduler) => (lanes = new LaneRecorder(scheduler)) });
  alpaca = await startSim('alpaca', w.clock);
  const { id } = await connectSim(w, alpaca);
  nextWindow(w);
  await goLive(w, id);
});
afterAll(async () => {
  w.g.close();
  await alpaca.close();
});
beforeEach(() => {
  nextWindow(w);
  lanes.entered.length = 0;
});

const isQuote = (r: { path: string }) => r.path.startsWith('/v2/stocks/');
const isOrderWrite = (r: { method: string; path: string }) => r.method !== 'GET' && r.path.startsWith('/v2/orders');

describe('the urgent lane on a live connection (Alpaca simulator)', () => {
  it('a market order held to an order-value limit: its price and its POST are urgent; the quote panel’s read is not', async () => {
    await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: 1_000_000, maxOrdersPerMinute: null });
    await w.g.ok('quotes:get', { symbols: ['US:MSFT'] });
    await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' }));
    await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
    const quotes = lanes.entered.filter(isQuote);
    // An Alpaca quote is two requests (latest trade, latest quote): the panel's two, then the order's two.
    expect(quotes.map((r) => [r.path, r.urgent])).toEqual([
      ['/v2/stocks/trades/latest', false],
      ['/v2/stocks/quotes/latest', false],
      ['/v2/stocks/trades/latest', true],
      ['/v2/stocks/quotes/latest', true],
    ]);
    expect(lanes.entered.filter(isOrderWrite)).toEqual([{ method: 'POST', path: '/v2/orders', urgent: true }]);
  });

  it('a confirmed change and a cancel are urgent; reading the order book is not', async () => {
    const order = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: 1 }));
    const r = { orderId: order.id, requestId: ticketId('mod'), change: { limitPrice: 1.5 } };
    const held = await w.g.ok('orders:modify', r);
    if (held.status !== 'needs-confirmation') throw new Error(`expected a confirmation, got ${JSON.stringify(held)}`);
    expect(await w.g.ok('orders:modify', { ...r, confirmationId: held.confirmationId })).toMatchObject({ status: 'modified' });
    await w.g.ok('orders:refresh');
    await w.g.ok('orders:cancel', { orderId: order.id });
    const writes = lanes.entered.filter(isOrderWrite);
    expect(writes.map((x) => [x.method, x.urgent])).toEqual([
      ['POST', true],
      ['PATCH', true],
      ['DELETE', true],
    ]);
    const reads = lanes.entered.filter((x) => x.method === 'GET' && x.path.startsWith('/v2/orders'));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((x) => !x.urgent)).toBe(true);
  });

  it('the kill switch’s cancels are urgent', async () => {
    await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    lanes.entered.length = 0;
    await w.g.ok('killswitch:engage', { closePositions: false });
    const cancels = lanes.entered.filter((x) => x.method === 'DELETE');
    expect(cancels.length).toBeGreaterThan(0);
    expect(cancels.every((x) => x.urgent)).toBe(true);
  });
});
