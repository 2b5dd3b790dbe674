import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceAt } from '../simulators/exchange';
import {
  auditOf,
  connectSim,
  goLive,
  journal,
  makeTradingWorld,
  MINUTE,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * Start-up reconciliation: orders whose outcome was unknown, or that were still working, when the app
 * stopped are settled from the broker's order book on the next start. And the journal's audit trail.
 */

let w: TradingWorld;
let alpaca: TradingSim;
let connectionId: string;

beforeAll(async () => {
  w = await makeTradingWorld();
  alpaca = await startSim('alpaca', w.clock);
  connectionId = (await connectSim(w, alpaca)).id;
  await goLive(w, connectionId);
});
afterAll(async () => {
  w.g.close();
  await alpaca.close();
});

const POST = (r: { method: string; url: URL }) => r.method === 'POST' && r.url.pathname === '/v2/orders';
const READS = (r: { method: string; url: URL }) => r.method === 'GET' && r.url.pathname.startsWith('/v2/orders');

/** The first minute after `from` at which AAPL trades at or below `level` at the simulator. */
function firstMinuteAtOrBelow(level: number, from: number): number {
  for (let t = from + MINUTE; t < from + 60 * MINUTE; t += MINUTE) if (priceAt('AAPL', t) <= level) return t;
  throw new Error(`AAPL never reaches ${level}`);
}

describe('after a restart', () => {
  const ids: Record<string, string> = {};
  let fillsAt = 0;

  it('before: one order of unknown outcome, one working limit order', async () => {
    // The answer to the POST is lost and every lookup fails: the outcome is unknown when the app stops.
    w.net.add((r) => (POST(r) ? 'after' : null));
    w.net.add((r) => (READS(r) ? 'before' : null));
    const unknown = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 3, type: 'MARKET' }));
    expect(unknown).toMatchObject({ state: 'UNKNOWN', brokerOrderId: null });
    ids.unknown = unknown.id;
    w.net.clear();

    nextWindow(w);
    const now = w.clock.now();
    const limit = Math.round(priceAt('AAPL', now) * 0.99 * 100) / 100;
    fillsAt = firstMinuteAtOrBelow(limit, now);
    const working = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: limit }));
    expect(working.state).toBe('OPEN');
    ids.working = working.id;
    expect(alpaca.exchange.list().length).toBe(2);
  });

  it('settles both from the broker on start', async () => {
    // Closed while the limit price is reached at the broker.
    w.g.close();
    w.clock.set(fillsAt + MINUTE);
    const g = await w.restart();
    const stale = await journal(g);
    expect(stale.find((o) => o.id === ids.unknown)?.state).toBe('UNKNOWN');
    expect(stale.find((o) => o.id === ids.working)?.state).toBe('OPEN');

    await g.services.start();
    const settled = await journal(g);
    const [market, limit] = alpaca.exchange.list().sort((a, b) => a.id.localeCompare(b.id));
    expect(settled.find((o) => o.id === ids.unknown)).toMatchObject({
      state: 'FILLED',
      brokerOrderId: market!.id,
      filledQuantity: 3,
      averagePrice: market!.averagePrice,
    });
    expect(settled.find((o) => o.id === ids.working)).toMatchObject({
      state: 'FILLED',
      brokerOrderId: limit!.id,
      filledQuantity: 2,
      averagePrice: limit!.averagePrice,
    });
    // Still live on the same connection, and still one order per ticket at the broker.
    expect((await g.ok('mode:get')).live?.connectionId).toBe(connectionId);
    expect(alpaca.exchange.list().length).toBe(2);
  });

  it('an order the app stopped while sending is checked, then called not placed when the broker has none', async () => {
    w.net.add((r) => (POST(r) ? 'hang' : null));
    const t = ticket({ symbol: 'US:AAPL', side: 'SELL', quantity: 1, type: 'MARKET' });
    void w.g.call('orders:place', t);
    await w.scheduler.settle();
    const sent = (await journal(w.g)).find((o) => o.clientOrderId === `bv-${t.ticketId}`)!;
    expect(sent).toMatchObject({ state: 'PENDING', brokerOrderId: null });
    // Still in flight: a refresh leaves it to its placement.
    expect((await w.g.ok('orders:refresh')).find((o) => o.id === sent.id)?.state).toBe('PENDING');

    // The app stops mid-send (the POST never left) and starts again.
    await w.restart();
    w.net.clear();
    nextWindow(w);
    await w.g.services.start();
    expect((await journal(w.g)).find((o) => o.id === sent.id)).toMatchObject({ state: 'UNKNOWN', message: expect.stringMatching(/stopped before/) });
    // Retrying the ticket does not send it again: it is still being checked.
    expect(await w.g.ok('orders:place', t)).toMatchObject({ status: 'placed', order: { id: sent.id, state: 'UNKNOWN' } });
    w.clock.advance(3 * MINUTE);
    const settled = (await w.g.ok('orders:refresh')).find((o) => o.id === sent.id);
    expect(settled).toMatchObject({ state: 'REJECTED', message: expect.stringMatching(/no record/) });
    expect(alpaca.exchange.list().filter((o) => o.clientOrderId === `bv-${t.ticketId}`)).toEqual([]);
  });

  it('keeps going when a journaled connection was deleted', async () => {
    const open = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    expect(open.state).toBe('OPEN');
    await w.g.ok('connections:delete', { id: connectionId });
    expect((await w.g.ok('mode:get')).mode).toBe('paper');
    // The refresh (and the tick) still work: the paper side and the rest are brought up to date.
    const paper = await placeOk(w.g, ticket({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 }));
    const refreshed = await w.g.ok('orders:refresh');
    expect(refreshed.find((o) => o.id === paper.id)?.state).toBe('OPEN');
    await w.g.services.trading.tick();
    await w.restart();
    await w.g.services.start();
    expect((await journal(w.g)).find((o) => o.id === open.id)?.state).toBe('OPEN');
  });
});

