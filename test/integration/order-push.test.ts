import { afterEach, describe, expect, it } from 'vitest';
import { connectSim, goLive, journal, makeTradingWorld, nextWindow, placeOk, startSim, ticket, type TradingWorld } from '../support/trading/world';

/**
 * Pushed order updates meet the journal: only the connection's own live orders change, a settled order stays
 * settled, a fill count never goes back, and a repeated update writes nothing (no extra audit entry).
 */
describe('order updates pushed by a broker', () => {
  const worlds: TradingWorld[] = [];
  afterEach(() => {
    for (const w of worlds.splice(0)) w.g.close();
  });

  async function restingOrder() {
    const w = await makeTradingWorld();
    worlds.push(w);
    const sim = await startSim('alpaca', w.clock);
    const view = await connectSim(w, sim);
    nextWindow(w);
    await goLive(w, view.id);
    nextWindow(w);
    const order = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 5, type: 'LIMIT', limitPrice: 1 }));
    expect(order.state).toBe('OPEN');
    const orders = w.g.services.trading.orders;
    const audits = async () => (await w.g.ok('audit:list', { limit: 200, action: 'order.update' })).entries.length;
    return { w, sim, view, order, orders, audits };
  }

  it('applies the broker’s new state at once, and refuses to go back', async () => {
    const { w, sim, view, order, orders, audits } = await restingOrder();
    try {
      const at = w.clock.now();
      expect(orders.applyPushed(view.id, { brokerOrderId: order.brokerOrderId!, state: 'PARTIALLY_FILLED', filledQuantity: 3, averagePrice: 1, ts: at })).toBe(
        true,
      );
      const before = await audits();
      // The same update again, and an older one with fewer filled: nothing is written.
      expect(orders.applyPushed(view.id, { brokerOrderId: order.brokerOrderId!, state: 'PARTIALLY_FILLED', filledQuantity: 3, ts: at })).toBe(false);
      expect(orders.applyPushed(view.id, { brokerOrderId: order.brokerOrderId!, state: 'OPEN', filledQuantity: 1, ts: at - 1 })).toBe(false);
      expect(await audits()).toBe(before);
      expect(orders.applyPushed(view.id, { brokerOrderId: order.brokerOrderId!, state: 'FILLED', filledQuantity: 5, averagePrice: 1, ts: at + 1 })).toBe(true);
      // Settled: a late "open" cannot reopen it.
      expect(orders.applyPushed(view.id, { brokerOrderId: order.brokerOrderId!, state: 'OPEN', ts: at + 2 })).toBe(false);
      const [journaled] = await journal(w.g);
      expect(journaled).toMatchObject({ id: order.id, state: 'FILLED', filledQuantity: 5, averagePrice: 1 });
    } finally {
      await sim.close();
    }
  });

  it('an update for another connection’s order, or an order the journal never placed, changes nothing', async () => {
    const { w, sim, view, order, orders } = await restingOrder();
    try {
      expect(orders.applyPushed('some-other-connection', { brokerOrderId: order.brokerOrderId!, state: 'CANCELLED', ts: 1 })).toBe(false);
      expect(orders.applyPushed(view.id, { brokerOrderId: 'placed-in-the-brokers-own-app', state: 'FILLED', ts: 1 })).toBe(false);
      expect((await journal(w.g)).map((o) => o.state)).toEqual(['OPEN']);
    } finally {
      await sim.close();
    }
  });
});
