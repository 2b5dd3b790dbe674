import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/shared/schemas';
import { randomUUID } from 'node:crypto';
import { kiteTag } from '../../src/main/brokers/zerodha/mapping';
import { InstrumentsRepo } from '../../src/main/store/instruments-repo';
import {
  auditOf,
  connectSim,
  drive,
  goLive,
  journal,
  makeTradingWorld,
  nextWindow,
  startSim,
  ticket,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * Orders above the exchange's freeze quantity (NSE index derivatives) through orders:place: split into slices
 * of whole lots at most the freeze quantity, each through the one order path under one parent id, never sent
 * twice on a retry, and stopped by a failed slice or the kill switch.
 */

const NIFTY = 'NFO:NIFTY26JANFUT';
const LOT = 65;
let w: TradingWorld;

beforeAll(async () => {
  w = await makeTradingWorld();
  // The lot size comes from a cached instrument master (any broker's serves paper orders).
  new InstrumentsRepo(w.g.services.db).replace(
    'zerodha',
    [{ symbol: NIFTY, exchange: 'NFO', brokerSymbol: 'NIFTY26JANFUT', token: '1', name: 'NIFTY', lotSize: LOT, tickSize: 0.05, segment: 'NFO-FUT' }],
    '2026-12-07',
    w.clock.now(),
  );
});
afterAll(() => w.g.close());
beforeEach(async () => {
  nextWindow(w);
  await w.g.ok('paper:reset', { startingCash: 1e9 });
});

const split = async (t: ReturnType<typeof ticket>) => {
  const result = await w.g.ok('orders:place', t);
  if (result.status !== 'placed' || !result.split) throw new Error(`expected a split order, got ${JSON.stringify(result)}`);
  return result.split;
};
const slicesOf = async (parentId: string) => (await journal(w.g)).filter((o) => o.parentId === parentId);

describe('an order above the freeze quantity', () => {
  it('is split into whole-lot slices at most the freeze quantity, all journaled and audited under one parent', async () => {
    // A UUID ticket id, as the order ticket makes one.
    const t = ticket({ ticketId: randomUUID(), symbol: NIFTY, side: 'BUY', quantity: 60 * LOT, type: 'MARKET', product: 'NRML' });
    const result = await split(t);
    expect(result).toMatchObject({ parentId: t.ticketId, slices: 3, stopped: null });
    expect(result.orders.map((o) => o.quantity)).toEqual([1755, 1755, 390]);
    for (const o of result.orders) expect(o).toMatchObject({ parentId: t.ticketId, state: 'FILLED', mode: 'paper', product: 'NRML' });
    expect(new Set(result.orders.map((o) => o.clientOrderId)).size).toBe(3);
    // Still three orders once a broker cuts the id down: Kite keeps a tag's first 20 letters and digits.
    expect(new Set(result.orders.map((o) => kiteTag(o.clientOrderId))).size).toBe(3);
    expect((await slicesOf(t.ticketId)).length).toBe(3);
    const submits = (await auditOf(w.g, 'order.submit')).filter((e) => e.detail.parentId === t.ticketId);
    expect(submits.map((e) => e.detail.quantity).sort()).toEqual([1755, 1755, 390].sort());
  });

  it('a retry of the same ticket sends nothing again: the same slices come back', async () => {
    const t = ticket({ symbol: NIFTY, side: 'BUY', quantity: 30 * LOT, type: 'MARKET' });
    const first = await split(t);
    const paperBefore = (await w.g.ok('paper:account', {})).cash;
    nextWindow(w);
    const again = await split(t);
    expect(again.orders.map((o) => o.id)).toEqual(first.orders.map((o) => o.id));
    expect((await slicesOf(t.ticketId)).length).toBe(2);
    expect((await w.g.ok('paper:account', {})).cash).toBe(paperBefore);
  });

  it('an order at the freeze quantity or another exchange is sent whole', async () => {
    const whole = await w.g.ok('orders:place', ticket({ symbol: NIFTY, side: 'BUY', quantity: 1755, type: 'MARKET' }));
    expect(whole).toMatchObject({ status: 'placed', order: { quantity: 1755, parentId: null } });
    expect(whole.status === 'placed' && whole.split).toBeUndefined();
  });

  it('a quantity that is not whole lots is refused in words and changes nothing', async () => {
    const before = (await journal(w.g)).length;
    const result = await w.g.call('orders:place', ticket({ symbol: NIFTY, side: 'BUY', quantity: 1900, type: 'MARKET' }));
    expect(result.ok === false && result.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/not a whole number of lots \(lot size 65\)/),
    });
    expect((await journal(w.g)).length).toBe(before);
  });

  it('a failed slice stops the rest and says so', async () => {
    // Cash for one resting slice (1755 at 1) but not for a second.
    await w.g.ok('paper:reset', { startingCash: 2000 });
    const t = ticket({ symbol: NIFTY, side: 'BUY', quantity: 60 * LOT, type: 'LIMIT', limitPrice: 1 });
    const result = await split(t);
    expect(result.orders.map((o) => o.state)).toEqual(['OPEN', 'REJECTED']);
    expect(result.stopped).toMatch(/^Slice 2 of 3 is rejected: Insufficient cash.*The remaining 1 were not sent\.$/);
    expect((await slicesOf(t.ticketId)).length).toBe(2);
  });

  it('the kill switch engaged during a split stops the remaining slices', async () => {
    const t = ticket({ symbol: NIFTY, side: 'BUY', quantity: 60 * LOT, type: 'MARKET' });
    let engaged: Promise<unknown> | null = null;
    const sub = w.g.services.trading.orders.onDidChange((o: OrderView) => {
      // The trader presses the kill switch the moment the first slice has filled.
      if (o.parentId === t.ticketId && o.state === 'FILLED' && !engaged) engaged = w.g.services.trading.killSwitch.engage(false);
    });
    try {
      const result = await split(t);
      expect(result.orders.length).toBe(1);
      expect(result.stopped).toBe('The kill switch was engaged: the remaining 2 of 3 slices were not sent.');
      await engaged;
      expect((await slicesOf(t.ticketId)).length).toBe(1);
    } finally {
      sub.dispose();
    }
  });
});