describe('the journal and the audit trail', () => {
  it('audits every submit, every state change, every cancel and every mode switch; the chain verifies', async () => {
    const orders = await journal(w.g);
    const submits = await auditOf(w.g, 'order.submit');
    const updates = await auditOf(w.g, 'order.update');
    for (const order of orders) {
      expect(
        submits.filter((e) => e.detail.orderId === order.id),
        order.id,
      ).toHaveLength(1);
      // The newest update of each order is the state the journal shows (orders still PENDING have none).
      const last = updates.find((e) => e.detail.orderId === order.id);
      if (order.state !== 'PENDING') expect(last?.detail.state, order.id).toBe(order.state);
    }
    expect(submits.find((e) => e.detail.orderId === orders.find((o) => o.mode === 'live')!.id)).toMatchObject({
      connectionId,
      detail: { mode: 'live', symbol: 'US:AAPL', side: 'BUY', source: 'ui', type: expect.any(String), quantity: expect.any(Number) },
    });
    const unknown = updates.filter((e) => e.detail.state === 'UNKNOWN');
    expect(unknown.length).toBeGreaterThan(0);

    const paper = orders.find((o) => o.mode === 'paper' && o.state === 'OPEN')!;
    await w.g.ok('orders:cancel', { orderId: paper.id });
    expect((await auditOf(w.g, 'order.cancel'))[0]).toMatchObject({ connectionId: null, detail: { orderId: paper.id, mode: 'paper' } });
    expect((await auditOf(w.g, 'order.update'))[0]).toMatchObject({ detail: { orderId: paper.id, state: 'CANCELLED' } });
    const again = await w.g.call('orders:cancel', { orderId: paper.id });
    expect(again.ok ? null : again.error.code).toBe('CONFLICT');

    const switches = (await auditOf(w.g, 'mode.switch')).map((e) => [e.detail.from, e.detail.to]);
    expect(switches).toEqual([
      ['live', 'paper'],
      ['paper', 'live'],
    ]);
    expect(await w.g.ok('audit:verify')).toMatchObject({ ok: true });
  });
});