describe('live on Angel One: a split whose slice answer is lost', () => {
  const FUT = 'NFO:NIFTY27JAN26FUT';
  const PLACE = (r: { method: string; url: URL }) => r.method === 'POST' && r.url.pathname.endsWith('/order/v1/placeOrder');
  let angel: TradingSim;

  beforeAll(async () => {
    angel = await startSim('angel-one', w.clock);
    const id = (await connectSim(w, angel)).id;
    // The search downloads Angel One's instrument master, which holds the contract's lot size (75).
    await w.g.ok('instruments:search', { connectionId: id, query: 'NIFTY' });
    nextWindow(w);
    await w.g.ok('connections:validate', { id });
    // The paper kill-switch test above locked live: the trader unlocks it.
    await w.g.ok('mode:unlock');
    await goLive(w, id);
  });
  afterAll(async () => {
    w.net.clear();
    await w.g.ok('mode:goPaper');
    await angel.close();
  });

  it('is looked up, not resent: every slice once at the broker, and a retry of the ticket sends nothing', async () => {
    const atBroker = () => angel.exchange.list().length;
    const posts = () => w.net.sent.filter((r) => r.method === 'POST' && r.url.endsWith('/order/v1/placeOrder')).length;
    const [brokerBefore, postsBefore] = [atBroker(), posts()];
    // The second slice reaches the broker but its answer is lost.
    let seen = 0;
    w.net.add((r) => (PLACE(r) && ++seen === 2 ? 'after' : null));
    // A resting limit far below the market: the simulator's funds cover it, and each slice stays OPEN.
    const t = ticket({ symbol: FUT, side: 'BUY', quantity: 60 * 75, type: 'LIMIT', limitPrice: 10, product: 'NRML' });
    const result = await drive(w, split(t));
    expect(result.orders.map((o) => o.quantity)).toEqual([1800, 1800, 900]);
    expect(result.stopped).toBeNull();
    for (const o of result.orders) expect(o).toMatchObject({ mode: 'live', parentId: t.ticketId, brokerOrderId: expect.any(String) });
    expect(atBroker() - brokerBefore).toBe(3);
    expect(posts() - postsBefore).toBe(3);
    // The second slice's outcome was unknown for a moment, then found at the broker by its client order id.
    const second = (await auditOf(w.g, 'order.update')).filter((e) => e.detail.orderId === result.orders[1]!.id).map((e) => e.detail.state);
    expect(second).toContain('UNKNOWN');

    w.net.clear();
    nextWindow(w);
    const again = await drive(w, split(t));
    expect(again.orders.map((o) => o.id)).toEqual(result.orders.map((o) => o.id));
    expect(atBroker() - brokerBefore).toBe(3);
    expect(posts() - postsBefore).toBe(3);
  });
});
